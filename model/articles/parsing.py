"""An article's parse: passages, sentences, entities and the spaCy documents behind them,
with every offset into the original text."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..encoding import Span
from .passages import chunk, split_passages

MAX_SPACY_CHARS = 100_000
"""spaCy parses a passage in pieces of at most this many characters."""


@dataclass
class Parse:
    passages: list[Span]
    sentences: list[list[Span]] = field(default_factory=list)  # per passage
    entities: list[tuple[int, int, str]] = field(default_factory=list)
    docs: list[tuple[int, Any]] = field(default_factory=list)  # (offset in the text, spaCy Doc), in order
    _starts: list[int] | None = field(default=None, repr=False)

    def passage_of(self, position: int) -> int:
        """The index of the passage that holds ``position`` (or the last one before it)."""
        if self._starts is None:
            self._starts = [start for start, _ in self.passages]
        return bisect.bisect_right(self._starts, position) - 1


def parse(
    texts: Sequence[str], nlp: Any, batch_size: int, progress: Callable[[str, int, int], None] | None = None
) -> list[Parse]:
    """Every text split into passages and run through spaCy once (``nlp.pipe`` over all passages);
    ``progress`` is told ``("read", done, total)`` after each passage (or piece of one)."""
    parsed = [Parse(split_passages(t)) for t in texts]
    units = []  # (text index, passage index, start, end)
    for i, p in enumerate(parsed):
        p.sentences = [[] for _ in p.passages]
        for j, span in enumerate(p.passages):
            units += [(i, j, s, e) for s, e in chunk(texts[i], span, MAX_SPACY_CHARS)]
    stream = ((texts[i][s:e], (i, j, s)) for i, j, s, e in units)
    for done, (doc, (i, j, offset)) in enumerate(nlp.pipe(stream, as_tuples=True, batch_size=batch_size), 1):
        for sent in doc.sents:
            if sent.text.strip():
                parsed[i].sentences[j].append((offset + sent.start_char, offset + sent.end_char))
        parsed[i].entities += [(offset + e.start_char, offset + e.end_char, e.label_) for e in doc.ents]
        parsed[i].docs.append((offset, doc))
        if progress is not None:
            progress("read", done, len(units))
    return parsed
