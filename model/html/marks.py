"""Highlights: a text with spans wrapped in ``<span>`` elements that may nest or overlap."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup, escape

__all__ = ["Mark", "highlight"]

_OPEN = Markup('<span class="{}" title="{}" data-m="{}">')
_CLOSE = Markup("</span>")


@dataclass(frozen=True)
class Mark:
    """A span of text to wrap in ``<span class=... title=... data-m=index>``."""

    start: int
    end: int
    classes: str
    title: str
    index: int


def highlight(text: str, start: int, end: int, marks: Iterable[Mark]) -> Markup:
    """``text[start:end]`` escaped, with every mark wrapped around its span.

    Marks may nest or overlap. Nested marks become nested elements; a mark that starts inside
    another and ends after it is split in two pieces, each with the same classes, title and
    ``data-m``, so the characters are written once, in order, and every element closes. Marks
    are clipped to ``[start, end)``; empty ones are dropped. The text, classes and titles are
    escaped here: the result is markup that a template inserts as it is.
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
    out: list[Markup] = []
    stack: list[Mark] = []
    pos = start
    for p in points:
        out.append(escape(text[pos:p]))
        pos = p
        if any(m.end == p for m in stack):
            survivors: list[Mark] = []
            while any(m.end == p for m in stack):
                m = stack.pop()
                out.append(_CLOSE)
                if m.end != p:
                    survivors.append(m)
            for m in reversed(survivors):  # reopen what was closed only to close an inner mark
                out.append(_open(m, piece=True))
                stack.append(m)
        for m in starting.get(p, ()):
            out.append(_open(m))
            stack.append(m)
    out.extend(_CLOSE for _ in stack)
    return Markup("").join(out)


def _open(m: Mark, piece: bool = False) -> Markup:
    return _OPEN.format(f"{m.classes} cont" if piece else m.classes, m.title, int(m.index))
