"""The files of ``newsstance evaluate --out``: results.json, results.md, PNG figures and errors.jsonl."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from newsstance.stance import LABELS

from .plots import confusion_png, reliability_png


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)


def _pct(x: float) -> str:
    return f"{100 * x:.1f}"


def write_results(results: dict[str, Any], out: Path) -> Path:
    """Write the results of :func:`~newsstance.eval.harness.evaluate` into ``out``:
    the tables as markdown, the whole dict as JSON, the figures, and every error as a JSONL row."""
    out.mkdir(parents=True, exist_ok=True)
    errors = []
    lines = [f"# newsstance evaluation report ({results['date']})", ""]
    for bench, meta in results["benchmarks"].items():
        lines += [
            f"## {bench} ({meta['n']} targets)",
            "",
            "| system | F1m [95% CI] | accuracy [95% CI] | F1 pos/neg | ECE | examples/s |",
            "|---|---|---|---|---|---|",
        ]
        for name, entry in results["systems"].items():
            r = entry["benchmarks"][bench]
            ci = r["ci95"]
            lines.append(
                f"| {name} | {_pct(r['f1m'])} [{_pct(ci['f1m'][0])}, {_pct(ci['f1m'][1])}] "
                f"| {_pct(r['accuracy'])} [{_pct(ci['accuracy'][0])}, {_pct(ci['accuracy'][1])}] "
                f"| {_pct(r['f1_posneg'])} | {r['calibration']['ece']:.3f} | {r['examples_per_s']:.0f} |"
            )
            png = confusion_png(
                r["confusion"], f"{name} on {bench}", out / f"confusion_{_slug(name)}_{_slug(bench)}.png"
            )
            r["confusion_png"] = png.name
            errors += [{"system": name, "benchmark": bench, **e} for e in r["errors"]]
        ref = results["reference"]["f1m"].get(bench)
        if ref is not None:
            lines.append(f"| {results['reference']['model']} | {_pct(ref)} (reported, not measured) | | | | |")
        lines += [
            "",
            "Per class (precision / recall / F1):",
            "",
            "| system | " + " | ".join(LABELS) + " |",
            "|---" * (len(LABELS) + 1) + "|",
        ]
        for name, entry in results["systems"].items():
            pc = entry["benchmarks"][bench]["per_class"]
            cells = [f"{_pct(pc[k]['precision'])} / {_pct(pc[k]['recall'])} / {_pct(pc[k]['f1'])}" for k in LABELS]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        lines += [
            "",
            "Confusion matrices: "
            + ", ".join(
                f"[{name}]({entry['benchmarks'][bench]['confusion_png']})" for name, entry in results["systems"].items()
            ),
            "",
        ]

    for bench, meta in results.get("article_benchmarks", {}).items():
        lines += [
            f"## {bench} ({meta['articles']} articles, gold per actor × passage and per actor)",
            "",
            "| system | passage F1m [95% CI] | article F1m [95% CI] | actors found | actor × passage pairs scored "
            "| coreference P / R | cross-sentence P / R |",
            "|---|---|---|---|---|---|---|",
        ]
        for name, entry in results["systems"].items():
            r = entry["articles"][bench]
            c, p, a = r["coreference"], r["passage"], r["article"]
            lines.append(
                f"| {name} | {_pct(p['f1m'])} [{_pct(p['ci95']['f1m'][0])}, {_pct(p['ci95']['f1m'][1])}] "
                f"| {_pct(a['f1m'])} [{_pct(a['ci95']['f1m'][0])}, {_pct(a['ci95']['f1m'][1])}] "
                f"| {_pct(r['actor_coverage'])}% of {r['actors']} "
                f"| {_pct(r['passage_coverage'])}% of {r['passage_pairs']} "
                f"| {_pct(c['precision'])} / {_pct(c['recall'])} "
                f"| {_pct(c['cross_sentence_precision'])} / {_pct(c['cross_sentence_recall'])} |"
            )
        lines.append("")

    models = {n: e for n, e in results["systems"].items() if e.get("kind") == "model"}
    if models and results["benchmarks"]:
        lines += ["## Calibration and speed", "", "| model | load time (s) | reliability diagram |", "|---|---|---|"]
        for name, entry in models.items():
            curves = {b: r["calibration"] for b, r in entry["benchmarks"].items()}
            png = reliability_png(curves, f"reliability: {name}", out / f"reliability_{_slug(name)}.png")
            entry["reliability_png"] = png.name
            lines.append(f"| {name} | {entry['load_seconds']:.2f} | [{png.name}]({png.name}) |")
        lines.append("")

    probed = {n: e["probes"] for n, e in results["systems"].items() if "probes" in e}
    if probed:
        caps = sorted({c for p in probed.values() for c in p["capabilities"]})
        lines += [
            "## Behavioural probes (pass rate)",
            "",
            "| system | " + " | ".join(caps) + " | overall |",
            "|---" * (len(caps) + 2) + "|",
        ]
        for name, p in probed.items():
            cells = [
                f"{_pct(p['capabilities'][c]['rate'])} ({p['capabilities'][c]['passed']}/{p['capabilities'][c]['n']})"
                for c in caps
            ]
            lines.append(f"| {name} | " + " | ".join(cells) + f" | {_pct(p['overall'])} |")
        for name, p in probed.items():
            lines += ["", f"Probe failures of {name}: {len(p['failures'])}", ""]
            lines += [
                f"- `{f['id']}` ({f['capability']}): expected {f['label']}, got {f['predicted']}: "
                f"{f['text']} [target: {f['target']}]"
                for f in p["failures"]
            ]
        lines.append("")

    lines += ["## Provenance", "", "Data files (sha256):", ""]
    lines += [f"- {b}: `{m['path']}` `{m['sha256'][:16]}…`" for b, m in results["benchmarks"].items()]
    lines += ["", "Models:", ""]
    lines += [f"- {n}: `{e['path']}`, weights sha256 `{e['weights_sha256'][:16]}…`" for n, e in models.items()]
    lines += ["", "Versions: " + ", ".join(f"{k} {v}" for k, v in results["versions"].items()), ""]

    (out / "results.md").write_text("\n".join(lines), encoding="utf-8")
    (out / "results.json").write_text(json.dumps(results, indent=2, default=list) + "\n", encoding="utf-8")
    with open(out / "errors.jsonl", "w", encoding="utf-8") as f:
        for e in errors:
            f.write(json.dumps(e, ensure_ascii=False, default=list) + "\n")
    return out
