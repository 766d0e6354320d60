"""Coreference: third-person pronouns and role nouns linked to the actors an article names.

A rule-based resolver on spaCy's dependency parse, precision first. No PyPI package ships
English coreference weights (coreferee's model lives only in its source repository; fastcoref
and maverick download theirs from the Hugging Face hub), and the data we may train on marks
pronouns of one target per sentence only, so the rules below are the resolver:

* **Pronouns** he / him / his / himself and she / her / hers / herself link to PERSON actors;
  it / its / they / their to organisations, countries and groups by one rule of their own
  (:mod:`newsstance.articles.groups`).
* **Role nouns** ("the president", "the senator", "the minister", "the company", "the
  ministry", "the party", ...) link to the actor introduced with that title or role: a title
  right before its name ("President Trump", "Transport Minister Ilse Marant"), an apposition
  right after it ("Ilse Marant, the transport minister"), or, for organisations, the role word
  in the name ("the Coastal Freight Authority" ... "the authority").
* **Reach**: an antecedent must be mentioned earlier in the same passage or in the passage
  before.
* **Agreement**: a person's gender comes from a title (Mr, Mrs, Ms, ...), a first-name list
  (:mod:`newsstance.articles.gender`), or pronouns already linked to it without doubt; a person
  of unknown gender agrees with either pronoun.
* **Syntax**: a reflexive (himself) takes the subject of its own clause; an object pronoun
  (him, her) never takes the subject of its own clause.
* **Competition**: when more than one actor is left, the mention stays unlinked; a wrong link is
  worse than none.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .actors import ActorDraft
from .gender import first_name_gender, name_title_gender, title_gender
from .groups import group_links
from .parsing import Parse
from .quotes import quotations
from .spans import SpanSet

PRONOUNS = {
    "he": ("m", "subject"),
    "him": ("m", "object"),
    "his": ("m", "possessive"),
    "himself": ("m", "reflexive"),
    "she": ("f", "subject"),
    "her": ("f", "object"),  # or possessive: the parse decides
    "hers": ("f", "possessive"),
    "herself": ("f", "reflexive"),
}
PERSON_ROLES = (
    "president",
    "vice president",
    "prime minister",
    "minister",
    "senator",
    "governor",
    "mayor",
    "chancellor",
    "premier",
    "secretary",
    "ambassador",
    "admiral",
    "general",
    "judge",
    "prosecutor",
    "coach",
    "chief executive",
    "chairman",
    "chairwoman",
    "congressman",
    "congresswoman",
    "lawmaker",
    "actor",
    "actress",
    "singer",
    "defendant",
)
ORG_ROLES = ("company", "ministry", "party", "firm", "union", "federation", "authority", "agency", "club", "bank")
_SUBJECTS = ("nsubj", "nsubjpass")
_OBJECTS = ("dobj", "dative", "pobj", "iobj")
_ROLE = re.compile(
    r"\b[Tt]he\s+(?:(?:former|new|outgoing|incoming|then|veteran)[\s-]+)?("
    + "|".join(sorted((re.escape(r) for r in PERSON_ROLES + ORG_ROLES), key=len, reverse=True))
    + r")\b(?!\s+of\b)(?!['’]s\s)"
)


@dataclass(frozen=True)
class Link:
    """A mention added to an actor: its index in the article's actors, the span, and its kind."""

    actor: int
    start: int
    end: int
    kind: str  # "pronoun" or "nominal"
    rule: str = "single"  # what decided it: "single" candidate, nearest clause "subject", "cataphora"


def resolve(text: str, actors: Sequence[ActorDraft], parse: Parse) -> list[Link]:
    """The pronouns and role nouns of ``text`` that refer, without doubt, to one of ``actors``:
    he/she and role nouns here, then it/its/they/their (:mod:`newsstance.articles.groups`)."""
    links = _Resolver(text, actors, parse).run()
    for i, start, end in group_links(actors, parse, [(link.actor, link.start, link.end) for link in links]):
        links.append(Link(i, start, end, "pronoun", "group subject"))
    return sorted(links, key=lambda link: link.start)


class _Resolver:
    """The resolver's state while it reads one article from start to end.

    Candidates are numbered: actors by their index, and other persons (NER persons that are no
    actor, and the unnamed referents of pronouns that found no antecedent) by negative numbers.
    The other persons compete for pronouns but never receive a link.
    """

    def __init__(self, text: str, actors: Sequence[ActorDraft], parse: Parse) -> None:
        self.text, self.parse = text, parse
        self.owners = SpanSet()  # every mention's span, with its candidate
        for i, a in enumerate(actors):
            for m in a.mentions:
                if not self.owners.overlaps(m.start, m.end):
                    self.owners.add(m.start, m.end, i)
        self.persons = {i for i, a in enumerate(actors) if _is_person(a)}  # actors only
        self.genders: dict[int, str | None] = {i: _gender(text, actors[i]) for i in self.persons}
        self.roles = [_roles(text, a, i in self.persons) for i, a in enumerate(actors)]
        self.seen: dict[int, list[int]] = {i: sorted(m.start for m in a.mentions) for i, a in enumerate(actors)}
        self.others: list[tuple[int, int]] = []  # (position, number) of the other persons, in order
        self.quotes = SpanSet(quotations(text, parse.passages))
        for start, end, label in parse.entities:
            if label == "PERSON" and not self.owners.overlaps(start, end):
                self._other(start, end, title_gender(text, start) or first_name_gender(text[start:end]))

    def _other(self, start: int, end: int, gender: str | None) -> None:
        other = -1 - len(self.others)
        bisect.insort(self.others, (start, other))
        self.genders[other] = gender
        self.seen[other] = [start]
        if not self.owners.overlaps(start, end):
            self.owners.add(start, end, other)

    def _quote(self, position: int) -> tuple[int, int] | None:
        """The quotation that holds ``position``, if any."""
        found = self.quotes.at(position)
        return found[:2] if found else None

    def candidates(self, position: int) -> list[int]:
        """The persons that may be in reach of ``position``: every PERSON actor, and the other
        persons of this passage and the one before."""
        passage = self.parse.passage_of(position)
        first = self.parse.passages[passage - 1][0] if passage > 0 else 0
        k = bisect.bisect_left(self.others, (first, -(10**9)))
        return [*self.persons, *(number for _, number in self.others[k:])]

    def in_reach(self, i: int, position: int) -> bool:
        """``i`` was mentioned before ``position``, in its passage or the one before, and not
        only inside a quotation that ``position`` is outside of."""
        here, passage = self._quote(position), self.parse.passage_of(position)
        starts = self.seen[i]
        for k in range(bisect.bisect_left(starts, position) - 1, -1, -1):
            if self.parse.passage_of(starts[k]) < passage - 1:
                return False
            quote = self._quote(starts[k])
            if quote is None or quote == here:
                return True
        return False

    def run(self) -> list[Link]:
        links = []
        for cue in _cues(self.text, self.parse):
            if self.owners.overlaps(cue.start, cue.end):
                continue  # part of a name, or already a mention
            rule = "single"
            if cue.kind == "pronoun":
                pool, rule = self._pronoun(cue)
            else:
                pool = [i for i, r in enumerate(self.roles) if cue.word in r and self.in_reach(i, cue.start)]
            if len(pool) != 1 or pool[0] < 0:
                continue  # no actor, several, or a person who is no actor
            (i,) = pool
            if cue.kind == "pronoun" and self.genders[i] is None:
                self.genders[i] = PRONOUNS[cue.word][0]  # later pronouns must agree with this one
            links.append(Link(i, cue.start, cue.end, cue.kind, rule))
            bisect.insort(self.seen[i], cue.start)
            self.owners.add(cue.start, cue.end, i)
        return links

    def _owner(self, token: Any, offset: int) -> int | None:
        """The candidate one of whose mentions covers ``token`` (actors and other persons)."""
        found = self.owners.at(offset + token.idx)
        return found[2] if found else None

    def _pronoun(self, cue: _Cue) -> tuple[list[int], str]:
        """The candidates left for a pronoun: agreement and reach, then binding; where more than
        one is left (or none is before it), the subject of the nearest clause around it."""
        gender, role = PRONOUNS[cue.word]
        token = cue.token
        if cue.word == "her" and token.dep_ == "poss":
            role = "possessive"
        agree = {i for i in self.candidates(cue.start) if self.genders[i] in (None, gender)}
        before = [i for i in agree if self.in_reach(i, cue.start)]
        own = self._clause_subject(token, cue.offset)  # the subject of the pronoun's own clause
        if role == "reflexive":
            return ([own] if own in agree else []), "reflexive"
        if role == "object" and token.dep_ in _OBJECTS:
            before = [i for i in before if i != own]
        if len(before) == 1:
            return before, "single"
        if role == "possessive" and token.head.dep_ == "conj":
            # "Brown and his friend", "Obama and his administration": the person just before
            conjunct = token.head.head
            owners = {
                self._owner(t, cue.offset) for t in (conjunct, *conjunct.children) if t.dep_ in ("poss", conjunct.dep_)
            }
            owners = {o for o in owners if o is not None}
            return ([owners.pop()] if len(owners) == 1 and owners <= set(before) else []), "conjunct"
        quote = self._quote(cue.start)
        subjects = [
            (owner, position)
            for owner, position in self._subjects_up(token, cue.offset, skip_own=role == "object")
            if self._quote(position) == quote  # never the speaker of the quotation the pronoun is in
        ]
        if before and subjects and not (role == "subject" and token.head.dep_ == "advcl"):
            # several candidates: the subject of the nearest clause around the pronoun, if it is one
            # (not for the subject of a "when"/"because"/"if" clause, which as often takes another)
            owner = subjects[0][0]
            return ([owner] if owner in before else []), "subject"
        if not before:
            # nothing named before it: a person named later as the subject of its sentence
            # ("In her book, Clinton ..."), else someone the text has not named, who competes
            later = [owner for owner, position in subjects if owner in agree and position > cue.start]
            if later:
                return later[:1], "cataphora"
            self._other(cue.start, cue.end, gender)
        return [], "single"

    def _clause_subject(self, token: Any, offset: int) -> int | None:
        verb = token.head.head if token.dep_ == "pobj" else token.head
        subjects = [c for c in verb.children if c.dep_ in _SUBJECTS and not _inside(token, c)]
        owners = {self._owner(c, offset) for c in subjects} - {None}
        return owners.pop() if len(owners) == 1 else None

    def _subjects_up(self, token: Any, offset: int, skip_own: bool) -> list[tuple[int | None, int]]:
        """The subjects of the clauses around ``token``, nearest first: each one's owner (``None``
        for a subject that is no candidate: "the group", "which", "they") and position."""
        found, node, first = [], token, True
        while node.head.i != node.i:
            node = node.head
            subjects = [c for c in node.children if c.dep_ in _SUBJECTS and not _inside(token, c)]
            if not subjects:
                continue
            if not (skip_own and first):
                found += [(self._owner(c, offset), offset + c.idx) for c in subjects]
            first = False
        return found


@dataclass(frozen=True)
class _Cue:
    start: int
    end: int
    word: str  # the pronoun, or the role noun, lower-cased
    kind: str
    token: Any = None  # the pronoun's spaCy token
    offset: int = 0  # where the token's document starts in the text


def _cues(text: str, parse: Parse) -> list[_Cue]:
    cues = []
    for offset, doc in parse.docs:
        for token in doc:
            word = token.lower_
            if word in PRONOUNS:
                start = offset + token.idx
                cues.append(_Cue(start, start + len(token.text), word, "pronoun", token, offset))
    for m in _ROLE.finditer(text):
        cues.append(_Cue(m.start(), m.end(), m.group(1).lower(), "nominal"))
    return sorted(cues, key=lambda c: c.start)


def _inside(token: Any, phrase_head: Any) -> bool:
    return phrase_head.left_edge.i <= token.i <= phrase_head.right_edge.i


_BY_LENGTH = sorted(PERSON_ROLES, key=len, reverse=True)


def _title_before(before: str) -> str | None:
    """The longest role that ends right before a name ("transport minister " -> "minister")."""
    return next((r for r in _BY_LENGTH if re.search(r"\b" + re.escape(r) + r"\s+$", before)), None)


def _apposition_after(after: str) -> str | None:
    """The role in an apposition right after a name (", the transport minister" -> "minister")."""
    m = re.match(r"^,\s+(?:the|a|an)\s+((?:[\w-]+\s+){0,3}?)(" + "|".join(map(re.escape, _BY_LENGTH)) + r")\b", after)
    return m.group(2) if m else None


def _is_person(actor: ActorDraft) -> bool:
    """A person, or may be one: an untyped actor with a PERSON mention, or a given actor that
    nothing types (it competes for he and she as a person NER found with no first name would)."""
    untyped = actor.given_type is None
    return actor.type == "PERSON" or (untyped and (actor.is_person() or (actor.given and actor.type == "UNKNOWN")))


def _gender(text: str, actor: ActorDraft) -> str | None:
    titled = {title_gender(text, m.start) for m in actor.mentions} | {name_title_gender(f) for f in actor.forms}
    titled -= {None}
    if len(titled) == 1:
        return titled.pop()
    if titled:
        return None  # Mr and Mrs for one actor: two people merged, or an error; no guess
    named = {first_name_gender(form) for form in actor.forms} - {None}
    return named.pop() if len(named) == 1 else None


def _roles(text: str, actor: ActorDraft, person: bool) -> set[str]:
    """The role nouns that may stand for ``actor``: titles and appositions around its name
    mentions (persons), or role words in its name (organisations)."""
    found = set()
    if person:
        for m in actor.mentions:
            before = text[max(0, m.start - 40) : m.start].lower()
            after = text[m.end : m.end + 60].lower()
            found |= {r for r in (_title_before(before), _apposition_after(after)) if r}
        if "prime minister" in found:
            found.add("minister")  # "the minister" too; a vice president is not "the president"
    elif actor.type in ("ORG", "NORP", "UNKNOWN"):
        words = {w.lower() for form in actor.forms for w in re.findall(r"[\w-]+", form)}
        found = {role for role in ORG_ROLES if role in words}
    return found
