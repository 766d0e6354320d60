"""One article as HTML: its text with every actor's mentions highlighted by stance.

Each mention (name, pronoun or role noun) is coloured by the stance of its sentence towards its
actor, with the strength of that stance as the intensity; the label is in the class name and the
tooltip too, so colour is never the only carrier. A table gives each actor's article-level
stance, and each passage its stance per actor beside it. Clicking an actor keeps only its
mentions highlighted: radio buttons and ``:checked ~`` selectors, no script.

This module reads an :class:`~newsstance.articles.analysis.ArticleAnalysis` by its attributes
and does not import it (the analysis renders itself through this module).
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Sequence
from typing import Any

from .marks import Mark, highlight
from .render import probs_text, render, strength

__all__ = ["TYPE_WORDS", "article_fragment", "article_page"]

TYPE_WORDS = {"name": "name", "pronoun": "pronoun", "nominal": "role noun"}


def article_page(articles: Sequence[tuple[str, Any]], title: str | None = None) -> str:
    """A whole page for ``(title, analysis)`` pairs, one section each (the page of ``newsstance view``)."""
    if not articles:
        raise ValueError("no article to render; give at least one (title, analysis) pair")
    views = [_view(analysis, heading, f"v{n}", key=n == 0) for n, (heading, analysis) in enumerate(articles)]
    name = title or (articles[0][0] if len(articles) == 1 else f"{len(articles)} articles")
    return render("article.html", title=f"{name} · newsstance", articles=views)


def article_fragment(analysis: Any, title: str = "Article") -> str:
    """One article as a ``<div>`` with its own scoped CSS, for a notebook cell: ids carry a fresh
    prefix, so that several cells on one notebook page stay apart."""
    scope = f"ns{secrets.token_hex(4)}"
    return render("notebook.html", scope=scope, articles=[_view(analysis, title, f"{scope}-v0", key=True)])


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def _view(analysis: Any, title: str, prefix: str, key: bool) -> dict[str, Any]:
    """What article_section.html shows of one analysis. ``prefix`` keeps the ids of several
    articles on one page apart; ``key`` adds the legend of the highlights (once a page)."""
    index = {a.name: k for k, a in enumerate(analysis.actors)}
    kinds = Counter(m.mention_type for m in analysis.mentions)
    counts = ", ".join(_plural(kinds[k], TYPE_WORDS[k]) for k in TYPE_WORDS if kinds[k])
    meta = (
        f"{_plural(len(analysis.passages), 'passage')} · {_plural(len(analysis.article_stances), 'actor')} · "
        f"{len(analysis.mentions)} mentions scored" + (f" ({counts})" if counts else "")
    )
    return {
        "prefix": prefix,
        "title": title,
        "meta": meta,
        "key": key,
        "actors": list(index.values()),
        "rows": _rows(analysis, index),
        "passages": _passages(analysis, index),
        "quotes": _quotes(analysis),
        "edges": _edges(analysis),
    }


QUOTE_CHARS = 160
"""Characters of a quote's content the view shows (the rest is in its tooltip)."""


def _quotes(analysis: Any) -> list[dict[str, Any]]:
    """Each attribution: its speaker, kind, cue and content, and the passage that holds it."""
    starts = [p.start for p in analysis.passages]
    out = []
    for a in getattr(analysis, "attributions", ()):
        content = " ".join(analysis.text[a.content[0] : a.content[1]].split())
        shown = content if len(content) <= QUOTE_CHARS else content[: QUOTE_CHARS - 1] + "…"
        passage = sum(1 for s in starts if s <= a.content[0])
        out.append(
            {"speaker": a.speaker, "type": a.speaker_type, "kind": a.kind, "cue": a.cue, "content": shown,
             "full": content, "passage": passage}
        )  # fmt: skip
    return out


def _edges(analysis: Any) -> list[dict[str, Any]]:
    out = []
    for e in getattr(analysis, "edges", ()):
        label, probs = e.stance.label, e.stance.probs
        tip = f"{e.speaker} → {e.target}: {label}, {probs_text(probs, ' · ')}"
        out.append(
            {"speaker": e.speaker, "target": e.target, "label": label, "score": e.stance.score, "probs": probs,
             "tip": tip, "attributions": e.attributions}
        )  # fmt: skip
    return out


def _marks(analysis: Any, index: dict[str, int]) -> list[Mark]:
    """Every mention as a mark: scored ones coloured by their sentence's stance, the rest (a
    mention outside every sentence) marked unscored."""
    marks, scored = [], set()
    for m in analysis.mentions:
        k = index[m.actor]
        label, probs = m.stance.label, m.stance.probs
        classes = f"m a{k} stance-{label} {strength(probs[label])} type-{m.mention_type}"
        who = TYPE_WORDS.get(m.mention_type, m.mention_type)
        if getattr(m, "voice", "author") != "author":
            who += f", in the words of {m.voice}"
        tip = f"{m.actor} ({who}): {label}, {probs_text(probs, ' · ')}"
        marks.append(Mark(m.start, m.end, classes, tip, len(marks)))
        scored.add((m.actor, m.start, m.end))
    speaking = {(a.speaker, s) for a in getattr(analysis, "attributions", ()) for s in range(*a.speaker_span)}
    for actor in analysis.actors:
        for (s, e), kind in zip(actor.mentions, actor.mention_types):
            if (actor.name, s, e) not in scored:
                if (actor.name, s) in speaking or any(q.speaker == actor.name for q in _holding(analysis, s)):
                    why = "speaks here: its own words are not its portrayal"
                else:
                    why = "not scored (outside every sentence)"
                tip = f"{actor.name} ({TYPE_WORDS.get(kind, kind)}): {why}"
                marks.append(Mark(s, e, f"m a{index[actor.name]} unscored type-{kind}", tip, len(marks)))
    return sorted(marks, key=lambda m: (m.start, m.index))


def _holding(analysis: Any, position: int) -> list[Any]:
    """The attributions whose content holds ``position``."""
    return [a for a in getattr(analysis, "attributions", ()) if a.content[0] <= position < a.content[1]]


def _stance(s: Any, k: int, where: str = "") -> dict[str, Any]:
    """An actor's stance (article or passage) for a table row or a passage's aside."""
    label, probs = s.stance.label, s.stance.probs
    tip = f"{s.actor}{where}: {label}, {probs_text(probs, ' · ')}"
    return {"k": k, "actor": s.actor, "label": label, "score": s.stance.score, "probs": probs, "tip": tip}


def _rows(analysis: Any, index: dict[str, int]) -> list[dict[str, Any]]:
    """The actor table: one row per actor, most mentioned first."""
    kinds: dict[str, Counter] = {}
    for m in analysis.mentions:
        kinds.setdefault(m.actor, Counter())[m.mention_type] += 1
    rows = []
    for s in sorted(analysis.article_stances, key=lambda s: (-s.mentions, index[s.actor])):
        split = ", ".join(f"{n} {TYPE_WORDS.get(t, t)}" for t, n in sorted(kinds.get(s.actor, Counter()).items()))
        row = _stance(s, index[s.actor])
        rows.append(row | {"type": s.actor_type, "mentions": s.mentions, "split": split, "sentences": s.sentences})
    return rows


def _passages(analysis: Any, index: dict[str, int]) -> list[dict[str, Any]]:
    """Each passage: its highlighted text and its stance towards each actor it mentions."""
    marks = _marks(analysis, index)
    by_passage: dict[int, list[Any]] = {}
    for s in analysis.passage_stances:
        by_passage.setdefault(s.passage_index, []).append(s)
    out, i = [], 0
    for p in analysis.passages:
        while i < len(marks) and marks[i].end <= p.start:
            i += 1
        j = i
        while j < len(marks) and marks[j].start < p.end:
            j += 1
        stances = [
            _stance(s, index[s.actor], " in this passage")
            for s in sorted(by_passage.get(p.index, []), key=lambda s: index[s.actor])
        ]
        out.append({"index": p.index, "body": highlight(analysis.text, p.start, p.end, marks[i:j]), "stances": stances})
    return out
