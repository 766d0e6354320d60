"""Batch scoring of article files: streaming, resumable, safe on bad records.

Output rows (one per article × actor, per article × passage × actor, or per mention) have
``id``, the columns of the row schema (:mod:`newsstance.articles.rows`), then any
``keep_fields``. JSONL output is append-only and flushed per batch, each article's rows written
together; CSV and Parquet are streamed into a JSONL journal (``OUTPUT.partial.jsonl``) and
converted, through a temporary file and a rename, at the end. ``resume=True`` drops a torn last
line and the last (possibly partial) article, then skips every article id already in the output.
"""

from __future__ import annotations

import json
import logging
import math
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqdm.auto import tqdm

from ..articles.rows import KEY, check_level, output_columns
from .errors import UsageError
from .journal import logged_errors, recover
from .manifest import (
    check_resume,
    finished,
    make_manifest,
    manifest_path,
    model_identity,
    output_lock,
    repair_torn_tail,
    sidecar,
    write_manifest,
)
from .readers import BadRecord, InputFile, Record, count_records, expand_inputs, read_records
from .writers import check_format, convert, to_journal

if TYPE_CHECKING:
    from ..classifier import StanceClassifier

logger = logging.getLogger(__name__)

MAX_CHARS = 1_000_000
"""The longest article ``score`` takes by default (about 150,000 words)."""

__all__ = ["ScoreSummary", "UsageError", "score_files"]


@dataclass(frozen=True)
class ScoreSummary:
    output: Path
    errors: Path
    articles_scored: int
    articles_skipped: int
    records_failed: int
    rows_written: int
    seconds: float

    @property
    def articles_per_s(self) -> float:
        return self.articles_scored / self.seconds if self.seconds > 0 else 0.0

    def line(self) -> str:
        return (
            f"{self.articles_scored} articles scored, {self.articles_skipped} already done, "
            f"{self.records_failed} records failed, {self.rows_written} rows written "
            f"in {self.seconds:.1f} s ({self.articles_per_s:.2f} articles/s) -> {self.output}"
            + (f"; failures in {self.errors}" if self.records_failed else "")
        )


def score_files(
    clf: StanceClassifier,
    inputs: Sequence[str],
    output: str | Path,
    level: str = "article",
    actors: Sequence[str | dict] | None = None,
    keep_fields: Sequence[str] = (),
    batch_size: int = 32,
    articles_per_batch: int = 64,
    resume: bool = False,
    overwrite: bool = False,
    show_progress_bar: bool = True,
    max_chars: int = MAX_CHARS,
) -> ScoreSummary:
    """Score every article of ``inputs`` into ``output`` (.jsonl, .csv or .parquet).

    Raises :class:`UsageError` for problems with the call; bad records go to
    ``OUTPUT.errors.jsonl`` and are counted, never raised. An article longer than ``max_chars``
    characters is a bad record: analysis time and memory grow with the length of one article.
    """
    if isinstance(max_chars, bool) or not isinstance(max_chars, int) or max_chars < 1:
        raise UsageError(f"--max-chars must be a positive number of characters, got {max_chars!r}")
    output = Path(output)
    if output.is_dir():
        raise UsageError(f"-o {output} is a directory; give a file path ending in .jsonl, .csv or .parquet")
    blocked = next((p for p in output.parents if p.exists() and not p.is_dir()), None)
    if blocked is not None:
        raise UsageError(f"-o {output}: {blocked} is a file, not a folder; choose another output path")
    try:
        check_level(level)
        columns = output_columns(level, keep_fields)
    except ValueError as err:
        raise UsageError(str(err).replace("kept fields", "--keep-fields")) from err
    check_format(output)
    if resume and overwrite:
        raise UsageError("--resume and --overwrite exclude each other; choose one")
    try:
        files = expand_inputs(inputs)
    except ValueError as err:
        raise UsageError(str(err)) from err
    final = output.suffix.lower() != ".jsonl"
    journal = sidecar(output, ".partial.jsonl") if final else output
    errors_path = sidecar(output, ".errors.jsonl")
    written = (output, journal, errors_path, manifest_path(output))
    _refuse_reading_what_is_written(files, written)
    existing = [p for p in (output, journal) if p.exists()]
    if existing and not (resume or overwrite):
        what = " and ".join(str(p) for p in dict.fromkeys(existing))
        raise UsageError(f"{what} exists; pass --resume to finish it or --overwrite to replace it")
    output.parent.mkdir(parents=True, exist_ok=True)
    manifest = make_manifest(level, columns, model_identity(clf), clf.backend, [f.name for f in files])
    with output_lock(output):
        complete = False
        if resume and existing:
            check_resume(output, manifest)
            complete = finished(output)
        if overwrite:
            for p in written:
                p.unlink(missing_ok=True)
        write_manifest(output, manifest)
        job = _Job(
            clf,
            files,
            output,
            journal,
            errors_path,
            level,
            actors,
            keep_fields,
            batch_size,
            articles_per_batch,
            max_chars,
        )
        summary = _run(job, columns, resume and bool(existing), show_progress_bar, complete)
        write_manifest(output, {**manifest, "complete": True})
        return summary


@dataclass(frozen=True)
class _Job:
    """One run's fixed inputs."""

    clf: Any
    files: Sequence[InputFile]
    output: Path
    journal: Path  # the output itself for JSONL
    errors: Path
    level: str
    actors: Sequence[str | dict] | None
    keep_fields: Sequence[str]
    batch_size: int
    articles_per_batch: int
    max_chars: int

    @property
    def final(self) -> bool:
        """The output is written from the journal at the end (CSV, Parquet)."""
        return self.journal != self.output


def _refuse_reading_what_is_written(files: Sequence[InputFile], written: Sequence[Path]) -> None:
    inputs = {f.path.resolve(): f.path for f in files if f.path is not None}
    for path in written:
        if path.resolve() in inputs:
            raise UsageError(
                f"-o {path} is also an input ({inputs[path.resolve()]}); nothing was touched: write the scores "
                "to another file"
            )


def _run(job: _Job, columns: list[str], resume: bool, show_progress_bar: bool, complete: bool) -> ScoreSummary:
    """The scoring loop, under the output's lock."""
    clf, files, output, journal, errors_path = job.clf, job.files, job.output, job.journal, job.errors
    if resume and job.final and output.exists() and not journal.exists():
        to_journal(output, journal)
    done = recover(journal, complete and not job.final) if resume and journal.exists() else set()
    logged = logged_errors(errors_path) if resume else set()
    if resume:
        repair_torn_tail(errors_path)

    started = time.perf_counter()
    scored = skipped = failed = rows = 0
    seen: set[str] = set()
    total = count_records(files)
    with (
        open(journal, "a", encoding="utf-8") as out,
        open(errors_path, "a", encoding="utf-8") as err_out,
        tqdm(total=total, unit="article", disable=not show_progress_bar, desc="score") as bar,
    ):

        def fail(bad: BadRecord) -> None:
            nonlocal failed
            failed += 1
            if (bad.source, bad.line, bad.id) not in logged:
                entry = {"source": bad.source, "line": bad.line, "id": bad.id, "reason": bad.reason}
                err_out.write(json.dumps(entry) + "\n")
                err_out.flush()
                os.fsync(err_out.fileno())

        def flush(batch: list[Record]) -> None:
            nonlocal scored, rows
            results, bad = _analyze(clf, batch, job.actors, job.batch_size)
            for b in bad:
                fail(b)
            lines = [
                json.dumps({KEY: rec.id, **row, **_json_safe(rec.fields)}, ensure_ascii=False)
                for rec, analysis in results
                for row in analysis.to_records(job.level)
            ]
            if lines:
                out.write("\n".join(lines) + "\n")
                out.flush()
                os.fsync(out.fileno())
            scored += len(results)
            rows += len(lines)
            bar.update(len(batch))

        batch: list[Record] = []
        for rec in read_records(files, job.keep_fields):
            if isinstance(rec, BadRecord):
                fail(rec)
                bar.update(1)
                continue
            if rec.id in seen:
                fail(BadRecord(rec.source, rec.line, f"duplicate id {rec.id!r}; ids must be unique", rec.id))
                bar.update(1)
                continue
            seen.add(rec.id)
            if len(rec.text) > job.max_chars:
                size = f"article of {len(rec.text):,} characters, over --max-chars {job.max_chars:,}"
                reason = f"{size}; split it or raise the limit"
                fail(BadRecord(rec.source, rec.line, reason, rec.id))
                bar.update(1)
                continue
            if rec.id in done:
                skipped += 1
                bar.update(1)
                continue
            batch.append(rec)
            if len(batch) >= job.articles_per_batch:
                flush(batch)
                batch = []
        if batch:
            flush(batch)

    if not (scored or skipped or failed):
        for p in (journal, errors_path, manifest_path(output)):
            if p.exists() and (p.suffix == ".json" or p.stat().st_size == 0):
                p.unlink()
        raise UsageError(f"the input held no articles ({', '.join(f.name for f in files)}); nothing to score")
    if job.final:
        convert(journal, output, job.level, columns)
        journal.unlink()
    if not failed and errors_path.exists() and errors_path.stat().st_size == 0:
        errors_path.unlink()
    return ScoreSummary(output, errors_path, scored, skipped, failed, rows, time.perf_counter() - started)


def _json_safe(fields: dict) -> dict:
    """Kept fields as JSON can hold them: NaN and infinities (which Python's JSON reader accepts
    but JSON has not) become null."""
    return {k: None if isinstance(v, float) and not math.isfinite(v) else v for k, v in fields.items()}


def _analyze(clf, batch: list[Record], actors, batch_size: int):
    """Analyse a batch; records that share an actor list share one ``analyze_many`` call. A call
    that fails is retried record by record, so one bad record cannot sink its batch."""
    groups: dict[str, list[Record]] = {}
    for rec in batch:
        key = json.dumps(rec.actors if rec.actors is not None else actors)
        groups.setdefault(key, []).append(rec)
    results, bad = [], []
    for recs in groups.values():
        wanted = recs[0].actors if recs[0].actors is not None else actors
        try:
            analyses = clf.analyze_many([r.text for r in recs], actors=wanted, batch_size=batch_size)
            results += list(zip(recs, analyses))
        except (ValueError, TypeError):
            for r in recs:
                try:
                    results.append((r, clf.analyze(r.text, actors=wanted, batch_size=batch_size)))
                except (ValueError, TypeError) as err:
                    bad.append(BadRecord(r.source, r.line, str(err), r.id))
    order = {id(r): i for i, r in enumerate(batch)}
    results.sort(key=lambda pair: order[id(pair[0])])
    return results, bad
