"""The corpus pass of ``newsstance score``: one identity per actor across every article of a run.

Rows are written as their articles are scored, each with its article's ``actor_id``. When every
batch is in, this pass reads the rows back (the JSONL journal, or the Parquet parts of a
directory output) on the driver, whichever engine scored them, builds the corpus's identities
(:func:`newsstance.articles.identity.corpus_identities`) and rewrites ``actor_id`` and
``canonical`` in place, through a temporary file and a rename. An identity depends on the
actor's name and type alone, so the pass is the same on a resumed run and on rows already
settled. The identities go to ``OUTPUT.actors.jsonl``: one line per actor with its id, name,
type, the number of articles, the forms its articles use, and the short names kept apart.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

from ..articles.identity import Registry, identities_of
from ..articles.known import KnownActors
from ..articles.rows import KEY
from .manifest import sidecar
from .parts import PART

Names = dict[tuple[str, str], tuple[str, str]]
"""(actor, actor_type) -> (actor_id, canonical)."""


def settle_output(journal: Path, known: KnownActors, directory: bool = False) -> Registry:
    """Give every row of ``journal`` (a JSONL file, or a folder of Parquet parts) its corpus
    identity, in place; return the registry."""
    rows = _parquet_keys(journal) if directory else _jsonl_keys(journal)
    # the rows' ids are settled ones on a resumed run: only the known actors give an id
    registry, found = identities_of(((k, a, t, None) for k, a, t in rows), known)
    names: Names = {(a, t): (i.id, i.name) for (a, t, _), i in found.items()}
    if directory:
        _rewrite_parts(journal, names)
    else:
        _rewrite_jsonl(journal, names)
    return registry


def write_registry(output: Path, registry: Registry) -> Path:
    """``OUTPUT.actors.jsonl``: the run's identities, most articles first; a short name kept apart
    says which names it may stand for."""
    path = sidecar(output, ".actors.jsonl")
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as out:
        for identity in sorted(registry.identities.values(), key=lambda i: (-i.articles, i.name)):
            line = {
                "actor_id": identity.id,
                "canonical": identity.name,
                "actor_type": identity.type,
                "articles": identity.articles,
                "forms": dict(identity.forms),
            }
            ambiguous = registry.kept_apart.get(identity.name)
            if ambiguous:
                line["may_be"] = list(ambiguous)
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    os.replace(tmp, path)
    return path


def _jsonl_keys(journal: Path) -> Iterator[tuple[str, str, str]]:
    with open(journal, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                yield str(row[KEY]), row["actor"], row["actor_type"]


def _rewrite_jsonl(journal: Path, names: Names) -> None:
    tmp = journal.with_name(journal.name + ".settling")
    with open(journal, encoding="utf-8") as fh, open(tmp, "w", encoding="utf-8") as out:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            row["actor_id"], row["canonical"] = names[(row["actor"], row["actor_type"])]
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, journal)


def _parts(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if PART.match(p.name))


def _parquet_keys(folder: Path) -> Iterator[tuple[str, str, str]]:
    import pyarrow.parquet as pq

    for part in _parts(folder):
        table = pq.read_table(part, columns=[KEY, "actor", "actor_type"])
        yield from zip(
            map(str, table.column(KEY).to_pylist()),
            table.column("actor").to_pylist(),
            table.column("actor_type").to_pylist(),
        )


def _rewrite_parts(folder: Path, names: Names) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    for part in _parts(folder):
        table = pq.read_table(part)
        if not table.num_rows:
            continue
        pairs = [names[k] for k in zip(table.column("actor").to_pylist(), table.column("actor_type").to_pylist())]
        for n, name in enumerate(("actor_id", "canonical")):
            column = pa.array([p[n] for p in pairs], type=table.schema.field(name).type)
            table = table.set_column(table.schema.get_field_index(name), name, column)
        tmp = part.with_name(f".{part.name}.settling.tmp")
        pq.write_table(table, tmp)
        os.replace(tmp, part)
