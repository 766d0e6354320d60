"""The template environment: templates/ with autoescape for .html, stance colours and strengths.

The colours, the strength thresholds and the formatting filters are template globals, so the
templates and the Python code read one definition.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from ..stance import LABELS

__all__ = ["COLOURS", "ENV", "STRENGTHS", "count", "render", "stance_bar", "strength"]

TEMPLATES = Path(__file__).with_name("templates")

COLOURS = {"negative": "#c23b22", "neutral": "#8d8d8d", "positive": "#1f6fb2"}
"""One colour per label: red and blue (a pair colour-blind readers can tell apart), grey between."""
RGB = {"negative": "194 59 34", "neutral": "141 141 141", "positive": "31 111 178"}
STRENGTHS = (("weak", 0.5), ("medium", 0.75), ("strong", 1.01))
"""Strength of a stance: the probability of its label below 0.5, below 0.75, or above."""
ALPHA = {"weak": 0.16, "medium": 0.33, "strong": 0.55}
"""The highlight's opacity at each strength."""


def strength(p: float) -> str:
    """``weak``, ``medium`` or ``strong``: how probable a stance's own label is."""
    return next(name for name, upper in STRENGTHS if p < upper)


def probs_text(probs: Mapping[str, float], sep: str = ", ") -> str:
    """``negative 0.20, neutral 0.30, positive 0.50``: a stance's probabilities, for tooltips."""
    return sep.join(f"{label} {float(probs[label]):.2f}" for label in LABELS)


def count(n: int, word: str, plural: str | None = None) -> str:
    """``1 row``, ``2 rows``, ``12,345 rows``: a count and its noun, singular for one. ``word`` may
    be a phrase whose last word takes the plural (``article × actor row``); ``plural`` replaces
    the whole phrase where adding an s would not do."""
    n = int(n)
    return f"{n:,} {word if n == 1 else plural or word + 's'}"


ENV = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),  # .css templates hold only our own values
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
ENV.globals.update(labels=LABELS, colours=COLOURS, rgb=RGB, alpha=ALPHA, probs_text=probs_text)
ENV.filters.update(
    signed=lambda x: f"{float(x):+.2f}",  # +0.41
    thousands=lambda n: f"{int(n):,}",  # 12,345
    percent=lambda x: f"{float(x):.0%}",  # 41%
    count=count,  # {{ n|count("row") }}: 1 row, 2 rows
)


def render(template: str, **context: Any) -> str:
    """The template ``template`` of templates/ rendered with ``context`` (values are escaped)."""
    return ENV.get_template(template).render(**context)


def stance_bar(probs: Mapping[str, float], width: int = 120, height: int = 12, title: str | None = None) -> Markup:
    """An inline SVG bar of p_negative, p_neutral and p_positive, left to right, with a tooltip
    (``title``, or the probabilities): the ``stance_bar`` macro of blocks.html."""
    return ENV.get_template("blocks.html").module.stance_bar(probs, width, height, title)
