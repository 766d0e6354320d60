"""Output formats: JSONL is the journal itself; CSV and Parquet are written from the journal at
the end, through a temporary file and a rename, and read back into one by ``--resume``.

Column order and Parquet types come from the one row schema, :mod:`newsstance.articles.rows`.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..articles.rows import KEY, column_types
from .errors import UsageError
from .journal import journal_rows

FORMATS = (".jsonl", ".csv", ".parquet")
_NEEDS = {".parquet": ("pyarrow", "Parquet output needs pyarrow: pip install 'newsstance[eval]'")}


def check_format(output: Path) -> None:
    """Refuse, before any article is scored, an output format that is unknown or whose
    libraries are not installed."""
    suffix = output.suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(f"unsupported output {output}: use one of {', '.join(FORMATS)}")
    if suffix in _NEEDS:
        module, hint = _NEEDS[suffix]
        if importlib.util.find_spec(module) is None:
            raise UsageError(hint)


def _chunks(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    chunk: list[dict] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def convert(journal: Path, output: Path, level: str, columns: list[str]) -> None:
    """Write the journal's rows to ``output`` (.csv or .parquet) with ``columns``, atomically."""
    if output.suffix.lower() != ".csv":
        write_parquet(output, journal_rows(journal), level, columns)
        return
    tmp = output.with_name(output.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in journal_rows(journal):
            writer.writerow(row)
    os.replace(tmp, output)


def write_parquet(output: Path, rows: Iterable[dict], level: str, columns: list[str], tmp: Path | None = None) -> None:
    """``rows`` as a Parquet file with ``columns`` typed from the row schema, written to ``tmp``
    (default ``OUTPUT.tmp``) and renamed, so that ``output`` is complete or absent."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrow = {int: pa.int64(), float: pa.float64(), str: pa.string()}
    types = {KEY: str, **column_types(level)}
    numeric = {c for c in columns if types.get(c) in (int, float)}
    schema = pa.schema([(c, arrow[types.get(c, str)]) for c in columns])
    tmp = tmp or output.with_name(output.name + ".tmp")
    with pq.ParquetWriter(tmp, schema) as writer:
        for chunk in _chunks(rows, 10_000):
            data = {c: [_cell(r.get(c), c in numeric) for r in chunk] for c in columns}
            writer.write_table(pa.table(data, schema=schema))
    os.replace(tmp, output)


def _cell(value: Any, numeric: bool) -> Any:
    if numeric or value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def to_journal(output: Path, journal: Path) -> None:
    """Turn a finished CSV/Parquet output back into a journal, so that --resume can extend it.
    Rows are streamed, so memory does not grow with the output."""
    if output.suffix.lower() == ".csv":

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
