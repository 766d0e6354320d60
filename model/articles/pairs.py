"""The sentence × actor pairs of articles, and their classification in batches.

One pair is one actor's mentions in one sentence: the sentence is classified once, with all of
them marked together.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from ..encoding import Span, Target
from ..stance import Stance
from .actors import ActorDraft, Candidate
from .parsing import Parse
from .progress import Progress

CLASSIFY_CHUNK = 8
"""Model batches per ``classify_many`` call: progress is told after each call."""


class Classifies(Protocol):
    """What article analysis needs of a classifier: :meth:`StanceClassifier.classify_many`."""

    def classify_many(
        self, items: Iterable[tuple[str, Target]], batch_size: int = ..., show_progress_bar: bool = ...
    ) -> list[Stance]: ...


@dataclass(frozen=True)
class Pair:
    """One classification: an actor's mentions in one sentence of one article."""

    article: int
    actor: int
    sentence: int  # index into the article's sentences, counted across passages
    passage: int
    spans: tuple[Span, ...]  # in the article's offsets
    kinds: tuple[str, ...]  # per span: "name", "pronoun" or "nominal"


def sentence_pairs(
    texts: list[str],
    parsed: list[Parse],
    drafts: list[list[ActorDraft]],
    skip: Sequence[set[tuple[int, int]]] = (),
) -> tuple[list[Pair], list]:
    """Every actor's mentions grouped by sentence: one pair to classify per actor and sentence.
    ``skip``, per article: the (actor, mention start) of mentions not to classify (a speaker in
    the frame of its own statement)."""
    pairs, items = [], []
    for i, (text, p) in enumerate(zip(texts, parsed)):
        flat = [(s, j) for j, sents in enumerate(p.sentences) for s in sents]
        sentence_starts = [s[0] for s, _ in flat]
        left_out = skip[i] if i < len(skip) else set()
        for a, actor in enumerate(drafts[i]):
            groups: dict[int, list[Candidate]] = defaultdict(list)
            for m in actor.mentions:
                if (a, m.start) in left_out:
                    continue
                k = bisect.bisect_right(sentence_starts, m.start) - 1
                if k >= 0 and m.start < flat[k][0][1]:
                    groups[k].append(m)
            for k, found in groups.items():
                (ss, se), j = flat[k]
                spans = [(m.start, m.end) for m in found]
                pairs.append(Pair(i, a, k, j, tuple(spans), tuple(m.kind for m in found)))
                items.append((text[ss:se], [(s - ss, min(e, se) - ss) for s, e in spans]))
    return pairs, items


def classify_pairs(clf: Classifies, items: list, batch_size: int, report: Progress | None) -> list[Stance]:
    """``clf.classify_many`` over the items, shortest sentences first, :data:`CLASSIFY_CHUNK`
    batches a call, so that progress can be told; the results in the items' order."""
    order = sorted(range(len(items)), key=lambda k: len(items[k][0]))
    step = max(1, batch_size) * CLASSIFY_CHUNK
    stances: list[Stance] = [None] * len(items)  # type: ignore[list-item]
    for start in range(0, len(order), step):
        chunk = order[start : start + step]
        for k, stance in zip(chunk, clf.classify_many([items[k] for k in chunk], batch_size=batch_size)):
            stances[k] = stance
        if report is not None:
            report("classify", start + len(chunk), len(order))
    return stances
