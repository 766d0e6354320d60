"""Score a Dask DataFrame of articles: :func:`score_dataframe`, for users who read their corpus
with ``dd.read_json(lines=True)``, ``dd.read_csv`` or ``dd.read_parquet`` themselves.

Each partition is scored on the worker that holds it, with the classifier that worker loaded
once; rows have the one row schema (:mod:`newsstance.articles.rows`) and the returned frame
declares it as ``meta``, so nothing is computed until the user asks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..articles.language import ENGLISH, detect_language
from ..articles.rows import KEY, column_types, output_columns
from .cluster import ModelSpec, require_dask, worker_classifier, worker_threads
from .engine import Task, batch_rows
from .readers import BadRecord, Record, record_from_mapping

if TYPE_CHECKING:
    import dask.dataframe as dd
    import pandas as pd

ERRORS = ("raise", "column")
ERROR_COLUMN = "error"


def score_dataframe(
    ddf: dd.DataFrame,
    model: str | Path | None = None,
    level: str = "article",
    actors: Sequence[str | dict] | None = None,
    keep_fields: Sequence[str] = (),
    batch_size: int = 32,
    backend: str = "auto",
    threads: int | None = None,
    errors: str = "raise",
    any_language: bool = False,
) -> dd.DataFrame:
    """The rows of every article in ``ddf`` (a ``text`` column; ``id`` and ``actors``
    optional; without ``id`` the index is the id), lazily, as a Dask DataFrame.

    ``model`` is a model directory (default: the shipped model); ``backend`` is resolved here,
    once, so every worker runs the same one. A bad record raises ``ValueError`` naming it
    (``errors="raise"``), or becomes one row with its ``id`` and the reason in an ``error``
    column, other columns empty (``errors="column"``): never dropped.

    ``actor_id`` and ``canonical`` are each article's: a lazy frame has no corpus pass. For one
    identity per actor across the corpus, compute it and pass the result to
    :func:`newsstance.articles.identity.settle_frame`, as ``score`` does to its output.
    """
    require_dask()
    if errors not in ERRORS:
        raise ValueError(f"errors must be one of {ERRORS}, got {errors!r}")
    if "text" not in ddf.columns:
        raise ValueError(f"the DataFrame needs a 'text' column; it has {list(ddf.columns)}")
    missing = [f for f in keep_fields if f not in ddf.columns]
    if missing:
        raise ValueError(f"keep_fields {missing} are not columns of the DataFrame ({list(ddf.columns)})")
    columns = output_columns(level, keep_fields)
    if errors == "column":
        columns.append(ERROR_COLUMN)
    spec = ModelSpec.resolve(model, backend, None, threads)
    task = Task(level, actors, batch_size, tuple(columns))
    meta = _frame([], level, columns)
    return ddf.map_partitions(score_partition, spec, task, list(keep_fields), errors, any_language, meta=meta)


def score_partition(
    part: pd.DataFrame, spec: ModelSpec, task: Task, keep_fields: list[str], errors: str, any_language: bool = False
) -> pd.DataFrame:
    """One partition's rows (runs on a worker; on the driver too, for an empty partition)."""
    records: list[Record] = []
    bad: list[BadRecord] = []
    for index, row in zip(part.index, part.to_dict("records")):
        obj = {k: _plain(v) for k, v in row.items()}
        if obj.get("id") in (None, ""):
            obj["id"] = str(index)
        rec = record_from_mapping(obj, "dataframe", None, keep_fields, "dataframe")
        language = None if any_language or isinstance(rec, BadRecord) else detect_language(rec.text)
        if language is not None and language not in ENGLISH:
            reason = f"language {language}; newsstance reads English; pass any_language=True to score it anyway"
            rec = BadRecord(rec.source, rec.line, reason, rec.id)
        (bad if isinstance(rec, BadRecord) else records).append(rec)
    rows: list[dict[str, Any]] = []
    if records:
        clf = worker_classifier(spec, worker_threads(spec, _sharing()))
        rows, failed, _ = batch_rows(clf, records, task)
        bad += failed
    if bad and errors == "raise":
        first = bad[0]
        raise ValueError(
            f"{len(bad)} bad record(s) in a partition, first id {first.id!r}: {first.reason}; fix them, or pass "
            "errors='column' to get them as rows with an 'error' column"
        )
    rows += [{KEY: b.id, ERROR_COLUMN: b.reason} for b in bad]
    return _frame(rows, task.level, list(task.columns))


def _sharing() -> int:
    """Worker threads on this machine, as far as this worker can tell (its own)."""
    try:
        from distributed import get_worker

        return get_worker().state.nthreads
    except ValueError:  # not on a worker: the driver, scoring an empty partition for meta
        return 1


def _plain(value: Any) -> Any:
    """A pandas cell as the readers expect it: NaN/NA as None, arrays (Parquet lists) as lists."""
    if hasattr(value, "tolist") and not isinstance(value, str):
        value = value.tolist()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return None
    except ImportError:
        pass
    return value


def _frame(rows: list[dict[str, Any]], level: str, columns: list[str]) -> pd.DataFrame:
    """Rows as a DataFrame with the schema's dtypes (the same for ``meta`` and every partition)."""
    import pandas as pd

    types = {KEY: str, **column_types(level), ERROR_COLUMN: str}
    dtypes = {int: "Int64", float: "float64", str: "string"}
    frame = pd.DataFrame.from_records(rows, columns=columns)
    return frame.astype({c: dtypes[types[c]] for c in columns if c in types})
