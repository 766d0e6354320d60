"""Split an article into passages (paragraphs), keeping offsets into the original text."""

from __future__ import annotations

import re

from ..encoding import Span

_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")


def split_passages(text: str) -> list[Span]:
    """Paragraph spans of ``text``, stripped of surrounding whitespace.

    Blank lines separate paragraphs; a text with single newlines only splits on those; a text
    with no newline is one passage. Whitespace-only pieces are dropped.
    """
    if _BLANK_LINE.search(text):
        separator = _BLANK_LINE
    elif "\n" in text:
        separator = re.compile(r"\n")
    else:
        separator = None
    bounds, start = [], 0
    if separator is not None:
        for m in separator.finditer(text):
            bounds.append((start, m.start()))
            start = m.end()
    bounds.append((start, len(text)))
    spans = []
    for s, e in bounds:
        piece = text[s:e]
        stripped = piece.strip()
        if stripped:
            lead = len(piece) - len(piece.lstrip())
            spans.append((s + lead, s + lead + len(stripped)))
    return spans


def chunk(text: str, span: Span, max_chars: int) -> list[Span]:
    """Cut an over-long passage into pieces of at most ``max_chars``, at whitespace where possible."""
    start, end = span
    pieces = []
    while end - start > max_chars:
        cut = text.rfind(" ", start + max_chars // 2, start + max_chars)
        cut = cut if cut > start else start + max_chars
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return pieces
