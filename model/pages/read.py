"""Read the output of ``newsstance score`` (JSONL, CSV or Parquet, any level) for the report.

Only the columns the report needs are read, strings become categoricals, and nothing is kept
per row beyond them, so a million rows fit in a few hundred megabytes.
"""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..articles.rows import KEY, columns

__all__ = ["FORMATS", "Scores", "read_scores"]

logger = logging.getLogger(__name__)

FORMATS = (".jsonl", ".csv", ".parquet")
NEEDED = (KEY, "actor", "actor_type", "label", "score", "mentions")
DATE_NAMES = ("date", "published", "published_at", "publish_date", "pub_date", "datetime", "timestamp", "day")
GROUP_NAMES = ("outlet", "source", "publisher", "media", "site", "domain", "newspaper", "paper")


def need_pandas() -> Any:
    try:
        import pandas as pd
        import pyarrow  # noqa: F401
    except ImportError as err:
        raise ImportError("newsstance report needs pandas and pyarrow: pip install 'newsstance[view]'") from err
    return pd


@dataclass(frozen=True)
class Scores:
    """Score rows: ``frame`` holds id, actor, actor_type, label, score, mentions and ``fields``."""

    frame: Any  # pandas.DataFrame
    level: str
    fields: tuple[str, ...]  # the kept fields read, in the order asked
    kept: tuple[str, ...]  # every kept field the files have
    sources: tuple[str, ...]


def header(path: Path) -> list[str]:
    """The column names of one score file, without reading its rows."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"unsupported score file {path}: use the output of newsstance score ({', '.join(FORMATS)})")
    if not path.is_file():
        raise FileNotFoundError(f"no such score file: {path}")
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        return list(pq.read_schema(path).names)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        if suffix == ".csv":
            return next(csv.reader(fh), [])
        for line in fh:
            if line.strip():
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as err:
                    raise ValueError(f"{path} is not JSONL ({err.msg}); give the output of newsstance score") from err
                return list(row) if isinstance(row, dict) else []
    return []


def level_of(names: Sequence[str], path: Path) -> str:
    """Which level a file was scored at, from its columns (as :mod:`newsstance.articles.rows` declares them)."""
    missing = [c for c in NEEDED if c not in names]
    if missing:
        raise ValueError(
            f"{path} lacks the columns {missing} of newsstance score output (has {list(names)[:12]}); "
            "run newsstance score on the articles first"
        )
    if "mention_type" in names:
        return "mention"
    return "passage" if "passage_index" in names else "article"


def kept_fields(names: Sequence[str], level: str) -> list[str]:
    own = {KEY, *columns(level)}
    return [n for n in names if n not in own]


def auto_fields(kept: Sequence[str]) -> list[str]:
    """The kept fields the report uses unasked: the first that looks like a date, then the first
    that looks like an outlet."""
    lower = {k.lower(): k for k in kept}
    chosen = [lower[n] for n in DATE_NAMES if n in lower][:1]
    chosen += [lower[n] for n in GROUP_NAMES if n in lower][:1]
    return chosen


def read_scores(paths: Sequence[str | Path], by: Sequence[str] | None = None) -> Scores:
    """Every row of ``paths`` (all at one level), with the columns the report needs and the kept
    fields ``by`` (default: a date-like and an outlet-like kept field, when there are)."""
    pd = need_pandas()
    paths = [Path(p) for p in paths]
    if not paths:
        raise ValueError("no score file given; pass the output of newsstance score (.jsonl, .csv or .parquet)")
    heads = {p: header(p) for p in paths}
    levels = {p: level_of(h, p) for p, h in heads.items()}
    if len(set(levels.values())) > 1:
        raise ValueError(f"the score files mix levels {levels}; report on files of one --level at a time")
    level = next(iter(levels.values()))
    kept = list(dict.fromkeys(k for h in heads.values() for k in kept_fields(h, level)))
    fields = list(by) if by else auto_fields(kept)
    for p, h in heads.items():
        absent = [f for f in fields if f not in h]
        if absent:
            raise ValueError(f"{p} has no kept field {absent}; its kept fields are {kept_fields(h, level)}")
    frames = [_read(p, [*NEEDED, *fields]) for p in paths]
    frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    for name in (KEY, "actor", "actor_type", "label", *fields):
        if name in frame and frame[name].dtype != "category" and frame[name].dtype == object:
            frame[name] = frame[name].astype("category")
    unknown = set(frame["label"].cat.categories) - {"negative", "neutral", "positive"}
    if unknown:
        raise ValueError(f"unknown labels {sorted(unknown)} in the score files; expected negative, neutral, positive")
    logger.info("read %d %s rows from %d file(s)", len(frame), level, len(paths))
    return Scores(frame, level, tuple(fields), tuple(kept), tuple(str(p) for p in paths))


def _read(path: Path, names: list[str]) -> Any:
    import pyarrow as pa

    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(path, columns=names)
    elif suffix == ".csv":
        import pyarrow.csv as pcsv

        strings = {n: pa.string() for n in names if n not in ("score", "mentions")}
        table = pcsv.read_csv(
            path,
            convert_options=pcsv.ConvertOptions(
                include_columns=names, column_types={**strings, "score": pa.float64(), "mentions": pa.int64()}
            ),
        )
    else:
        table = _read_jsonl(path, names)
    return table.to_pandas(strings_to_categorical=True, self_destruct=True)


def _read_jsonl(path: Path, names: list[str]) -> Any:
    """Only ``names`` parsed, as strings but for score and mentions; a kept field of another type
    (numbers, lists) falls back to pandas, a chunk at a time."""
    import pyarrow as pa
    import pyarrow.json as pjson

    types = {n: pa.string() for n in names} | {"score": pa.float64(), "mentions": pa.int64()}
    schema = pa.schema([(n, types[n]) for n in names])
    options = pjson.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore")
    try:
        return pjson.read_json(path, parse_options=options, read_options=pjson.ReadOptions(block_size=1 << 24))
    except pa.ArrowInvalid as err:
        logger.info("%s: reading with pandas (%s)", path, err)
    pd = need_pandas()
    chunks = []
    with pd.read_json(path, lines=True, chunksize=200_000, dtype=False) as reader:
        for chunk in reader:
            chunk = chunk[names].copy()
            for n in names:
                if n not in ("score", "mentions"):
                    chunk[n] = chunk[n].map(_text_or_none).astype("category")
            chunks.append(chunk)
    frame = pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame(columns=names)
    return pa.Table.from_pandas(frame, preserve_index=False)


def _text_or_none(value: Any) -> str | None:
    return None if value is None or (isinstance(value, float) and value != value) else str(value)
