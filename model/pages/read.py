"""Read the output of ``newsstance score`` (JSONL, CSV or Parquet, any level) for the report.

Only the columns the report needs are read, strings become categoricals, and nothing is kept
per row beyond them, so a million rows fit in a few hundred megabytes. A row whose numbers are
not finite or out of range is left out and counted by its reason (:data:`CHECKS`); a file with
no row is named and skipped.
"""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..articles.identity import identities_of
from ..articles.known import KnownActors
from ..articles.rows import KEY, columns
from ..batch.readers import sniff_delimiter
from ..stance import LABELS

__all__ = ["CHECKS", "FORMATS", "Scores", "left_out_text", "read_scores"]

logger = logging.getLogger(__name__)

FORMATS = (".jsonl", ".csv", ".parquet")
NEEDED = (KEY, "actor", "actor_type", "label", "score", "mentions")
PROBS = tuple(f"p_{label}" for label in LABELS)
SALIENCE = "salience"
"""An article row's salience, read where every file has it (a sort key of the report)."""
IDENTITY = ("actor_id", "canonical")
"""The corpus identity of a row's actor, read where every file has it: the report's actors."""
NUMBERS = ("score", "mentions", *PROBS, SALIENCE)
"""Read as float64 and checked; ``mentions`` becomes int64 once checked."""
TOLERANCE = 1e-6  # a float32 probability may pass 1 by a rounding step
SUM_TOLERANCE = 1e-3
CHECKS = (
    "score not finite",
    "score outside [−1, 1]",
    *(f"{p} not finite" for p in PROBS),
    *(f"{p} outside [0, 1]" for p in PROBS),
    "probabilities do not sum to 1",
    "mentions not a positive integer",
    "salience not finite",
    "salience outside [0, 1]",
)
"""Why a row is left out, in the order checked; a row counts under the first reason it meets.
A missing number counts as not finite; the sum is checked where the three p_* columns are."""
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
    """Score rows: ``frame`` holds id, actor, actor_type, label, score, mentions and ``fields``.

    ``rows_read`` counts every row of the files; ``left_out`` the rows not in ``frame``, as
    (reason, count) in the order of :data:`CHECKS`; ``empty`` the files that hold no row."""

    frame: Any  # pandas.DataFrame
    level: str
    fields: tuple[str, ...]  # the kept fields read, in the order asked
    kept: tuple[str, ...]  # every kept field the files have
    sources: tuple[str, ...]
    rows_read: int = 0
    left_out: tuple[tuple[str, int], ...] = ()
    empty: tuple[str, ...] = ()


def left_out_text(left_out: Sequence[tuple[str, int]]) -> str:
    """``3 rows left out: score not finite (1), ...``; empty when none is."""
    total = sum(n for _, n in left_out)
    if not total:
        return ""
    return f"{total:,} row{'' if total == 1 else 's'} left out: {_reasons(left_out)}"


def _reasons(left_out: Sequence[tuple[str, int]]) -> str:
    return ", ".join(f"{reason} ({n:,})" for reason, n in left_out)


def header(path: Path, delimiter: str = ",") -> list[str]:
    """The column names of one score file, without reading its rows; [] for a file without any."""
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
            return next(csv.reader(fh, delimiter=delimiter), [])
        for line in fh:
            if line.strip():
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as err:
                    raise ValueError(f"{path} is not JSONL ({err.msg}); give the output of newsstance score") from err
                if not isinstance(row, dict):
                    raise ValueError(
                        f"{path} holds a JSON {type(row).__name__}, not rows of newsstance score (JSON objects)"
                    )
                return list(row)
    return []


def level_of(names: Sequence[str], path: Path) -> str:
    """Which level a file was scored at, from its columns (as :mod:`newsstance.articles.rows` declares them)."""
    if "speaker" in names and "target" in names and "actor" not in names:
        raise ValueError(
            f"{path} holds speaker → target edges (newsstance score --level edge); the report reads article, "
            "passage or mention rows: score the articles at one of those levels for it"
        )
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


def read_scores(paths: Sequence[str | Path], by: Sequence[str] | None = None, known_actors: Any = None) -> Scores:
    """Every row of ``paths`` (all at one level), with the columns the report needs and the kept
    fields ``by`` (default: a date-like and an outlet-like kept field, when there are). Rows
    whose numbers fail :data:`CHECKS` are left out and counted; a file without rows is skipped
    and named. Raises ValueError when no row is left to report on.

    Each row's ``actor`` is its actor's identity (:func:`identify`): the ``canonical`` name of its
    ``actor_id`` as ``score`` settled it; the identities are built here from the names where a
    file has none, or anew with ``known_actors`` (a file or :class:`KnownActors`)."""
    pd = need_pandas()
    paths = [Path(p) for p in paths]
    if not paths:
        raise ValueError("no score file given; pass the output of newsstance score (.jsonl, .csv or .parquet)")
    delimiters = {p: sniff_delimiter(p) for p in paths if p.suffix.lower() == ".csv" and p.is_file()}
    heads = {p: header(p, delimiters.get(p, ",")) for p in paths}
    empty = [str(p) for p, h in heads.items() if not h]
    heads = {p: h for p, h in heads.items() if h}
    if not heads:
        raise ValueError(f"{_names(empty)} {_hold(empty)} no rows; nothing to report")
    levels = {p: level_of(h, p) for p, h in heads.items()}
    if len(set(levels.values())) > 1:
        mixed = ", ".join(f"{p} ({level})" for p, level in levels.items())
        raise ValueError(f"the score files mix levels: {mixed}; report on files of one --level at a time")
    level = next(iter(levels.values()))
    kept = list(dict.fromkeys(k for h in heads.values() for k in kept_fields(h, level)))
    fields = list(by) if by else auto_fields(kept)
    for p, h in heads.items():
        absent = [f for f in fields if f not in h]
        if absent:
            raise ValueError(f"{p} has no kept field {absent}; its kept fields are {kept_fields(h, level)}")
    frames, counts, rows_read = [], dict.fromkeys(CHECKS, 0), 0
    salience = [SALIENCE] if all(SALIENCE in h for h in heads.values()) else []
    settled = list(IDENTITY) if all(set(IDENTITY) <= set(h) for h in heads.values()) else []
    for p, h in heads.items():
        probs = [n for n in PROBS if n in h]
        frame = _read(p, [*NEEDED, *settled, *salience, *probs, *fields], delimiters.get(p, ","))
        rows_read += len(frame)
        if not len(frame):
            empty.append(str(p))
        frame, reasons = _checked(frame, probs)
        for reason, n in reasons.items():
            counts[reason] += n
        frames.append(frame.drop(columns=probs))
    left_out = tuple((reason, n) for reason, n in counts.items() if n)
    if not rows_read:
        raise ValueError(f"{_names(empty)} {_hold(empty)} no rows; nothing to report")
    frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    if frame.empty:
        files = _names([str(p) for p in heads])
        raise ValueError(f"every row is left out of {files}: {_reasons(left_out)}; nothing to report")
    for name in (KEY, "actor", "actor_type", "label", *fields):
        if name in frame and frame[name].dtype != "category" and frame[name].dtype == object:
            frame[name] = frame[name].astype("category")
    frame = identify(frame, None if known_actors is None else as_known(known_actors))
    unknown = set(frame["label"].cat.categories) - set(LABELS)
    if unknown:
        raise ValueError(f"unknown labels {sorted(unknown)} in the score files; expected negative, neutral, positive")
    logger.info("read %d %s rows from %d file(s)", rows_read, level, len(paths))
    sources = tuple(str(p) for p in paths)
    return Scores(frame, level, tuple(fields), tuple(kept), sources, rows_read, left_out, tuple(empty))


def _names(paths: Sequence[str]) -> str:
    return paths[0] if len(paths) == 1 else "the score files " + ", ".join(paths)


def _hold(paths: Sequence[str]) -> str:
    return "holds" if len(paths) == 1 else "hold"


def _checked(frame: Any, probs: Sequence[str]) -> tuple[Any, dict[str, int]]:
    """The rows of ``frame`` that pass :data:`CHECKS` (mentions as int64), and how many failed each."""
    import numpy as np

    bad = np.zeros(len(frame), dtype=bool)
    counts: dict[str, int] = {}

    def fail(reason: str, rows: Any) -> None:
        new = rows & ~bad
        counts[reason] = int(new.sum())
        bad[:] |= new

    score = frame["score"].to_numpy(dtype=float)
    fail("score not finite", ~np.isfinite(score))
    with np.errstate(invalid="ignore"):
        fail("score outside [−1, 1]", np.abs(score) > 1 + TOLERANCE)
        values = {p: frame[p].to_numpy(dtype=float) for p in probs}
        for p, v in values.items():
            fail(f"{p} not finite", ~np.isfinite(v))
        for p, v in values.items():
            fail(f"{p} outside [0, 1]", (v < -TOLERANCE) | (v > 1 + TOLERANCE))
        if len(values) == len(PROBS):
            fail("probabilities do not sum to 1", np.abs(sum(values.values()) - 1) > SUM_TOLERANCE)
        mentions = frame["mentions"].to_numpy(dtype=float)
        fail("mentions not a positive integer", ~(np.isfinite(mentions) & (mentions >= 1) & (mentions % 1 == 0)))
        if SALIENCE in frame.columns:
            salience = frame[SALIENCE].to_numpy(dtype=float)
            fail("salience not finite", ~np.isfinite(salience))
            fail("salience outside [0, 1]", (salience < -TOLERANCE) | (salience > 1 + TOLERANCE))
    if bad.any():
        frame = frame.loc[~bad].reset_index(drop=True)
    frame["mentions"] = frame["mentions"].astype("int64")
    return frame, counts


def as_known(known: Any) -> KnownActors:
    return known if isinstance(known, KnownActors) else KnownActors.read(known)


def identify(frame: Any, known: KnownActors | None = None) -> Any:
    """``frame`` with one ``actor`` per identity: the ``canonical`` name of each row's
    ``actor_id`` (its most frequent, where files disagree), or, where the rows have no ids or
    ``known`` is given, the identities :func:`~newsstance.articles.identity.corpus_identities`
    builds from their names. Two identities of one name are told apart by their ids."""
    pd = need_pandas()
    if known is None and set(IDENTITY) <= set(frame.columns):
        ids = frame["actor_id"].astype(str)
        pairs = pd.DataFrame({"id": ids, "name": frame["canonical"].astype(str)})
        names = pairs.value_counts().reset_index().drop_duplicates("id").set_index("id")["name"]
    else:
        known = known if known is not None else KnownActors.of([])
        keys = frame[[KEY, "actor", "actor_type"]].astype(str).drop_duplicates()
        registry, found = identities_of(((k, a, t, None) for k, a, t in keys.itertuples(index=False)), known)
        of_pair = {(a, t): i.id for (a, t, _), i in found.items()}
        ids = pd.Series(
            [of_pair[p] for p in zip(frame["actor"].astype(str), frame["actor_type"].astype(str))], index=frame.index
        )
        names = pd.Series({i.id: i.name for i in registry.identities.values()})
    shared = names[names.duplicated(keep=False)]
    names.loc[shared.index] = [f"{n} ({i})" for i, n in shared.items()]
    frame = frame.drop(columns=[c for c in IDENTITY if c in frame.columns])
    frame["actor_id"] = ids.astype("category")
    frame["actor"] = ids.map(names).astype("category")
    return frame


def _read(path: Path, names: list[str], delimiter: str = ",") -> Any:
    import pyarrow as pa

    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(path, columns=names)
    elif suffix == ".csv":
        import pyarrow.csv as pcsv

        types = {n: pa.float64() if n in NUMBERS else pa.string() for n in names}
        parse = pcsv.ParseOptions(delimiter=delimiter)
        try:
            table = pcsv.read_csv(
                path,
                parse_options=parse,
                convert_options=pcsv.ConvertOptions(include_columns=names, column_types=types),
            )
        except pa.ArrowInvalid as err:  # a number column holding text: read it as text, to be counted out
            logger.info("%s: reading the numbers as text (%s)", path, err)
            strings = pcsv.ConvertOptions(include_columns=names, column_types=dict.fromkeys(names, pa.string()))
            return _numbers(pcsv.read_csv(path, parse_options=parse, convert_options=strings).to_pandas())
    else:
        table = _read_jsonl(path, names)
    return table.to_pandas(strings_to_categorical=True, self_destruct=True)


def _numbers(frame: Any) -> Any:
    """``frame`` with its :data:`NUMBERS` as float64 (NaN where not a number), its text as categoricals."""
    pd = need_pandas()
    for n in frame.columns:
        if n in NUMBERS:
            try:
                frame[n] = pd.to_numeric(frame[n].astype(object), errors="coerce").astype(float)
            except TypeError:  # lists, objects
                frame[n] = frame[n].map(_number).astype(float)
        else:
            frame[n] = frame[n].map(_text_or_none).astype("category")
    return frame


def _read_jsonl(path: Path, names: list[str]) -> Any:
    """Only ``names`` parsed, as strings but for the numbers (float64); a kept field of another
    type (numbers, lists), or a number column holding text, falls back to pandas, a chunk at a time."""
    import pyarrow as pa
    import pyarrow.json as pjson

    types = {n: pa.float64() if n in NUMBERS else pa.string() for n in names}
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
            chunks.append(_numbers(chunk.reindex(columns=names).copy()))
    frame = pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame(columns=names)
    return pa.Table.from_pandas(frame, preserve_index=False)


def _number(value: Any) -> float:
    try:
        return float(value) if not isinstance(value, bool) else float("nan")
    except (TypeError, ValueError):
        return float("nan")


def _text_or_none(value: Any) -> str | None:
    return None if value is None or (isinstance(value, float) and value != value) else str(value)
