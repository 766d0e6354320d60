"""The caller's own actors, each with its aliases, type and id (a Wikidata id, for one), read
from a CSV, JSONL or JSON file; and how an article's actors take them
(:func:`apply_known`). How ids are made and merged across a corpus is in
:mod:`newsstance.articles.identity`."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .actors import ActorDraft, key_of
from .given import ActorSpec, check_actor
from .identity import slug


@dataclass(frozen=True)
class KnownActors:
    """The caller's own actors, each with its aliases, type and id (``id`` may be left out: then
    the name's slug). Read one from a file with :meth:`read`, or from specs with :meth:`of`."""

    actors: tuple[ActorSpec, ...]
    _keys: Mapping[str, ActorSpec] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, specs: Iterable[str | dict | ActorSpec], source: str = "known actors") -> KnownActors:
        actors = tuple(s if isinstance(s, ActorSpec) else check_actor(s) for s in specs)
        keys: dict[str, ActorSpec] = {}
        ids: dict[str, ActorSpec] = {}
        for spec in actors:
            the_id = spec.id or slug(spec.name)
            if the_id in ids:
                other = ids[the_id].name
                raise ValueError(f"{source}: {spec.name!r} and {other!r} share the id {the_id!r}; give each its own")
            ids[the_id] = spec
            for form in (spec.name, *spec.aliases):
                key = key_of(form, "")
                if key in keys and keys[key] is not spec:
                    raise ValueError(
                        f"{source}: {form!r} names both {keys[key].name!r} and {spec.name!r}; "
                        "keep it as the name or alias of one of them"
                    )
                keys[key] = spec
        return cls(actors, keys)

    @classmethod
    def read(cls, path: str | Path) -> KnownActors:
        """A CSV (columns ``name``, ``aliases`` separated by ``;``, ``type``, ``id``), a JSONL file
        (one actor per line, as ``actors=`` takes it) or a JSON list."""
        path = Path(path)
        if not path.is_file():
            raise ValueError(f"known actors file {path} does not exist; give a .csv, .jsonl or .json file")
        text = path.read_text(encoding="utf-8-sig")
        suffix = path.suffix.lower()
        try:
            if suffix == ".csv":
                specs = list(_csv_specs(text, path))
            elif suffix == ".jsonl":
                specs = [_json_line(line, path, n) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
            elif suffix == ".json":
                specs = json.loads(text)
                if not isinstance(specs, list):
                    raise ValueError(f"{path} must hold a JSON list of actors")
            else:
                raise ValueError(f"known actors file {path}: use a .csv, .jsonl or .json file")
            return cls.of(specs, str(path))
        except (TypeError, json.JSONDecodeError) as err:
            raise ValueError(f"{path}: {err}") from err

    def named(self, form: str) -> ActorSpec | None:
        """The known actor that goes by ``form`` (its name or an alias, folded), if any."""
        return self._keys.get(key_of(form, ""))

    def match(self, actor: ActorDraft) -> ActorSpec | None:
        """The one known actor that any form of ``actor`` names (its country's code counts)."""
        keys = {key_of(f, label) for f, labels in actor.labels.items() for label in labels}
        keys |= {key_of(f, "") for f in actor.forms}
        if actor.country:
            keys.add("country:" + actor.country)
        found = {id(s): s for k in keys if (s := self._keys.get(k)) is not None}
        return next(iter(found.values())) if len(found) == 1 else None

    def __len__(self) -> int:
        return len(self.actors)

    def digest(self) -> str | None:
        """A short fingerprint of the actors (None for none), for an output's manifest."""
        if not self.actors:
            return None
        import hashlib

        text = json.dumps([[a.name, list(a.aliases), a.type, a.id] for a in self.actors], ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _csv_specs(text: str, path: Path) -> Iterable[dict]:
    rows = csv.DictReader(text.splitlines())
    if rows.fieldnames is None or "name" not in rows.fieldnames:
        raise ValueError(f"{path} needs a header with a 'name' column (and optionally aliases, type, id)")
    for row in rows:
        spec: dict[str, Any] = {"name": row.get("name") or ""}
        aliases = [a.strip() for a in (row.get("aliases") or "").split(";") if a.strip()]
        if aliases:
            spec["aliases"] = aliases
        for key in ("type", "id"):
            if (row.get(key) or "").strip():
                spec[key] = row[key].strip()
        unknown = [k for k in row if k not in ("name", "aliases", "type", "id")]
        if unknown:
            raise ValueError(f"{path}: unknown columns {unknown}; the columns are name, aliases, type, id")
        yield spec


def _json_line(line: str, path: Path, number: int) -> Any:
    try:
        return json.loads(line)
    except json.JSONDecodeError as err:
        raise ValueError(f"{path} line {number} is not JSON ({err.msg}); give one actor per line") from err


def apply_known(actors: list[ActorDraft], known: KnownActors | None) -> list[ActorDraft]:
    """Each actor that is a known actor takes its name, id, aliases (searched for in the text) and
    type (unless the caller gave the actor one); actors that are one known actor become one."""
    if not known:
        return actors
    out: list[ActorDraft] = []
    by_spec: dict[int, ActorDraft] = {}
    for actor in actors:
        spec = known.match(actor)
        if spec is None:
            out.append(actor)
            continue
        first = by_spec.get(id(spec))
        if first is not None:  # a second actor of this article that is the same known actor
            first.forms.update(actor.forms)
            for form, labels in actor.labels.items():
                first.labels.setdefault(form, Counter()).update(labels)
            first.aliases |= actor.aliases
            first.mentions += actor.mentions
            continue
        by_spec[id(spec)] = actor
        actor.canonical, actor.actor_id = spec.name, spec.id or slug(spec.name)
        actor.aliases |= {spec.name, *spec.aliases}
        if spec.type and actor.given_type is None:
            actor.given_type = spec.type
        out.append(actor)
    return out


def with_given(
    known: KnownActors | Sequence[str | dict] | str | Path | None, actors: Sequence[str | dict] | None = None
) -> KnownActors | None:
    """The known actors of a call (a :class:`KnownActors`, specs, or a file's path), with the given
    ``actors`` that carry an ``id`` added; None when there are none."""
    if isinstance(known, (str, Path)):
        known = KnownActors.read(known)
    elif known is not None and not isinstance(known, KnownActors):
        known = KnownActors.of(known)
    with_ids = [s for s in map(check_actor, actors or ()) if s.id is not None]
    if with_ids:
        known = KnownActors.of([*(known.actors if known else ()), *with_ids], "actors")
    return known or None
