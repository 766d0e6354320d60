"""Temperature scaling: one number, fitted on dev, that makes a model's probabilities honest.

    python -m newsstance.eval.calibrate --model model/default            # fit and report, write nothing
    python -m newsstance.eval.calibrate --model model/default --write    # store it in newsstance.json

The temperature T divides the logits before the softmax (Guo et al., 2017). It leaves every
label as it was (the argmax does not move) and only changes how sure the model says it is. T is
the value that minimises the negative log-likelihood of the gold labels on NewsMTSC dev-rw and
dev-mt (``--fit-on`` names others); NewsTSC's held-out dev part, when present, is reported beside
them. Test sets are never read here. ``newsstance evaluate`` then reports each benchmark's ECE
with the stored T.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from newsstance.stance import LABELS

from .benchmarks import load_benchmark
from .metrics import calibration

DEV_BENCHMARKS = ("newsmtsc-dev-rw", "newsmtsc-dev-mt", "newstsc-dev")
FIT_ON = ("newsmtsc-dev-rw", "newsmtsc-dev-mt")
GRID = np.exp(np.linspace(math.log(0.25), math.log(8.0), 1201))
"""Candidate temperatures, evenly spaced in log space (steps of 0.3%)."""


def _log_softmax(log_probs: np.ndarray, temperature: float) -> np.ndarray:
    z = log_probs / temperature
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def nll(log_probs: np.ndarray, gold: np.ndarray, temperature: float) -> float:
    """Mean negative log-likelihood of ``gold`` under ``softmax(log_probs / temperature)``.

    ``log_probs`` may be log-softmax outputs instead of logits: they differ by a constant per
    row, which the softmax ignores at any temperature."""
    return float(-np.mean(_log_softmax(log_probs, temperature)[np.arange(len(gold)), gold]))


def fit_temperature(log_probs: np.ndarray, gold: np.ndarray) -> float:
    """The temperature on :data:`GRID` with the lowest dev NLL."""
    if len(gold) == 0:
        raise ValueError("no dev examples to fit a temperature on; pass --data-dir with the NewsMTSC dev files")
    losses = [nll(log_probs, gold, t) for t in GRID]
    return float(GRID[int(np.argmin(losses))])


def _probs(log_probs: np.ndarray, temperature: float) -> list[dict[str, float]]:
    return [dict(zip(LABELS, row.tolist())) for row in np.exp(_log_softmax(log_probs, temperature))]


def dev_predictions(clf: Any, names: Sequence[str], data_dir: str | Path, batch_size: int = 64):
    """Per dev benchmark found under ``data_dir``: ``(log-probabilities at T = 1, gold indexes)``,
    whatever temperature ``clf`` has now."""
    found = {}
    for name in names:
        try:
            bench = load_benchmark(name, data_dir)
        except FileNotFoundError:
            continue
        stances = clf.classify_many([(e.text, list(e.spans)) for e in bench.examples], batch_size=batch_size)
        probs = np.array([[s.probs[label] for label in LABELS] for s in stances], dtype=np.float64)
        # T * log softmax(logits / T) differs from the logits by a constant per row: the same at T = 1
        log_probs = clf.settings.temperature * np.log(np.clip(probs, 1e-30, 1.0))
        found[name] = (log_probs, np.array([LABELS.index(g) for g in bench.gold]))
    if not found:
        raise FileNotFoundError(f"none of the dev sets {list(names)} is under {data_dir}; pass --data-dir")
    return found


def report(per_set: dict[str, tuple[np.ndarray, np.ndarray]], temperature: float) -> dict[str, Any]:
    """NLL and ECE of every dev set at T = 1 and at ``temperature``."""
    out = {}
    for name, (log_probs, gold) in per_set.items():
        labels = [LABELS[g] for g in gold]
        out[name] = {
            "n": len(gold),
            "nll": {"1.0": nll(log_probs, gold, 1.0), "fitted": nll(log_probs, gold, temperature)},
            "ece": {
                "1.0": calibration(labels, _probs(log_probs, 1.0))["ece"],
                "fitted": calibration(labels, _probs(log_probs, temperature))["ece"],
            },
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="default", help="default, or a model directory")
    parser.add_argument("--data-dir", default="../shared/data", help="folder holding newsmtsc/ (and newstsc/)")
    parser.add_argument("--fit-on", nargs="+", default=list(FIT_ON), help="dev sets to fit on")
    parser.add_argument("--backend", default="torch", help="the backend whose logits are fitted (float32 torch)")
    parser.add_argument("--write", action="store_true", help="store the temperature in the model's newsstance.json")
    args = parser.parse_args(argv)
    if any(name not in DEV_BENCHMARKS for name in args.fit_on):
        parser.error("fit the temperature on dev sets only (newsmtsc-dev-rw, newsmtsc-dev-mt, newstsc-dev)")

    from newsstance import load
    from newsstance.settings import ModelSettings, default_model_path

    model_dir = default_model_path() if args.model == "default" else Path(args.model)
    clf = load(model_dir, backend=args.backend)
    per_set = dev_predictions(clf, list(dict.fromkeys([*args.fit_on, *DEV_BENCHMARKS])), args.data_dir)
    fit_on = [name for name in args.fit_on if name in per_set]
    if not fit_on:
        parser.error(f"none of {args.fit_on} is under {args.data_dir}; pass --data-dir")
    log_probs = np.concatenate([per_set[name][0] for name in fit_on])
    gold = np.concatenate([per_set[name][1] for name in fit_on])
    temperature = round(fit_temperature(log_probs, gold), 4)
    result = {"temperature": temperature, "fitted_on": fit_on, "dev": report(per_set, temperature)}
    print(json.dumps(result, indent=2))
    if args.write:
        settings = ModelSettings.load(model_dir)
        metrics = {**settings.metrics, "calibration": {**result, "backend": args.backend}}
        replace(settings, temperature=result["temperature"], metrics=metrics).save(model_dir)
        print(f"temperature {result['temperature']} written to {model_dir / 'newsstance.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
