"""Classification metrics, computed by scikit-learn."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from newsstance.stance import LABELS
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)


def classification_metrics(gold: Sequence[str], pred: Sequence[str]) -> dict[str, Any]:
    """F1m (macro-F1 over the three labels: NewsMTSC's primary metric), accuracy, F1 over
    positive and negative only, per-class precision/recall/F1, and the confusion matrix
    (rows gold, columns predicted, in ``LABELS`` order)."""
    if len(gold) != len(pred):
        raise ValueError(f"gold has {len(gold)} labels but pred has {len(pred)}; they must pair up")
    if not gold:
        raise ValueError("no examples to score")
    labels = list(LABELS)
    p, r, f, support = precision_recall_fscore_support(gold, pred, labels=labels, zero_division=0)
    return {
        "n": len(gold),
        "f1m": float(f1_score(gold, pred, labels=labels, average="macro", zero_division=0)),
        "accuracy": float(accuracy_score(gold, pred)),
        "f1_posneg": float(f1_score(gold, pred, labels=["negative", "positive"], average="macro", zero_division=0)),
        "per_class": {
            label: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(support[i])}
            for i, label in enumerate(labels)
        },
        "confusion": confusion_matrix(gold, pred, labels=labels).tolist(),
    }
