"""The report's figures: per actor, per actor and period, per actor and outlet; group-bys only.

A row is one article × actor, passage × actor or mention (the level the corpus was scored at).
An actor's shares are the fractions of its rows labelled negative, neutral and positive; its
mean score is the mean of the rows' ``score`` (p_positive − p_negative), with a 95% interval of
mean ± 1.96 · sd / √n (normal approximation; undefined for one row).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..articles.rows import KEY
from ..stance import LABELS
from .read import Scores, need_pandas

__all__ = [
    "MIN_PERIODS",
    "MIN_POINTS",
    "Z95",
    "Groups",
    "Series",
    "actor_summary",
    "by_group",
    "date_values",
    "is_date",
    "over_time",
    "periods",
    "resolution",
]

Z95 = 1.96
RESOLUTIONS = (("day", 62), ("week", 366), ("month", 366 * 5), ("quarter", 366 * 15), ("year", None))
"""The period of the time plots, from the span of the dates: up to 62 days by day, up to a year by
week, up to five years by month, up to fifteen by quarter, beyond that by year (about 60 periods
at most); then coarser while an actor would have fewer than :data:`PER_PERIOD` rows per period on
average, as long as the span still holds :data:`MIN_PERIODS` periods."""
PER_PERIOD = 10
MIN_PERIODS = 3
"""Fewer periods than this in the span of the dates is no time series."""
MIN_POINTS = 2
"""An actor is drawn over time where at least this many periods have enough rows."""


def _stats(frame: Any, keys: list[str]) -> Any:
    """n, mentions, mean, 95% half-width and label shares per group of ``keys``."""
    pd = need_pandas()
    g = frame.groupby(keys, observed=True, sort=False)
    out = pd.DataFrame({"n": g.size(), "mentions": g["mentions"].sum(), "mean": g["score"].mean()})
    sd = g["score"].std(ddof=1)
    out["half"] = Z95 * sd / out["n"].pow(0.5)
    shares = frame.groupby([*keys, "label"], observed=True, sort=False).size().unstack("label", fill_value=0)
    shares = shares.reindex(columns=list(LABELS), fill_value=0)
    for label in LABELS:
        out[label] = shares[label].reindex(out.index, fill_value=0) / out["n"]
    return out


SORTS = ("mentions", "salience")


def actor_summary(scores: Scores, top: int = 15, sort: str = "mentions") -> Any:
    """The ``top`` actors by mentions (or by mean salience, ``sort="salience"``): type, rows,
    articles, mentions, shares, mean and interval, and mean salience where the rows have it."""
    if top < 1:
        raise ValueError(f"--top must be at least 1, got {top}")
    if sort not in SORTS:
        raise ValueError(f"--sort must be one of {', '.join(SORTS)}, got {sort!r}")
    if sort == "salience" and "salience" not in scores.frame.columns:
        raise ValueError(
            "--sort salience needs the salience column, which newsstance score writes at --level article; "
            "report on article rows that all have it, or sort by mentions"
        )
    pd = need_pandas()
    frame = scores.frame
    out = _stats(frame, ["actor"])
    types = frame.groupby(["actor", "actor_type"], observed=True).size().reset_index(name="k")
    types = types.sort_values("k").drop_duplicates("actor", keep="last").set_index("actor")["actor_type"]
    out["type"] = types.astype(str).reindex(out.index)
    pairs = pd.DataFrame({"a": frame["actor"].cat.codes, "i": frame[KEY].cat.codes}).drop_duplicates()
    counts = pairs.groupby("a").size()
    counts.index = frame["actor"].cat.categories[counts.index]
    out["articles"] = counts.reindex(out.index).fillna(0).astype(int)
    out.index = out.index.astype(str)
    out = out.rename_axis("actor").reset_index()
    keys = ["mentions", "n", "actor"]
    if "salience" in frame.columns:
        out["salience"] = frame.groupby("actor", observed=True)["salience"].mean().reindex(out["actor"]).to_numpy()
        if sort == "salience":
            keys = ["salience", *keys]
    out = out.sort_values(keys, ascending=[*(False,) * (len(keys) - 1), True], kind="stable")
    return out.head(top).reset_index(drop=True)


def _parse(values: Any) -> Any:
    pd = need_pandas()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = pd.to_datetime(pd.Index(values.astype(str)), errors="coerce", utc=True, format="mixed")
    return parsed.tz_convert(None)


def is_date(column: Any) -> bool:
    """Whether a kept field holds dates: text of which at least 80% of the rows with a value parse
    (each distinct value parsed once)."""
    pd = need_pandas()
    if pd.api.types.is_datetime64_any_dtype(column):
        return True
    if not isinstance(column.dtype, pd.CategoricalDtype) or not len(column.cat.categories):
        return False
    counts = column.value_counts(sort=False)
    counts = counts[counts > 0]
    if not counts.sum():
        return False
    parsed = _parse(counts.index.astype(str)).notna()
    return float(counts[parsed].sum() / counts.sum()) >= 0.8


def date_values(column: Any) -> Any:
    """The field as a numpy datetime64[ns] array, each distinct value parsed once (NaT where it
    does not parse)."""
    import numpy as np

    pd = need_pandas()
    if pd.api.types.is_datetime64_any_dtype(column):
        return column.dt.tz_localize(None).to_numpy() if column.dt.tz else column.to_numpy()
    parsed = _parse(column.cat.categories).to_numpy().astype("datetime64[ns]")
    codes = column.cat.codes.to_numpy()
    out = parsed[np.maximum(codes, 0)]
    out[codes < 0] = np.datetime64("NaT")
    return out


def resolution(first: Any, last: Any, rows: int | None = None, series: int = 1) -> str:
    """``day``, ``week``, ``month``, ``quarter`` or ``year`` for dates from ``first`` to ``last``:
    see :data:`RESOLUTIONS`. ``rows`` over ``series`` actors coarsens it where they would be thin,
    never to fewer than :data:`MIN_PERIODS` periods."""
    import numpy as np

    days = int((last - first) / np.timedelta64(1, "D"))
    names = [name for name, _ in RESOLUTIONS]
    k = next(k for k, (_, limit) in enumerate(RESOLUTIONS) if limit is None or days <= limit)
    while (
        rows is not None
        and k < len(names) - 1
        and rows / (len(periods(first, last, names[k])) * series) < PER_PERIOD
        and len(periods(first, last, names[k + 1])) >= MIN_PERIODS
    ):
        k += 1
    return names[k]


def periods(first: Any, last: Any, unit: str) -> Any:
    """Every period from the one holding ``first`` to the one holding ``last``, as datetime64[ns]."""
    import numpy as np

    lo, hi = _floor(np.array([first, last]).astype("datetime64[ns]"), unit)
    step = {"week": np.timedelta64(7, "D"), "quarter": np.timedelta64(3, "M")}.get(unit, 1)
    return np.arange(lo, hi + step, step).astype("datetime64[ns]")


def _floor(values: Any, unit: str) -> Any:
    import numpy as np

    if unit == "week":  # to the Monday: 1970-01-01 was a Thursday
        days = values.astype("datetime64[D]")
        return days - ((days.astype(np.int64) + 3) % 7).astype("timedelta64[D]")
    if unit == "quarter":  # to January, April, July or October: 1970-01 is month 0
        months = values.astype("datetime64[M]")
        return months - (months.astype(np.int64) % 3).astype("timedelta64[M]")
    return values.astype({"day": "datetime64[D]", "month": "datetime64[M]", "year": "datetime64[Y]"}[unit])


@dataclass(frozen=True)
class Series:
    """Per actor and period: n, mean, half (95%), shares; plus the period and date range."""

    table: Any  # pandas.DataFrame: actor, period, n, mentions, mean, half, negative, neutral, positive
    unit: str
    first: Any
    last: Any
    undated: int  # rows whose date does not parse


def over_time(scores: Scores, field: str, actors: Sequence[str]) -> Series | None:
    """Each of ``actors`` per period of the date field; None when no row has a date."""
    import numpy as np

    pd = need_pandas()
    values = date_values(scores.frame[field])
    dated = ~np.isnat(values)
    if not dated.any():
        return None
    first, last = values[dated].min(), values[dated].max()
    wanted = scores.frame["actor"].isin(list(actors)).to_numpy() & dated
    unit = resolution(first, last, int(wanted.sum()), max(1, len(actors)))
    frame = scores.frame.loc[wanted, ["actor", "label", "score", "mentions"]].copy()
    frame["period"] = _floor(values[wanted], unit).astype("datetime64[ns]")
    frame["actor"] = frame["actor"].cat.remove_unused_categories()
    table = _stats(frame, ["actor", "period"])
    grid = pd.MultiIndex.from_product([table.index.levels[0], periods(first, last, unit)], names=["actor", "period"])
    table = table.reindex(grid)  # every period, so that a line breaks where an actor has no row
    table["n"] = table["n"].fillna(0).astype(int)
    table = table.reset_index()
    table["actor"] = table["actor"].astype(str)
    return Series(table, unit, pd.Timestamp(first), pd.Timestamp(last), int((~dated).sum()))


@dataclass(frozen=True)
class Groups:
    table: Any  # pandas.DataFrame: actor, group, n, mentions, mean, half, negative, neutral, positive
    groups: tuple[str, ...]  # the groups shown, by rows, largest first
    omitted: int  # how many smaller groups are left out


def by_group(scores: Scores, field: str, actors: Sequence[str], top_groups: int = 12) -> Groups:
    """Each of ``actors`` per value of ``field`` (an outlet, a source), for the largest groups."""
    frame = scores.frame
    column = frame[field].astype(str).astype("category") if frame[field].dtype != "category" else frame[field]
    sizes = column.value_counts(sort=True)
    sizes = sizes[sizes > 0]
    shown = [str(g) for g in sizes.index[:top_groups]]
    wanted = frame["actor"].isin(list(actors)) & column.isin(shown)
    sub = frame.loc[wanted, ["actor", "label", "score", "mentions"]].copy()
    sub["group"] = column[wanted].astype(str)
    sub["actor"] = sub["actor"].cat.remove_unused_categories()
    table = _stats(sub, ["actor", "group"]).reset_index()
    table["actor"] = table["actor"].astype(str)
    return Groups(table, tuple(shown), max(0, len(sizes) - len(shown)))
