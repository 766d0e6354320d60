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
