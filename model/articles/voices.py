"""Whose voice each mention is in, and the stance of each speaker towards each actor it speaks of.

* **Voice.** A mention inside an attribution's content is in its speaker's voice (the actor's
  name, or the unnamed source's phrase); any other mention is in the author's.
* **The speaker is not the target of its own words.** A speaker's mention in the frame of its
  own statement ("Hawley praised Trump") is not classified for the speaker's portrayal, unless the
  statement names the speaker too (:func:`speaker_mentions`). What the statement says of
  others goes to the speaker → target edges.
* **Edges.** For each attribution and each other actor that its content (or the object of a verb
  that names its target) mentions, the content is classified with that actor's mentions marked;
  a verb that names its target is classified with it ("praised President Trump for ...").
  Per article, an edge is one speaker and one target: the mean of those stances, the number of
  attributions, and their content spans as evidence.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ..encoding import Span
from ..stance import LABELS, Stance
from .actors import ActorDraft
from .quotes import Quote

AUTHOR = "author"
"""The voice of a mention outside every attribution."""

UNNAMED = "UNNAMED"
"""The speaker type of an unnamed source ("officials", "a senior aide")."""

MAX_CONTENT = 1500
"""Characters of an attribution's content classified for an edge (a longer one is cut around its
first mention of the target)."""


@dataclass(frozen=True)
class Attribution:
    """One quote or piece of reported speech: its kind (direct, indirect, mixed, according-to),
    its speaker (an actor's name and id, or an unnamed source's phrase, id ``""``, type
    ``UNNAMED``), the cue ("said", "accused", "according to") and the content, all as character
    spans of the article."""

    kind: str
    speaker: str
    speaker_id: str
    speaker_type: str
    speaker_span: Span
    cue: str
    cue_span: Span
    content: Span
    cue_label: str | None = None  # the stance a cue that names its target carries: "accused" negative


@dataclass(frozen=True)
class Edge:
    """A speaker's stance towards a target in one article: the mean of its attributions' stances."""

    speaker: str
    speaker_id: str
    speaker_type: str
    target: str
    target_id: str
    target_type: str
    stance: Stance
    attributions: int
    evidence: tuple[Span, ...]  # the content of each attribution


def speaker_mentions(quotes: Sequence[Quote], actors: Sequence[ActorDraft]) -> set[tuple[int, int]]:
    """(actor, mention start) of each speaker's mentions in the frame of its own statements whose
    content does not name it: left out of its portrayal. So is a pronoun linked to the speaker
    inside a content that names another actor ("praised Trump for his leadership"), whose
    antecedent is as likely the other's."""
    out = set()
    for q in quotes:
        if q.actor is None:
            continue
        start, end = q.content
        mentions = actors[q.actor].mentions
        if any(start <= m.start < end and m.kind != "pronoun" for m in mentions):
            continue  # the statement names the speaker too
        out |= {(q.actor, m.start) for m in mentions if q.speaker_span[0] <= m.start < q.speaker_span[1]}
        others = any(start <= m.start < end for i, a in enumerate(actors) if i != q.actor for m in a.mentions)
        if others:
            out |= {(q.actor, m.start) for m in mentions if start <= m.start < end}
    return out


def voice(position: int, quotes: Sequence[Quote], names: Sequence[str]) -> str:
    """The voice at ``position``: the speaker of the innermost attribution whose content holds it."""
    holding = [q for q in quotes if q.content[0] <= position < q.content[1]]
    if not holding:
        return AUTHOR
    q = min(holding, key=lambda q: q.content[1] - q.content[0])
    return names[q.actor] if q.actor is not None else q.speaker


@dataclass(frozen=True)
class EdgeItem:
    """One classification for an edge: attribution ``quote`` of an article towards ``target``."""

    quote: int
    target: int


def edge_items(text: str, quotes: Sequence[Quote], actors: Sequence[ActorDraft]) -> tuple[list[EdgeItem], list]:
    """What to classify for the edges of one article: per attribution, each actor other than the
    speaker with a mention inside the content (or the object of a targeting verb)."""
    keys, items = [], []
    for n, q in enumerate(quotes):
        start, end = q.content
        if q.target is not None:  # "praised President Trump for ...", '"…," she said of Park': the frame is too
            start, end = min(start, q.target[0], q.cue_span[0]), max(end, q.target[1])
        for a, actor in enumerate(actors):
            if a == q.actor:
                continue
            spans = [(m.start, m.end) for m in actor.mentions if start <= m.start and m.end <= end]
            if not spans:
                continue
            lo, hi = start, end
            if hi - lo > MAX_CONTENT:
                lo = max(start, spans[0][0] - MAX_CONTENT // 2)
                hi = min(end, lo + MAX_CONTENT)
                spans = [(s, e) for s, e in spans if lo <= s and e <= hi]
            keys.append(EdgeItem(n, a))
            items.append((text[lo:hi], [(s - lo, e - lo) for s, e in spans]))
    return keys, items


def roll_up(
    attributions: Sequence[Attribution],
    names: Sequence[tuple[str, str, str]],
    results: Sequence[tuple[EdgeItem, Stance]],
) -> tuple[Edge, ...]:
    """Per speaker and target, the mean stance of its attributions; ``names``: each actor's (name,
    id, type). Edges in order of their first attribution."""
    grouped: dict[tuple[str, int], list[tuple[int, Stance]]] = defaultdict(list)
    for item, stance in results:
        a = attributions[item.quote]
        grouped[(a.speaker_id or "unnamed:" + a.speaker.casefold(), item.target)].append((item.quote, stance))
    edges = []
    for (_, target), rows in sorted(grouped.items(), key=lambda kv: kv[1][0][0]):
        first = attributions[rows[0][0]]
        mean = Stance.from_probs([sum(s.probs[k] for _, s in rows) / len(rows) for k in LABELS])
        quoted = sorted({n for n, _ in rows})
        edges.append(
            Edge(
                first.speaker,
                first.speaker_id,
                first.speaker_type,
                *names[target],
                mean,
                len(quoted),
                tuple(attributions[n].content for n in quoted),
            )
        )
    return tuple(edges)
