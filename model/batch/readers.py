"""Read articles lazily from .txt, .jsonl and .csv files, directories, globs or standard input.

Bad records never stop a run: each becomes a :class:`BadRecord` naming its source, line and
reason, and the caller decides where it goes. A .csv file may separate its columns by commas,
semicolons, tabs or pipes (:func:`sniff_delimiter`).
"""

from __future__ import annotations

import codecs
import csv
import glob
import json
import logging
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

EXTENSIONS = (".txt", ".jsonl", ".csv")
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
"""The separators a .csv file may use, found by :func:`sniff_delimiter`."""
SNIFF_BYTES = 16 * 1024


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

    @property
    def id_prefix(self) -> str:
        """What ids derived from this file start with: its path relative to the input root, so
        that the same file gives the same ids however its path is spelled."""
        if self.path is None:
            return "-"
        return self.path.relative_to(self.root).as_posix() if self.root else self.path.name


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
            if not found:
                raise ValueError(f"directory {item} holds no {', '.join(EXTENSIONS)} file; nothing to score")
            files += [InputFile(p, path) for p in found]
        elif path.is_file():
            _check_extension(path)
            files.append(InputFile(path, path.parent))
        else:
            matches = sorted(glob.glob(item, recursive=True))
            if not matches:
                raise ValueError(f"input {item} is not a file, directory or matching glob")
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
    """How many records the files hold (lines for JSONL/CSV), for the progress bar; None when
    reading stdin. A file that cannot be read counts as one record (the reader reports it)."""
    total = 0
    for f in files:
        if f.path is None:
            return None
        suffix = f.path.suffix.lower()
        if suffix == ".txt":
            total += 1
            continue
        try:
            with open(f.path, "rb") as fh:
                lines = sum(1 for line in fh if line.strip())
        except OSError:
            lines = 1
        total += lines - (1 if suffix == ".csv" and lines else 0)
    return total


def read_records(files: Sequence[InputFile], keep_fields: Sequence[str] = ()) -> Iterator[Record | BadRecord]:
    """Every record of every file, in order, one at a time."""
    for f in files:
        if f.path is None:
            yield from _jsonl(sys.stdin.buffer, "-", keep_fields, "-")
            continue
        suffix = f.path.suffix.lower()
        try:
            if suffix == ".txt":
                yield _txt(f)
            elif suffix == ".jsonl":
                with open(f.path, "rb") as fh:
                    yield from _jsonl(fh, f.name, keep_fields, f.id_prefix)
            else:
                yield from _csv(f.path, keep_fields, f.id_prefix)
        except OSError as err:
            yield BadRecord(f.name, None, f"cannot read file: {err}")


def _txt(f: InputFile) -> Record | BadRecord:
    record_id = f.path.relative_to(f.root).as_posix() if f.root else f.path.name
    try:
        text = f.path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        return BadRecord(f.name, None, f"not valid UTF-8 ({err.reason} at byte {err.start})", record_id)
    return _checked(record_id, text, f.name, None, None, {})


def _jsonl(stream: Any, source: str, keep_fields: Sequence[str], prefix: str) -> Iterator[Record | BadRecord]:
    for number, raw in enumerate(stream, start=1):
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]  # Excel's "UTF-8" files begin with a byte-order mark
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
            yield BadRecord(source, number, f"invalid JSON: {err.msg.removesuffix(' at')} at column {err.colno}")
            continue
        if not isinstance(obj, dict):
            yield BadRecord(source, number, f"expected a JSON object with a 'text' field, got {type(obj).__name__}")
            continue
        yield record_from_mapping(obj, source, number, keep_fields, prefix)


CSV_FIELD_LIMIT = 1 << 30  # characters; Python's default (131,072) is less than one long article


def sniff_delimiter(path: str | Path) -> str:
    """The separator of a .csv file: comma, semicolon, tab or pipe, as :class:`csv.Sniffer` finds
    it in the first 16 KB, provided the header holds it; else the one the header holds most of;
    a comma when it holds none. Any separator but a comma is logged (INFO), with the file."""
    with open(path, "rb") as fh:
        sample = fh.read(SNIFF_BYTES).decode("utf-8-sig", errors="replace")
    header = sample.splitlines()[0] if sample.strip() else ""
    try:
        found = csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:  # one column, or too little text to tell
        found = None
    if found not in DELIMITERS or found not in header:
        counts = {d: header.count(d) for d in DELIMITERS}
        found = max(counts, key=counts.get) if any(counts.values()) else ","  # ties: the first, a comma
    if found != ",":
        logger.info("%s: columns separated by %ss (%r)", path, DELIMITERS[found], found)
    return found


def _csv(path: Path, keep_fields: Sequence[str], prefix: str) -> Iterator[Record | BadRecord]:
    # Read lazily; bytes that are not UTF-8 become surrogates, so one bad row fails alone.
    csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))
    delimiter = sniff_delimiter(path)
    with open(path, encoding="utf-8-sig", errors="surrogateescape", newline="") as fh:
        # strict: a quote left open fails where it breaks the next row, instead of swallowing it
        reader = csv.DictReader(fh, delimiter=delimiter, strict=True)
        yield from _csv_rows(reader, path, keep_fields, prefix)


def _csv_rows(
    reader: csv.DictReader, path: Path, keep_fields: Sequence[str], prefix: str
) -> Iterator[Record | BadRecord]:
    try:
        fieldnames = reader.fieldnames
    except csv.Error as err:
        yield BadRecord(str(path), 1, f"unreadable CSV header: {err}")
        return
    if fieldnames is None or "text" not in fieldnames:
        columns = ", ".join(fieldnames or []) or "none"
        yield BadRecord(
            str(path), 1, f"CSV has no 'text' column (its columns: {columns}); name the article text column 'text'"
        )
        return
    rows = iter(reader)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as err:  # the rest of the file cannot be parsed reliably
            reason = f"unreadable CSV row ({err}): a quote is probably left open; the rest of this file was not read"
            yield BadRecord(str(path), reader.line_num, reason)
            return
        number = reader.line_num
        if any(isinstance(v, str) and _has_surrogates(v) for v in row.values()):
            yield BadRecord(str(path), number, "not valid UTF-8")
            continue
        if isinstance(row.get("actors"), str) and row["actors"].strip():
            try:
                row["actors"] = json.loads(row["actors"])
            except json.JSONDecodeError:
                row["actors"] = [a.strip() for a in row["actors"].split(";") if a.strip()]
        yield record_from_mapping(row, str(path), number, keep_fields, prefix)


def _has_surrogates(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def _lone_surrogate(value: Any) -> bool:
    """A string (or a list or dict holding one) with a character UTF-8 cannot encode."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")  # in C: no loop over the characters of a long article
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_lone_surrogate(k) or _lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_lone_surrogate(v) for v in value)
    return False


def record_from_mapping(
    obj: dict, source: str, number: int | None, keep_fields: Sequence[str], prefix: str
) -> Record | BadRecord:
    """One record from a JSON object, CSV row or data-frame row, checked as every reader checks it."""
    raw_id = obj.get("id")
    if isinstance(raw_id, (dict, list)):
        return BadRecord(source, number, f"'id' must be a string or a number, got {type(raw_id).__name__}")
    record_id = str(raw_id) if raw_id not in (None, "") else f"{prefix}:{number}"
    unencodable = [k for k, v in (("id", record_id), *((k, obj.get(k)) for k in keep_fields)) if _lone_surrogate(v)]
    if unencodable or _lone_surrogate(obj.get("text")):
        field = (unencodable or ["text"])[0]
        return BadRecord(source, number, f"'{field}' holds a lone surrogate (\\ud800-\\udfff), not text", None)
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
