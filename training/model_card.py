"""The README.md model card written into every trained model directory, from templates/*.md.

The card (model_card.md) and its optional sections (distillation.md, soup.md) are Jinja2
templates; markdown is not escaped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from newsstance.settings import ModelSettings

ENV = Environment(
    loader=FileSystemLoader(Path(__file__).with_name("templates")),
    autoescape=select_autoescape(["html"]),  # off for .md
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
ENV.filters.update(
    epochs=lambda best: ", ".join(map(str, best)) + " (per run)" if isinstance(best, list) else str(best),
    thousands=lambda n: f"{n:,}",
)


def render(template: str, **context: Any) -> str:
    """A template of templates/ as markdown, without blank lines at its ends."""
    return ENV.get_template(template).render(**context).strip("\n")


def write_model_card(directory: str | Path, settings: ModelSettings, extra: str = "") -> Path:
    """Write ``README.md``: what the model is, how it was trained, and its measured figures;
    ``extra`` (markdown sections) goes before the library versions."""
    text = render(
        "model_card.md",
        settings=settings,
        metrics=settings.metrics,
        cfg=settings.training,
        enc=settings.encoding,
        extra=extra,
    )
    path = Path(directory) / "README.md"
    path.write_text(text + "\n", encoding="utf-8")
    return path


def distillation_section(d: dict[str, Any]) -> str:
    """The card's section on a distilled student: teachers, transfer set and loss settings
    (``d``: :meth:`TeacherTargets.describe`)."""
    return render("distillation.md", d=d, c=d.get("construction", {}))


def soup_section(seeds: list[int], spread: dict[str, dict[str, Any]], soup_with: list[dict[str, str]]) -> str:
    """The card's table of the seed runs behind a weight average, and the other models in it."""
    return render("soup.md", seeds=seeds, spread=spread, soup_with=soup_with)
