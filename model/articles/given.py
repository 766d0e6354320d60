"""Actors the caller names: each spec checked field by field, then read in the text.

A given actor is a name or ``{"name": ..., "aliases": [...], "type": ..., "id": ...}`` (the id is
the user's own, a Wikidata id for one: :mod:`newsstance.articles.identity`). Its type, when not
given, comes from the text as a found actor's does (the NER labels of its mentions), and from
what else the text says: a first name the name data knows, the names NER missed
(:func:`~newsstance.articles.actors.name_entities`), and a he or she after it as subject
(:func:`type_by_grammar`). A given part of a person's name takes the full names the text gives
(:func:`join_full_names`). Two given persons that may be one get an :class:`ActorWarning`.
:func:`type_by_grammar` types found actors with a known first name too.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .actors import ENTITY_TYPES, ActorDraft, clean_span, fold, name_country
from .gender import first_name_gender
from .names import subject_of_speech, subject_with_a_pronoun

ACTOR_KEYS = ("name", "aliases", "type", "id")
"""The keys of an actor given as a dict: ``{"name": ..., "aliases": [...], "type": ..., "id": ...}``."""


@dataclass(frozen=True)
class ActorSpec:
    """One actor as the caller gives it, checked: a name, its aliases, its type (None: read from
    the text) and the caller's id for it (None: newsstance makes one)."""

    name: str
    aliases: tuple[str, ...] = ()
    type: str | None = None
    id: str | None = None


def given_actors(specs: Sequence[str | dict], warn: bool = False) -> list[ActorDraft]:
    """Actors named by the caller: each a name or ``{"name": ..., "aliases": [...], "type": ...}``,
    checked field by field (:func:`check_actor`). ``warn``: an :class:`ActorWarning` for two
    given persons that may be one."""
    if isinstance(specs, (str, dict)):
        raise TypeError("actors must be a list of names or dicts, e.g. ['Nicolas Maduro'], not a single value")
    actors = []
    for spec in map(check_actor, specs):
        actor = ActorDraft(given_type=spec.type, given=True, canonical=spec.name, actor_id=spec.id)
        actor.forms[spec.name] += 1
        actor.aliases.update(spec.aliases)
        words = spec.name.split()
        if len(words) > 1:
            actor.aliases.add(words[-1])
        name_country(actor)
        actors.append(actor)
    if warn:
        _warn_of_one_person_given_twice(actors)
    return actors


class ActorWarning(UserWarning):
    """Given actors that may be one actor (``warnings.simplefilter("error", ActorWarning)`` makes it an error)."""


def _warn_of_one_person_given_twice(actors: Sequence[ActorDraft]) -> None:
    """Warn when one given person's name is part of another's ("Merkel" and "Angela Merkel"): they
    stay two actors, each with the mentions that name it exactly; aliases make them one."""
    people = [a for a in actors if a.given_type in (None, "PERSON")]
    for short in people:
        for full in people:
            if short is not full and _has_words(fold(full.name).split(), fold(short.name).split()):
                warnings.warn(
                    f"actors {short.name!r} and {full.name!r} may be one person; they are kept apart, "
                    f"{short.name!r} counting only the mentions that do not say {full.name!r}. To make them one, "
                    f"give {json.dumps({'name': full.name, 'aliases': [short.name]}, ensure_ascii=False)}",
                    ActorWarning,
                    stacklevel=5,
                )


def join_full_names(text: str, actors: Sequence[ActorDraft], entities: Iterable[tuple[int, int, str]]) -> None:
    """A given actor named by part of a person's name ("Trump", "Lula", "von der Leyen") takes the
    full names the text gives ("President Donald Trump", "Luiz Inacio Lula da Silva") as forms of
    its own, so that their mentions and pronouns are its. Only when exactly one given actor's name
    is part of that full name (so "Angela Merkel", given beside "Merkel", keeps its own), and only
    for actors given as persons or untyped. The actor keeps the name it was given."""
    persons = {clean_span(text, s, e) for s, e, label in entities if label == "PERSON"}
    open_to = [a for a in actors if a.given and a.given_type in (None, "PERSON")]
    for start, end in sorted(persons):
        full = text[start:end]
        words = fold(full).split()
        owners = [a for a in actors if a.given and any(_has_words(words, fold(f).split()) for f in a.forms)]
        if len(owners) == 1 and owners[0] in open_to and all(fold(f) != fold(full) for f in owners[0].forms):
            owners[0].forms[full] += 1


def type_by_grammar(actors: Sequence[ActorDraft], docs: Iterable[tuple[int, Any]]) -> None:
    """A given, untyped actor that NER types otherwise (or not at all) is a person when one of its
    name mentions is the subject of a clause that he or she follows
    (:func:`~newsstance.articles.names.subject_with_a_pronoun`): NER's small model calls many
    lone surnames ORG or GPE ("Kushner used the account through his first months"). So is a
    found actor typed otherwise whose name starts with a first name the name data knows, where
    one of its mentions is such a subject or the subject of a verb of speech ("Lukas Falkenrath
    said", tagged ORG)."""
    docs = list(docs)
    for actor in actors:
        found_person = not actor.given and not actor.country and first_name_gender(actor.name) is not None
        if (actor.given or found_person) and actor.given_type is None and actor.type != "PERSON":
            names = [m for m in actor.mentions if m.kind == "name"]
            actor.person_by_grammar = any(subject_with_a_pronoun(docs, m.start, m.end) for m in names) or (
                found_person and any(subject_of_speech(docs, m.start, m.end) for m in names)
            )


def _has_words(words: list[str], part: list[str]) -> bool:
    """``part`` is a run of whole words inside ``words``."""
    n = len(part)
    return 0 < n <= len(words) and any(words[i : i + n] == part for i in range(len(words) - n + 1))


def check_actor(spec: str | dict) -> ActorSpec:
    """One given actor as an :class:`ActorSpec`, stripped, the type case-folded to one of
    :data:`ENTITY_TYPES` (None: settled from NER). A one-string ``aliases`` is one alias.
    Raises ``TypeError``/``ValueError`` naming the bad field and what it may hold."""
    if isinstance(spec, str):
        spec = {"name": spec}
    if not isinstance(spec, dict):
        raise TypeError(f"an actor must be a name or a dict with a 'name', got {type(spec).__name__} {spec!r:.80}")
    unknown = [k for k in spec if k not in ACTOR_KEYS]
    if unknown:
        raise ValueError(
            f"actor {spec!r:.80} has unknown key {', '.join(map(repr, unknown))}; "
            f"the keys are {', '.join(map(repr, ACTOR_KEYS))}"
        )
    name = spec.get("name")
    if not isinstance(name, str):
        if name is None:
            raise TypeError(f"an actor must be a name or a dict with a 'name', got {spec!r:.80}")
        raise TypeError(f"actor {spec!r:.80}: 'name' must be a non-empty string, got {type(name).__name__} {name!r}")
    aliases = spec.get("aliases")
    aliases = [] if aliases is None else [aliases] if isinstance(aliases, str) else aliases
    if not isinstance(aliases, (list, tuple)):
        raise TypeError(
            f"actor {name!r}: 'aliases' must be a list of strings, got {type(aliases).__name__} {aliases!r:.80}"
        )
    for n, alias in enumerate(aliases):
        if not isinstance(alias, str):
            raise TypeError(f"actor {name!r}: alias {n} must be a string, got {type(alias).__name__} {alias!r:.80}")
    if not name.strip() or not all(a.strip() for a in aliases):
        raise ValueError(f"actor {spec!r:.80} has an empty name or alias; give non-empty strings")
    given_id = spec.get("id")
    if given_id is not None and (not isinstance(given_id, (str, int)) or isinstance(given_id, bool)):
        raise TypeError(f"actor {name!r}: 'id' must be a string, got {type(given_id).__name__} {given_id!r:.80}")
    given_id = None if given_id is None else str(given_id).strip()
    if given_id == "":
        raise ValueError(f"actor {name!r} has an empty 'id'; give a non-empty string or leave 'id' out")
    return ActorSpec(name.strip(), tuple(a.strip() for a in aliases), check_type(spec.get("type"), name), given_id)


def check_type(given: Any, name: str = "") -> str | None:
    """A given actor type, case-folded: "person" is PERSON; None stays None (settled from NER)."""
    if given is None:
        return None
    valid = ", ".join(ENTITY_TYPES)
    who = f"actor {name!r}: " if name else ""
    if not isinstance(given, str):
        raise TypeError(
            f"{who}'type' must be a string, got {type(given).__name__} {given!r:.80}; choose one of {valid}"
        )
    folded = given.strip().upper()
    if folded not in ENTITY_TYPES:
        raise ValueError(f"{who}unknown type {given!r}; choose one of {valid} (any case), or leave 'type' out")
    return folded
