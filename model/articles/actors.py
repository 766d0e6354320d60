"""Find the actors an article names and merge their mentions.

The rules, in order:

1. **Candidates** are spaCy entities of the chosen types (PERSON, ORG, GPE, NORP by default).
   A capitalised name right after a person's title ("Transport Minister Ilse Marant") is a
   PERSON candidate too, for the names the tagger misses, and so are the names the patterns of
   :mod:`newsstance.articles.names` find, in the text and on spaCy's parse.
2. **Clean-up**: leading function words ("the", "Without") and titles ("President",
   "Admiral", "Sen.", ...) are dropped from a mention; a possessive ending ("Maduro's",
   "Guaidó’s") is cut off; a possessive noun phrase ("Maduro's government") counts as a mention
   of its possessor.
3. **Keys**: accents and case are folded ("Guaidó" = "guaido"); a GPE or NORP form that names a
   country, or its people, maps to the country's ISO 3166 code ("US", "U.S.", "America",
   "Americans" → US; :mod:`newsstance.articles.countries`), and the actor is that country (GPE),
   named by its short name ("United States"). An adjective ("the German government") does not.
4. **Merging**: a one-word mention joins the person whose longer name ends with it ("Maduro" →
   "Nicolas Maduro"); an alias introduced right after a name, as "US Southern Command or
   SouthCom" or "US Southern Command (SouthCom)", joins that name's actor.
5. **Recall**: every surface form of an actor (and a person's surname) is also searched for in
   the whole text, so mentions the tagger missed or mislabelled are counted; a mention inside a
   longer entity ("US" in "US Southern Command") is not.
6. **Canonical name**: the longest form seen. **Type**: the entity type most often given to
   that longest form (PERSON first on ties).

Pronouns and role nouns are linked afterwards, by :mod:`newsstance.articles.coref`.
An actor's type is settled here, from the NER labels of its mentions.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..encoding import Span
from .countries import country
from .gender import first_name_gender
from .lexicon import FUNCTION_WORDS, ORG_ALIASES, PERSON_TITLES, TITLES
from .names import adjective_groups, datelines, missed_persons, parsed_persons, particle_names, portfolios
from .spans import SpanSet

ENTITY_TYPES = ("PERSON", "ORG", "GPE", "NORP")

_TITLED_NAME = re.compile(
    r"\b(?:" + "|".join(re.escape(t) for t in PERSON_TITLES) + r")\s+((?:[A-Z][a-zà-ÿ'’-]+\s?){1,3})"
)
ALIAS_TO_ORG = {alias: name for name, aliases in ORG_ALIASES.items() for alias in aliases}
"""A folded abbreviation -> the body it names: "eu" -> "European Union"."""
COUNTRY_LABELS = ("GPE", "NORP", "")
"""The labels whose forms may name a country ("": a given actor's form, or a search hit)."""
_MARKUP = re.compile(r"</?[A-Za-z][^<>]*>|[<>]")
_POSSESSIVE = re.compile(r"['’]s?$")
_POSSESSIVE_NP = re.compile(r"^(.+?)['’]s\s+\S")
_PLACE_OF = re.compile(
    r"\b(?:town|city|village|port|province|region|county|district|island|state) of\s+$", re.IGNORECASE
)
"""Words after which a name is a place, whatever NER says ("the fishing town of Orlen")."""
_INTRODUCED_ALIAS = re.compile(r"^\s*(?:\(\s*|,?\s+or\s+)([A-Z][\w.&-]*[A-Za-z])\s*\)?")


@dataclass
class Candidate:
    """One mention: its span, surface form and entity type."""

    start: int
    end: int
    label: str
    from_ner: bool = True
    kind: str = "name"  # or "pronoun", "nominal" (added by coreference)

    def text(self, doc_text: str) -> str:
        return doc_text[self.start : self.end]


@dataclass
class ActorDraft:
    """An actor being assembled: its forms, their entity types, its mentions."""

    forms: Counter = field(default_factory=Counter)  # surface form -> count
    labels: dict[str, Counter] = field(default_factory=dict)  # surface form -> Counter(label)
    aliases: set[str] = field(default_factory=set)
    mentions: list[Candidate] = field(default_factory=list)
    given_type: str | None = None
    country: str | None = None  # the ISO 3166 code of the country the actor is
    actor_id: str | None = None  # the caller's id for it (a given or known actor)
    given: bool = False  # named by the caller, not found by NER
    person_by_grammar: bool = False  # given, untyped, and the subject of a clause that he or she follows
    canonical: str | None = None

    @property
    def name(self) -> str:
        if self.canonical:
            return self.canonical
        return max(self.forms, key=lambda f: (len(f), self.forms[f]))

    @property
    def type(self) -> str:
        if self.given_type:
            return self.given_type
        if self.country:
            return "GPE"
        if self.person_by_grammar:
            return "PERSON"
        longest = max(self.forms, key=lambda f: (len(f), self.forms[f]))
        counts = self.labels.get(longest) or sum(self.labels.values(), Counter())
        if not counts:
            if self.given and any(len(f.split()) > 1 and first_name_gender(f) for f in self.forms):
                return "PERSON"  # "Nancy Pelosi": a first name the name data knows
            return "UNKNOWN"
        return max(counts, key=lambda label: (counts[label], label == "PERSON"))

    def is_person(self) -> bool:
        labelled = any(c.get("PERSON") for c in self.labels.values())
        return labelled or self.given_type == "PERSON" or self.person_by_grammar


def fold(text: str) -> str:
    """Accents removed, case folded, whitespace collapsed: the key that merges forms."""
    return " ".join(_strip_accents(text).casefold().split())


def _strip_accents(text: str) -> str:
    """Remove combining accents character by character, keeping the length (offsets stay valid)."""
    out = []
    for ch in text:
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        out.append(base if len(base) == 1 else ch)
    return "".join(out)


def clean_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop leading titles / "the" and a trailing possessive; cut a possessive noun phrase to its
    possessor. Markup the tagger took into the name ("Sarah Mitchell</b>") is cut off."""
    while (tag := _MARKUP.search(text, start, end)) is not None:
        if tag.start() > start:
            end = tag.start()  # the name before the markup
        else:
            start = tag.end()  # markup before the name
    while start < end and text[start].isspace():
        start += 1
    piece = text[start:end]
    bracket = piece.find(" (")
    if bracket > 0:  # "Atlantic Shippers' Council (ASC": the name, not the abbreviation after it
        end = start + bracket
        piece = text[start:end]
    m = _POSSESSIVE_NP.match(piece)
    if m:
        end = start + len(m.group(1))
        piece = text[start:end]
    words = list(re.finditer(r"\S+", piece))
    while len(words) > 1 and (
        fold(words[0].group()).rstrip(".") in TITLES | FUNCTION_WORDS or _nationality_of_a_title(words)
    ):
        words.pop(0)
    if words:
        start, end = start + words[0].start(), start + words[-1].end()
    m = _POSSESSIVE.search(text[start:end])
    if m and end - start > len(m.group()):
        end -= len(m.group())
    return start, end


def _nationality_of_a_title(words: list) -> bool:
    """ "Brazilian" in "Brazilian President Luiz Inacio Lula da Silva": a demonym before a title."""
    if len(words) < 3 or fold(words[1].group()).rstrip(".") not in TITLES:
        return False
    word = words[0].group()
    return country(word) is not None and country(word, adjectives=False) is None


def key_of(form: str, label: str = "") -> str:
    """The key that merges forms: a country's code ("country:US") for a form of a country's
    name or demonym with a label of :data:`COUNTRY_LABELS`, else the folded form."""
    if label in COUNTRY_LABELS and (hit := country(form, adjectives=False)) is not None:
        return "country:" + hit.code
    key = fold(form)
    if label == "NORP" and len(key) > 4 and key.endswith("s"):
        key = key[:-1]  # "Democrats" -> "democrat"
    return fold(ALIAS_TO_ORG.get(key, key))


def titled_names(text: str) -> list[tuple[int, int, str]]:
    """PERSON candidates from names right after a person's title ("Minister Ilse Marant")."""
    out = []
    for m in _TITLED_NAME.finditer(text):
        words = list(re.finditer(r"\S+", m.group(1)))
        while words and fold(words[-1].group()) in FUNCTION_WORDS:
            words.pop()
        if words:
            start = m.start(1) + words[0].start()
            out.append((start, m.start(1) + words[-1].end(), "PERSON"))
    return out


def place_if_named_so(text: str, entity: tuple[int, int, str]) -> tuple[int, int, str]:
    """A PERSON entity right after "town of", "city of", ... is a place (GPE), whatever NER said."""
    start, end, label = entity
    if label == "PERSON" and _PLACE_OF.search(text, max(0, start - 40), start):
        return start, end, "GPE"
    return entity


def name_entities(
    text: str, entities: Sequence[tuple[int, int, str]], docs: Iterable[tuple[int, Any]] = ()
) -> list[tuple[int, int, str]]:
    """The PERSON names that NER left untagged: right after a title, and those the patterns of
    :mod:`newsstance.articles.names` find in the text and on the parse (``docs``)."""
    known = SpanSet((s, e) for s, e, _ in entities)
    found = [t for t in titled_names(text) if not known.overlaps(t[0], t[1])]
    found += missed_persons(text, [*entities, *found])
    found += parsed_persons(docs, [*entities, *found])
    return found


def build_actors(
    text: str,
    entities: Iterable[tuple[int, int, str]],
    types: Sequence[str] = ENTITY_TYPES,
    docs: Iterable[tuple[int, Any]] = (),
) -> list[ActorDraft]:
    """Actors from NER entities ``(start, end, label)`` of ``text`` (rules in the module docstring);
    ``docs``, the text's spaCy documents with their offsets, add the names found on the parse."""
    docs = list(docs)
    entities = list(entities)
    dated = SpanSet(datelines(text) + adjective_groups(docs, entities) + portfolios(text, entities))
    entities = [e for e in entities if e[2] in types and not dated.overlaps(e[0], e[1])]
    if "PERSON" in types:
        particles = particle_names(text, entities)
        if particles:
            joined = SpanSet(particles)
            entities = [e for e in entities if not joined.overlaps(e[0], e[1])]
            entities += [(s, e, "PERSON") for s, e in particles]
        entities += name_entities(text, entities, docs)
    candidates = []
    for start, end, label in entities:
        start, end = clean_span(text, start, end)
        if end > start and text[start:end].strip():
            candidates.append(Candidate(start, end, label))
    by_key: dict[str, ActorDraft] = {}
    # Longer forms first, so that a surname finds the full name it belongs to.
    for cand in sorted(candidates, key=lambda c: -len(c.text(text).split())):
        form = cand.text(text)
        key = key_of(form, cand.label)
        actor = by_key.get(key)
        if actor is None:
            actor = _actor_with_word(by_key, key, cand.label)
        if actor is None:
            actor = by_key[key] = ActorDraft()
        by_key.setdefault(key, actor)
        _add_form(actor, form, cand.label)
        actor.mentions.append(cand)
        alias = _INTRODUCED_ALIAS.match(text[cand.end : cand.end + 40])
        if alias and len(form.split()) > 1:
            actor.aliases.add(alias.group(1))
            by_key.setdefault(key_of(alias.group(1)), actor)
    actors = _unique(by_key.values())
    for actor in actors:
        name_country(actor)
    return actors


def name_country(actor: ActorDraft) -> None:
    """An actor whose GPE or NORP forms (a given actor: whose forms) name exactly one country is
    that country: its code is set and, unless the caller named it, its name is the country's."""
    if actor.given_type not in (None, "GPE", "NORP"):
        return
    forms = actor.forms if actor.given else [f for f, n in actor.labels.items() if set(n) & set(COUNTRY_LABELS)]
    found = {country(f, adjectives=False) for f in forms} - {None}
    if len(found) == 1:
        hit = found.pop()
        actor.country = hit.code
        if not actor.given:
            actor.canonical = hit.name


def find_mentions(text: str, actors: Sequence[ActorDraft], entities: Mapping[Span, str] | Sequence[Span] = ()) -> None:
    """Add every occurrence of each actor's forms to its mentions, then settle overlaps:
    NER mentions first, longer first; a search hit inside another entity is dropped.

    ``entities``: the text's NER entities, cleaned (:func:`clean_span`), with their labels. A
    mention that is one of them keeps its label, and counts towards its actor's type (unless
    the caller gave the type).
    """
    labels = dict(entities) if isinstance(entities, Mapping) else dict.fromkeys(entities, "")
    folded = _strip_accents(text)
    # start, end, actor index, rank: NER mentions first (0), then a caller's exact name (1), so
    # that actors given as "Sarah Mitchell" and "Mitchell" both keep their own mentions, then the rest
    found: list[tuple[int, int, int, int]] = []
    for i, actor in enumerate(actors):
        found += [(m.start, m.end, i, 0) for m in actor.mentions]
        forms = set(actor.forms) | actor.aliases
        if actor.is_person() and actor.given_type is None:
            forms |= {f.split()[-1] for f in actor.forms if len(f.split()) > 1}
        hits = []
        for form in forms:
            if not form.strip():
                continue
            pattern = r"(?<!\w)" + re.escape(_strip_accents(form)) + r"(?!\w)"
            rank = 1 if actor.given and form in actor.forms else 2
            hits += [(m.start(), m.end(), i, rank) for m in re.finditer(pattern, folded)]
        if not hits and actor.given:  # "sarah mitchell" given for "Sarah Mitchell", as classify() allows
            for form in forms:
                pattern = r"(?<!\w)" + re.escape(_strip_accents(form)) + r"(?!\w)"
                hits += [(m.start(), m.end(), i, 2) for m in re.finditer(pattern, folded, re.IGNORECASE)]
        found += hits
    taken, entities = SpanSet(), SpanSet(labels)
    result: list[list[Candidate]] = [[] for _ in actors]
    for start, end, i, rank in sorted(found, key=lambda f: (f[3], -(f[1] - f[0]), f[0])):
        from_ner = rank == 0
        if taken.overlaps(start, end):
            continue
        if not from_ner and entities.inside_another(start, end):
            continue
        taken.add(start, end)
        result[i].append(Candidate(start, end, labels.get((start, end), ""), from_ner))
    for actor, mentions in zip(actors, result):
        actor.mentions = sorted(mentions, key=lambda c: c.start)
        if actor.given_type is None:
            for m in actor.mentions:
                if m.label:
                    actor.labels.setdefault(actor.name, Counter())[m.label] += 1


def _actor_with_word(by_key: dict[str, ActorDraft], key: str, label: str = "") -> ActorDraft | None:
    """The person whose longer name ends with the words of ``key`` ("Maduro", "von der Leyen");
    else, for a one-word PERSON mention, the one person whose name holds it as an earlier part
    ("Lula" of "Luiz Inacio Lula da Silva"); else, for a one-word mention that is no nationality
    or place, the one organisation whose name starts with it (not "European" for the European
    Commission)."""
    actors = _unique(by_key.values())
    words = key.split()
    persons = [a for a in actors if a.is_person()]
    for actor in persons:
        if any(len(f.split()) > len(words) and fold(f).split()[-len(words) :] == words for f in actor.forms):
            return actor
    if len(words) != 1:
        return None
    if label == "PERSON":
        holding = [a for a in persons if any(words[0] in fold(f).split()[:-1] for f in a.forms if len(f.split()) > 2)]
        if len(holding) == 1:
            return holding[0]
    if label in ("NORP", "GPE"):
        return None
    orgs = [
        a for a in actors if a.type == "ORG" and any(len(f.split()) > 1 and fold(f.split()[0]) == key for f in a.forms)
    ]
    return orgs[0] if len(orgs) == 1 else None


def _add_form(actor: ActorDraft, form: str, label: str) -> None:
    form = " ".join(form.split())
    actor.forms[form] += 1
    actor.labels.setdefault(form, Counter())[label] += 1


def _unique(actors: Iterable[ActorDraft]) -> list[ActorDraft]:
    seen, out = set(), []
    for actor in actors:
        if id(actor) not in seen:
            seen.add(id(actor))
            out.append(actor)
    return out
