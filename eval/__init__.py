"""Evaluation of newsstance models: benchmarks, baselines, probes, calibration and reports."""

from .benchmarks import BENCHMARKS, load_benchmark
from .harness import evaluate
from .metrics import bootstrap_ci, calibration, classification_metrics

__all__ = ["BENCHMARKS", "bootstrap_ci", "calibration", "classification_metrics", "evaluate", "load_benchmark"]
