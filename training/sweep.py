"""Compare training recipes on dev: every variant × every seed, then mean ± sd of dev F1m.

    python -m newsstance.training.sweep --sweep training/configs/sweep_minilm.json \
        --data ../shared/data/newsmtsc --out runs/sweep --jobs 4

Each run is a separate `newsstance train` process (so several can share one GPU); runs whose
output already holds a finished model are skipped, so an interrupted sweep resumes. Test sets
are never scored here: selection sees dev only.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from newsstance.settings import SETTINGS_FILE


def _run(cmd: list[str], log: Path) -> int:
    with open(log, "w", encoding="utf-8") as f:
        return subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT).returncode


def _dev_scores(output: Path) -> dict[str, float]:
    metrics = json.loads((output / SETTINGS_FILE).read_text())["metrics"]
    return {name: m["f1m"] for name, m in metrics["dev"].items()} | {"best_epoch": metrics["best_epoch"]}


def _soups(out: Path, variants: dict, args: argparse.Namespace) -> None:
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
            Path(args.data),
            resolve_device(args.device),
            (),
            first.data,
            {"soup_of": [str(r) for r in runs]},
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--sweep", required=True, help="JSON: {base, common: {overrides}, seeds, variants: {name: {overrides}}}"
    )
    parser.add_argument("--data", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--device", default=None)
    parser.add_argument("--only", nargs="*", help="run only these variants")
    parser.add_argument("--soup", action="store_true", help="also score the average of each variant's seeds")
    parser.add_argument("--summarize-only", action="store_true", help="run nothing; summarise finished runs")
    parser.add_argument("--base-model", default=None, help="override every run's base_model (a local folder)")
    args = parser.parse_args(argv)

    sweep_path = Path(args.sweep)
    sweep = json.loads(sweep_path.read_text())
    base = sweep_path.parent / sweep["base"]
    variants = {k: v for k, v in sweep["variants"].items() if not args.only or k in args.only}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    jobs = []
    for name, overrides in variants.items():
        for seed in sweep["seeds"]:
            output = out / name / f"seed{seed}"
            if (output / SETTINGS_FILE).is_file() and not (output / "checkpoint").exists():
                continue
            output.mkdir(parents=True, exist_ok=True)
            # Each run is one seed: the sweep itself averages seeds (--soup), never a run.
            overrides = {**sweep.get("common", {}), **overrides, "soup_seeds": []}
            if args.base_model:
                overrides = {**overrides, "base_model": args.base_model}
            sets = [f"{k}={json.dumps(v)}" for k, v in overrides.items()]
            cmd = [
                sys.executable,
                "-m",
                "newsstance.training",
                "--config",
                str(base),
                "--data",
                args.data,
                "--output",
                str(output),
                "--seed",
                str(seed),
                "--report",
            ]
            if args.device:
                cmd += ["--device", args.device]
            if sets:
                cmd += ["--set", *sets]
            jobs.append((cmd, output / "train.log"))
    if args.summarize_only:
        jobs = []
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        codes = list(pool.map(lambda job: _run(*job), jobs))
    failed = [str(job[1]) for job, code in zip(jobs, codes) if code != 0]
    if args.soup:
        _soups(out, variants, args)

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
    print("\n".join(lines))
    if failed:
        print("failed runs, see:", *failed, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
