"""Who says what: the quotes and reported speech of an article, with their speakers.

Rules on spaCy's parse, precision first (``newsstance bench attributions`` measures them):

* **direct**: a quotation of four tokens or more, in curly or straight double quotes, whose
  nearest verb of speech outside any quotation, in its sentence or the next, has a subject: `"We
  will not yield," Vecchio said` / `Vecchio said: "…"`. The content is the text inside the marks.
* **mixed**: such a quotation inside the clause a verb of speech reports, where the clause holds
  more than the quotation: `Vecchio said the plan was "a betrayal"`. The content is the clause.
* **indirect**: a verb of speech with a subject and a reported clause (``ccomp``) outside
  quotation marks (`the senator said the governor had lied`); or a verb that names its target
  (accused, praised, thanked, blamed, ...) with a subject and an object (`the senator accused the
  governor of lying`): the content is the object and what follows it.
* **according-to**: "according to X" with the clause it governs.

The speaker is the subject's phrase: an actor of the article where one of the actor's mentions
(a name, a pronoun linked to it, a role noun) is the subject's head ("he said" is the actor "he"
stands for), else an unnamed source, kept as its phrase ("a senior aide", "officials").
textacy's ``direct_quotations`` does the first rule only, needs the lemmatizer and brings
requests and floret with it; these rules need neither.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..encoding import Span
from .actors import ActorDraft
from .parsing import Parse

SPEECH = frozenset(
    """
    said says say told tells tell added adds wrote writes tweeted tweets argued argues warned warns
    claimed claims insisted insists noted notes explained explains replied replies stated states
    announced announces declared declares stressed stresses maintained maintains contended
    acknowledged acknowledges admitted admits conceded concedes suggested suggests predicted
    promised promises vowed vows pledged pledges recalled testified responded countered complained
    alleged asserted emphasised emphasized cautioned observed remarked confirmed denied denies
    """.split()  # noqa: SIM905 - a word list reads best as words
)
"""Verbs of speech as written (the pipeline runs no lemmatizer)."""

_NEGATIVE = "accused accuses blamed blames criticised criticized criticises criticizes condemned condemns attacked"
_NEGATIVE += " attacks denounced denounces slammed slams"
_POSITIVE = "praised praises thanked thanks welcomed welcomes commended commends congratulated congratulates"
_POSITIVE += " applauded applauds hailed hails defended defends"
TARGETING = {**dict.fromkeys(_NEGATIVE.split(), "negative"), **dict.fromkeys(_POSITIVE.split(), "positive")}
"""Verbs that name their target, with the stance they carry towards it."""

KINDS = ("direct", "indirect", "mixed", "according-to")
_SUBJECTS = ("nsubj", "nsubjpass")
_MIN_QUOTE_TOKENS = 4


Owners = list[tuple[int, int, int, str]]
"""Every actor mention of an article: (start, end, actor index, actor name)."""


@dataclass(frozen=True)
class Quote:
    """One attribution found in the text: offsets into the article; ``actor`` is the index of
    the speaker among the article's actors, or None for an unnamed source."""

    kind: str
    speaker: str  # the actor's name, or the unnamed source's phrase
    actor: int | None
    speaker_span: Span
    cue: str
    cue_span: Span
    content: Span
    target: Span | None = None  # the object of a verb that names its target ("accused the governor")


def quotations(text: str, passages: Sequence[Span]) -> list[Span]:
    """The quoted stretches of each passage, marks included: between curly or straight double
    quotes; a quote left open runs to the passage's end, and a closing quote with no opening one
    (a passage that starts inside a quotation) from the passage's start."""
    found = []
    for start, end in passages:
        opened = None
        for k in range(start, end):
            ch = text[k]
            if ch == "“" or (ch == '"' and opened is None):
                opened = k if opened is None else opened
            elif ch in '”"' and opened is not None:
                found.append((opened, k + 1))
                opened = None
            elif ch == "”":
                found.append((start, k + 1))
        if opened is not None:
            found.append((opened, end))
    return found


PRONOUNS = frozenset(["he", "she", "it", "they", "we", "i", "you"])
"""Speakers that say nothing of who speaks unless coreference linked them to an actor."""


def attributions(text: str, actors: Sequence[ActorDraft], parse: Parse) -> list[Quote]:
    """Every attribution of ``text`` (rules in the module docstring), in text order. An
    attribution whose speaker is a pronoun that no actor holds is left out: its speaker is unknown."""
    owners = [(m.start, m.end, i, a.name) for i, a in enumerate(actors) for m in a.mentions]
    quoted = quotations(text, parse.passages)
    found: list[Quote] = []
    for offset, doc in parse.docs:
        found += _in_doc(text, offset, doc, quoted, owners)
    found = [_named(q, actors) for q in found]
    known = [q for q in found if q.actor is not None or _unnamed(q.speaker)]
    return sorted(known, key=lambda q: q.content)


def _unnamed(phrase: str) -> bool:
    """An unnamed source kept as its phrase: "a senior aide", "officials", "critics of the plan".
    A pronoun, or a definite description that points back to an actor the resolver did not link
    ("the company", "its director", "the coach"), says nothing sure of who speaks: left out."""
    words = phrase.casefold().split()
    if not words or words[0] in PRONOUNS or words[0] in ("the", "its", "his", "her", "their", "our", "this"):
        return False
    return not phrase.isupper()  # a dateline ("LONDON") read as a subject


def _named(q: Quote, actors: Sequence[ActorDraft]) -> Quote:
    """An unnamed speaker "the authority" (the + one noun) is the one organisation of the article
    whose name ends with that noun ("Coastal Freight Authority")."""
    if q.actor is not None:
        return q
    words = q.speaker.split()
    if len(words) == 2 and words[0].casefold() == "the":
        head = words[1].casefold()
        orgs = [i for i, a in enumerate(actors) if a.type == "ORG" and a.name.split()[-1].casefold() == head]
        if len(orgs) == 1:
            return replace(q, actor=orgs[0], speaker=actors[orgs[0]].name)
    return q


def _in_doc(text: str, offset: int, doc: Any, quoted: list[Span], owners: Owners) -> list[Quote]:
    end = offset + len(doc.text)
    quotes = [(s, e) for s, e in quoted if offset <= s < end]

    def inside_quote(tok: Any) -> bool:
        at = offset + tok.idx
        return any(s <= at < e for s, e in quotes)

    cues = [t for t in doc if (t.lower_ in SPEECH or t.lower_ in TARGETING) and not inside_quote(t)]
    with_subject = [(t, _subject(t)) for t in cues]
    with_subject = [(t, s) for t, s in with_subject if s is not None]
    used: set[int] = set()
    out: list[Quote] = []
    for qs, qe in quotes:
        tokens = [t for t in doc if qs <= offset + t.idx < qe and not t.is_quote]
        words = [t for t in tokens if not (t.is_punct or t.is_stop)]
        if len(tokens) < _MIN_QUOTE_TOKENS or (words and all(t.is_title for t in words)):
            continue  # a title or a name in quotes, not speech
        first, last = tokens[0], tokens[-1]
        near = {first.sent.start, last.sent.start}
        if last.i + 1 < len(doc):
            near.add(doc[min(last.i + 2, len(doc) - 1)].sent.start)
        cands = [(t, s) for t, s in with_subject if t.lower_ in SPEECH and t.sent.start in near]
        if not cands:
            continue
        cue, subject = min(cands, key=lambda c: min(abs(c[0].i - first.i), abs(c[0].i - last.i)))
        clause = next((c for c in cue.children if c.dep_ in ("ccomp", "xcomp")), None)
        content = (qs + 1, qe - 1 if text[qe - 1] in '”"' else qe)
        kind = "direct"
        if clause is not None and clause.left_edge.i <= first.i and last.i <= clause.right_edge.i:
            extra = [
                t
                for t in doc[clause.left_edge.i : clause.right_edge.i + 1]
                if not (qs <= offset + t.idx < qe) and not t.is_punct
            ]
            if len(extra) >= 2:
                kind, content = "mixed", _span(offset, doc, clause.left_edge.i, clause.right_edge.i)
        used.add(cue.i)
        out.append(_quote(text, offset, doc, kind, cue, subject, content, owners))
    for cue, subject in with_subject:
        if cue.i in used:
            continue
        if cue.lower_ in TARGETING:
            obj = next((c for c in cue.children if c.dep_ == "dobj"), None)
            if obj is None:
                continue
            content = _span(offset, doc, obj.left_edge.i, cue.right_edge.i)
            target = _span(offset, doc, obj.left_edge.i, obj.right_edge.i)
            out.append(_quote(text, offset, doc, "indirect", cue, subject, content, owners, target))
            continue
        clause = next((c for c in cue.children if c.dep_ == "ccomp"), None)
        if clause is None or inside_quote(clause):
            continue
        start = clause.left_edge.i + (clause.left_edge.lower_ == "that")
        if start > clause.right_edge.i:
            continue
        content = _span(offset, doc, start, clause.right_edge.i)
        out.append(_quote(text, offset, doc, "indirect", cue, subject, content, owners))
    out += _according_to(text, offset, doc, owners)
    return out


def _according_to(text: str, offset: int, doc: Any, owners: Owners) -> list[Quote]:
    out = []
    for tok in doc:
        if tok.lower_ != "according" or tok.i + 1 >= len(doc) or doc[tok.i + 1].lower_ != "to":
            continue
        to = doc[tok.i + 1]
        source = next((c for c in to.children if c.dep_ == "pobj"), None)
        if source is None:
            continue
        sent = tok.sent
        phrase_end = source.right_edge.i
        if tok.i == sent.start or (tok.i > sent.start and doc[tok.i - 1].is_punct and tok.i - 1 == sent.start):
            start, stop = phrase_end + 1, sent.end - 1
        else:
            start, stop = sent.start, tok.i - 1
        while start <= stop and doc[start].is_punct:
            start += 1
        while stop >= start and doc[stop].is_punct:
            stop -= 1
        if stop - start < 2:
            continue
        cue_span = _span(offset, doc, tok.i, tok.i + 1)
        speaker_span, actor, speaker = _speaker(text, offset, doc, source, owners)
        out.append(
            Quote(
                "according-to",
                speaker,
                actor,
                speaker_span,
                "according to",
                cue_span,
                _span(offset, doc, start, stop),
            )
        )
    return out


def _subject(verb: Any) -> Any:
    return next((c for c in verb.children if c.dep_ in _SUBJECTS), None)


def _span(offset: int, doc: Any, first: int, last: int) -> Span:
    """Tokens ``first`` to ``last`` as offsets into the article, end punctuation left out."""
    while last > first and doc[last].is_punct and not doc[last].is_quote:
        last -= 1
    return offset + doc[first].idx, offset + doc[last].idx + len(doc[last].text)


def _quote(
    text: str,
    offset: int,
    doc: Any,
    kind: str,
    cue: Any,
    subject: Any,
    content: Span,
    owners: Owners,
    target: Span | None = None,
) -> Quote:
    speaker_span, actor, speaker = _speaker(text, offset, doc, subject, owners)
    if target is None:  # '"…," she said of the mayor': what the statement is about
        about = next((c for c in cue.children if c.dep_ == "prep" and c.lower_ in ("of", "about")), None)
        obj = next((c for c in about.children if c.dep_ == "pobj"), None) if about is not None else None
        if obj is not None:
            target = _span(offset, doc, obj.left_edge.i, obj.right_edge.i)
    return Quote(kind, speaker, actor, speaker_span, cue.text, _span(offset, doc, cue.i, cue.i), content, target)


def _speaker(text: str, offset: int, doc: Any, head: Any, owners: Owners):
    """The subject's phrase (its words up to its head, and compounds: "a senior aide", "Marta
    Vecchio"), and the actor whose mention the head is, if any. A possessive pronoun the
    phrase starts with is the name of the actor it is linked to ("its director" → "Coastal
    Freight Authority's director")."""
    first = min([head.left_edge.i, *(c.i for c in head.children if c.dep_ == "compound")])
    span = _span(offset, doc, first, head.i)
    at = offset + head.idx
    actor = next((i for s, e, i, _ in owners if s <= at < e), None)
    phrase = " ".join(text[span[0] : span[1]].split())
    if actor is None and doc[first].lower_ in ("its", "his", "her", "their") and first < head.i:
        owner = next((name for s, _, _, name in owners if s == offset + doc[first].idx), None)
        if owner is not None:
            return span, None, f"{owner}'s " + " ".join(text[offset + doc[first + 1].idx : span[1]].split())
    if actor is None:  # a name of two tokens, or a name as a compound ("CFA figures"): its mention
        names = [offset + c.idx for c in (head, *head.children) if c.pos_ == "PROPN" and c.dep_ != "poss"]
        actor = next((i for s, e, i, _ in owners for at in names if s <= at < e), None)
    return span, actor, phrase
