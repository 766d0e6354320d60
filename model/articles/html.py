"""Building blocks of newsstance's HTML pages: the page shell, stance colours, bars and highlights.

Every page is one self-contained file: inline CSS and SVG, no script, no external resource, and a
Content-Security-Policy that forbids both, so a page is readable offline, printable, and cannot
run anything an article smuggles in. All text goes through :func:`escape`.
"""

from __future__ import annotations

import html
import logging
import os
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..stance import LABELS

__all__ = [
    "COLOURS",
    "Mark",
    "escape",
    "highlight",
    "legend",
    "page",
    "stance_bar",
    "strength",
    "strength_css",
    "write_page",
]

logger = logging.getLogger(__name__)

COLOURS = {"negative": "#c23b22", "neutral": "#8d8d8d", "positive": "#1f6fb2"}
"""One colour per label: red and blue (a pair colour-blind readers can tell apart), grey between."""
_RGB = {"negative": "194 59 34", "neutral": "141 141 141", "positive": "31 111 178"}
STRENGTHS = (("weak", 0.5), ("medium", 0.75), ("strong", 1.01))
"""Strength of a stance: the probability of its label below 0.5, below 0.75, or above."""
_ALPHA = {"weak": 0.16, "medium": 0.33, "strong": 0.55}

# No script, no network, no frames: what an article smuggles in can neither run nor fetch.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #1d1d1f; background: #fff; margin: 0; padding: 24px 32px 48px; max-width: 1180px; }
h1 { font-size: 22px; margin: 0 0 4px; overflow-wrap: anywhere; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.meta, .note { color: #555; font-size: 13px; }
table { border-collapse: collapse; font-size: 13.5px; }
th, td { padding: 3px 10px 3px 0; text-align: left; vertical-align: middle; }
th { font-weight: 600; border-bottom: 1px solid #bbb; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr + tr td { border-top: 1px solid #eee; }
.chip { display: inline-block; padding: 0 6px; border-radius: 3px; font-size: 12px; color: #fff; }
.chip.stance-negative { background: #c23b22; } .chip.stance-neutral { background: #767676; }
.chip.stance-positive { background: #1f6fb2; }
svg.bar { vertical-align: middle; }
figure { margin: 8px 0 16px; } figure svg { max-width: 100%; height: auto; }
@media print { body { padding: 0; max-width: none; } .screen-only { display: none !important; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
"""


def escape(value: object) -> str:
    """Any value as HTML text, safe in element content and in quoted attributes."""
    return html.escape(str(value), quote=True)


def strength(p: float) -> str:
    """``weak``, ``medium`` or ``strong``: how probable a stance's own label is."""
    return next(name for name, upper in STRENGTHS if p < upper)


def strength_css() -> str:
    """Highlight colours: one rule per label × strength (the legend shows them all)."""
    rules = [
        f".m.stance-{label}.{s} {{ background: rgb({_RGB[label]} / {alpha}); border-bottom-color: {COLOURS[label]}; }}"
        for label in LABELS
        for s, alpha in _ALPHA.items()
    ]
    return "\n".join(rules) + "\n"


def page(title: str, body: str, css: str = "") -> str:
    """A whole HTML document: ``body`` is trusted HTML (built from escaped parts), ``title`` is text."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="newsstance">\n'
        f"<title>{escape(title)}</title>\n<style>{_CSS}{css}</style>\n</head>\n"
        f"<body>\n{body}\n</body></html>\n"
    )


def stance_bar(probs: Mapping[str, float], width: int = 120, height: int = 12, title: str | None = None) -> str:
    """An inline SVG bar of p_negative, p_neutral and p_positive, left to right, with a tooltip."""
    parts, x = [], 0.0
    for label in LABELS:
        w = max(0.0, float(probs[label])) * width
        parts.append(f'<rect x="{x:.2f}" y="0" width="{w:.2f}" height="{height}" fill="{COLOURS[label]}"/>')
        x += w
    tip = title or ", ".join(f"{label} {float(probs[label]):.2f}" for label in LABELS)
    return (
        f'<svg class="bar" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(tip)}"><title>{escape(tip)}</title>{"".join(parts)}</svg>'
    )


@dataclass(frozen=True)
class Mark:
    """A span of text to wrap in ``<span class=... title=... data-m=index>``."""

    start: int
    end: int
    classes: str
    title: str
    index: int


def highlight(text: str, start: int, end: int, marks: Iterable[Mark]) -> str:
    """``text[start:end]`` escaped, with every mark wrapped around its span.

    Marks may nest or overlap. Nested marks become nested elements; a mark that starts inside
    another and ends after it is split in two pieces, each with the same classes, title and
    ``data-m``, so the characters are written once, in order, and every element closes. Marks
    are clipped to ``[start, end)``; empty ones are dropped.
    """
    spans = sorted(
        (Mark(max(m.start, start), min(m.end, end), m.classes, m.title, m.index) for m in marks),
        key=lambda m: (m.start, -m.end, m.index),
    )
    spans = [m for m in spans if m.start < m.end]
    starting: dict[int, list[Mark]] = {}
    for m in spans:
        starting.setdefault(m.start, []).append(m)
    points = sorted({start, end, *(m.start for m in spans), *(m.end for m in spans)})
    out: list[str] = []
    stack: list[Mark] = []
    pos = start
    for p in points:
        out.append(escape(text[pos:p]))
        pos = p
        if any(m.end == p for m in stack):
            survivors: list[Mark] = []
            while any(m.end == p for m in stack):
                m = stack.pop()
                out.append("</span>")
                if m.end != p:
                    survivors.append(m)
            for m in reversed(survivors):  # reopen what was closed only to close an inner mark
                out.append(_open(m, piece=True))
                stack.append(m)
        for m in starting.get(p, ()):
            out.append(_open(m))
            stack.append(m)
    out.extend("</span>" for _ in stack)
    return "".join(out)


def _open(m: Mark, piece: bool = False) -> str:
    classes = f"{m.classes} cont" if piece else m.classes
    return f'<span class="{escape(classes)}" title="{escape(m.title)}" data-m="{m.index}">'


def legend(labels: Sequence[str] = LABELS) -> str:
    """Swatches of every label × strength, as the highlights show them."""
    rows = []
    for label in labels:
        cells = "".join(f'<span class="m stance-{label} {s} swatch">{s}</span> ' for s in _ALPHA)
        rows.append(f'<span class="legend-label">{label}</span> {cells}')
    return '<div class="legend">' + "<br>".join(rows) + "</div>"


def check_output(output: str | Path, inputs: Iterable[str | Path] = (), overwrite: bool = False) -> Path:
    """Refuse an output that is not .html, is one of the inputs, or exists without ``overwrite``."""
    output = Path(output)
    if output.suffix.lower() not in (".html", ".htm"):
        raise ValueError(f"the page is HTML: give an output ending in .html, got {output}")
    if output.resolve() in {Path(p).resolve() for p in inputs if str(p) != "-"}:
        raise ValueError(f"the output {output} is one of the inputs; choose another name")
    if output.is_dir():
        raise ValueError(f"the output {output} is a directory; give a file name ending in .html")
    if output.exists() and not overwrite:
        raise ValueError(f"{output} exists; pass --overwrite to replace it")
    return output


def write_page(text: str, output: str | Path) -> Path:
    """Write a page atomically: a temporary file beside ``output``, then a rename."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "x", encoding="utf-8") as fh:  # the umask's permissions, unlike mkstemp's 0600
            fh.write(text)
        os.replace(tmp, output)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    logger.info("wrote %s (%d bytes)", output, len(text.encode("utf-8")))
    return output
