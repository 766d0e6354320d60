"""it / its / they / their for organisations, countries and groups, precision first.

One rule on spaCy's parse: the pronoun takes the subject of the nearest clause above it, in its
own sentence, when that subject is a name mention of an organisation or a country ("Petrobras
said it would drill", "The ministry raised its forecast") or, for they / them / their, of an
organisation or a group (NORP: "Republicans said they would vote"). The subject must come
before the pronoun, and nothing else may stand between: a subject that is no actor ("the plan
... it", "the talks ... they"), a person, or an actor of the wrong kind leaves the pronoun
unlinked, and so does a noun of the pronoun's number between the two as a subject or object ("the
police said the laptop was lost, but said it ..."). Pronouns across sentences are not linked.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .actors import ActorDraft
from .parsing import Parse
from .spans import SpanSet

SINGULAR = frozenset({"it", "its", "itself"})
PLURAL = frozenset({"they", "them", "their", "themselves"})
_SUBJECTS = ("nsubj", "nsubjpass")
_TAKES = {"singular": ("ORG", "GPE"), "plural": ("ORG", "NORP")}


def group_links(
    actors: Sequence[ActorDraft], parse: Parse, linked: Sequence[tuple[int, int, int]] = ()
) -> list[tuple[int, int, int]]:
    """``(actor index, start, end)`` for each it/its/they/their that refers to one of ``actors``
    without doubt (the rule in the module docstring). ``linked``: mentions already linked, as
    ``(actor index, start, end)`` ("the ministry"), which count as the actor's."""
    owners = SpanSet()
    spans = [(i, m.start, m.end) for i, actor in enumerate(actors) for m in actor.mentions]
    for i, start, end in sorted([*spans, *linked], key=lambda s: s[1]):
        if not owners.overlaps(start, end):
            owners.add(start, end, i)
    taken = owners
    links = []
    for offset, doc in parse.docs:
        for token in doc:
            word = token.lower_
            number = "singular" if word in SINGULAR else "plural" if word in PLURAL else None
            start = offset + token.idx
            if number is None or taken.overlaps(start, start + len(token.text)):
                continue
            subject = _nearest_subject(token)
            if subject is None or subject.i >= token.i:
                continue
            if subject.lower_ in (PLURAL if number == "singular" else SINGULAR):
                continue  # "it ... how they had been approved": the pronouns disagree in number
            found = owners.at(offset + subject.idx)
            if found is None:
                continue  # the subject is no actor: "the plan ... it"
            if _rival_between(doc, subject, token, number, owners, offset, found[2]):
                continue  # "the police said the laptop was lost, but said it ..."
            actor = actors[found[2]]
            if actor.type in _TAKES[number] and not actor.is_person():
                links.append((found[2], start, start + len(token.text)))
                owners.add(start, start + len(token.text), found[2])  # "it would raise its fees"
    return links


_NUMBER_TAGS = {"singular": ("NN", "NNP"), "plural": ("NNS", "NNPS")}


def _rival_between(doc: Any, subject: Any, token: Any, number: str, owners: SpanSet, offset: int, actor: int) -> bool:
    """A noun of the pronoun's number stands between the subject and the pronoun as a subject or
    an object ("the laptop", "three fishing boats"), and is no mention of the same actor. Words
    of the subject's own phrase do not count ("the League, which organised the conference, said
    its ...")."""
    for t in doc[subject.right_edge.i + 1 : token.i]:
        if t.tag_ in _NUMBER_TAGS[number] and t.dep_ in ("nsubj", "nsubjpass", "dobj"):
            found = owners.at(offset + t.idx)
            if found is None or found[2] != actor:
                return True
    return False


def _nearest_subject(token: Any) -> Any:
    """The subject of the nearest clause above ``token`` (outside the token's own phrase), or None."""
    node = token
    while node.head.i != node.i:
        node = node.head
        subjects = [
            c for c in node.children if c.dep_ in _SUBJECTS and not (c.left_edge.i <= token.i <= c.right_edge.i)
        ]
        if subjects:
            return subjects[0]
    return None
