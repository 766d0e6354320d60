"""What scores a batch of records, wherever it runs: the one function both engines call.

:func:`score_batch` turns records into output rows (already JSON lines, so a cluster worker
does that work too) and bad records; :class:`LocalEngine` runs it in this process, in input
order. ``newsstance.batch.cluster`` runs the same function on Dask workers. An engine that opens
something for a run (a cluster) is a context manager, entered by :func:`running` once the
output's lock is held.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..articles.known import KnownActors
from ..articles.rows import KEY
from .parts import write_part
from .readers import BadRecord, Record

if TYPE_CHECKING:
    from ..classifier import StanceClassifier


@dataclass(frozen=True)
class Task:
    """What a batch is scored with (the same for every batch of a run). With ``parts`` set (a
    directory output), each batch is written there as its own Parquet part by whoever scores it."""

    level: str
    actors: Sequence[str | dict] | None
    batch_size: int
    columns: tuple[str, ...] = ()
    parts: str | None = None
    progress: Callable[[str, int, int], None] | None = None  # told how far a batch is (this process only)
    known: KnownActors | None = None  # the caller's actors, with their ids
    speakers_as_targets: bool = False  # a speaker's own statements count for its portrayal


@dataclass(frozen=True)
class BatchResult:
    """One scored batch: its output lines (each article's rows together, in input order), the
    records that failed, and where it ran."""

    index: int
    articles: int
    rows: int
    lines: tuple[str, ...]  # empty when the rows went to a part file
    bad: tuple[BadRecord, ...]
    worker: str = "local"


class Engine(Protocol):
    """Runs :func:`score_batch` over numbered batches, yielding results as they finish (in any
    order); ``backend`` and ``model`` describe the model for the output's manifest."""

    backend: str
    model: dict[str, Any]

    def run(self, batches: Iterable[tuple[int, list[Record]]], task: Task) -> Iterator[BatchResult]: ...


def running(engine: Engine) -> AbstractContextManager:
    """What keeps ``engine`` ready for one run: the engine itself where it opens something for a
    run (a Dask engine may start its cluster), else nothing."""
    return engine if isinstance(engine, AbstractContextManager) else nullcontext(engine)


def score_batch(clf: StanceClassifier, index: int, records: list[Record], task: Task, worker: str = "local"):
    """Batch ``index`` analysed: its rows as JSON lines, or written as part ``index`` of
    ``task.parts``; bad records are returned, never raised."""
    rows, bad, scored = batch_rows(clf, records, task)
    if task.parts is not None:
        write_part(Path(task.parts), index, rows, task.level, list(task.columns))
        return BatchResult(index, scored, len(rows), (), bad, worker)
    lines = tuple(json.dumps(row, ensure_ascii=False) for row in rows)
    return BatchResult(index, scored, len(rows), lines, bad, worker)


def batch_rows(
    clf: StanceClassifier, records: list[Record], task: Task
) -> tuple[list[dict], tuple[BadRecord, ...], int]:
    """The output rows of ``records`` (``id``, the level's columns, the kept fields), the
    records that failed, and how many were scored."""
    results, bad = analyze_records(
        clf, records, task.actors, task.batch_size, task.progress, task.known, task.speakers_as_targets
    )
    rows = [
        {KEY: rec.id, **row, **json_safe(rec.fields)}
        for rec, analysis in results
        for row in analysis.to_records(task.level)
    ]
    return rows, tuple(bad), len(results)


def json_safe(fields: dict) -> dict:
    """Kept fields as JSON can hold them: NaN and infinities (which Python's JSON reader accepts
    but JSON has not) become null."""
    return {k: None if isinstance(v, float) and not math.isfinite(v) else v for k, v in fields.items()}


def analyze_records(clf, batch: list[Record], actors, batch_size: int, progress=None, known=None, as_targets=False):
    """Analyse a batch; records that share an actor list share one ``analyze_many`` call. A call
    that fails is retried record by record, so one bad record cannot sink its batch. ``score``
    checks each record's language as it reads it; ``analyze_many`` checks none here."""
    options = {
        "batch_size": batch_size,
        "languages": None,
        "progress": progress,
        "known_actors": known,
        "speakers_as_targets": as_targets,
    }
    groups: dict[str, list[Record]] = {}
    for rec in batch:
        key = json.dumps(rec.actors if rec.actors is not None else actors)
        groups.setdefault(key, []).append(rec)
    results, bad = [], []
    for recs in groups.values():
        wanted = recs[0].actors if recs[0].actors is not None else actors
        try:
            analyses = clf.analyze_many([r.text for r in recs], actors=wanted, **options)
            results += list(zip(recs, analyses))
        except (ValueError, TypeError):
            for r in recs:
                try:
                    results.append((r, clf.analyze(r.text, actors=wanted, **options)))
                except (ValueError, TypeError) as err:
                    bad.append(BadRecord(r.source, r.line, str(err), r.id))
    order = {id(r): i for i, r in enumerate(batch)}
    results.sort(key=lambda pair: order[id(pair[0])])
    return results, bad


class LocalEngine:
    """This process, one batch after another: ``newsstance score --engine local``."""

    def __init__(self, clf: StanceClassifier, model: dict[str, Any]) -> None:
        self.clf, self.backend, self.model = clf, clf.backend, model

    def run(self, batches: Iterable[tuple[int, list[Record]]], task: Task) -> Iterator[BatchResult]:
        for index, records in batches:
            yield score_batch(self.clf, index, records, task)
