"""Who an actor is: its id in one article, the caller's known actors, and one identity per actor
across a corpus.

* **In one article** an actor's id is the caller's (a known or given actor's ``id``), else
  ``country:XX`` for a country (its ISO 3166 code), else its name folded to a slug
  (``donald-j-trump``): :func:`actor_id`. The id depends on the name and type alone, so that the
  rows of an article can be read back into their identities (:func:`corpus_identities`).
* **Known actors** (:class:`~newsstance.articles.known.KnownActors`, a file of ``name, aliases,
  type, id``): an actor of an article that goes by a known actor's name or one of its aliases
  takes that actor's name, type and id; two actors of one article that are one known actor
  become one.
* **In a corpus** (:func:`corpus_identities`), the ids of its articles are merged, each rule
  only where exactly one identity qualifies:

  - a first and last name joins the one longer name with the same first and last words
    ("Donald Trump" → "Donald J. Trump"; "George W. Bush" is no form of "George H. W. Bush");
  - a lone name joins the one person whose name holds it after the first word ("Trump", "Lula"
    of "Luiz Inacio Lula da Silva"), where some article types it PERSON or none types it, or
    where no organisation of the corpus has the word in its name (NER calls many lone surnames
    ORG; "Falkenrath" stays apart beside "Falkenrath Group");
  - an abbreviation in capitals joins the one organisation whose initials it is ("NPA" →
    "Northern Ports Authority").

  Where several qualify, the short form stays its own identity, and :attr:`Registry.kept_apart`
  says which names it may stand for ("Bush" beside George W. and Jeb Bush). Each identity is
  named by its most frequent full form (by articles) and typed by its most frequent type.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from .actors import ALIAS_TO_ORG, COUNTRY_LABELS, fold
from .countries import country


class Knows(Protocol):
    """What ids need of the caller's known actors (:class:`~newsstance.articles.known.KnownActors`)."""

    actors: tuple[Any, ...]

    def named(self, form: str) -> Any: ...


_SLUG = re.compile(r"[^0-9a-z]+")


def actor_id(name: str, actor_type: str, known: Knows | None = None) -> str:
    """An actor's id from its name and type: a known actor's id, ``country:XX`` for a country
    (GPE or NORP), else the name as a slug ("Nicolás Maduro" → ``nicolas-maduro``)."""
    if known is not None and (spec := known.named(name)) is not None:
        return spec.id or slug(spec.name)
    if actor_type in COUNTRY_LABELS and (hit := country(name, adjectives=False)) is not None:
        return "country:" + hit.code
    return slug(ALIAS_TO_ORG.get(fold(name), name))  # "EU" is the European Union


def slug(name: str) -> str:
    """A name as an id: accents and case folded, anything but letters and digits a hyphen."""
    return _SLUG.sub("-", fold(name)).strip("-") or "actor"


@dataclass(frozen=True)
class Identity:
    """One actor of a corpus: its id, its name (the most frequent full form), its type, and the
    forms its articles name it by, with how many articles use each."""

    id: str
    name: str
    type: str
    articles: int
    forms: Mapping[str, int]


@dataclass(frozen=True)
class Registry:
    """The identities of a corpus, and where each article-level id went."""

    identities: Mapping[str, Identity]
    merged: Mapping[str, str]  # article-level id -> corpus id
    kept_apart: Mapping[str, tuple[str, ...]]  # a short name -> the names it may stand for

    def resolve(self, local_id: str) -> Identity:
        return self.identities[self.merged.get(local_id, local_id)]

    def summary(self) -> str:
        """One line: identities, merges, short names kept apart."""
        joined = sum(1 for a, b in self.merged.items() if a != b)
        joins = "name" if joined == 1 else "names"
        line = f"{len(self.identities)} actors in the corpus ({joined} {joins} joined to a fuller one)"
        if self.kept_apart:
            shown = "; ".join(f"{n!r} may be {' or '.join(map(repr, c))}" for n, c in list(self.kept_apart.items())[:3])
            more = f" and {len(self.kept_apart) - 3} more" if len(self.kept_apart) > 3 else ""
            names = "short name" if len(self.kept_apart) == 1 else "short names"
            line += f"; {len(self.kept_apart)} {names} kept apart: {shown}{more}"
        return line


def corpus_identities(rows: Iterable[tuple[Any, str, str, str | None]], known: Knows | None = None) -> Registry:
    """The corpus's identities from its rows, each ``(article id, actor, actor_type, id)``, where
    ``id`` is the caller's (a known or given actor's) or None: the rows of any level, in any order
    (rules in the module docstring). A caller's id is never merged into another; a ``known``
    actor's identity has its name."""
    names: dict[str, Counter] = defaultdict(Counter)  # local id -> name -> articles
    types: dict[str, Counter] = defaultdict(Counter)  # local id -> type -> articles
    seen: set[tuple[Any, str, str]] = set()
    fixed: set[str] = set()  # the caller's actors and countries: never merged by name
    for article, name, actor_type, given in rows:
        if (article, name, actor_type) in seen:
            continue
        seen.add((article, name, actor_type))
        local = given or actor_id(name, actor_type)
        names[local][name] += 1
        types[local][actor_type] += 1
        if given or local.startswith("country:"):
            fixed.add(local)
    parent = {local: local for local in names}
    kept_apart: dict[str, tuple[str, ...]] = {}
    words = {local: _words(_top(names[local])) for local in names}
    # persons with a full name; known persons among them take others but are never moved
    full = [
        local
        for local in names
        if _top(types[local]) == "PERSON" and len(words[local]) > 1 and not local.startswith("country:")
    ]
    # a full name joins the one longer name holding its words, first and last the same
    for a in full:
        if a in fixed:
            continue
        fuller = [b for b in full if b != a and _fuller(words[b], words[a])]
        longest = [b for b in fuller if not any(_fuller(words[c], words[b]) for c in fuller if c != b)]
        if len(longest) == 1:
            parent[a] = longest[0]
        elif len(longest) > 1:
            kept_apart[_top(names[a])] = tuple(sorted(_top(names[b]) for b in longest))
    groups: dict[str, list[str]] = defaultdict(list)
    for p in full:
        groups[_root(parent, p)].append(p)
    # a lone name that some article calls a person (or none types) joins the one person whose name
    # holds it after the first word: "Trump", typed ORG by one article and PERSON by another
    org_words = {w for local in names if _top(types[local]) == "ORG" and len(words[local]) > 1 for w in words[local]}
    lone = [
        local
        for local in names
        if local not in fixed
        and len(words[local]) == 1
        and (types[local]["PERSON"] or _top(types[local]) == "UNKNOWN" or words[local][0] not in org_words)
    ]
    for a in lone:
        holders = [root for root, group in groups.items() if any(words[a][0] in words[m][1:] for m in group)]
        if len(holders) == 1:
            parent[a] = holders[0]
        elif len(holders) > 1:
            kept_apart[_top(names[a])] = tuple(sorted(_name(names, groups[h]) for h in holders))
    # an abbreviation in capitals joins the one organisation whose initials it is
    initials: dict[str, list[str]] = defaultdict(list)
    for local in names:
        if _top(types[local]) == "ORG" and local not in fixed and len(words[local]) > 1:
            initials[_initials(_top(names[local]))].append(local)
    for local in names:
        name = _top(names[local])
        if local in fixed or parent[local] != local or not _ABBREVIATION.match(name):
            continue
        holders = [h for h in initials.get(name.replace(".", ""), []) if h != local]
        if len(holders) == 1:
            parent[local] = holders[0]
        elif len(holders) > 1:
            kept_apart[name] = tuple(sorted(_top(names[h]) for h in holders))
    members: dict[str, list[str]] = defaultdict(list)
    for local in names:
        members[_root(parent, local)].append(local)
    identities: dict[str, Identity] = {}
    merged: dict[str, str] = {}
    for root, group in members.items():
        forms = sum((names[m] for m in group), Counter())
        kinds = sum((types[m] for m in group), Counter())
        kind = _top(kinds)
        if root.startswith("country:"):
            hit = country(_top(names[root]))
            name = hit.name if hit is not None else _top(names[root])
        elif root in fixed:
            spec = next((k for k in known.actors if (k.id or slug(k.name)) == root), None) if known else None
            name = spec.name if spec is not None else _top(names[root])  # the caller's name for it
        else:
            name = _name(names, group)
        the_id = root if root in fixed else slug(name)
        identities[the_id] = Identity(the_id, name, kind, sum(forms.values()), dict(forms.most_common()))
        merged.update(dict.fromkeys(group, the_id))
    return Registry(identities, merged, dict(sorted(kept_apart.items())))


def _name(names: Mapping[str, Counter], group: Sequence[str]) -> str:
    """The most frequent full form of a group (by articles; longer first on ties)."""
    forms = sum((names[m] for m in group), Counter())
    return max(forms, key=lambda f: (len(f.split()) > 1, forms[f], len(f.split()), f))


_ABBREVIATION = re.compile(r"^(?:[A-Z]\.?){2,6}$")
_NOT_INITIALS = frozenset({"of", "the", "and", "for", "de", "du", "des", "la", "le", "&"})


def _initials(name: str) -> str:
    """The initials of an organisation's name: "Northern Ports Authority" → "NPA"; "of", "the",
    "and" left out ("Department for Transport" → "DT")."""
    words = re.findall(r"[^\W\d_][\w'’-]*", name)
    return "".join(w[0].upper() for w in words if w.lower() not in _NOT_INITIALS)


def _top(counts: Counter) -> Any:
    return max(counts, key=lambda k: (counts[k], str(k)))


_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def _words(name: str) -> list[str]:
    """A name's words, folded, without dots or a generational suffix ("Jr.")."""
    words = [w.strip(".,") for w in fold(name).split()]
    words = [w for w in words if w]
    while len(words) > 2 and words[-1] in _SUFFIXES:
        words.pop()
    return words


def _fuller(longer: list[str], shorter: list[str]) -> bool:
    """``shorter`` is a first and a last name, and ``longer`` the same with middle names or
    initials ("Donald Trump", "Donald J. Trump"); "George W. Bush" is no shorter form of "George
    H. W. Bush"."""
    return len(shorter) == 2 and len(longer) > 2 and longer[0] == shorter[0] and longer[-1] == shorter[-1]


def _root(parent: dict[str, str], node: str) -> str:
    while parent[node] != node:
        node = parent[node]
    return node


def caller_id(name: str, actor_type: str, row_id: str | None, known: Knows | None = None) -> str | None:
    """The caller's id of a row's actor, or None: a known actor's (by its name); without known
    actors, the row's ``actor_id`` where it is not the one newsstance makes from the name (so only
    an article's own rows, not rows already settled, may be read this way)."""
    if known is not None:
        return actor_id(name, actor_type, known) if known.named(name) is not None else None
    if row_id and row_id != actor_id(name, actor_type):
        return row_id
    return None


Pair = tuple[str, str, "str | None"]
"""A row's actor as the rows give it: (actor, actor_type, actor_id or None)."""


def identities_of(
    rows: Iterable[tuple[Any, str, str, str | None]], known: Knows | None = None
) -> tuple[Registry, dict[Pair, Identity]]:
    """The corpus identities of rows ``(article id, actor, actor_type, actor_id or None)``, and
    the identity of each distinct (actor, actor_type, actor_id) among them. The caller's id is read
    by :func:`caller_id`; this is what :func:`settle`, ``score``'s corpus pass and the report share."""
    distinct = sorted({(str(k), a, t, r) for k, a, t, r in rows}, key=lambda x: (*x[:3], x[3] or ""))
    given = {(a, t, r): caller_id(a, t, r, known) for _, a, t, r in distinct}
    registry = corpus_identities(((k, a, t, given[(a, t, r)]) for k, a, t, r in distinct), known)
    return registry, {p: registry.resolve(g or actor_id(p[0], p[1])) for p, g in given.items()}


def settle(rows: Sequence[dict], known: Knows | None = None, key: str = "id") -> Registry:
    """Give each row (a dict with ``key``, ``actor``, ``actor_type``, ``actor_id``) its corpus
    identity: ``actor_id`` and ``canonical`` are set in place. Returns the registry."""
    pairs = [(r["actor"], r["actor_type"], r.get("actor_id")) for r in rows]
    registry, found = identities_of((r[key], *p) for r, p in zip(rows, pairs))
    for r, p in zip(rows, pairs):
        r["actor_id"], r["canonical"] = found[p].id, found[p].name
    return registry


def settle_frame(frame: Any, known: Knows | None = None) -> Any:
    """A pandas DataFrame of rows (``id``, ``actor``, ``actor_type``, ``actor_id``, ...), each row
    with its corpus identity in ``actor_id`` and ``canonical`` (a new frame; :func:`settle`)."""
    import pandas as pd

    records = frame.to_dict("records")
    settle(records, known)
    return pd.DataFrame.from_records(records, columns=list(frame.columns), index=frame.index)
