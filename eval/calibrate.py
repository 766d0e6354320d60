"""Temperature scaling: one number, fitted on dev, that makes a model's probabilities honest.

    newsstance calibrate --model model/default            # fit and report, write nothing
    newsstance calibrate --model model/default --write    # store it in newsstance.json

The temperature T divides the logits before the softmax (Guo et al., 2017). It leaves every
label as it was (the argmax does not move) and only changes how sure the model says it is. T is
the value that minimises the negative log-likelihood of the gold labels on NewsMTSC dev-rw and
dev-mt (``--fit-on`` names others); NewsTSC's held-out dev part, when present, is reported beside
them. Test sets are never read here. ``newsstance evaluate`` then reports each benchmark's ECE
with the stored T.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax

from newsstance.stance import LABELS

from .benchmarks import load_benchmark
from .corpora import resolve_data_dir
from .metrics import calibration

DEV_BENCHMARKS = ("newsmtsc-dev-rw", "newsmtsc-dev-mt", "newstsc-dev")
FIT_ON = ("newsmtsc-dev-rw", "newsmtsc-dev-mt")
BOUNDS = (0.05, 20.0)
"""The range a fitted temperature is searched in."""


def nll(logits: np.ndarray, gold: np.ndarray, temperature: float) -> float:
    """Mean negative log-likelihood of ``gold`` under ``softmax(logits / temperature)``.

    Log-softmax outputs give the same value as the logits: they differ by a constant per row,
    which the softmax ignores at any temperature."""
    log_p = log_softmax(np.asarray(logits, dtype=np.float64) / temperature, axis=1)
    return float(-np.mean(log_p[np.arange(len(gold)), gold]))


def fit_temperature(logits: np.ndarray, gold: np.ndarray) -> float:
    """The temperature in :data:`BOUNDS` with the lowest NLL of ``gold``: a bounded 1-D search on
    log T (the NLL is smooth in log T and a temperature is positive)."""
    if len(gold) == 0:
        raise ValueError("no dev examples to fit a temperature on; pass --data-dir with the NewsMTSC dev files")
    logits = np.asarray(logits, dtype=np.float64)
    fit = minimize_scalar(
        lambda log_t: nll(logits, gold, math.exp(log_t)),
        bounds=(math.log(BOUNDS[0]), math.log(BOUNDS[1])),
        method="bounded",
        options={"xatol": 1e-6},
    )
    return math.exp(fit.x)


def _probs(logits: np.ndarray, temperature: float) -> list[dict[str, float]]:
    probs = np.exp(log_softmax(np.asarray(logits, dtype=np.float64) / temperature, axis=1))
    return [dict(zip(LABELS, row.tolist())) for row in probs]


def dev_predictions(clf: Any, names: Sequence[str], data_dir: str | Path, batch_size: int = 64):
    """Per dev benchmark found under ``data_dir``: ``(logits, gold indexes)``; the logits are the
    model's own, before any temperature ``clf`` has now."""
    found = {}
    for name in names:
        try:
            bench = load_benchmark(name, data_dir)
        except FileNotFoundError:
            continue
        logits = clf.logits_many([(e.text, list(e.spans)) for e in bench.examples], batch_size=batch_size)
        found[name] = (logits.astype(np.float64), np.array([LABELS.index(g) for g in bench.gold]))
    if not found:
        raise FileNotFoundError(f"none of the dev sets {list(names)} is under {data_dir}; pass --data-dir")
    return found


def report(per_set: dict[str, tuple[np.ndarray, np.ndarray]], temperature: float) -> dict[str, Any]:
    """NLL and ECE of every dev set at T = 1 and at ``temperature``."""
    out = {}
    for name, (logits, gold) in per_set.items():
        labels = [LABELS[g] for g in gold]
        out[name] = {
            "n": len(gold),
            "nll": {"1.0": nll(logits, gold, 1.0), "fitted": nll(logits, gold, temperature)},
            "ece": {
                "1.0": calibration(labels, _probs(logits, 1.0))["ece"],
                "fitted": calibration(labels, _probs(logits, temperature))["ece"],
            },
        }
    return out


def _model_dir(model: str | Path | None) -> Path:
    from newsstance.settings import default_model_path

    return default_model_path() if model in (None, "default") else Path(model)


def calibrate(
    model: str | Path | None = None,
    data_dir: str | Path | None = None,
    fit_on: Sequence[str] = FIT_ON,
    backend: str = "torch",
    device: str | None = None,
    threads: int | None = None,
) -> dict[str, Any]:
    """Fit the temperature of ``model`` (a directory; None or ``"default"``: the shipped model) on
    the dev sets ``fit_on``; report NLL and ECE before and after on every dev set found."""
    fit_on = list(fit_on)
    if any(name not in DEV_BENCHMARKS for name in fit_on):
        raise ValueError(f"fit the temperature on dev sets only ({', '.join(DEV_BENCHMARKS)}), got {fit_on}")
    from newsstance import load

    clf = load(_model_dir(model), device=device, backend=backend, threads=threads)
    per_set = dev_predictions(clf, list(dict.fromkeys([*fit_on, *DEV_BENCHMARKS])), resolve_data_dir(data_dir))
    found = [name for name in fit_on if name in per_set]
    if not found:
        raise FileNotFoundError(f"none of {fit_on} is under {resolve_data_dir(data_dir)}; pass --data-dir")
    logits = np.concatenate([per_set[name][0] for name in found])
    gold = np.concatenate([per_set[name][1] for name in found])
    temperature = round(fit_temperature(logits, gold), 4)
    return {"temperature": temperature, "fitted_on": found, "dev": report(per_set, temperature)}


def write_temperature(model: str | Path | None, result: dict[str, Any], backend: str = "torch") -> Path:
    """Store :func:`calibrate`'s temperature and figures in the model's settings file; return it."""
    from newsstance.settings import SETTINGS_FILE, ModelSettings

    model_dir = _model_dir(model)
    settings = ModelSettings.load(model_dir)
    metrics = {**settings.metrics, "calibration": {**result, "backend": backend}}
    replace(settings, temperature=result["temperature"], metrics=metrics).save(model_dir)
    return model_dir / SETTINGS_FILE
