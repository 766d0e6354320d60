"""An ensemble of models on sentence benchmarks: each model's F1m, and the F1m of their averaged
probabilities, on the same examples in one run (how a teacher ensemble is chosen on dev).

    newsstance bench ensemble --model runs/teacher/epoch-1 --model runs/teacher \\
        --benchmark newsmtsc-dev-rw newsmtsc-dev-mt newstsc-dev
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from newsstance.stance import LABELS

from .benchmarks import load_benchmark
from .metrics import classification_metrics
from .predict import predict


def compare(models: Sequence[Any], names: Sequence[str], benchmarks: Sequence[str], data_dir=None, batch_size=32):
    """``{benchmark: {name: F1m, ..., "average": F1m}}`` for the models and their mean probabilities."""
    out: dict[str, dict[str, float]] = {}
    for bench in benchmarks:
        b = load_benchmark(bench, data_dir)
        probs = []
        row = {}
        for model, name in zip(models, names):
            stances = predict(model, b.examples, batch_size).stances
            p = np.array([[s.probs[label] for label in LABELS] for s in stances])
            probs.append(p)
            row[name] = classification_metrics(b.gold, [LABELS[i] for i in p.argmax(-1)])["f1m"]
        mean = np.mean(probs, axis=0)
        row["average"] = classification_metrics(b.gold, [LABELS[i] for i in mean.argmax(-1)])["f1m"]
        out[b.name] = row
    return out


def table(result: dict[str, dict[str, float]]) -> str:
    names = list(next(iter(result.values())))
    lines = ["| benchmark | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for bench, row in result.items():
        lines.append(f"| {bench} | " + " | ".join(f"{row[n]:.4f}" for n in names) + " |")
    means = [np.mean([row[n] for row in result.values()]) for n in names]
    lines.append("| mean | " + " | ".join(f"{m:.4f}" for m in means) + " |")
    return "\n".join(lines)


def model_names(paths: Sequence[str]) -> list[str]:
    return ["/".join(Path(p).parts[-2:]) for p in paths]
