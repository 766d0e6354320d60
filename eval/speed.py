"""Inference speed of each backend, side by side, on the same inputs, in one run.

    python -m newsstance.eval.speed [--model DIR] [--backends torch auto openvino-int8 onnx-int8] [--threads N]

The output names the CPU (model, cores, and the instruction-set flags that decide which backend
is fast: int8 dot products, bf16), because a ratio holds for its CPU class only, and says
whether ``auto`` (the backend it resolved to, on this CPU) is at least as fast as float32
PyTorch here.

Per backend (each in its own process, so that peak memory is its own): model load time,
mentions/s over NewsMTSC test-rw (the median of three passes, after a first pass that is
reported on its own: a long job runs at the former), p50/p95 latency of a single ``classify``, articles/s of the
article pipeline on the seed articles, and peak RSS. A RoBERTa-base-sized classifier (random
weights, ``RobertaConfig()``: the size of the closest peer's backbone) on the same mentions is
the reference line.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

from newsstance.backends import cpu

from .bench import peak_rss_mb
from .predict import predict

PASSES = 3


def _mentions(data_dir: str) -> tuple:
    from .benchmarks import load_benchmark

    return load_benchmark("newsmtsc-test-rw", data_dir).examples


def _passes(clf, examples, passes: int = PASSES) -> tuple[float, float]:
    """Mentions/s of the first pass over ``examples`` (after loading, warmed on 64 of them) and
    the median of ``passes`` more: a long scoring job runs at the second figure, once each batch
    shape has been seen (OpenVINO and ONNX Runtime prepare kernels per input shape)."""
    rates = [predict(clf, examples, warm_up=64).examples_per_s]
    rates += [predict(clf, examples).examples_per_s for _ in range(passes)]
    return rates[0], statistics.median(rates[1:])


def measure(model: str | None, backend: str, data_dir: str, repeat: int, threads: int | None) -> dict:
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


def measure_reference(model: str | None, data_dir: str, threads: int | None) -> dict:
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=None)
    parser.add_argument("--backends", nargs="+", default=["torch", "auto", "openvino-int8", "onnx-int8"])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--repeat", type=int, default=10, help="copies of the seed articles for articles/s")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--one", default=None, help=argparse.SUPPRESS)  # child process: one backend
    parser.add_argument("--no-reference", action="store_true")
    args = parser.parse_args(argv)

    if args.one:
        if args.one == "reference":
            result = measure_reference(args.model, args.data_dir, args.threads)
        else:
            result = measure(args.model, args.one, args.data_dir, args.repeat, args.threads)
        print(json.dumps(result))
        return 0
    rows = []
    for backend in [*args.backends, *([] if args.no_reference else ["reference"])]:
        cmd = [
            sys.executable,
            "-m",
            "newsstance.eval.speed",
            "--one",
            backend,
            "--data-dir",
            args.data_dir,
            "--repeat",
            str(args.repeat),
        ]
        cmd += ["--model", args.model] if args.model else []
        cmd += ["--threads", str(args.threads)] if args.threads else []
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        rows.append(json.loads(out.strip().splitlines()[-1]))
    base = next((r["mentions_per_s"] for r in rows if r["requested"] == "torch"), None)
    base_first = next((r["first_pass_mentions_per_s"] for r in rows if r["requested"] == "torch"), None)
    machine = cpu.describe()
    lines = [
        f"CPU: {machine['model']}, {machine['cores']} cores available; flags: {' '.join(machine['flags']) or 'none'}"
        f" (int8 dot products: {'yes' if machine['int8_dot'] else 'no'}, bf16: {'yes' if machine['bf16'] else 'no'})",
        "",
        "| backend | load (s) | mentions/s | × torch | first pass: mentions/s, × torch | p50 / p95 latency (ms) "
        "| articles/s | peak RSS (MB) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        speedup = f"{r['mentions_per_s'] / base:.2f}" if base else "–"
        first = r["first_pass_mentions_per_s"]
        first_speedup = f"{first / base_first:.2f}" if base_first else "–"
        name = r["backend"] if r["requested"] in (r["backend"], "reference") else f"{r['requested']} → {r['backend']}"
        lines.append(
            f"| {name} | {r.get('load_s', float('nan')):.2f} | {r['mentions_per_s']:.1f} | {speedup} "
            f"| {first:.1f}, {first_speedup} "
            f"| {r.get('latency_ms_p50', float('nan')):.1f} / {r.get('latency_ms_p95', float('nan')):.1f} "
            f"| {r.get('articles_per_s', float('nan')):.2f} | {r['peak_rss_mb']:.0f} |"
        )
    auto = next((r for r in rows if r["requested"] == "auto"), None)
    if auto and base:
        ratio = auto["mentions_per_s"] / base
        verdict = "at least as fast as" if ratio >= 1 else "SLOWER than"
        lines += ["", f"auto → {auto['backend']}: {ratio:.2f}× torch float32 mentions/s, {verdict} torch on this CPU"]
    print(json.dumps({"cpu": machine, "rows": rows}, indent=2))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
