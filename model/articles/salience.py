"""How central an actor is to its article: a salience in [0, 1].

Three things a reader notices, weighed in :data:`WEIGHTS`:

* **mentions**: the actor's mentions (names, pronouns, role nouns) over those of the article's
  most mentioned actor, so the most mentioned one has 1;
* **lead**: 1 when the actor is mentioned in the headline or the first paragraph (the first
  :data:`LEAD_PASSAGES` passages), else 0;
* **subject**: the share of its mentions that are the grammatical subject of their clause
  (spaCy's ``nsubj`` / ``nsubjpass``): the actor who acts, not the one acted on or named in passing.

The weights are set by hand, not fitted; ``newsstance bench salience`` measures how well the
result picks out the main actors of the identity seed corpus.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from typing import Any

from .actors import ActorDraft

WEIGHTS = {"mentions": 0.5, "lead": 0.3, "subject": 0.2}
LEAD_PASSAGES = 2
SUBJECTS = ("nsubj", "nsubjpass")


def saliences(
    drafts: Sequence[ActorDraft], passages: Sequence[tuple[int, int]], docs: Iterable[tuple[int, Any]]
) -> list[float]:
    """Each actor's salience, in the order of ``drafts``; ``passages`` are the article's passage
    spans, ``docs`` its spaCy documents with their offsets."""
    subjects = sorted(offset + t.idx for offset, doc in docs for t in doc if t.dep_ in SUBJECTS)
    top = max((len(d.mentions) for d in drafts), default=0)
    lead_end = passages[min(LEAD_PASSAGES, len(passages)) - 1][1] if passages else 0
    out = []
    for d in drafts:
        n = len(d.mentions)
        if not n:
            out.append(0.0)
            continue
        lead = any(m.start < lead_end for m in d.mentions)
        subject = sum(_has_subject(subjects, m.start, m.end) for m in d.mentions) / n
        value = WEIGHTS["mentions"] * n / top + WEIGHTS["lead"] * lead + WEIGHTS["subject"] * subject
        out.append(round(min(1.0, value), 4))
    return out


def _has_subject(starts: list[int], start: int, end: int) -> bool:
    """Whether a subject token starts inside ``start:end``."""
    i = bisect.bisect_left(starts, start)
    return i < len(starts) and starts[i] < end
