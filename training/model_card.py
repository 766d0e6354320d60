"""The README.md model card written into every trained model directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from newsstance.settings import ModelSettings


def _row(name: str, m: dict[str, Any]) -> str:
    return f"| {name} | {m['n']} | {m['f1m']:.4f} | {m['accuracy']:.4f} |"


def _epochs(best: int | list[int] | None) -> str:
    return ", ".join(map(str, best)) + " (per run)" if isinstance(best, list) else str(best)


def write_model_card(directory: str | Path, settings: ModelSettings, extra: str = "") -> Path:
    """Write ``README.md``: what the model is, how it was trained, and its measured figures."""
    metrics, cfg, enc = settings.metrics, settings.training, settings.encoding
    lines = [
        "# newsstance stance model",
        "",
        "Target-dependent stance (negative / neutral / positive) towards an actor mentioned in a",
        "passage of political news. Load with `newsstance.load(PATH)`.",
        "",
        "## Model",
        "",
        f"- Base model: `{settings.base_model}`, fine-tuned for 3-way sequence classification.",
        f"- Input encoding: scheme `{enc.scheme}`, markers `{enc.marker_start}` … `{enc.marker_end}`, "
        f"max length {enc.max_length} tokens.",
        f"- Training: {cfg.get('epochs')} epochs max, lr {cfg.get('learning_rate')}, batch {cfg.get('batch_size')}, "
        f"warm-up {cfg.get('warmup_ratio')}, label smoothing {cfg.get('label_smoothing')}, seed {cfg.get('seed')}, "
        f"further mentions {'marked' if cfg.get('further_mentions') else 'ignored'}.",
        f"- Pooling: `{settings.pooling}`.",
        f"- Selected epoch (best mean F1m over the dev sets): {_epochs(metrics.get('best_epoch'))}.",
        *(
            [
                f"- Weights: the average of {len(metrics['soup_of_seeds'])} run(s) of this recipe "
                f"(seeds {', '.join(map(str, metrics['soup_of_seeds']))}), each at its own best dev epoch"
                + (f", and {len(metrics['soup_with'])} other trained model(s)." if metrics.get("soup_with") else ".")
            ]
            if metrics.get("soup_of_seeds")
            else []
        ),
        f"- Training time: {metrics.get('train_seconds')} s on {metrics.get('train_device')}.",
        "",
        "## Figures (F1m = macro-F1 over the three labels)",
        "",
        "| split | n | F1m | accuracy |",
        "|---|---|---|---|",
    ]
    lines += [_row(name, m) for name, m in metrics.get("dev", {}).items()]
    lines += [_row(name, m) for name, m in metrics.get("test", {}).items()]
    lines += [
        "",
        "Dev sets select the epoch; test sets are scored once, after selection.",
        "",
        "## Data",
        "",
        "Trained on NewsMTSC (Hamborg & Donnay, EACL 2021), MIT licence. File hashes (sha256):",
        "",
    ]
    lines += [f"- `{name}`: `{digest}`" for name, digest in settings.data.items()]
    if extra:
        lines += ["", extra.strip()]
    lines += ["", "Library versions: " + ", ".join(f"{k} {v}" for k, v in settings.versions.items()), ""]
    path = Path(directory) / "README.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def distillation_section(d: dict[str, Any]) -> str:
    """The card's section on a distilled student: teachers, transfer set and loss settings
    (``d``: :meth:`TeacherTargets.describe`)."""
    c = d.get("construction", {})
    teachers = "\n".join(
        f"- `{t['path']}`: {t.get('base_model', '?')}, dev F1m "
        + (", ".join(f"{k} {v:.4f}" for k, v in t.get("dev", {}).items()) or "not recorded")
        for t in d["teachers"]
    )
    origins = ", ".join(f"{k} {v:,}" for k, v in d["transfer_origins"].items())
    sources = ", ".join(f"`{name}` (sha256 `{digest[:12]}…`)" for name, digest in c.get("sources", {}).items())
    return (
        "## Distillation\n\n"
        f"Teacher(s), whose probabilities are averaged:\n{teachers}\n\n"
        f"Trained on {d['gold_examples']:,} gold examples (gold label and teacher probabilities) and "
        f"{d['transfer_pairs']:,} transfer pairs (teacher probabilities only): {origins}.\n\n"
        "Transfer pairs come from the training sentences only, with no new text: other actors that "
        "spaCy finds (PERSON, ORG, GPE, NORP) and gold person targets renamed to another person "
        f"(see `newsstance.training.transfer`). Sentences from {sources or '?'}; pairs capped at "
        f"{c.get('max_pairs') or 'no limit'}; the teacher ran on the `{c.get('teacher_backend')}` backend.\n\n"
        "Loss on a gold example: (1 − w) · cross-entropy + w · T² · KL(teacher ‖ student); on a transfer "
        f"pair: T² · KL; w = {c.get('distill_weight')}, T = {c.get('distill_temperature')}."
    )


def soup_section(seeds: list[int], spread: dict[str, dict[str, Any]], soup_with: list[dict[str, str]]) -> str:
    """The card's table of the seed runs behind a weight average, and the other models in it."""
    several = len(seeds) > 1
    rows = [
        "| split | " + " | ".join(f"seed {s}" for s in seeds) + (" | mean ± sd |" if several else " |"),
        "|---" * (len(seeds) + 1 + several) + "|",
    ]
    for split, r in spread.items():
        spread_cell = f" | {r['mean']:.4f} ± {r['sd']:.4f} |" if several else " |"
        rows.append(f"| {split} | " + " | ".join(f"{v:.4f}" for v in r["f1m"]) + spread_cell)
    card = "## The runs behind the average (F1m of each run's own model)\n\n" + "\n".join(rows)
    if soup_with:
        card += "\n\nAveraged with these trained models as well (same base model and head initialisation):\n\n" + (
            "\n".join(f"- `{o['path']}` (weights sha256 `{o['weights_sha256'][:12]}…`)" for o in soup_with)
        )
    return card
