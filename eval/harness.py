"""The evaluation pipeline: load data, predict, compute metrics, write one report.

Any object with ``classify_many(items, batch_size=...) -> list[Stance]`` can be evaluated:
newsstance models (by directory, or ``default``) and the baselines alike.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from newsstance.settings import file_sha256, library_versions

from . import attributions
from .articles import is_article_benchmark, load_article_benchmark, score_articles
from .baselines import load_baseline
from .benchmarks import Benchmark, load_benchmark
from .metrics import bootstrap_ci, calibration
from .predict import score
from .probes import load_probes, run_probes

logger = logging.getLogger(__name__)

REFERENCE = {
    "model": "GRU-TSC on RoBERTa-base (NewsMTSC paper, EACL 2021)",
    "f1m": {"newsmtsc-test-rw": 0.831, "newsmtsc-test-mt": 0.825},
    "note": "reported in the paper (mean of 5 runs), not measured here",
}
N_ERRORS = 25


def _load_model(spec: str, device: str | None, backend: str = "auto") -> tuple[str, Any, dict[str, Any]]:
    """``spec`` is ``default`` or a directory, optionally with ``@BACKEND`` (``default@onnx-int8``)."""
    import newsstance
    from newsstance.backends import BACKENDS

    where, _, suffix = spec.rpartition("@")
    if where and suffix in BACKENDS:
        spec, backend = where, suffix
    started = time.perf_counter()
    clf = newsstance.load(None if spec == "default" else spec, device=device, backend=backend)
    seconds = time.perf_counter() - started
    path = newsstance.default_model_path() if spec == "default" else Path(spec)
    name = ("default" if spec == "default" else path.name) + (f"@{suffix}" if where and suffix in BACKENDS else "")
    info = {
        "kind": "model",
        "path": str(path),
        "weights_sha256": file_sha256(path / "model.safetensors"),
        "load_seconds": seconds,
        "backend": clf.backend,
        "base_model": clf.settings.base_model,
        "pooling": clf.settings.pooling,
        "encoding": clf.settings.encoding.to_dict(),
    }
    return name, clf, info


def _score(model: Any, bench: Benchmark, batch_size: int, seed: int) -> dict[str, Any]:
    result, predictions = score(model, bench.examples, batch_size, warm_up=batch_size)
    gold, pred, stances = bench.gold, predictions.labels, predictions.stances
    result["ci95"] = bootstrap_ci(gold, pred, seed=seed)
    result["calibration"] = calibration(gold, [s.probs for s in stances])
    result["examples_per_s"] = predictions.examples_per_s
    mistakes = [
        {
            "text": e.text,
            "target": e.target,
            "spans": e.spans,
            "gold": e.label,
            "predicted": s.label,
            "probability": s.probs[s.label],
        }
        for e, s in zip(bench.examples, stances)
        if s.label != e.label
    ]
    result["errors"] = sorted(mistakes, key=lambda m: -m["probability"])[:N_ERRORS]
    return result


def evaluate(
    models: Sequence[str] = ("default",),
    benchmarks: Sequence[str] = ("newsmtsc-test-rw", "newsmtsc-test-mt"),
    baselines: Sequence[str] = (),
    probes: bool = False,
    data_dir: str | Path | None = None,
    out: str | Path | None = None,
    batch_size: int = 32,
    device: str | None = None,
    seed: int = 0,
    backend: str = "auto",
    coreference: bool = True,
) -> dict[str, Any]:
    """Evaluate every model and baseline on every benchmark; write the report when ``out`` is given."""
    if not models and not baselines:
        raise ValueError("nothing to evaluate; give --model and/or --baselines")
    loaded_benchmarks = [load_benchmark(b, data_dir) for b in benchmarks if not is_article_benchmark(b)]
    article_benchmarks = [load_article_benchmark(b) for b in benchmarks if is_article_benchmark(b)]
    if not loaded_benchmarks and not article_benchmarks and not probes:
        raise ValueError("nothing to evaluate on; give --benchmark and/or --probes")
    systems: list[tuple[str, Any, dict[str, Any]]] = [_load_model(m, device, backend) for m in models]
    systems += [(b, load_baseline(b, data_dir), {"kind": "baseline"}) for b in baselines]
    probe_set = load_probes() if probes else []

    report: dict[str, Any] = {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "versions": library_versions(),
        "benchmarks": {
            b.name: {"path": str(b.path), "sha256": b.sha256, "n": len(b.examples)} for b in loaded_benchmarks
        },
        "article_benchmarks": {
            b.name: {"path": str(b.path), "sha256": b.sha256, "articles": len(b.articles)} for b in article_benchmarks
        },
        "reference": REFERENCE,
        "systems": {},
    }
    for name, system, info in systems:
        entry = {**info, "benchmarks": {}}
        for bench in loaded_benchmarks:
            logger.info("evaluating %s on %s (%d examples)", name, bench.name, len(bench.examples))
            entry["benchmarks"][bench.name] = _score(system, bench, batch_size, seed)
        if article_benchmarks:
            entry["articles"] = {}
        for bench in article_benchmarks:
            logger.info("evaluating %s on the %d articles of %s", name, len(bench.articles), bench.name)
            entry["articles"][bench.name] = score_articles(system, bench, batch_size, seed, coreference)
            if bench.name == "seeds" and attributions.FOLDER.is_dir():
                entry["articles"][bench.name]["attributions"] = attributions.measure(system)
        if probe_set:
            entry["probes"] = run_probes(system, probe_set, batch_size)
        report["systems"][name] = entry
    if out is not None:
        from .results import write_results

        write_results(report, Path(out))
    return report


def first_f1m(report: dict[str, Any]) -> float | None:
    """F1m of the first system on the first benchmark (the ``--fail-under`` gate)."""
    for entry in report["systems"].values():
        for result in entry["benchmarks"].values():
            return result["f1m"]
        return None
    return None
