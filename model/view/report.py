"""The corpus report: one self-contained HTML page over the output of ``newsstance score``.

Sections: the actors most mentioned and how each is portrayed; each actor over time when a date
field is kept; each actor by outlet (or any other kept field) when one is kept.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..articles.html import check_output, escape, page, stance_bar, write_page
from ..articles.rows import KEY
from ..stance import LABELS
from . import aggregate, plots
from .aggregate import is_date
from .read import Scores, read_scores

__all__ = ["render_report", "write_report"]

logger = logging.getLogger(__name__)

UNITS = {"article": "article × actor", "passage": "passage × actor", "mention": "mention"}

_CSS = """
.cards { display: flex; gap: 28px; flex-wrap: wrap; margin: 10px 0 4px; }
.card b { display: block; font-size: 20px; }
.card { color: #555; font-size: 12.5px; }
td.actor { max-width: 260px; overflow-wrap: anywhere; }
details { margin: 6px 0 14px; } summary { cursor: pointer; color: #333; font-size: 13px; }
.small td, .small th { font-size: 12px; padding-right: 8px; }
"""


def _interval(mean: float, half: float) -> str:
    if half != half:  # NaN: one row
        return f"{mean:+.2f} (one row)"
    return f"{mean:+.2f} [{mean - half:+.2f}, {mean + half:+.2f}]"


def _shares_cell(row: Any) -> str:
    tip = " · ".join(f"{label} {row[label]:.0%}" for label in LABELS)
    return stance_bar({label: row[label] for label in LABELS}, width=150, height=12, title=tip)


def _actors_section(scores: Scores, summary: Any) -> str:
    rows = []
    for _, r in summary.iterrows():
        rows.append(
            f'<tr class="actor"><td class="actor">{escape(r["actor"])}</td><td>{escape(r["type"])}</td>'
            f'<td class="num">{int(r["mentions"]):,}</td><td class="num">{int(r["articles"]):,}</td>'
            f"<td>{_shares_cell(r)}</td>"
            + "".join(f'<td class="num">{r[label]:.0%}</td>' for label in LABELS)
            + f'<td class="num">{_interval(r["mean"], r["half"])}</td></tr>'
        )
    head = (
        "<tr><th>actor</th><th>type</th><th class=num>mentions</th><th class=num>articles</th><th>shares</th>"
        "<th class=num>negative</th><th class=num>neutral</th><th class=num>positive</th>"
        "<th class=num>mean score [95% CI]</th></tr>"
    )
    figure = plots.to_svg(plots.forest(summary), "forest")
    return (
        f"<h2>The {len(summary)} actors most mentioned</h2>"
        f"<table>{head}{''.join(rows)}</table>"
        f'<p class="note">Shares: the fraction of each actor\'s {UNITS[scores.level]} rows labelled negative, '
        "neutral and positive. Score = p_positive − p_negative; 95% interval = mean ± 1.96 · sd / √n over the "
        "actor's rows (a normal approximation"
        + ("" if scores.level == "article" else "; rows of one article are not independent, so it is too narrow")
        + ").</p>"
        f'<figure aria-label="mean score per actor with 95% interval">{figure}</figure>'
    )


def _time_section(scores: Scores, field: str, actors: Sequence[str], min_n: int, key: str) -> str:
    series = aggregate.over_time(scores, field, actors)
    if series is None:
        return f"<h2>Over time ({escape(field)})</h2><p class=note>No row has a date in {escape(field)}.</p>"
    shown = [a for a in actors if a in set(series.table["actor"])]
    figure = plots.to_svg(plots.over_time(series.table, shown, series.unit, min_n), key)
    undated = f"; {series.undated:,} rows without a readable date left out" if series.undated else ""
    return (
        f"<h2>Over time ({escape(field)})</h2>"
        f'<p class="note">Mean score per {series.unit} with its 95% band, {series.first:%Y-%m-%d} to '
        f"{series.last:%Y-%m-%d}, for the {len(shown)} actors most mentioned: the finest period that the span of "
        f"{(series.last - series.first).days + 1:,} days allows and that gives each actor {aggregate.PER_PERIOD} "
        f"rows per period on average; a gap where a period has fewer than {min_n} rows{undated}.</p>"
        f'<figure aria-label="mean score over time per actor">{figure}</figure>'
    )


def _group_section(scores: Scores, field: str, actors: Sequence[str], min_n: int, key: str) -> str:
    groups = aggregate.by_group(scores, field, actors)
    t = groups.table
    mean = t.pivot(index="actor", columns="group", values="mean").reindex(index=list(actors), columns=groups.groups)
    count = t.pivot(index="actor", columns="group", values="n").reindex(index=list(actors), columns=groups.groups)
    figure = plots.to_svg(plots.heatmap(mean, count.fillna(0), min_n), key)
    omitted = f"; {groups.omitted:,} smaller values of {escape(field)} left out" if groups.omitted else ""
    head = "<tr><th>actor</th>" + "".join(f"<th>{escape(g)}</th>" for g in groups.groups) + "</tr>"
    cells = {(r.actor, r.group): r for r in t.itertuples(index=False)}
    body = []
    for actor in actors:
        tds = []
        for g in groups.groups:
            r = cells.get((actor, g))
            tds.append("<td>–</td>" if r is None else f'<td class="num">{_interval(r.mean, r.half)} n={r.n:,}</td>')
        body.append(f"<tr><td class=actor>{escape(actor)}</td>{''.join(tds)}</tr>")
    return (
        f"<h2>By {escape(field)}</h2>"
        f'<p class="note">Mean score of each actor per value of {escape(field)} (the {len(groups.groups)} largest by '
        f"rows{omitted}); blank where fewer than {min_n} rows.</p>"
        f'<figure aria-label="mean score per actor and {escape(field)}">{figure}</figure>'
        f'<details><summary>The same as a table, with 95% intervals and row counts</summary><table class="small">'
        f"{head}{''.join(body)}</table></details>"
    )


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
    if not scores.fields:
        kept = ", ".join(scores.kept) or "none"
        sections.append(
            f'<p class="note">No breakdown: name a kept field with --by (kept fields: {escape(kept)}), or keep a '
            "date or outlet field when scoring (newsstance score --keep-fields date,outlet).</p>"
        )
    cards = [
        (f"{len(frame):,}", f"{UNITS[scores.level]} rows"),
        (f"{frame[KEY].nunique():,}", "articles"),
        (f"{frame['actor'].nunique():,}", "actors"),
        (f"{int(frame['mentions'].sum()):,}", "mentions"),
    ]
    names = ", ".join(Path(s).name for s in scores.sources)
    body = (
        f"<h1>Stance report: {escape(names)}</h1>"
        f'<p class="meta">newsstance score output at the {scores.level} level; kept fields: '
        f"{escape(', '.join(scores.kept) or 'none')}.</p>"
        '<div class="cards">'
        + "".join(f'<div class="card"><b>{v}</b>{k}</div>' for v, k in cards)
        + "</div>"
        + "".join(sections)
    )
    return page(f"Stance report: {names}", body, _CSS)


def write_report(paths: Sequence[str | Path], output: str | Path, overwrite: bool = False, **options: Any) -> Path:
    """Render the report and write it to ``output`` through a temporary file and a rename."""
    output = check_output(output, paths, overwrite)
    text = render_report(paths, **options)
    return write_page(text, output)
