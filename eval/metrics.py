"""Classification metrics, computed by scikit-learn."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)

from newsstance.stance import LABELS


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


def bootstrap_ci(
    gold: Sequence[str], pred: Sequence[str], n_resamples: int = 1000, seed: int = 0, level: float = 0.95
) -> dict[str, tuple[float, float]]:
    """Percentile bootstrap confidence intervals for F1m and accuracy (resampling examples)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    gold_a, pred_a = np.asarray(gold), np.asarray(pred)
    f1s, accs = [], []
    for _ in range(n_resamples):
        idx = rng.integers(0, len(gold_a), len(gold_a))
        g, p = gold_a[idx], pred_a[idx]
        f1s.append(f1_score(g, p, labels=list(LABELS), average="macro", zero_division=0))
        accs.append(accuracy_score(g, p))
    lo, hi = (1 - level) / 2 * 100, (1 + level) / 2 * 100
    return {
        "f1m": (float(np.percentile(f1s, lo)), float(np.percentile(f1s, hi))),
        "accuracy": (float(np.percentile(accs, lo)), float(np.percentile(accs, hi))),
    }


def calibration(gold: Sequence[str], probs: Sequence[dict[str, float]], n_bins: int = 15) -> dict[str, Any]:
    """Expected calibration error of the top-class confidence (equal-width bins) and the
    per-bin data of a reliability diagram."""
    import numpy as np

    conf = np.array([max(p.values()) for p in probs])
    correct = np.array([max(p, key=p.get) == g for g, p in zip(gold, probs)], dtype=float)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    bins, ece = [], 0.0
    for b in range(n_bins):
        mask = (conf > edges[b]) & (conf <= edges[b + 1]) if b else (conf >= 0) & (conf <= edges[1])
        if mask.any():
            gap = abs(correct[mask].mean() - conf[mask].mean())
            ece += mask.mean() * gap
            bins.append(
                {
                    "lo": float(edges[b]),
                    "hi": float(edges[b + 1]),
                    "n": int(mask.sum()),
                    "confidence": float(conf[mask].mean()),
                    "accuracy": float(correct[mask].mean()),
                }
            )
    return {"ece": float(ece), "bins": bins, "n_bins": n_bins}
