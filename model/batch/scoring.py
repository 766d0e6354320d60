"""Batch scoring of article files: streaming, resumable, safe on bad records.

Output rows (one per article × actor, per article × passage × actor, or per mention) have
``id``, the columns of the row schema (:mod:`newsstance.articles.rows`), then any
``keep_fields``. JSONL output is append-only and flushed per batch, each article's rows written
together; CSV and Parquet are streamed into a JSONL journal (``OUTPUT.partial.jsonl``) and
converted, through a temporary file and a rename, at the end. ``resume=True`` drops a torn last
line and the last (possibly partial) article, then skips every article id already in the output.
A directory output (``out/``) gets one Parquet part per batch (:mod:`newsstance.batch.parts`).
An article that is not in English is a bad record unless ``any_language``; the language is
detected as records are read (:mod:`newsstance.articles.language`).

Who scores the batches is an engine (:mod:`newsstance.batch.engine`): this process by default,
or a Dask cluster (:mod:`newsstance.batch.cluster`); everything else here is the same for both.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tqdm.auto import tqdm

from ..articles.given import given_actors
from ..articles.known import KnownActors, with_given
from ..articles.language import ENGLISH, detect_language
from ..articles.progress import LONG_ARTICLE, Postfix
from ..articles.rows import check_level, output_columns
from .engine import Engine, LocalEngine, Task, running
from .errors import UsageError
from .identities import settle_output, write_registry
from .journal import logged_errors, recover
from .manifest import (
    CHECKED,
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
from .parts import done_parts, is_directory_output, partial_dir, remove_parts
from .readers import BadRecord, InputFile, Record, count_records, expand_inputs, read_records
from .summary import ScoreSummary
from .writers import check_format, convert, to_journal

if TYPE_CHECKING:
    from ..classifier import StanceClassifier

logger = logging.getLogger(__name__)

MAX_CHARS = 1_000_000
"""The longest article ``score`` takes by default (about 150,000 words)."""

__all__ = ["ScoreSummary", "UsageError", "score_files"]


def score_files(
    clf: StanceClassifier | Engine,
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
    any_language: bool = False,
    article_progress: bool = False,
    known_actors: KnownActors | str | Path | Sequence[str | dict] | None = None,
    speakers_as_targets: bool = False,
) -> ScoreSummary:
    """Score every article of ``inputs`` into ``output``: a .jsonl, .csv or .parquet file, or a
    directory of Parquet parts (a path ending in ``/`` or without an extension).

    ``clf`` is a classifier (scored in this process) or an :class:`~newsstance.batch.engine.Engine`
    such as :class:`~newsstance.batch.cluster.DaskEngine`. Raises :class:`UsageError` for
    problems with the call; bad records go to ``OUTPUT.errors.jsonl`` and are counted, never
    raised. An article longer than ``max_chars`` characters is a bad record: analysis time and
    memory grow with the length of one article. So is an article detected in another language than
    English, unless ``any_language``; one too short to tell is scored.

    ``article_progress`` adds, for a batch that holds an article of :data:`LONG_ARTICLE` characters
    or more, how far its reading and classifying are to the bar (``show_progress_bar``; this
    process only, not a Dask engine). The command line turns it on when stderr is a terminal.

    ``known_actors`` (a :class:`~newsstance.articles.identity.KnownActors` or a file of ``name,
    aliases, type, id``) gives the actors that go by a known name its name, type and id. When every
    article is in, each row's ``actor_id`` and ``canonical`` are the corpus's
    (:mod:`newsstance.batch.identities`), and the identities go to ``OUTPUT.actors.jsonl``.
    ``speakers_as_targets``: a speaker's own statements count for its portrayal
    (:func:`~newsstance.articles.analysis.analyze_many`).
    """
    if isinstance(max_chars, bool) or not isinstance(max_chars, int) or max_chars < 1:
        raise UsageError(f"--max-chars must be a positive number of characters, got {max_chars!r}")
    if articles_per_batch < 1:
        raise UsageError(f"--articles-per-task must be at least 1, got {articles_per_batch}")
    if actors is not None:
        try:
            given_actors(actors, warn=True)
        except (TypeError, ValueError) as err:
            raise UsageError(f"--actors: {err}") from err
    try:
        known = with_given(known_actors, actors) or KnownActors.of([])
    except (TypeError, ValueError) as err:
        raise UsageError(f"--known-actors: {err}") from err
    directory = is_directory_output(output)
    output = Path(output)
    if output.is_dir() and not directory:
        raise UsageError(
            f"-o {output} is a directory; give a file path ending in .jsonl, .csv or .parquet, or a path "
            "ending in / for a directory of Parquet parts"
        )
    blocked = next((p for p in output.parents if p.exists() and not p.is_dir()), None)
    if blocked is not None:
        raise UsageError(f"-o {output}: {blocked} is a file, not a folder; choose another output path")
    if directory and output.exists() and not output.is_dir():
        raise UsageError(f"-o {output}/ names a directory, but {output} is a file; choose another output path")
    try:
        check_level(level)
        columns = output_columns(level, keep_fields)
    except ValueError as err:
        raise UsageError(str(err).replace("kept fields", "--keep-fields")) from err
    check_format(output.with_name(output.name + ".parquet") if directory else output)
    if resume and overwrite:
        raise UsageError("--resume and --overwrite exclude each other; choose one")
    try:
        files = expand_inputs(inputs)
    except ValueError as err:
        raise UsageError(str(err)) from err
    engine = clf if callable(getattr(clf, "run", None)) else LocalEngine(clf, model_identity(clf))
    if directory:
        journal = partial_dir(output)
    else:
        journal = sidecar(output, ".partial.jsonl") if output.suffix.lower() != ".jsonl" else output
    errors_path = sidecar(output, ".errors.jsonl")
    written = (output, journal, errors_path, manifest_path(output), sidecar(output, ".actors.jsonl"))
    _refuse_reading_what_is_written(files, written)
    existing = [p for p in (output, journal) if p.exists()]
    if existing and not (resume or overwrite):
        what = " and ".join(str(p) for p in dict.fromkeys(existing))
        raise UsageError(f"{what} exists; pass --resume to finish it or --overwrite to replace it")
    output.parent.mkdir(parents=True, exist_ok=True)
    manifest = make_manifest(level, columns, engine.model, engine.backend, [f.name for f in files])
    manifest["languages"] = None if any_language else list(ENGLISH)  # the languages scored (None: any)
    manifest["known_actors"] = known.digest()
    manifest["speakers_as_targets"] = speakers_as_targets
    keys = CHECKED_DIRECTORY if directory else CHECKED
    if directory:
        manifest["articles_per_task"] = articles_per_batch
    with output_lock(output), ExitStack() as started:
        complete = False
        if resume and existing:
            check_resume(output, manifest, keys)
            complete = finished(output)
        started.enter_context(running(engine))  # a Dask engine starts its cluster here, under the lock
        if overwrite:
            for p in written:
                remove_parts(p) if p.is_dir() else p.unlink(missing_ok=True)
        write_manifest(output, manifest)
        job = _Job(
            engine,
            files,
            output,
            journal,
            errors_path,
            level,
            actors,
            keep_fields,
            batch_size,
            articles_per_batch,
            directory,
            any_language,
            article_progress and isinstance(engine, LocalEngine),
            known,
            speakers_as_targets,
        )
        summary = _run(job, columns, max_chars, resume and bool(existing), show_progress_bar, complete)
        write_manifest(output, {**manifest, "complete": True})
        return summary


CHECKED_DIRECTORY = (*CHECKED, "inputs", "articles_per_task", "languages")
"""A directory output's parts are numbered by position in the input: resuming one needs the same
inputs too, and the same articles refused for their language (``--any-language`` or not)."""


@dataclass(frozen=True)
class _Job:
    """One run's fixed inputs."""

    engine: Engine
    files: Sequence[InputFile]
    output: Path
    journal: Path  # the output itself for JSONL; OUTPUT.partial/ for a directory
    errors: Path
    level: str
    actors: Sequence[str | dict] | None
    keep_fields: Sequence[str]
    batch_size: int
    articles_per_batch: int
    directory: bool  # a directory of Parquet parts; the journal is OUTPUT.partial/
    any_language: bool = False  # score articles in other languages than English too
    article_progress: bool = False  # long articles' progress on the bar (local engine only)
    known: KnownActors | None = None
    speakers_as_targets: bool = False

    @property
    def final(self) -> bool:
        """The output is written from the journal at the end (CSV, Parquet)."""
        return self.journal != self.output and not self.directory


def _refuse_reading_what_is_written(files: Sequence[InputFile], written: Sequence[Path]) -> None:
    inputs = {f.path.resolve(): f.path for f in files if f.path is not None}
    for path in written:
        target = path.resolve()
        clash = next((p for r, p in inputs.items() if r == target or target in r.parents), None)
        if clash is not None:
            raise UsageError(
                f"-o {path} is also an input ({clash}); nothing was touched: write the scores to another file"
            )


class _Tally:
    """Counts, the errors file and the progress bar of one run."""

    def __init__(self, errors, logged: set[tuple], bar) -> None:
        self.errors, self.logged, self.bar = errors, logged, bar
        self.scored = self.skipped = self.failed = self.rows = 0
        self.seen_failures: set[tuple] = set()
        self.workers: Counter[str] = Counter()
        self.longest = 0  # characters of the longest article in the batch being scored

    def fail(self, bad: BadRecord) -> None:
        self.failed += 1
        key = (bad.source, bad.line, bad.id)
        self.seen_failures.add(key)
        if key not in self.logged:
            entry = {"source": bad.source, "line": bad.line, "id": bad.id, "reason": bad.reason}
            self.errors.write(json.dumps(entry) + "\n")
            self.errors.flush()
            os.fsync(self.errors.fileno())

    def earlier_failures(self) -> int:
        """Failures logged by the interrupted run that this one did not meet again (their
        batches were already done): they still count."""
        return len(self.logged - self.seen_failures)


def _batches(
    job: _Job, tally: _Tally, max_chars: int, done_ids: set[str], done_batches: set[int]
) -> Iterator[tuple[int, list[Record]]]:
    """The good records, in numbered batches of ``articles_per_batch``; bad ones go to the tally.
    Batches are numbered by position, so the numbers are the same in a resumed run."""
    seen: set[str] = set()
    batch: list[Record] = []
    index = 0

    def emit() -> Iterator[tuple[int, list[Record]]]:
        nonlocal index, batch
        if index in done_batches:
            tally.skipped += len(batch)
            tally.bar.update(len(batch))
        else:
            tally.longest = max(len(r.text) for r in batch)
            yield index, batch
        index, batch = index + 1, []

    for rec in read_records(job.files, job.keep_fields):
        if isinstance(rec, BadRecord):
            tally.fail(rec)
            tally.bar.update(1)
            continue
        if rec.id in seen:
            tally.fail(BadRecord(rec.source, rec.line, f"duplicate id {rec.id!r}; ids must be unique", rec.id))
            tally.bar.update(1)
            continue
        seen.add(rec.id)
        if len(rec.text) > max_chars:
            size = f"article of {len(rec.text):,} characters, over --max-chars {max_chars:,}"
            tally.fail(BadRecord(rec.source, rec.line, f"{size}; split it or raise the limit", rec.id))
            tally.bar.update(1)
            continue
        language = None if job.any_language or rec.id in done_ids else detect_language(rec.text)
        if language is not None and language not in ENGLISH:
            reason = f"language {language}; newsstance reads English; pass --any-language to score it anyway"
            tally.fail(BadRecord(rec.source, rec.line, reason, rec.id))
            tally.bar.update(1)
            continue
        if rec.id in done_ids:
            tally.skipped += 1
            tally.bar.update(1)
            continue
        batch.append(rec)
        if len(batch) >= job.articles_per_batch:
            yield from emit()
    if batch:
        yield from emit()


def _run(
    job: _Job, columns: list[str], max_chars: int, resume: bool, show_progress_bar: bool, complete: bool
) -> ScoreSummary:
    """The scoring loop, under the output's lock."""
    output, journal, errors_path = job.output, job.journal, job.errors
    done_ids: set[str] = set()
    done_batches: set[int] = set()
    if job.directory:
        if resume and output.is_dir() and not journal.exists():
            output.rename(journal)  # a finished directory, resumed: every part is kept
        journal.mkdir(exist_ok=True)
        done_batches = done_parts(journal) if resume else set()
    else:
        if resume and job.final and output.exists() and not journal.exists():
            to_journal(output, journal)
        done_ids = recover(journal, complete and not job.final) if resume and journal.exists() else set()
    logged = logged_errors(errors_path) if resume else set()
    if resume:
        repair_torn_tail(errors_path)

    started = time.perf_counter()
    total = count_records(job.files)
    parts = str(journal) if job.directory else None
    with (
        open(os.devnull if job.directory else journal, "a", encoding="utf-8") as out,
        open(errors_path, "a", encoding="utf-8") as err_out,
        tqdm(total=total, unit="article", disable=not show_progress_bar, desc="score") as bar,
    ):
        tally = _Tally(err_out, logged, bar)

        def long_batch() -> bool:
            return tally.longest >= LONG_ARTICLE

        progress = Postfix(bar, long_batch) if job.article_progress and show_progress_bar else None
        task = Task(
            job.level, job.actors, job.batch_size, tuple(columns), parts, progress, job.known, job.speakers_as_targets
        )
        for result in job.engine.run(_batches(job, tally, max_chars, done_ids, done_batches), task):
            for b in result.bad:
                tally.fail(b)
            if result.lines:
                out.write("\n".join(result.lines) + "\n")
                out.flush()
                os.fsync(out.fileno())
            tally.scored += result.articles
            tally.rows += result.rows
            tally.workers[result.worker] += 1
            if progress is not None:
                progress.clear()
            bar.update(result.articles + len(result.bad))
        tally.failed += tally.earlier_failures()

    if not (tally.scored or tally.skipped or tally.failed):
        for p in (journal, errors_path, manifest_path(output)):
            if p.is_dir():
                remove_parts(p)
            elif p.exists() and (p.suffix == ".json" or p.stat().st_size == 0):
                p.unlink()
        raise UsageError(f"the input held no articles ({', '.join(f.name for f in job.files)}); nothing to score")
    settling = time.perf_counter()
    registry = None
    if job.level != "edge":  # edges name a speaker and a target: their ids stay the article's
        registry = settle_output(journal, job.known or KnownActors.of([]), job.directory)
        write_registry(output, registry)
    settled = time.perf_counter() - settling
    if job.final:
        convert(journal, output, job.level, columns)
        journal.unlink()
    elif job.directory:
        journal.rename(output)
    if not tally.failed and errors_path.exists() and errors_path.stat().st_size == 0:
        errors_path.unlink()
    seconds = time.perf_counter() - started
    return ScoreSummary(
        output,
        errors_path,
        tally.scored,
        tally.skipped,
        tally.failed,
        tally.rows,
        seconds,
        dict(tally.workers),
        registry.summary() if registry is not None else "",
        settled,
    )
