"""The one row schema: the columns and types of a flat row at each level, declared once.

:meth:`ArticleAnalysis.to_records` builds its rows from it, and the batch writers take their
headers and Parquet types from it; an output row is ``id``, then these columns, then the
fields the user keeps.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ..stance import LABELS

LEVELS = ("article", "passage", "mention", "edge")
"""One row per actor (article), per passage × actor (passage), per mention, or per speaker ×
target (edge)."""

KEY = "id"
"""The article's id: the first column of every output row."""

_STANCE: tuple[tuple[str, type], ...] = (
    ("label", str),
    ("score", float),
    *((f"p_{label}", float) for label in LABELS),
    ("mentions", int),
)
_ACTOR: tuple[tuple[str, type], ...] = (("actor", str), ("actor_id", str), ("canonical", str), ("actor_type", str))
"""The actor as the article names it, its identity and the name the corpus knows it by."""
SCHEMA: dict[str, tuple[tuple[str, type], ...]] = {
    "article": (*_ACTOR, *_STANCE, ("sentences", int), ("salience", float), ("quoted", float)),
    "passage": (
        *_ACTOR,
        *_STANCE,
        ("sentences", int),
        ("passage_index", int),
        ("start", int),
        ("end", int),
        ("quoted", float),
    ),
    "mention": (
        *_ACTOR,
        *_STANCE,
        ("passage_index", int),
        ("start", int),
        ("end", int),
        ("mention_type", str),
        ("sentence_start", int),
        ("sentence_end", int),
        ("voice", str),
    ),
    "edge": (
        ("speaker", str),
        ("speaker_id", str),
        ("speaker_type", str),
        ("target", str),
        ("target_id", str),
        ("target_type", str),
        *_STANCE[:-1],
        ("attributions", int),
    ),
}
"""Per level, each column and its Python type, in output order (``id`` and kept fields aside)."""


def check_level(level: str) -> str:
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; choose one of {LEVELS}")
    return level


def columns(level: str) -> list[str]:
    """The analysis columns of ``level``, in order."""
    return [name for name, _ in SCHEMA[check_level(level)]]


def output_columns(level: str, keep_fields: Sequence[str] = ()) -> list[str]:
    """Every column of an output row: ``id``, the level's columns, the kept input fields."""
    clash = sorted(set(keep_fields) & {KEY, *columns(level)})
    if clash:
        raise ValueError(f"kept fields {clash} clash with output columns; rename them in the input")
    return [KEY, *columns(level), *keep_fields]


def column_types(level: str) -> dict[str, type]:
    return dict(SCHEMA[check_level(level)])


def make_row(level: str, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` as a row of ``level``, in column order; a missing or unknown column is an error."""
    names = columns(level)
    if set(values) != set(names):
        missing, extra = sorted(set(names) - set(values)), sorted(set(values) - set(names))
        raise KeyError(f"a {level} row needs exactly {names}; missing {missing}, unknown {extra}")
    return {name: values[name] for name in names}


def frame(records: Iterable[dict[str, Any]], names: Sequence[str]) -> Any:
    """Rows as a pandas DataFrame with the columns ``names``, in order (an empty one keeps them)."""
    try:
        import pandas as pd
    except ImportError as err:
        raise ImportError("to_dataframe needs pandas: pip install 'newsstance[eval]'") from err
    return pd.DataFrame.from_records(list(records), columns=list(names))


def to_dataframe(analyses: Iterable[Any], level: str = "article", ids: Sequence[Any] | None = None) -> Any:
    """The rows of many analyses (``clf.analyze_many(texts)``) as one pandas DataFrame: ``id``
    (each analysis's position, or its entry in ``ids``), then the columns of ``level``, as the
    output of ``newsstance score`` has them: ``actor_id`` and ``canonical`` are the corpus's
    (:func:`newsstance.articles.identity.settle`)."""
    if hasattr(analyses, "to_records"):
        raise TypeError("to_dataframe takes a list of analyses; for one, use analysis.to_dataframe(level)")
    analyses = list(analyses)
    if ids is not None and len(ids) != len(analyses):
        raise ValueError(f"got {len(ids)} ids for {len(analyses)} analyses; give one id per analysis, or none")
    keys = range(len(analyses)) if ids is None else ids
    from .identity import settle

    records = [{KEY: key, **row} for key, a in zip(keys, analyses) for row in a.to_records(level)]
    settle(records, key=KEY)
    return frame(records, [KEY, *columns(level)])
