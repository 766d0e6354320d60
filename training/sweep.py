"""Compare training recipes on dev: every variant × every seed, then mean ± sd of dev F1m.

    newsstance sweep --sweep training/configs/sweep_minilm.json --out runs/sweep --jobs 4

Each run is a separate `newsstance train` process (so several can share one GPU); runs whose
output already holds a finished model are skipped, so an interrupted sweep resumes. Test sets
are never scored here: selection sees dev only.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from newsstance.eval.corpora import resolve_data_dir
from newsstance.settings import SETTINGS_FILE


def _run(cmd: list[str], log: Path) -> int:
    with open(log, "w", encoding="utf-8") as f:
        return subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT).returncode


def _dev_scores(output: Path) -> dict[str, float]:
    metrics = json.loads((output / SETTINGS_FILE).read_text())["metrics"]
    return {name: m["f1m"] for name, m in metrics["dev"].items()} | {"best_epoch": metrics["best_epoch"]}


def _soups(out: Path, variants: dict, newsmtsc: Path, device: str | None) -> None:
    from newsstance.classifier import resolve_device
    from newsstance.settings import ModelSettings

    from .config import TrainConfig
    from .soup import soup
    from .trainer import finish

    for name in variants:
        runs = sorted(p for p in (out / name).glob("seed*") if (p / SETTINGS_FILE).is_file())
        if len(runs) < 2:
            continue
        first = ModelSettings.load(runs[0])
        target = soup(runs, out / name / "soup")
        config = TrainConfig.from_dict(first.training)
        finish(
            config,
            target,
            newsmtsc,
            resolve_device(device),
            (),
            first.data,
            {"soup_of": [str(r) for r in runs]},
        )


def sweep(
    sweep_file: str | Path,
    out: str | Path,
    data_dir: str | Path | None = None,
    jobs: int = 1,
    device: str | None = None,
    only: Sequence[str] | None = None,
    soup: bool = False,
    summarize_only: bool = False,
    base_model: str | None = None,
) -> dict:
    """Train every variant of ``sweep_file`` × every seed into ``out`` (``jobs`` at a time) on the
    data folder's NewsMTSC files, then write ``summary.json`` and ``summary.md`` there.

    Returns ``{"summary": ..., "table": the Markdown table, "failed": the logs of failed runs}``.
    """
    sweep_path = Path(sweep_file)
    plan = json.loads(sweep_path.read_text())
    base = sweep_path.parent / plan["base"]
    variants = {k: v for k, v in plan["variants"].items() if not only or k in only}
    data = resolve_data_dir(data_dir)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)

    runs_to_do = []
    for name, overrides in variants.items():
        for seed in plan["seeds"]:
            output = out / name / f"seed{seed}"
            if (output / SETTINGS_FILE).is_file() and not (output / "checkpoint").exists():
                continue
            output.mkdir(parents=True, exist_ok=True)
            # Each run is one seed: the sweep itself averages seeds (--soup), never a run.
            overrides = {**plan.get("common", {}), **overrides, "soup_seeds": []}
            if base_model:
                overrides = {**overrides, "base_model": base_model}
            sets = [f"{k}={json.dumps(v)}" for k, v in overrides.items()]
            cmd = [sys.executable, "-m", "newsstance", "train", "--config", str(base), "--data-dir", str(data)]
            cmd += ["--output", str(output), "--seed", str(seed), "--test-files"]
            if device:
                cmd += ["--device", device]
            if sets:
                cmd += ["--set", *sets]
            runs_to_do.append((cmd, output / "train.log"))
    if summarize_only:
        runs_to_do = []
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        codes = list(pool.map(lambda job: _run(*job), runs_to_do))
    failed = [str(job[1]) for job, code in zip(runs_to_do, codes) if code != 0]
    if soup:
        _soups(out, variants, data / "newsmtsc", device)

    summary = {}
    for name in variants:
        runs = {p.name: _dev_scores(p) for p in sorted((out / name).glob("seed*")) if (p / SETTINGS_FILE).is_file()}
        means = [statistics.mean(v for k, v in r.items() if k != "best_epoch") for r in runs.values()]
        soup_file = out / name / "soup" / SETTINGS_FILE
        summary[name] = {
            "soup": json.loads(soup_file.read_text())["metrics"]["dev"] if soup_file.is_file() else None,
            "overrides": variants[name],
            "runs": runs,
            "mean_dev_f1m": statistics.mean(means) if means else None,
            "sd": statistics.stdev(means) if len(means) > 1 else 0.0,
        }
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    lines = [
        "| variant | overrides | mean dev F1m (mean ± sd over seeds) | dev_rw | dev_mt | best epochs "
        "| soup: mean dev F1m (per dev set) |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, s in sorted(summary.items(), key=lambda kv: -(kv[1]["mean_dev_f1m"] or 0)):
        runs = s["runs"].values()
        rw = statistics.mean(r.get("dev_rw", 0) for r in runs) if runs else 0
        mt = statistics.mean(r.get("dev_mt", 0) for r in runs) if runs else 0
        epochs = ",".join(str(r["best_epoch"]) for r in runs)
        soup_cell = "–"
        if s["soup"]:
            f1 = [m["f1m"] for m in s["soup"].values()]
            soup_cell = f"{statistics.mean(f1):.4f} ({', '.join(f'{k} {v:.4f}' for k, v in zip(s['soup'], f1))})"
        lines.append(
            f"| {name} | `{json.dumps(s['overrides'])}` | {s['mean_dev_f1m'] or 0:.4f} ± {s['sd']:.4f} "
            f"| {rw:.4f} | {mt:.4f} | {epochs} | {soup_cell} |"
        )
    (out / "summary.md").write_text("\n".join(lines) + "\n")
    return {"summary": summary, "table": "\n".join(lines), "failed": failed}
