"""Score a predictor on labelled examples: the one loop behind training's dev figures, the
evaluation harness, the backend accuracy check and the speed benchmark.

A predictor is anything with ``classify_many(items, batch_size=...) -> list[Stance]``: a
:class:`~newsstance.classifier.StanceClassifier` on any backend, or a baseline.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from newsstance.stance import Stance

from .corpora import Example
from .metrics import classification_metrics


@dataclass(frozen=True)
class Predictions:
    stances: list[Stance]
    seconds: float  # the timed pass alone, after any warm-up

    @property
    def labels(self) -> list[str]:
        return [s.label for s in self.stances]

    @property
    def examples_per_s(self) -> float:
        return len(self.stances) / self.seconds if self.seconds > 0 else float("inf")


def predict(model: Any, examples: Sequence[Example], batch_size: int = 32, warm_up: int = 0) -> Predictions:
    """``model``'s stance for every example, in order; ``warm_up`` examples run first, untimed."""
    items = [(e.text, list(e.spans)) for e in examples]
    if warm_up:
        model.classify_many(items[:warm_up], batch_size=batch_size)
    started = time.perf_counter()
    stances = model.classify_many(items, batch_size=batch_size)
    return Predictions(stances, time.perf_counter() - started)


def score(
    model: Any, examples: Sequence[Example], batch_size: int = 32, warm_up: int = 0
) -> tuple[dict[str, Any], Predictions]:
    """The metrics of :func:`~newsstance.eval.metrics.classification_metrics` for ``model`` on
    ``examples``, and the predictions they were computed from."""
    predictions = predict(model, examples, batch_size, warm_up)
    return classification_metrics([e.label for e in examples], predictions.labels), predictions
