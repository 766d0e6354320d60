"""Inference speed of each backend, side by side, on the same inputs, in one run.

    newsstance bench speed [--model DIR ...] [--backends torch auto openvino-int8 onnx-int8] [--threads N]

The output names the CPU (model, cores, and the instruction-set flags that decide which backend
is fast: int8 dot products, bf16), because a ratio holds for its CPU class only, and says
whether ``auto`` (the backend it resolved to, on this CPU) is at least as fast as float32
PyTorch here.

Per model and backend (each in its own process, so that peak memory is its own): model load time,
mentions/s over NewsMTSC test-rw (the median of three passes, after a first pass that is
reported on its own: a long job runs at the former), p50/p95 latency of a single ``classify``, articles/s of the
article pipeline on the seed articles, and peak RSS. A RoBERTa-base-sized classifier (random
weights, ``RobertaConfig()``: the size of the closest peer's backbone) on the same mentions is
the reference line.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from newsstance.backends import cpu

from .bench import peak_rss_mb
from .corpora import resolve_data_dir
from .predict import predict

PASSES = 3
BACKENDS = ("torch", "auto", "openvino-int8", "onnx-int8")


def _mentions(data_dir: str | Path | None) -> tuple:
    from .benchmarks import load_benchmark

    return load_benchmark("newsmtsc-test-rw", data_dir).examples


def _passes(clf, examples, passes: int = PASSES) -> tuple[float, float]:
    """Mentions/s of the first pass over ``examples`` (after loading, warmed on 64 of them) and
    the median of ``passes`` more: a long scoring job runs at the second figure, once each batch
    shape has been seen (OpenVINO and ONNX Runtime prepare kernels per input shape)."""
    rates = [predict(clf, examples, warm_up=64).examples_per_s]
    rates += [predict(clf, examples).examples_per_s for _ in range(passes)]
    return rates[0], statistics.median(rates[1:])


def measure(
    model: str | None, backend: str, data_dir: str | Path | None = None, repeat: int = 10, threads: int | None = None
) -> dict:
    """One backend's figures, measured in this process."""
    import newsstance

    from .bench import seed_articles

    started = time.perf_counter()
    clf = newsstance.load(model, device="cpu", backend=backend, threads=threads)
    load_s = time.perf_counter() - started
    examples = _mentions(data_dir)
    first_pass, mentions_per_s = _passes(clf, examples)
    latencies = []
    for e in examples[:100]:
        t = time.perf_counter()
        clf.classify(e.text, list(e.spans))
        latencies.append(1000 * (time.perf_counter() - t))
    texts = seed_articles() * repeat
    clf.analyze_many(texts[:2])
    started = time.perf_counter()
    clf.analyze_many(texts)
    articles_per_s = len(texts) / (time.perf_counter() - started)
    import torch

    return {
        "requested": backend,
        "backend": clf.backend,
        "load_s": load_s,
        "first_pass_mentions_per_s": first_pass,
        "mentions_per_s": mentions_per_s,
        "latency_ms_p50": statistics.median(latencies),
        "latency_ms_p95": statistics.quantiles(latencies, n=20)[18],
        "articles_per_s": articles_per_s,
        "peak_rss_mb": peak_rss_mb(),
        "threads": threads or (cpu.available_cores() if clf.backend != "torch" else torch.get_num_threads()),
    }


def measure_reference(model: str | None, data_dir: str | Path | None = None, threads: int | None = None) -> dict:
    """A RoBERTa-base-sized StanceModel with random weights, fed the same encoded mentions."""
    import torch
    from transformers import RobertaConfig, RobertaModel

    import newsstance
    from newsstance.classifier import StanceClassifier
    from newsstance.modeling import StanceModel

    if threads:
        torch.set_num_threads(threads)
    small = newsstance.load(model, device="cpu", backend="torch")
    big = StanceModel(RobertaModel(RobertaConfig()), pooling=small.settings.pooling).eval()
    clf = StanceClassifier(big, small.tokenizer, small.settings, device="cpu", backend="torch")
    first_pass, mentions_per_s = _passes(clf, _mentions(data_dir), passes=1)
    return {
        "requested": "reference",
        "backend": "RoBERTa-base size (random weights), torch fp32",
        "first_pass_mentions_per_s": first_pass,
        "mentions_per_s": mentions_per_s,
        "parameters_m": sum(p.numel() for p in big.parameters()) / 1e6,
        "peak_rss_mb": peak_rss_mb(),
    }


CHILD = "import json, sys; from newsstance.eval import speed; a = json.loads(sys.argv[1]); print(json.dumps({}))"


def _in_child(call: str, **kwargs) -> dict:
    """Run ``speed.<call>(**kwargs)`` in a fresh process, so that its peak memory is its own."""
    code = CHILD.format(f"speed.{call}(**a)")
    out = subprocess.run([sys.executable, "-c", code, json.dumps(kwargs)], capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f"measuring {kwargs.get('backend', call)} failed:\n{out.stderr.strip()}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def compare(
    models: Sequence[str | None] = (None,),
    backends: Sequence[str] = BACKENDS,
    data_dir: str | Path | None = None,
    repeat: int = 10,
    threads: int | None = None,
    reference: bool = True,
) -> dict:
    """Every model on every backend (and the RoBERTa-base-sized reference) measured in a process
    of its own; ``None`` is the shipped model."""
    data = str(resolve_data_dir(data_dir))
    models = [None if m in (None, "default") else m for m in models]  # `default`: the shipped model, as in evaluate
    rows = [
        {
            "model": model_name(m),
            **_in_child("measure", model=m, backend=b, data_dir=data, repeat=repeat, threads=threads),
        }
        for m in models
        for b in backends
    ]
    if reference:
        rows.append(
            {"model": "reference", **_in_child("measure_reference", model=models[0], data_dir=data, threads=threads)}
        )
    return {"cpu": cpu.describe(), "rows": rows}


def model_name(model: str | None) -> str:
    return "shipped" if model in (None, "default") else Path(model).name


def table(result: dict) -> str:
    """The comparison as Markdown: the CPU, one row per model and backend (× torch: against the
    first model on float32 PyTorch), and whether ``auto`` beats torch for each model."""
    rows, machine = result["rows"], result["cpu"]
    base = next((r["mentions_per_s"] for r in rows if r["requested"] == "torch"), None)
    base_first = next((r["first_pass_mentions_per_s"] for r in rows if r["requested"] == "torch"), None)
    lines = [
        f"CPU: {machine['model']}, {machine['cores']} cores available; flags: {' '.join(machine['flags']) or 'none'}"
        f" (int8 dot products: {'yes' if machine['int8_dot'] else 'no'}, bf16: {'yes' if machine['bf16'] else 'no'})",
        "",
        "| model | backend | load (s) | mentions/s | × torch | first pass: mentions/s, × torch "
        "| p50 / p95 latency (ms) | articles/s | peak RSS (MB) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        speedup = f"{r['mentions_per_s'] / base:.2f}" if base else "–"
        first = r["first_pass_mentions_per_s"]
        first_speedup = f"{first / base_first:.2f}" if base_first else "–"
        name = r["backend"] if r["requested"] in (r["backend"], "reference") else f"{r['requested']} → {r['backend']}"
        lines.append(
            f"| {r.get('model', '')} | {name} | {r.get('load_s', float('nan')):.2f} "
            f"| {r['mentions_per_s']:.1f} | {speedup} "
            f"| {first:.1f}, {first_speedup} "
            f"| {r.get('latency_ms_p50', float('nan')):.1f} / {r.get('latency_ms_p95', float('nan')):.1f} "
            f"| {r.get('articles_per_s', float('nan')):.2f} | {r['peak_rss_mb']:.0f} |"
        )
    for auto in (r for r in rows if r["requested"] == "auto"):
        own = next((r for r in rows if r["requested"] == "torch" and r.get("model") == auto.get("model")), None)
        if own is None:
            continue
        ratio = auto["mentions_per_s"] / own["mentions_per_s"]
        verdict = "at least as fast as" if ratio >= 1 else "SLOWER than"
        lines += [
            "",
            f"{auto.get('model', '')}: auto → {auto['backend']}: {ratio:.2f}× its torch float32 mentions/s, "
            f"{verdict} torch on this CPU",
        ]
    return "\n".join(lines)
