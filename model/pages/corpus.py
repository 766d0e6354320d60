"""The corpus report: the page of ``newsstance report``, over the output of ``newsstance score``.

Sections: the actors most mentioned and how each is portrayed; each actor over time when a date
field is kept; each actor by outlet (or any other kept field) when one is kept. This module
gathers the figures; templates/corpus.html of :mod:`newsstance.html` lays them out.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..articles.rows import KEY
from ..html import check_output, count, render, write_page
from ..stance import LABELS
from . import aggregate
from .aggregate import is_date
from .edges import edges_section, plots
from .read import Scores, left_out_text, read_scores

__all__ = ["ReportSummary", "render_report", "report_files", "write_report"]

logger = logging.getLogger(__name__)

UNITS = {"article": "article × actor", "passage": "passage × actor", "mention": "mention"}


@dataclass(frozen=True)
class ReportSummary:
    """What :func:`report_files` wrote and read: the rows shown, those left out and why, and the
    files that held no row."""

    output: Path
    level: str
    files: int
    rows_read: int
    rows: int
    left_out: tuple[tuple[str, int], ...] = ()
    empty: tuple[str, ...] = ()

    def line(self) -> str:
        """One line for the command's output: ``wrote r.html: 4 of 11 article × actor rows from
        1 file; 7 rows left out: score not finite (2), ...``."""
        rows = count(self.rows_read, f"{UNITS[self.level]} row")
        rows = rows if self.rows == self.rows_read else f"{self.rows:,} of {rows}"
        parts = [f"wrote {self.output}: {rows} from {count(self.files, 'file')}"]
        parts += [left_out_text(self.left_out)] if self.left_out else []
        parts += [f"{p} holds no rows" for p in self.empty]
        return "; ".join(parts)


def _interval(mean: float, half: float) -> str:
    if half != half:  # NaN: one row
        return f"{mean:+.2f} (one row)"
    return f"{mean:+.2f} [{mean - half:+.2f}, {mean + half:+.2f}]"


def _actors_heading(shown: int, total: int, sort: str = "mentions") -> str:
    most = "most salient" if sort == "salience" else "most mentioned"
    if total == 1:
        return "The actor"
    if shown == total:
        return f"The {shown:,} actors, {most} first"
    if shown == 1:
        return f"The actor {most} (of {total:,})"
    return f"The {shown:,} actors {most} (of {total:,})"


def _actors_section(scores: Scores, summary: Any, sort: str = "mentions") -> dict[str, Any]:
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
                "salience": f"{r['salience']:.2f}" if "salience" in summary.columns else None,
            }
        )
    return {
        "kind": "actors",
        "heading": _actors_heading(len(rows), scores.frame["actor"].nunique(), sort),
        "salience": "salience" in summary.columns,
        "rows": rows,
        "unit": UNITS[scores.level],
        "one_row_per_article": scores.level == "article",
        "figure": plots.to_svg(plots.forest(summary), "forest"),
    }


def _time_section(scores: Scores, field: str, actors: Sequence[str], min_n: int, key: str) -> dict[str, Any]:
    series = aggregate.over_time(scores, field, actors)
    section: dict[str, Any] = {"kind": "time", "field": field, "series": series, "figure": None}
    if series is None:
        return section
    grid = aggregate.periods(series.first, series.last, series.unit)
    table = series.table
    points = table[table["n"] >= min_n].groupby("actor").size()
    listed = [a for a in actors if a in set(table["actor"])]
    drawn = [a for a in listed if points.get(a, 0) >= aggregate.MIN_POINTS]
    section |= {
        "unit": series.unit,
        "periods": len(grid),
        "days": (series.last - series.first).days + 1,
        "per_period": aggregate.PER_PERIOD,
        "min_n": min_n,
        "min_points": aggregate.MIN_POINTS,
        "min_periods": aggregate.MIN_PERIODS,
        "short": len(grid) < aggregate.MIN_PERIODS,
        "drawn": len(drawn),
        "thin": [a for a in listed if a not in drawn],
    }
    if drawn and not section["short"]:
        fig = plots.over_time(table, drawn, series.unit, min_n, first=series.first, last=series.last)
        section["figure"] = plots.to_svg(fig, key)
    return section


def _values_text(shown: int, omitted: int, field: str) -> str:
    if omitted:
        return f"the {count(shown, 'value')} with the most rows; {count(omitted, 'smaller value')} of {field} left out"
    return "its one value" if shown == 1 else f"all {shown:,} values"


def _group_section(scores: Scores, field: str, actors: Sequence[str], min_n: int, key: str) -> dict[str, Any]:
    groups = aggregate.by_group(scores, field, actors)
    t = groups.table
    mean = t.pivot(index="actor", columns="group", values="mean").reindex(index=list(actors), columns=groups.groups)
    n = t.pivot(index="actor", columns="group", values="n").reindex(index=list(actors), columns=groups.groups)
    cells = {(r.actor, r.group): r for r in t.itertuples(index=False)}
    table = [
        (actor, [None if (r := cells.get((actor, g))) is None else f"{_interval(r.mean, r.half)} n={r.n:,}"
                 for g in groups.groups])
        for actor in actors
    ]  # fmt: skip
    enough = bool((n.fillna(0) >= min_n).to_numpy().any())
    return {
        "kind": "group",
        "field": field,
        "groups": list(groups.groups),
        "shown": _values_text(len(groups.groups), groups.omitted, field),
        "min_n": min_n,
        "table": table,
        "figure": plots.to_svg(plots.heatmap(mean, n.fillna(0), min_n), key) if enough else None,
    }


def _report(
    paths: Sequence[str | Path],
    by: Sequence[str] | None = None,
    top: int = 15,
    top_time: int = 6,
    min_n: int = 5,
    sort: str = "mentions",
    known_actors: Any = None,
    edges: Sequence[str | Path] = (),
) -> tuple[str, Scores]:
    scores = read_scores(paths, by, known_actors)
    frame = scores.frame
    summary = aggregate.actor_summary(scores, top, sort)
    actors = list(summary["actor"])
    sections = [_actors_section(scores, summary, sort)]
    for n, field in enumerate(scores.fields):
        if is_date(frame[field]):
            sections.append(_time_section(scores, field, actors[:top_time], min_n, f"time{n}"))
        else:
            sections.append(_group_section(scores, field, actors, min_n, f"group{n}"))
    if edges:
        sections.append(edges_section(edges))
    cards = [
        count(len(frame), f"{UNITS[scores.level]} row").split(" ", 1),
        count(frame[KEY].nunique(), "article").split(" ", 1),
        count(frame["actor"].nunique(), "actor").split(" ", 1),
        count(int(frame["mentions"].sum()), "mention").split(" ", 1),
    ]
    names = ", ".join(Path(s).name for s in scores.sources)
    page = render(
        "corpus.html",
        title=f"Stance report: {names}",
        level=scores.level,
        kept=", ".join(scores.kept) or "none",
        breakdown=bool(scores.fields),
        cards=cards,
        left_out=left_out_text(scores.left_out),
        rows_read=scores.rows_read,
        empty=list(scores.empty),
        sections=sections,
    )
    return page, scores


def render_report(
    paths: Sequence[str | Path],
    by: Sequence[str] | None = None,
    top: int = 15,
    top_time: int = 6,
    min_n: int = 5,
    sort: str = "mentions",
    known_actors: Any = None,
    edges: Sequence[str | Path] = (),
) -> str:
    """The report page for score files ``paths``: ``by`` names kept fields to break results down
    by (dates over time, anything else as groups); default: a kept date and outlet field.
    ``sort``: the actors shown first, the most mentioned or the most salient (mean salience).
    Actors are identities (``actor_id``; :func:`newsstance.pages.read.identify`), built anew with
    ``known_actors`` (a file of ``name, aliases, type, id``) where given. ``edges``: files of
    ``newsstance score --level edge`` output, for a speaker × target section."""
    return _report(paths, by, top, top_time, min_n, sort, known_actors, edges)[0]


def report_files(
    paths: Sequence[str | Path], output: str | Path, overwrite: bool = False, **options: Any
) -> ReportSummary:
    """Render the report and write it to ``output`` through a temporary file and a rename; what
    it read, showed and left out."""
    output = check_output(output, paths, overwrite)
    page, scores = _report(paths, **options)
    write_page(page, output)
    return ReportSummary(
        output, scores.level, len(scores.sources), scores.rows_read, len(scores.frame), scores.left_out, scores.empty
    )


def write_report(paths: Sequence[str | Path], output: str | Path, overwrite: bool = False, **options: Any) -> Path:
    """Render the report and write it to ``output`` through a temporary file and a rename."""
    return report_files(paths, output, overwrite, **options).output
