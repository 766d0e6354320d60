"""Read articles lazily from .txt, .jsonl and .csv files, directories, globs or standard input.

Bad records never stop a run: each becomes a :class:`BadRecord` naming its source, line and
reason, and the caller decides where it goes.
"""

from __future__ import annotations

import csv
import glob
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EXTENSIONS = (".txt", ".jsonl", ".csv")


@dataclass(frozen=True)
class Record:
    id: str
    text: str
    source: str
    line: int | None = None
    actors: list | None = None
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BadRecord:
    source: str
    line: int | None
    reason: str
    id: str | None = None


@dataclass(frozen=True)
class InputFile:
    path: Path | None  # None: standard input
    root: Path | None  # ids of .txt files are relative to this

    @property
    def name(self) -> str:
        return "-" if self.path is None else str(self.path)


def expand_inputs(inputs: Sequence[str]) -> list[InputFile]:
    """Files, directories (every supported file inside, sorted), globs, or ``-`` for stdin (JSONL)."""
    if not inputs:
        raise ValueError("no input given; pass files, directories, globs, or - for JSONL on standard input")
    files: list[InputFile] = []
    for item in inputs:
        if item == "-":
            files.append(InputFile(None, None))
            continue
        path = Path(item)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in EXTENSIONS)
            files += [InputFile(p, path) for p in found]
        elif path.is_file():
            _check_extension(path)
            files.append(InputFile(path, path.parent))
        else:
            matches = sorted(glob.glob(item, recursive=True))
            if not matches:
                raise ValueError(f"input {item!r} is not a file, directory or matching glob")
            for m in matches:
                p = Path(m)
                if p.is_file():
                    _check_extension(p)
                    files.append(InputFile(p, p.parent))
    return files


def _check_extension(path: Path) -> None:
    if path.suffix.lower() not in EXTENSIONS:
        raise ValueError(f"unsupported input {path}: use one of {', '.join(EXTENSIONS)} (or - for JSONL on stdin)")


def count_records(files: Sequence[InputFile]) -> int | None:
    """How many records the files hold (lines for JSONL/CSV), or None when reading stdin."""
    total = 0
    for f in files:
        if f.path is None:
            return None
        suffix = f.path.suffix.lower()
        if suffix == ".txt":
            total += 1
        else:
            with open(f.path, "rb") as fh:
                lines = sum(1 for line in fh if line.strip())
            total += lines - (1 if suffix == ".csv" and lines else 0)
    return total


def read_records(files: Sequence[InputFile], keep_fields: Sequence[str] = ()) -> Iterator[Record | BadRecord]:
    """Every record of every file, in order, one at a time."""
    for f in files:
        if f.path is None:
            yield from _jsonl(sys.stdin.buffer, "-", keep_fields)
            continue
        suffix = f.path.suffix.lower()
        try:
            if suffix == ".txt":
                yield _txt(f)
            elif suffix == ".jsonl":
                with open(f.path, "rb") as fh:
                    yield from _jsonl(fh, f.name, keep_fields)
            else:
                yield from _csv(f.path, keep_fields)
        except OSError as err:
            yield BadRecord(f.name, None, f"cannot read file: {err}")


def _txt(f: InputFile) -> Record | BadRecord:
    record_id = f.path.relative_to(f.root).as_posix() if f.root else f.path.name
    try:
        text = f.path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        return BadRecord(f.name, None, f"not valid UTF-8 ({err.reason} at byte {err.start})", record_id)
    return _checked(record_id, text, f.name, None, None, {})


def _jsonl(stream: Any, source: str, keep_fields: Sequence[str]) -> Iterator[Record | BadRecord]:
    for number, raw in enumerate(stream, start=1):
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            yield BadRecord(source, number, f"not valid UTF-8 ({err.reason} at byte {err.start})")
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            yield BadRecord(source, number, f"invalid JSON: {err.msg} at column {err.colno}")
            continue
        if not isinstance(obj, dict):
            yield BadRecord(source, number, f"expected a JSON object with a 'text' field, got {type(obj).__name__}")
            continue
        yield _from_mapping(obj, source, number, keep_fields)


def _csv(path: Path, keep_fields: Sequence[str]) -> Iterator[Record | BadRecord]:
    # Read lazily; bytes that are not UTF-8 become surrogates, so one bad row fails alone.
    with open(path, encoding="utf-8", errors="surrogateescape", newline="") as fh:
        yield from _csv_rows(csv.DictReader(fh), path, keep_fields)


def _csv_rows(reader: csv.DictReader, path: Path, keep_fields: Sequence[str]) -> Iterator[Record | BadRecord]:
    if reader.fieldnames is None or "text" not in reader.fieldnames:
        yield BadRecord(str(path), 1, f"CSV has no 'text' column (columns: {reader.fieldnames})")
        return
    for row in reader:
        number = reader.line_num
        if any(isinstance(v, str) and _has_surrogates(v) for v in row.values()):
            yield BadRecord(str(path), number, "not valid UTF-8")
            continue
        if isinstance(row.get("actors"), str) and row["actors"].strip():
            try:
                row["actors"] = json.loads(row["actors"])
            except json.JSONDecodeError:
                row["actors"] = [a.strip() for a in row["actors"].split(";") if a.strip()]
        yield _from_mapping(row, str(path), number, keep_fields)


def _has_surrogates(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def _from_mapping(obj: dict, source: str, number: int, keep_fields: Sequence[str]) -> Record | BadRecord:
    raw_id = obj.get("id")
    record_id = str(raw_id) if raw_id not in (None, "") else f"{source}:{number}"
    if "text" not in obj:
        return BadRecord(source, number, "missing 'text' field", record_id)
    actors = obj.get("actors")
    if actors in ("", None):
        actors = None
    elif not isinstance(actors, list):
        return BadRecord(source, number, f"'actors' must be a list of names, got {type(actors).__name__}", record_id)
    fields = {k: obj.get(k) for k in keep_fields}
    return _checked(record_id, obj["text"], source, number, actors, fields)


def _checked(record_id, text, source, number, actors, fields) -> Record | BadRecord:
    if not isinstance(text, str):
        return BadRecord(source, number, f"'text' must be a string, got {type(text).__name__}", record_id)
    if not text.strip():
        return BadRecord(source, number, "empty article", record_id)
    return Record(record_id, text, source, number, actors, fields)
