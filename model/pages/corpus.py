"""The corpus report: the page of ``newsstance report``, over the output of ``newsstance score``.

Sections: the actors most mentioned and how each is portrayed; each actor over time when a date
field is kept; each actor by outlet (or any other kept field) when one is kept. This module
gathers the figures; templates/corpus.html of :mod:`newsstance.html` lays them out.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..articles.rows import KEY
from ..html import check_output, render, write_page
from ..stance import LABELS
from . import aggregate, plots
from .aggregate import is_date
from .read import Scores, read_scores

__all__ = ["render_report", "write_report"]

logger = logging.getLogger(__name__)

UNITS = {"article": "article × actor", "passage": "passage × actor", "mention": "mention"}


def _interval(mean: float, half: float) -> str:
    if half != half:  # NaN: one row
        return f"{mean:+.2f} (one row)"
    return f"{mean:+.2f} [{mean - half:+.2f}, {mean + half:+.2f}]"


def _actors_section(scores: Scores, summary: Any) -> dict[str, Any]:
    rows = []
    for _, r in summary.iterrows():
        shares = {label: float(r[label]) for label in LABELS}
        rows.append(
            {
                "actor": r["actor"],
                "type": r["type"],
                "mentions": int(r["mentions"]),
                "articles": int(r["articles"]),
                "shares": shares,
                "tip": " · ".join(f"{label} {share:.0%}" for label, share in shares.items()),
                "interval": _interval(r["mean"], r["half"]),
            }
        )
    return {
        "kind": "actors",
        "rows": rows,
        "unit": UNITS[scores.level],
        "one_row_per_article": scores.level == "article",
        "figure": plots.to_svg(plots.forest(summary), "forest"),
    }


def _time_section(scores: Scores, field: str, actors: Sequence[str], min_n: int, key: str) -> dict[str, Any]:
    series = aggregate.over_time(scores, field, actors)
    if series is None:
        return {"kind": "time", "field": field, "series": None}
    shown = [a for a in actors if a in set(series.table["actor"])]
    return {
        "kind": "time",
        "field": field,
        "series": series,
        "shown": len(shown),
        "days": (series.last - series.first).days + 1,
        "per_period": aggregate.PER_PERIOD,
        "min_n": min_n,
        "figure": plots.to_svg(plots.over_time(series.table, shown, series.unit, min_n), key),
    }


def _group_section(scores: Scores, field: str, actors: Sequence[str], min_n: int, key: str) -> dict[str, Any]:
    groups = aggregate.by_group(scores, field, actors)
    t = groups.table
    mean = t.pivot(index="actor", columns="group", values="mean").reindex(index=list(actors), columns=groups.groups)
    count = t.pivot(index="actor", columns="group", values="n").reindex(index=list(actors), columns=groups.groups)
    cells = {(r.actor, r.group): r for r in t.itertuples(index=False)}
    table = [
        (actor, [None if (r := cells.get((actor, g))) is None else f"{_interval(r.mean, r.half)} n={r.n:,}"
                 for g in groups.groups])
        for actor in actors
    ]  # fmt: skip
    return {
        "kind": "group",
        "field": field,
        "groups": list(groups.groups),
        "omitted": groups.omitted,
        "min_n": min_n,
        "table": table,
        "figure": plots.to_svg(plots.heatmap(mean, count.fillna(0), min_n), key),
    }


def render_report(
    paths: Sequence[str | Path], by: Sequence[str] | None = None, top: int = 15, top_time: int = 6, min_n: int = 5
) -> str:
    """The report page for score files ``paths``: ``by`` names kept fields to break results down
    by (dates over time, anything else as groups); default: a kept date and outlet field."""
    scores = read_scores(paths, by)
    frame = scores.frame
    if frame.empty:
        raise ValueError(f"the score files {list(scores.sources)} hold no rows; nothing to report")
    summary = aggregate.actor_summary(scores, top)
    actors = list(summary["actor"])
    sections = [_actors_section(scores, summary)]
    for n, field in enumerate(scores.fields):
        if is_date(frame[field]):
            sections.append(_time_section(scores, field, actors[:top_time], min_n, f"time{n}"))
        else:
            sections.append(_group_section(scores, field, actors, min_n, f"group{n}"))
    cards = [
        (len(frame), f"{UNITS[scores.level]} rows"),
        (frame[KEY].nunique(), "articles"),
        (frame["actor"].nunique(), "actors"),
        (int(frame["mentions"].sum()), "mentions"),
    ]
    names = ", ".join(Path(s).name for s in scores.sources)
    return render(
        "corpus.html",
        title=f"Stance report: {names}",
        level=scores.level,
        kept=", ".join(scores.kept) or "none",
        breakdown=bool(scores.fields),
        cards=cards,
        sections=sections,
    )


def write_report(paths: Sequence[str | Path], output: str | Path, overwrite: bool = False, **options: Any) -> Path:
    """Render the report and write it to ``output`` through a temporary file and a rename."""
    output = check_output(output, paths, overwrite)
    text = render_report(paths, **options)
    return write_page(text, output)
