"""`newsstance export`: check an inference backend against float32 PyTorch and record the result
in the model directory, where ``backend="auto"`` reads it.

The check (the project's accuracy contract for a faster backend): labels agree with the
``torch`` backend on at least 99% of NewsMTSC test-rw, and F1m stays within 0.5 points of it on
test-rw and test-mt. It verifies a backend; it selects nothing, so it may look at test data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

from newsstance.settings import ModelSettings, file_sha256, library_versions

from .benchmarks import load_benchmark
from .metrics import classification_metrics
from .predict import predict

CHECK = {"agreement_benchmark": "newsmtsc-test-rw", "min_agreement": 0.99, "max_f1m_drop": 0.005}
BENCHMARKS = ("newsmtsc-test-rw", "newsmtsc-test-mt")


def passes_check(results: dict[str, dict[str, Any]], check: dict[str, Any] = CHECK) -> bool:
    """Labels agree with ``torch`` on enough of the agreement benchmark, and F1m drops by at
    most the allowed amount on every benchmark."""
    agreement = results[check["agreement_benchmark"]]["agreement"]
    drops = [r["f1m_torch"] - r["f1m"] for r in results.values()]
    return agreement >= check["min_agreement"] and all(drop <= check["max_f1m_drop"] for drop in drops)


def export(
    model_dir: str | Path, backend: str, data_dir: str | Path | None = None, batch_size: int = 32
) -> dict[str, Any]:
    """Score ``backend`` against ``torch`` on the check's benchmarks and save the record."""
    import newsstance

    model_dir = Path(model_dir)
    if backend in ("torch", "auto"):
        raise ValueError(f"nothing to export for backend {backend!r}; choose an optimised one, e.g. onnx-int8")
    artefact = {}
    if backend.startswith("onnx"):
        from newsstance.backends.onnx import export_onnx

        path = export_onnx(model_dir, backend)
        artefact = {"file": path.name, "sha256": file_sha256(path), "mb": round(path.stat().st_size / 2**20, 1)}
    reference = newsstance.load(model_dir, device="cpu", backend="torch")
    candidate = newsstance.load(model_dir, device="cpu", backend=backend)
    results = {}
    for name in BENCHMARKS:
        bench = load_benchmark(name, data_dir)
        ref = predict(reference, bench.examples, batch_size).labels
        got = predict(candidate, bench.examples, batch_size).labels
        results[name] = {
            "n": len(ref),
            "agreement": sum(a == b for a, b in zip(ref, got)) / len(ref),
            "f1m_torch": classification_metrics(bench.gold, ref)["f1m"],
            "f1m": classification_metrics(bench.gold, got)["f1m"],
            "data_sha256": bench.sha256,
        }
    passed = passes_check(results)
    record = {
        "passed": passed,
        "check": CHECK,
        "results": results,
        **({"artefact": artefact} if artefact else {}),
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "versions": library_versions(),
    }
    settings = ModelSettings.load(model_dir)
    backends = {**settings.backends, backend: record}
    dataclasses.replace(settings, backends=backends).save(model_dir)
    return record
