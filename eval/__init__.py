"""Evaluation of newsstance models: benchmarks, baselines, probes, calibration and reports.

Importing the package loads nothing; the names below load their module on first use, so that
``newsstance.training`` can read the corpora and compute metrics without the harness.
"""

from __future__ import annotations

__all__ = ["BENCHMARKS", "bootstrap_ci", "calibration", "classification_metrics", "evaluate", "load_benchmark"]


def __getattr__(name: str):
    if name in ("BENCHMARKS", "load_benchmark"):
        from . import benchmarks

        return getattr(benchmarks, name)
    if name in ("bootstrap_ci", "calibration", "classification_metrics"):
        from . import metrics

        return getattr(metrics, name)
    if name == "evaluate":
        from . import harness

        return harness.evaluate
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
