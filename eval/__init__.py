"""Evaluation of newsstance models: metrics, benchmarks and reports."""

from .metrics import classification_metrics

__all__ = ["classification_metrics"]
