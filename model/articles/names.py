"""Person names that spaCy's small NER model misses, found by patterns of news text.

Each rule proposes PERSON candidates only where no entity stands already:

* a first name from the first-name list followed by a capitalised word ("Grant Hayes");
* a capitalised word right before or after a reporting verb ("Reed also said", "said Grimes");
* a capitalised word joined by "and" to a person NER found ("Ossoff and Handel");
* a capitalised word before an apposition ("Lauten, 41, lives", "Coburn, a physician, said");
* a speaker label at the start of a line ("MORGAN:", "AMY GOODMAN:", "Graham: ...").

:func:`parsed_persons` adds one rule on spaCy's parse: a lone capitalised singular proper noun
(tag ``NNP``) that stands where persons stand (subject, object, possessor, conjunct) with no
determiner, adjective or compound of its own ("Tillerson", "Bannon's", "blamed Farage").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from .gender import first_names
from .lexicon import TITLES
from .spans import SpanSet

REPORTING = (
    r"(?:said|says|told|wrote|writes|added|tweeted|argued|noted|explained|replied|insisted|claimed|warned"
    r"|testified|recalled|conceded)"
)
_WORD = r"[A-Z][a-z]+(?:['’-][A-Z]?[a-z]+)?"
_ADVERB = r"(?:also\s+|later\s+|then\s+|previously\s+|has\s+|had\s+)?"
_BEFORE_VERB = re.compile(r"\b(" + _WORD + r")\s+" + _ADVERB + REPORTING + r"\b")
_AFTER_VERB = re.compile(r"\b" + REPORTING + r"\s+(" + _WORD + r")\b(?!\s+[A-Z])")
_FULL_NAME = re.compile(r"\b(" + _WORD + r")\s+(" + _WORD + r")\b")
_AND = re.compile(r"\b(" + _WORD + r")\s+and\s+(" + _WORD + r")\b")
_SPEAKER = re.compile(r"(?m)^([A-Z][A-Z'’.-]+(?: [A-Z][A-Z'’.-]+){0,2}|" + _WORD + r"):\s")
_APPOSITION = re.compile(r"\b(" + _WORD + r"),\s+(?:a|an|who|whose|\d{2})\b")
NOT_NAMES = set(
    """
    he she it they we i you this that these those there the a an his her its their our my
    officials police critics experts reports sources analysts lawyers prosecutors investigators
    democrats republicans voters residents witnesses aides supporters opponents protesters
    monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december
    president minister senator governor mayor secretary spokesman spokeswoman spokesperson
    update note watch breaking editor reporter and or but fears cause hope
    mr mrs ms dr sen rep gov gen lt sgt col capt prime major general prince princess king queen lord lady
    """.split()  # noqa: SIM905 - a word list reads best as words
)
NOT_SURNAMES = set(
    """
    observer online beach times post news herald tribune journal county city street avenue park
    university college school hospital foundation group party club company bank bay island river
    """.split()  # noqa: SIM905
)
"""Second words that make "Firstname X" a place, paper or organisation ("Charlotte Observer")."""
"""Capitalised words that stand before reporting verbs or after "and" without being names."""


_NAME_WORD = r"[A-Z][a-zà-ÿ'’]+(?:-[A-Z][a-zà-ÿ'’]+)?"
_PARTICLE = r"(?:von der|von dem|van der|van den|von|van|de la|de los|de|da|das|dos|do|du|del|della|di|bin|ibn|bint)"
_GERMANIC = r"[Vv]an der\s+|[Vv]on der\s+|[Vv]an\s+|[Vv]on\s+"
_PARTICLE_NAME = re.compile(
    rf"\b(?:(?P<first>(?:{_NAME_WORD}\s+)+)|(?P<germanic>{_GERMANIC})|(?<![A-Za-z]\s))"
    rf"(?P<rest>(?(germanic)|{_PARTICLE}\s+){_NAME_WORD}(?:\s+{_PARTICLE}\s+{_NAME_WORD})*)"
)
_ARABIC_ARTICLE = re.compile(rf"\b(?:{_NAME_WORD}\s+)*(?:al|el)-{_NAME_WORD}")


def particle_names(text: str, entities: Sequence[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """Spans of names with particles, which NER cuts or mislabels ("Ursula von der" PERSON and
    "Leyen" GPE): a name, a particle (von der, van, de, da, dos, bin, ...) and a capitalised
    word ("Luiz Inacio Lula da Silva", "Marcus van Loon"); a lower-case particle and a name on
    their own ("da Silva", "von der Leyen"), or "Von der" / "Van" at a sentence start. With a
    capitalised word before the particle, only where a PERSON entity overlaps the span, so that
    "Banco do Brasil" stays an organisation; "al-"/"el-" names likewise."""
    persons = SpanSet((s, e) for s, e, label in entities if label == "PERSON")
    found = []
    for m in _PARTICLE_NAME.finditer(text):
        if m.group("first") is None and m.group("germanic") is None and not re.match(_PARTICLE, m.group("rest")):
            continue
        if m.group("first") is not None and not persons.overlaps(m.start(), m.end()):
            continue
        if m.group("first") is not None and not re.search(rf"\s{_PARTICLE}\s", m.group()):
            continue
        found.append((m.start(), m.end()))
    for m in _ARABIC_ARTICLE.finditer(text):
        if persons.overlaps(m.start(), m.end()):
            found.append((m.start(), m.end()))
    return found


_DATELINE = re.compile(r"(?m)^[ \t]*([A-Z][A-Z .'’-]*[A-Z])(?:,[^\n—–]{0,40})?\s+[—–-]{1,2}\s")


_PORTFOLIO = re.compile(r"\s+(?:Secretary|Minister|Commissioner|Spokesman|Spokeswoman|Spokesperson)\s+[A-Z]")


def portfolios(text: str, entities: Sequence[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """One-word entities that are the portfolio of an office before a name ("Transport" in
    "Transport Secretary Gideon Ashcombe", "Treasury Secretary Janet Yellen"): part of a
    person's title, not a mention of an organisation."""
    return [
        (start, end)
        for start, end, label in entities
        if label != "PERSON" and " " not in text[start:end].strip() and _PORTFOLIO.match(text, end)
    ]


def datelines(text: str) -> list[tuple[int, int]]:
    """The place names of datelines, in capitals at the start of a paragraph before a dash
    ("WASHINGTON — ", "RIO DE JANEIRO, March 3 — "): where a story was filed, not an actor."""
    return [m.span(1) for m in _DATELINE.finditer(text)]


_INSTITUTIONS = frozenset(
    ("government", "administration", "authorities", "military", "army", "navy", "forces", "parliament")
    + ("cabinet", "ministry", "embassy", "regime", "police", "governments", "ministries", "embassies")
)


def adjective_groups(
    docs: Iterable[tuple[int, Any]], entities: Sequence[tuple[int, int, str]]
) -> list[tuple[int, int]]:
    """NORP entities used as adjectives ("European cars", "American officials", "Russian
    attacks"): each of their words modifies a noun (``amod``) that is not an institution (the
    "German government" stays). A nationality said of a thing or a crowd is not an actor."""
    docs = list(docs)
    found = []
    for start, end, label in entities:
        if label != "NORP":
            continue
        tokens = [t for offset, doc in docs for t in doc if start <= offset + t.idx < end]
        if tokens and all(t.dep_ == "amod" and t.head.lower_ not in _INSTITUTIONS for t in tokens):
            found.append((start, end))
    return found


def missed_persons(text: str, entities: Sequence[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """PERSON candidates ``(start, end, "PERSON")`` that no NER entity covers."""
    taken = SpanSet((s, e) for s, e, _ in entities)
    persons = SpanSet((s, e) for s, e, label in entities if label == "PERSON")
    known = first_names()
    found: list[tuple[int, int]] = []

    def add(start: int, end: int) -> None:
        if text[start:end].casefold() in NOT_NAMES:
            return
        if not taken.overlaps(start, end):
            taken.add(start, end)
            found.append((start, end))

    for m in _FULL_NAME.finditer(text):
        if m.group(1).lower() in known and m.group(2).lower() not in NOT_NAMES | NOT_SURNAMES:
            add(m.start(), m.end())
    for pattern in (_BEFORE_VERB, _AFTER_VERB):
        for m in pattern.finditer(text):
            add(*m.span(1))
    for m in _AND.finditer(text):
        left, right = m.span(1), m.span(2)
        if persons.at(left[0]) is not None:
            add(*right)
        if persons.at(right[0]) is not None:
            add(*left)
    for m in _APPOSITION.finditer(text):  # "Lauten, 41, lives ..."; "Coburn, a physician, said"
        add(*m.span(1))
    for m in _SPEAKER.finditer(text):
        if m.group(1).casefold() not in NOT_NAMES and len(m.group(1)) > 2:
            add(*m.span(1))
    return [(s, e, "PERSON") for s, e in sorted(found)]


PERSON_DEPS = frozenset({"nsubj", "nsubjpass", "poss", "dobj", "pobj", "conj", "dative", "appos"})
"""Dependencies a person's name takes in news sentences."""
WEAK_LABELS = frozenset({"", "FAC", "PRODUCT", "WORK_OF_ART"})
"""Entity labels spaCy's small model gives surnames it does not know ("Tillerson" as PRODUCT)."""
_OWN_MODIFIERS = frozenset({"det", "amod", "compound", "poss", "nummod"})
_NOT_LONE_NAMES = frozenset(NOT_NAMES | TITLES)
_CAPITALISED_STOPS = frozenset({"The", "I", "A", "US", "May", "Will", "Mr", "Ms", "Mrs"})
"""Stop words written with a capital outside headlines too."""


def parsed_persons(
    docs: Iterable[tuple[int, Any]], entities: Sequence[tuple[int, int, str]]
) -> list[tuple[int, int, str]]:
    """PERSON candidates from spaCy's parse of each ``(offset, Doc)``: lone proper nouns in a
    person's role that no entity covers. Needs the pipeline's tagger (``token.tag_``)."""
    taken = SpanSet((s, e) for s, e, _ in entities)
    found = []
    for offset, doc in docs:
        for token in doc:
            start = offset + token.idx
            end = start + len(token.text)
            if _lone_name(token) and not taken.overlaps(start, end):
                taken.add(start, end)
                found.append((start, end, "PERSON"))
    return found


PERSONAL_PRONOUNS = frozenset(["he", "him", "his", "himself", "she", "her", "hers", "herself"])


def subject_with_a_pronoun(docs: Iterable[tuple[int, Any]], start: int, end: int) -> bool:
    """Whether the name at ``start:end`` is the subject of its clause and he, she, his or her
    follows it in its sentence ("Vinson told the CDC about her fever", "Kasich ... casting
    himself"): what a reader takes for a person, whatever NER's label."""
    for offset, doc in docs:
        inside = [t for t in doc if start <= offset + t.idx and offset + t.idx + len(t.text) <= end]
        if not inside:
            continue
        head = next((t for t in inside if t.head not in inside or t.head is t), inside[-1])
        if head.dep_ not in ("nsubj", "nsubjpass"):
            return False
        return any(t.lower_ in PERSONAL_PRONOUNS for t in head.sent if t.i > inside[-1].i)
    return False


SPEECH_VERBS = frozenset(re.findall(r"\w+", REPORTING)) | {"say", "tell", "announced", "stated"}
"""Verbs of speech as written (the pipeline runs no lemmatizer)."""


def subject_of_speech(docs: Iterable[tuple[int, Any]], start: int, end: int) -> bool:
    """Whether the name at ``start:end`` is the subject of a verb of speech ("Lukas Falkenrath
    said in a statement"): organisations say things too, so this counts only beside other
    evidence (a first name)."""
    for offset, doc in docs:
        inside = [t for t in doc if start <= offset + t.idx and offset + t.idx + len(t.text) <= end]
        if inside:
            head = next((t for t in inside if t.head not in inside or t.head is t), inside[-1])
            return head.dep_ == "nsubj" and head.head.lower_ in SPEECH_VERBS
    return False


def _lone_name(token: Any) -> bool:
    word = token.text
    if token.tag_ != "NNP" or not word.istitle() or len(word) < 3 or not word.replace("'", "").isalpha():
        return False
    if token.is_stop or word.casefold() in _NOT_LONE_NAMES:
        return False
    if token.dep_ not in PERSON_DEPS or token.ent_type_ not in WEAK_LABELS:
        return False
    if any(child.dep_ in _OWN_MODIFIERS for child in token.children):
        return False  # "the Cabinet", "Trump's Cabinet", "Democratic Leader"
    if any(child.dep_ == "prep" and child.lower_ == "of" for child in token.children):
        return False  # a title or an institution: "Head of the academy", "Bank of England"
    if _headline(token.sent):
        return False  # "Ben Carson Takes Lead From Trump": capitals say nothing there
    doc, i = token.doc, token.i
    nearby = [doc[j] for j in (i - 1, i + 1) if 0 <= j < len(doc)]
    return not any(t.text.istitle() and t.tag_ == "NNP" for t in nearby)  # part of a longer name


def _headline(sentence: Any) -> bool:
    """Whether ``sentence`` is written in title case, as headlines are: a capitalised function
    word inside it ("Takes Lead From Trump", "Says He Has Cancer")."""
    inner = list(sentence)[1:]
    return any(t.is_stop and t.text.istitle() and t.text not in _CAPITALISED_STOPS for t in inner)
