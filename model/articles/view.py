"""One article as an HTML page: its text with every actor's mentions highlighted by stance.

Each mention (name, pronoun or role noun) is coloured by the stance of its sentence towards its
actor, with the strength of that stance as the intensity; the label is in the class name and the
tooltip too, so colour is never the only carrier. A table gives each actor's article-level
stance, and each passage its stance per actor beside it. Clicking an actor keeps only its
mentions highlighted: radio buttons and ``:checked ~`` selectors, no script.

This module reads an :class:`~newsstance.articles.analysis.ArticleAnalysis` by its attributes
and does not import it (the analysis imports this module lazily for ``to_html``).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from typing import Any

from ..stance import LABELS
from .html import Mark, escape, highlight, legend, page, stance_bar, strength, strength_css

__all__ = ["render_article", "render_page"]

logger = logging.getLogger(__name__)

TYPE_WORDS = {"name": "name", "pronoun": "pronoun", "nominal": "role noun"}

_CSS = """
.focus { position: absolute; opacity: 0; pointer-events: none; }
.actors label.pick { cursor: pointer; text-decoration: underline dotted #999; }
.actors label.pick:hover { background: #f2f2f2; }
.showall { cursor: pointer; border: 1px solid #bbb; border-radius: 3px; padding: 0 6px; font-size: 12px; }
.m { border-bottom: 2px solid transparent; border-radius: 2px; padding: 0 1px; }
.m.type-pronoun { border-bottom-style: dashed; } .m.type-nominal { border-bottom-style: dotted; }
.m.unscored { border-bottom: 2px dashed #aaa; }
.m .m { padding: 0; }
.passage { display: grid; grid-template-columns: minmax(0, 1fr) 330px; gap: 20px;
  padding: 8px 0; border-top: 1px solid #eee; break-inside: avoid; }
.ptext { white-space: pre-wrap; overflow-wrap: anywhere; }
.pnum { color: #999; font-size: 11px; margin-right: 6px; user-select: none; }
aside.pstance { font-size: 12.5px; color: #333; }
aside.pstance ul { list-style: none; margin: 0; padding: 0; }
aside.pstance li { margin: 0 0 3px; display: grid; grid-template-columns: minmax(0, 1fr) 108px 48px;
  column-gap: 6px; align-items: center; }
aside.pstance .chip { width: 108px; text-align: center; white-space: nowrap; }
aside.pstance .who { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
aside.pstance .none { color: #999; }
.legend { font-size: 12.5px; line-height: 2; margin: 8px 0; }
.legend-label { display: inline-block; width: 70px; }
.swatch { padding: 1px 6px; }
.typekey span { margin-right: 12px; }
article.view + article.view { border-top: 3px solid #444; margin-top: 40px; padding-top: 18px; }
@media print { article.view + article.view { break-before: page; border-top: none; } }
@media (max-width: 760px) { .passage { grid-template-columns: 1fr; } }
"""


def render_page(articles: Sequence[tuple[str, Any]], title: str | None = None) -> str:
    """A whole page for ``(title, analysis)`` pairs, one section each."""
    if not articles:
        raise ValueError("no article to render; give at least one (title, analysis) pair")
    body, css = [], [_CSS, strength_css()]
    for n, (heading, analysis) in enumerate(articles):
        section, rules = render_article(analysis, heading, prefix=f"v{n}", key=n == 0)
        body.append(section)
        css.append(rules)
    name = title or (articles[0][0] if len(articles) == 1 else f"{len(articles)} articles")
    return page(f"{name} · newsstance", "\n".join(body), "".join(css))


def render_article(analysis: Any, title: str, prefix: str = "v0", key: bool = True) -> tuple[str, str]:
    """One article's section and the CSS rules of its actor buttons. ``prefix`` keeps the ids of
    several articles on one page apart; ``key`` adds the legend of the highlights (once a page)."""
    index = {a.name: k for k, a in enumerate(analysis.actors)}
    marks = _marks(analysis, index)
    kinds = Counter(m.mention_type for m in analysis.mentions)
    counts = ", ".join(f"{kinds[k]} {TYPE_WORDS[k]}{'s' if kinds[k] != 1 else ''}" for k in TYPE_WORDS if kinds[k])
    meta = (
        f"{len(analysis.passages)} passage{'s' if len(analysis.passages) != 1 else ''} · "
        f"{len(analysis.article_stances)} actor{'s' if len(analysis.article_stances) != 1 else ''} · "
        f"{len(analysis.mentions)} mentions scored" + (f" ({counts})" if counts else "")
    )
    radios = [f'<input type="radio" class="focus" name="{prefix}-focus" id="{prefix}-all" checked>']
    radios += [f'<input type="radio" class="focus" name="{prefix}-focus" id="{prefix}-a{k}">' for k in index.values()]
    parts = [
        f'<article class="view" id="{prefix}">',
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">{meta}</p>',
        *radios,
        '<div class="doc">',
        _actor_table(analysis, index, prefix),
        _key() if key else "",
        _text(analysis, index, marks, prefix),
        "</div></article>",
    ]
    return "\n".join(parts), _focus_css(prefix, index.values())


def _probs_text(probs: dict[str, float]) -> str:
    return " · ".join(f"{label} {probs[label]:.2f}" for label in LABELS)


def _marks(analysis: Any, index: dict[str, int]) -> list[Mark]:
    """Every mention as a mark: scored ones coloured by their sentence's stance, the rest (a
    mention outside every sentence) marked unscored."""
    marks, scored = [], set()
    for m in analysis.mentions:
        k = index[m.actor]
        label, probs = m.stance.label, m.stance.probs
        classes = f"m a{k} stance-{label} {strength(probs[label])} type-{m.mention_type}"
        tip = f"{m.actor} ({TYPE_WORDS.get(m.mention_type, m.mention_type)}): {label}, {_probs_text(probs)}"
        marks.append(Mark(m.start, m.end, classes, tip, len(marks)))
        scored.add((m.actor, m.start, m.end))
    for actor in analysis.actors:
        for (s, e), kind in zip(actor.mentions, actor.mention_types):
            if (actor.name, s, e) not in scored:
                tip = f"{actor.name} ({TYPE_WORDS.get(kind, kind)}): not scored (outside every sentence)"
                marks.append(Mark(s, e, f"m a{index[actor.name]} unscored type-{kind}", tip, len(marks)))
    return sorted(marks, key=lambda m: (m.start, m.index))


def _actor_table(analysis: Any, index: dict[str, int], prefix: str) -> str:
    if not analysis.article_stances:
        return '<section class="actors"><h2>Actors</h2><p class="note">No actor found in this text.</p></section>'
    kinds: dict[str, Counter] = {}
    for m in analysis.mentions:
        kinds.setdefault(m.actor, Counter())[m.mention_type] += 1
    rows = []
    for s in sorted(analysis.article_stances, key=lambda s: (-s.mentions, index[s.actor])):
        k, label = index[s.actor], s.stance.label
        split = ", ".join(f"{n} {TYPE_WORDS.get(t, t)}" for t, n in sorted(kinds.get(s.actor, Counter()).items()))
        tip = f"{s.actor}: {label}, {_probs_text(s.stance.probs)}"
        rows.append(
            f'<tr class="actor a{k} stance-{label}" title="{escape(tip)}">'
            f'<td><label class="pick" for="{prefix}-a{k}">{escape(s.actor)}</label></td>'
            f"<td>{escape(s.actor_type)}</td>"
            f'<td><span class="chip stance-{label}">{label}</span></td>'
            f'<td class="num">{s.stance.score:+.2f}</td>'
            f'<td class="num" title="{escape(split)}">{s.mentions}</td>'
            f'<td class="num">{s.sentences}</td>'
            f"<td>{stance_bar(s.stance.probs, title=tip)}</td></tr>"
        )
    head = (
        "<tr><th>actor</th><th>type</th><th>stance</th><th class=num>score</th><th class=num>mentions</th>"
        "<th class=num>sentences</th><th>negative · neutral · positive</th></tr>"
    )
    return (
        '<section class="actors"><h2>Actors</h2>'
        f'<p class="note screen-only">Click an actor to highlight only its mentions; '
        f'<label class="showall" for="{prefix}-all">show all</label></p>'
        f"<table>{head}{''.join(rows)}</table>"
        '<p class="note">Article stance: the mean of the probabilities of the sentences that mention the actor; '
        "score = p(positive) − p(negative).</p>"
        "</section>"
    )


def _key() -> str:
    """The legend of the highlights, once per page."""
    return (
        f'<section class="key">{legend()}'
        '<p class="note typekey">Underline: <span><span class="m stance-neutral medium type-name">name</span></span>'
        '<span><span class="m stance-neutral medium type-pronoun">pronoun (dashed)</span></span>'
        '<span><span class="m stance-neutral medium type-nominal">role noun (dotted)</span></span><br>'
        "Highlight: the stance of the mention's sentence towards its actor; intensity: the probability "
        "of that label (weak &lt; 0.5 ≤ medium &lt; 0.75 ≤ strong). Hover a mention for its probabilities.</p>"
        "</section>"
    )


def _text(analysis: Any, index: dict[str, int], marks: list[Mark], prefix: str) -> str:
    by_passage: dict[int, list[Any]] = {}
    for s in analysis.passage_stances:
        by_passage.setdefault(s.passage_index, []).append(s)
    out, i = ['<section class="text"><h2>Text</h2>'], 0
    for p in analysis.passages:
        while i < len(marks) and marks[i].end <= p.start:
            i += 1
        j = i
        while j < len(marks) and marks[j].start < p.end:
            j += 1
        body = highlight(analysis.text, p.start, p.end, marks[i:j])
        out.append(
            f'<div class="passage" id="{prefix}-p{p.index}"><div class="ptext"><span class="pnum">{p.index + 1}</span>'
            f"{body}</div>{_aside(by_passage.get(p.index, []), index)}</div>"
        )
    if not analysis.passages:
        out.append('<p class="note">Empty text.</p>')
    out.append("</section>")
    return "\n".join(out)


def _aside(stances: list[Any], index: dict[str, int]) -> str:
    if not stances:
        return '<aside class="pstance"><span class="none">no actor</span></aside>'
    items = []
    for s in sorted(stances, key=lambda s: index[s.actor]):
        label, tip = s.stance.label, f"{s.actor} in this passage: {s.stance.label}, {_probs_text(s.stance.probs)}"
        items.append(
            f'<li class="a{index[s.actor]} stance-{label}" title="{escape(tip)}">'
            f'<span class="who">{escape(s.actor)}</span>'
            f'<span class="chip stance-{label}">{label} {s.stance.score:+.2f}</span>'
            f"{stance_bar(s.stance.probs, width=48, height=9, title=tip)}</li>"
        )
    return f'<aside class="pstance"><ul>{"".join(items)}</ul></aside>'


def _focus_css(prefix: str, actors: Any) -> str:
    """Per actor: when its radio is checked, other actors' highlights fade and its row stands out."""
    rules = []
    for k in actors:
        on = f"#{prefix}-a{k}:checked ~ .doc"
        rules.append(
            f"{on} .ptext .m:not(.a{k}) {{ background: none; border-bottom-color: transparent; }}\n"
            f"{on} tr.a{k} {{ background: #fff3c4; }}\n"
            f"{on} aside.pstance li:not(.a{k}) {{ opacity: 0.35; }}\n"
        )
    return "".join(rules)
