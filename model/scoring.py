"""Batch scoring of article files: streaming, resumable, safe on bad records.

Output rows (one per article × actor, per article × passage × actor, or per mention) have the
fixed columns of :data:`COLUMNS` followed by any ``keep_fields``. JSONL output is append-only
and flushed per batch, each article's rows written together; CSV and Parquet are streamed into
a JSONL journal (``OUTPUT.partial.jsonl``) and converted, through a temporary file and a rename,
at the end. ``resume=True`` drops a torn last line and the last (possibly partial) article,
then skips every article id already in the output.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqdm.auto import tqdm

from .analysis import LEVELS
from .readers import BadRecord, Record, count_records, expand_inputs, read_records
from .stance import LABELS

if TYPE_CHECKING:
    from .classifier import StanceClassifier

logger = logging.getLogger(__name__)

_STANCE = ["label", "score", *(f"p_{k}" for k in LABELS), "mentions"]
COLUMNS = {
    "article": ["id", "actor", "actor_type", *_STANCE, "sentences"],
    "passage": ["id", "actor", "actor_type", *_STANCE, "sentences", "passage_index", "start", "end"],
    "mention": [
        "id",
        "actor",
        "actor_type",
        *_STANCE,
        "passage_index",
        "start",
        "end",
        "sentence_start",
        "sentence_end",
    ],
}
FORMATS = (".jsonl", ".csv", ".parquet")


class UsageError(ValueError):
    """A problem with the command itself (not with a record): exit status 2."""


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
) -> ScoreSummary:
    """Score every article of ``inputs`` into ``output`` (.jsonl, .csv or .parquet).

    Raises :class:`UsageError` for problems with the call; bad records go to
    ``OUTPUT.errors.jsonl`` and are counted, never raised.
    """
    output = Path(output)
    if level not in LEVELS:
        raise UsageError(f"unknown level {level!r}; choose one of {LEVELS}")
    if output.suffix.lower() not in FORMATS:
        raise UsageError(f"unsupported output {output}: use one of {', '.join(FORMATS)}")
    if resume and overwrite:
        raise UsageError("--resume and --overwrite exclude each other; choose one")
    clash = set(keep_fields) & set(COLUMNS[level])
    if clash:
        raise UsageError(f"--keep-fields {sorted(clash)} clash with output columns; rename them in the input")
    try:
        files = expand_inputs(inputs)
    except ValueError as err:
        raise UsageError(str(err)) from err
    columns = COLUMNS[level] + list(keep_fields)
    final = output.suffix.lower() != ".jsonl"
    journal = output.with_name(output.name + ".partial.jsonl") if final else output
    errors_path = output.with_name(output.name + ".errors.jsonl")

    if output.exists() and not (resume or overwrite):
        raise UsageError(f"{output} exists; pass --resume to finish it or --overwrite to replace it")
    if overwrite:
        for p in (output, journal, errors_path):
            p.unlink(missing_ok=True)
    output.parent.mkdir(parents=True, exist_ok=True)
    if resume and final and output.exists() and not journal.exists():
        _to_journal(output, journal)
    done = _recover(journal) if resume and journal.exists() else set()
    logged = _logged_errors(errors_path) if resume else set()

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
                err_out.write(
                    json.dumps({"source": bad.source, "line": bad.line, "id": bad.id, "reason": bad.reason}) + "\n"
                )
                err_out.flush()

        def flush(batch: list[Record]) -> None:
            nonlocal scored, rows
            results, bad = _analyze(clf, batch, actors, batch_size)
            for b in bad:
                fail(b)
            lines = [
                json.dumps({**{k: row.get(k) for k in COLUMNS[level]}, "id": rec.id, **rec.fields}, ensure_ascii=False)
                for rec, analysis in results
                for row in analysis.to_records(level)
            ]
            if lines:
                out.write("\n".join(lines) + "\n")
                out.flush()
                os.fsync(out.fileno())
            scored += len(results)
            rows += len(lines)
            bar.update(len(batch))

        batch: list[Record] = []
        for rec in read_records(files, keep_fields):
            if isinstance(rec, BadRecord):
                fail(rec)
                bar.update(1)
                continue
            if rec.id in seen:
                fail(BadRecord(rec.source, rec.line, f"duplicate id {rec.id!r}; ids must be unique", rec.id))
                bar.update(1)
                continue
            seen.add(rec.id)
            if rec.id in done:
                skipped += 1
                bar.update(1)
                continue
            batch.append(rec)
            if len(batch) >= articles_per_batch:
                flush(batch)
                batch = []
        if batch:
            flush(batch)

    if final:
        _convert(journal, output, columns)
        journal.unlink()
    if not failed and errors_path.exists() and errors_path.stat().st_size == 0:
        errors_path.unlink()
    return ScoreSummary(output, errors_path, scored, skipped, failed, rows, time.perf_counter() - started)


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


def _recover(journal: Path) -> set[str]:
    """Cut a torn last line and the last article's rows (it may be partial); return the ids kept."""
    done: set[str] = set()
    offset = last_start = 0
    last_id = None
    with open(journal, "rb") as fh:
        for raw in fh:
            if not raw.endswith(b"\n"):
                break  # torn line from a kill mid-write
            try:
                row_id = json.loads(raw)["id"]
            except (json.JSONDecodeError, KeyError, TypeError):
                break
            if row_id != last_id:
                if last_id is not None:
                    done.add(last_id)
                last_id, last_start = row_id, offset
            offset += len(raw)
    with open(journal, "r+b") as fh:
        fh.truncate(last_start)
    logger.info("resuming: %d articles already in %s", len(done), journal)
    return done


def _logged_errors(path: Path) -> set[tuple]:
    if not path.exists():
        return set()
    keys = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            e = json.loads(line)
            keys.add((e["source"], e["line"], e["id"]))
        except (json.JSONDecodeError, KeyError):
            continue
    return keys


def _journal_rows(journal: Path) -> Iterator[dict[str, Any]]:
    with open(journal, encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def _chunks(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    chunk: list[dict] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _convert(journal: Path, output: Path, columns: list[str]) -> None:
    tmp = output.with_name(output.name + ".tmp")
    if output.suffix.lower() == ".csv":
        import csv

        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            for row in _journal_rows(journal):
                writer.writerow(row)
    else:
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError as err:
            raise UsageError("Parquet output needs pyarrow: pip install 'newsstance[eval]'") from err
        ints = {"mentions", "sentences", "passage_index", "start", "end", "sentence_start", "sentence_end"}
        floats = {"score", *(f"p_{k}" for k in LABELS)}
        schema = pa.schema(
            [(c, pa.int64() if c in ints else pa.float64() if c in floats else pa.string()) for c in columns]
        )
        with pq.ParquetWriter(tmp, schema) as writer:
            for chunk in _chunks(_journal_rows(journal), 10_000):
                data = {c: [_cell(r.get(c), c in ints or c in floats) for r in chunk] for c in columns}
                writer.write_table(pa.table(data, schema=schema))
    os.replace(tmp, output)


def _cell(value: Any, numeric: bool) -> Any:
    if numeric or value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _to_journal(output: Path, journal: Path) -> None:
    """Turn a finished CSV/Parquet output back into a journal, so that --resume can extend it.
    Rows are streamed, so memory does not grow with the output."""
    if output.suffix.lower() == ".csv":
        import csv

        def rows() -> Iterator[dict[str, Any]]:
            with open(output, encoding="utf-8", newline="") as fh:
                yield from csv.DictReader(fh)

    else:
        import pyarrow.parquet as pq

        def rows() -> Iterator[dict[str, Any]]:
            for batch in pq.ParquetFile(output).iter_batches(batch_size=10_000):
                yield from batch.to_pylist()

    written = False
    with open(journal, "w", encoding="utf-8") as fh:
        for row in rows():
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            written = True
        if written:  # the last article is complete: mark it so that recovery keeps it
            fh.write(json.dumps({"id": None}) + "\n")
