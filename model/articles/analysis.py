"""Article analysis: passages, actors, and each actor's stance per sentence, passage and article.

Aggregation: a passage's (or the article's) stance towards an actor is the mean of the
probability vectors of the sentences that mention the actor, one classification per sentence
with all its mentions of the actor marked together; the label is the most probable class of that
mean. The mean keeps the result a probability distribution, weighs every sentence equally however
many times it repeats a name, and is not swung by one over-confident sentence the way a max is.

Each text's language is detected first (:mod:`newsstance.articles.language`); texts in other
languages than ``languages`` give a :class:`~newsstance.articles.language.LanguageWarning`. A
``progress`` callback is told how far the two long stages are, reading (spaCy) and classifying.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..stance import LABELS, Stance
from .actors import (
    ENTITY_TYPES,
    ActorDraft,
    Candidate,
    build_actors,
    clean_span,
    find_mentions,
    name_entities,
    place_if_named_so,
)
from .coref import Link, resolve
from .given import given_actors, join_full_names, type_by_grammar
from .identity import actor_id
from .known import KnownActors, apply_known, with_given
from .language import ENGLISH, LanguageWarning, check_languages, detect_language, other_languages
from .nlp import load_pipeline
from .pairs import Classifies, Pair, classify_pairs, sentence_pairs
from .parsing import Parse, parse
from .progress import Bars, Progress
from .quotes import TARGETING, Quote, attributions
from .results import Actor, ActorStance, MentionStance, Passage
from .rows import LEVELS, check_level, columns, frame, make_row
from .salience import saliences
from .voices import AUTHOR, UNNAMED, Attribution, Edge, EdgeItem, edge_items, roll_up, speaker_mentions, voice

__all__ = ["LEVELS", "ActorStance", "ArticleAnalysis", "Classifies", "MentionStance", "Passage", "analyze_many"]


Coreference = Callable[[str, Sequence[ActorDraft], Parse], Iterable[Link]]
"""A resolver: (text, actors, parse) -> mentions to add (pronouns, role nouns); see :func:`resolve`."""


@dataclass(frozen=True, repr=False)
class ArticleAnalysis:
    """One article's passages, actors and mentions, and each actor's stance per mention, passage
    and article. ``repr`` is one line; in a notebook the analysis shows as its article page."""

    text: str
    passages: tuple[Passage, ...]
    actors: tuple[Actor, ...]
    mentions: tuple[MentionStance, ...]
    passage_stances: tuple[ActorStance, ...]
    article_stances: tuple[ActorStance, ...]
    language: str | None = None
    """The detected language (ISO 639: "en", "de", ...); None when the text is too short to tell,
    unclear, or not checked (``languages=None``)."""
    attributions: tuple[Attribution, ...] = ()
    """The article's quotes and reported speech, with their speakers (newsstance.articles.quotes)."""
    edges: tuple[Edge, ...] = ()
    """Each speaker's stance towards each actor it speaks of (newsstance.articles.voices)."""

    def stance_of(self, actor: str) -> Stance:
        """The article-level stance towards ``actor`` (its canonical name)."""
        for s in self.article_stances:
            if s.actor == actor:
                return s.stance
        raise KeyError(f"no actor {actor!r}; found {[s.actor for s in self.article_stances]}")

    def to_records(self, level: str = "article") -> list[dict[str, Any]]:
        """Flat rows (columns as :data:`newsstance.articles.rows.SCHEMA` declares): one per
        actor (article), per passage × actor (passage), per mention, or per speaker × target
        (edge). ``actor_id`` and
        ``canonical`` are this article's; across many articles (:func:`newsstance.to_dataframe`,
        ``newsstance score``) they are the corpus's (:mod:`newsstance.articles.identity`)."""
        if check_level(level) == "mention":
            return [
                make_row(
                    level,
                    {
                        "actor": m.actor,
                        "actor_id": m.actor_id,
                        "canonical": m.actor,
                        "actor_type": m.actor_type,
                        **_stance_fields(m.stance),
                        "mentions": 1,
                        "passage_index": m.passage_index,
                        "start": m.start,
                        "end": m.end,
                        "mention_type": m.mention_type,
                        "sentence_start": m.sentence[0],
                        "sentence_end": m.sentence[1],
                        "voice": m.voice,
                    },
                )
                for m in self.mentions
            ]
        if level == "edge":
            return [
                make_row(
                    level,
                    {
                        "speaker": e.speaker,
                        "speaker_id": e.speaker_id,
                        "speaker_type": e.speaker_type,
                        "target": e.target,
                        "target_id": e.target_id,
                        "target_type": e.target_type,
                        **_stance_fields(e.stance),
                        "attributions": e.attributions,
                    },
                )
                for e in self.edges
            ]
        rows = self.article_stances if level == "article" else self.passage_stances
        out = []
        for r in rows:
            values = {
                "actor": r.actor,
                "actor_id": r.actor_id,
                "canonical": r.actor,
                "actor_type": r.actor_type,
                **_stance_fields(r.stance),
                "mentions": r.mentions,
                "sentences": r.sentences,
                "quoted": r.quoted,
            }
            if level == "passage":
                values |= {"passage_index": r.passage_index, "start": r.start, "end": r.end}
            else:
                values["salience"] = r.salience
            out.append(make_row(level, values))
        return out

    def to_html(self, title: str = "Article") -> str:
        """A self-contained HTML page of this analysis: the text with every mention highlighted
        by its sentence's stance, each actor's stance, each passage's (no script, no network)."""
        from ..html import article_page

        return article_page([(title, self)])

    def _repr_html_(self) -> str:
        """The article in a notebook: the page's content as a ``<div>`` with scoped CSS, no script."""
        from ..html import article_fragment

        return article_fragment(self)

    def __repr__(self) -> str:
        """One line: the text's length, the most mentioned actors with their scores, the passages."""
        top = sorted(self.article_stances, key=lambda s: -s.mentions)
        shown = [f"{_short(s.actor)} {s.stance.score:+.2f}" for s in top[:REPR_ACTORS]]
        actors = f"{len(top)}: " + ", ".join(shown + ["…"] * (len(top) > REPR_ACTORS)) if top else "0"
        return f"{type(self).__name__}(chars={len(self.text)}, actors={actors}, passages={len(self.passages)})"

    def to_dataframe(self, level: str = "article"):
        """:meth:`to_records` as a pandas DataFrame (for many analyses: :func:`newsstance.to_dataframe`)."""
        return frame(self.to_records(level), columns(level))


REPR_ACTORS = 3
"""How many actors the one-line repr of an analysis names."""


def _short(name: str, limit: int = 24) -> str:
    name = " ".join(name.split())
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _stance_fields(stance: Stance) -> dict[str, Any]:
    return {"label": stance.label, "score": stance.score, **{f"p_{k}": stance.probs[k] for k in LABELS}}


def _mean_stance(stances: Sequence[Stance]) -> Stance:
    return Stance.from_probs([sum(s.probs[k] for s in stances) / len(stances) for k in LABELS])


def read_actors(
    texts: Sequence[str],
    actors: Sequence[str | dict] | None = None,
    batch_size: int = 32,
    entity_types: Sequence[str] = ENTITY_TYPES,
    nlp: Any = None,
    coreference: Coreference | None = resolve,
    progress: Progress | None = None,
    known: KnownActors | None = None,
) -> tuple[list[Parse], list[list[ActorDraft]]]:
    """The first half of :func:`analyze_many`, without a classifier: each text's parse and its
    actors (those given, or those NER finds), every mention found, in order of first mention."""
    texts = _checked_texts(texts)
    if actors is not None:
        given_actors(actors, warn=True)  # a bad spec fails here, before any text is read
    pipeline = nlp if nlp is not None else load_pipeline()
    parsed = parse(texts, pipeline, batch_size=max(1, batch_size), progress=progress)
    drafts: list[list[ActorDraft]] = []
    for text, p in zip(texts, parsed):
        entities = [place_if_named_so(text, e) for e in p.entities]
        wanted = [e for e in entities if e[2] in entity_types]
        if actors is None:
            found = build_actors(text, wanted, entity_types, p.docs)
        else:  # the names NER missed are evidence of a given actor's type and full name too
            found = given_actors(actors)
            entities = entities + name_entities(text, wanted, p.docs)
            join_full_names(text, found, entities)
        found = apply_known(found, known)
        find_mentions(text, found, {clean_span(text, s, e): label for s, e, label in entities})
        type_by_grammar(found, p.docs)
        if coreference is not None:
            for link in coreference(text, found, p):
                found[link.actor].mentions.append(Candidate(link.start, link.end, "", False, link.kind))
            for actor in found:
                actor.mentions.sort(key=lambda c: c.start)
        drafts.append(sorted((a for a in found if a.mentions), key=lambda a: a.mentions[0].start))
    return parsed, drafts


def analyze_many(
    clf: Classifies,
    texts: Sequence[str],
    actors: Sequence[str | dict] | None = None,
    batch_size: int = 32,
    show_progress_bar: bool = False,
    entity_types: Sequence[str] = ENTITY_TYPES,
    nlp: Any = None,
    coreference: Coreference | None = resolve,
    languages: Sequence[str] | None = ENGLISH,
    progress: Progress | None = None,
    known_actors: KnownActors | Sequence[str | dict] | str | None = None,
    speakers_as_targets: bool = False,
) -> list[ArticleAnalysis]:
    """Analyse articles: the sentence × actor pairs of all ``texts`` share the model's batches
    (``batch_size`` pairs each). ``actors`` (names or ``{"name", "aliases", "type"}`` dicts)
    restricts the analysis to those actors in every text; ``None`` finds them with spaCy NER.
    ``coreference`` adds the pronouns and role nouns that refer to an actor (default: the
    rule-based :func:`newsstance.articles.coref.resolve`; ``None`` for names only). An empty
    text gives an empty analysis.

    Each text's language is detected (``ArticleAnalysis.language``); texts detected in a language
    outside ``languages`` (ISO 639 codes, default English only) give one
    :class:`~newsstance.articles.language.LanguageWarning` and are analysed all the same.
    ``languages=None`` detects nothing. ``show_progress_bar`` shows a bar per stage (on stderr);
    ``progress`` is told how far each stage is (:data:`~newsstance.articles.progress.Progress`).
    Neither is on by default: nothing is printed.

    ``known_actors`` (a :class:`~newsstance.articles.identity.KnownActors`, a list of actor specs
    with ``id``, or the path of a CSV/JSONL file of ``name, aliases, type, id``): a found actor
    that goes by a known actor's name or alias takes its name, type and id.

    Quotes and reported speech are found with their speakers (``ArticleAnalysis.attributions``),
    each mention says whose voice it is in (``MentionStance.voice``), and each speaker's stance
    towards the actors it speaks of is in ``ArticleAnalysis.edges``. A speaker's mention in the
    frame of its own statement is not classified for its portrayal ("Hawley praised Trump" says
    nothing of Hawley); ``speakers_as_targets=True`` classifies it as any other mention."""
    texts = _checked_texts(texts)
    known = with_given(known_actors, actors)
    accepted = check_languages(languages)
    found = [detect_language(t) if accepted is not None else None for t in texts]
    other = [(n, code) for n, code in enumerate(found) if code is not None and code not in accepted]
    if other:
        # stacklevel: the caller of clf.analyze / clf.analyze_many
        warnings.warn(other_languages(other, len(texts), accepted), LanguageWarning, stacklevel=3)
    report = Bars(progress) if show_progress_bar else progress
    try:
        parsed, drafts = read_actors(texts, actors, batch_size, entity_types, nlp, coreference, report, known)
        quotes = [attributions(t, d, p) for t, d, p in zip(texts, drafts, parsed)]
        skip = [set() if speakers_as_targets else speaker_mentions(q, d) for q, d in zip(quotes, drafts)]
        pairs, items = sentence_pairs(texts, parsed, drafts, skip)
        edges = [edge_items(t, q, d) for t, q, d in zip(texts, quotes, drafts)]
        for _, more in edges:
            items += more
        stances = classify_pairs(clf, items, batch_size, report)
    finally:
        if isinstance(report, Bars):
            report.close()
    per_article: list[list[tuple[Pair, Stance]]] = [[] for _ in texts]
    for pair, stance in zip(pairs, stances):
        per_article[pair.article].append((pair, stance))
    rest = iter(stances[len(pairs) :])
    per_edge = [[(key, next(rest)) for key in keys] for keys, _ in edges]
    return [
        _assemble(texts[i], parsed[i], drafts[i], per_article[i], found[i], known, quotes[i], per_edge[i])
        for i in range(len(texts))
    ]


def _checked_texts(texts: Sequence[str]) -> list[str]:
    if isinstance(texts, str):
        raise TypeError("analyze_many takes a list of texts; use analyze(text) for one")
    texts = list(texts)
    for n, t in enumerate(texts):
        if not isinstance(t, str):
            raise TypeError(f"text {n} must be a str, got {type(t).__name__}; decode bytes first")
    return texts


def _assemble(
    text: str,
    parsed: Parse,
    drafts: list[ActorDraft],
    results: list[tuple[Pair, Stance]],
    language: str | None = None,
    known: KnownActors | None = None,
    quotes: Sequence[Quote] = (),
    edge_results: Sequence[tuple[EdgeItem, Stance]] = (),
) -> ArticleAnalysis:
    flat = [s for sents in parsed.sentences for s in sents]
    passages = tuple(Passage(j, s, e, tuple(parsed.sentences[j])) for j, (s, e) in enumerate(parsed.passages))
    weights = saliences(drafts, parsed.passages, parsed.docs)
    actors = tuple(
        Actor(
            d.name,
            d.type,
            tuple((m.start, m.end) for m in d.mentions),
            tuple(m.kind for m in d.mentions),
            w,
            actor_id(d.name, d.type, known),
        )
        for d, w in zip(drafts, weights)
    )
    names = [a.name for a in actors]
    mentions, by_passage, by_article = [], defaultdict(list), defaultdict(list)
    for pair, stance in results:
        actor = actors[pair.actor]
        sentence = flat[pair.sentence]
        voices = [voice(s, quotes, names) for s, _ in pair.spans]
        mentions += [
            MentionStance(actor.name, actor.type, pair.passage, s, e, sentence, stance, kind, actor.id, v)
            for ((s, e), kind), v in zip(zip(pair.spans, pair.kinds), voices)
        ]
        quoted = all(v != AUTHOR for v in voices)  # the sentence speaks of the actor in a source's words
        by_passage[(pair.passage, pair.actor)].append((len(pair.spans), stance, quoted))
        by_article[pair.actor].append((len(pair.spans), stance, quoted))

    def summary(a: int, rows: list[tuple[int, Stance, bool]], passage: Passage | None = None) -> ActorStance:
        return ActorStance(
            actors[a].name,
            actors[a].type,
            _mean_stance([s for _, s, _ in rows]),
            sum(n for n, _, _ in rows),
            len(rows),
            passage.index if passage else None,
            passage.start if passage else None,
            passage.end if passage else None,
            None if passage else actors[a].salience,
            actors[a].id,
            sum(q for _, _, q in rows) / len(rows),
        )

    passage_stances = tuple(summary(a, rows, passages[j]) for (j, a), rows in sorted(by_passage.items()))
    article_stances = tuple(summary(a, rows) for a, rows in sorted(by_article.items()))
    mentions.sort(key=lambda m: (m.start, m.actor))
    said = tuple(
        Attribution(
            q.kind,
            names[q.actor] if q.actor is not None else q.speaker,
            actors[q.actor].id if q.actor is not None else "",
            actors[q.actor].type if q.actor is not None else UNNAMED,
            q.speaker_span,
            q.cue,
            q.cue_span,
            q.content,
            TARGETING.get(q.cue.casefold()) if q.target is not None else None,
        )
        for q in quotes
    )
    edges = roll_up(said, [(a.name, a.id, a.type) for a in actors], edge_results)
    return ArticleAnalysis(
        text, passages, actors, tuple(mentions), passage_stances, article_stances, language, said, edges
    )
