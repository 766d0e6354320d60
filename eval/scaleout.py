"""Scale-out checks and benchmarks: ``newsstance score --engine dask`` against ``--engine local``.

    newsstance bench scaleout same-rows --articles 200     # seeds + generated: rows equal?
    newsstance bench scaleout throughput --articles 1000   # local, Dask 1 and 2 workers

Every run is the real command in its own process. Memory is the peak of the summed RSS of the
command and every process it starts (the cluster's workers), sampled every 0.1 s; CPU seconds
are split between the driver (the command) and its children, from the last sample of each.
Articles are generated from the seed articles (:func:`newsstance.eval.bench.mixed_articles`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from .bench import REPO, mixed_articles

ENV = {**os.environ, "HF_HUB_OFFLINE": "1"}


def _corpus(path: Path, n: int, seeds: bool) -> Path:
    with open(path, "w", encoding="utf-8") as f:
        if seeds:
            for p in sorted((REPO / "seeds").glob("*.txt")):
                f.write(json.dumps({"id": p.name, "text": p.read_text(encoding="utf-8")}) + "\n")
        for i, text in enumerate(mixed_articles(n)):
            f.write(json.dumps({"id": f"g{i}", "text": text}) + "\n")
    return path


def measure(args: list[str]) -> dict:
    """Run ``newsstance ARGS...``; wall time, time to the first output row, peak RSS of the
    process tree, and CPU seconds of the driver and of its children."""
    import psutil

    output = Path(args[args.index("-o") + 1])
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "newsstance", *args], env=ENV, stderr=subprocess.PIPE, text=True)
    root = psutil.Process(proc.pid)
    peak, cpu, first_row = 0, {}, None
    while proc.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
            rss = 0
            for p in tree:
                try:
                    rss += p.memory_info().rss
                    t = p.cpu_times()
                    cpu[p.pid] = t.user + t.system
                except psutil.NoSuchProcess:
                    pass
            peak = max(peak, rss)
        except psutil.NoSuchProcess:
            pass
        if first_row is None and output.exists() and output.stat().st_size > 0:
            first_row = time.perf_counter() - started
        time.sleep(0.1)
    err = proc.stderr.read()
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"newsstance {' '.join(args)} failed ({proc.returncode}): {err}")
    driver = cpu.pop(proc.pid, 0.0)
    return {
        "seconds": time.perf_counter() - started,
        "first_row_s": first_row,
        "peak_rss_mb": peak / 2**20,
        "cpu_s_driver": driver,
        "cpu_s_workers": sum(cpu.values()),
        "summary": err.strip().splitlines()[-1] if err.strip() else "",
    }


def _rows(output: Path) -> dict[tuple, dict]:
    if output.is_dir():
        import pandas as pd

        rows = pd.read_parquet(output).to_dict("records")
    else:
        rows = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    keyed = {(r["id"], r["actor"]): r for r in rows}
    if len(keyed) != len(rows):
        raise AssertionError(f"{output}: {len(rows) - len(keyed)} duplicate (id, actor) rows")
    return keyed


def _common(articles_per_task: int, backend: str, model: str | Path | None) -> list[str]:
    model_args = ["--model", str(Path(model).resolve())] if model else []
    return ["--quiet", "--articles-per-task", str(articles_per_task), "--backend", backend, *model_args]


def _machine() -> dict:
    from newsstance.backends import cpu

    return {"cores": len(os.sched_getaffinity(0)), "cpu": cpu.describe()}


def same_rows(
    articles: int = 200,
    articles_per_task: int = 64,
    workers: int = 2,
    backend: str = "auto",
    model: str | Path | None = None,
) -> dict:
    """Score the seed articles and ``articles`` generated ones locally, on Dask into a file and on
    Dask into a Parquet folder; are the rows the same?"""
    common = _common(articles_per_task, backend, model)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = _corpus(Path(tmp) / "corpus.jsonl", articles, seeds=True)
        outputs = {
            "local": Path(tmp) / "local.jsonl",
            "dask_file": Path(tmp) / "dask.jsonl",
            "dask_directory": Path(tmp) / "dask_dir",
        }
        runs = {}
        for name, out in outputs.items():
            engine = [] if name == "local" else ["--engine", "dask", "--workers", str(workers)]
            target = f"{out}/" if name == "dask_directory" else str(out)
            runs[name] = measure(["score", str(corpus), "-o", target, *common, *engine])
        reference = _rows(outputs["local"])
        result = {"articles": sum(1 for _ in corpus.open()), "rows_local": len(reference), "runs": runs}
        for name in ("dask_file", "dask_directory"):
            got = _rows(outputs[name])
            both = set(got) & set(reference)
            result[name] = {
                "rows": len(got),
                "same_keys": set(got) == set(reference),
                "label_differs": sum(got[k]["label"] != reference[k]["label"] for k in both),
                "max_score_diff": max((abs(got[k]["score"] - reference[k]["score"]) for k in both), default=0.0),
            }
    return result | _machine()


def throughput(
    articles: int = 1000,
    articles_per_task: int = 64,
    workers: Sequence[int] = (1, 2),
    backend: str = "auto",
    model: str | Path | None = None,
) -> dict:
    """Wall time, memory and CPU of ``score`` on ``articles`` generated articles: locally, then on
    a local Dask cluster of each size in ``workers``."""
    common = _common(articles_per_task, backend, model)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = _corpus(Path(tmp) / "corpus.jsonl", articles, seeds=False)
        runs = {"local": measure(["score", str(corpus), "-o", f"{tmp}/local.jsonl", *common])}
        for n in workers:
            out = f"{tmp}/dask{n}.jsonl"
            runs[f"dask_{n}_workers"] = measure(
                ["score", str(corpus), "-o", out, *common, "--engine", "dask", "--workers", str(n)]
            )
    for r in runs.values():
        r["articles_per_s"] = articles / r["seconds"]
    base = runs["local"]["seconds"]
    for r in runs.values():
        r["speed_vs_local"] = base / r["seconds"]
    return {"articles": articles, "runs": runs} | _machine()
