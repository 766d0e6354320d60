"""The report's plots: matplotlib figures written as inline SVG, text as paths (no font file).

Figures are built with :class:`matplotlib.figure.Figure` and saved through the SVG backend, so no
global backend or style is changed and nothing is written to disk. Every mark is an aggregate
(one per actor, period or outlet), never one per row.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

from ..html import COLOURS

__all__ = ["FOREST_KEYS", "forest", "forest_kind", "heatmap", "over_time", "to_svg"]

_RC = {"svg.fonttype": "path", "svg.hashsalt": "newsstance", "font.size": 9, "axes.spines.top": False,
       "axes.spines.right": False}  # fmt: skip


def _figure(width: float, height: float) -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError as err:
        raise ImportError("newsstance report needs matplotlib: pip install 'newsstance[view]'") from err
    return Figure(figsize=(width, height), layout="constrained")


def _text(value: object, limit: int = 32) -> str:
    """A label as matplotlib prints it: at most ``limit`` characters, and ``$`` would start mathtext."""
    text = str(value)
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return text.replace("$", r"\$")


def to_svg(fig: Any, prefix: str) -> Markup:
    """The figure as an ``<svg>`` element for inline use: no XML prolog or metadata, and ids
    prefixed so that several figures share one page. It is markup for the page as it is: labels
    are drawn as paths, and matplotlib escapes the text of the comments it writes beside them."""
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context(_RC):  # tight: the saved box holds every label, whatever the layout left out
        fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight", pad_inches=0.04)
    text = buf.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    text = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', text)
    text = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', text)
    return Markup(re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", text))


def _rc(function):
    """Run a plotting function with the report's rc settings, locally."""

    def wrapped(*args, **kwargs):
        import matplotlib

        with matplotlib.rc_context(_RC):
            return function(*args, **kwargs)

    wrapped.__doc__, wrapped.__name__ = function.__doc__, function.__name__
    return wrapped


FOREST_KEYS = (
    ("negative", "interval below 0"),
    ("neutral", "interval includes 0"),
    ("positive", "interval above 0"),
    ("one row", "one row: no interval"),
)


def forest_kind(mean: float, half: float) -> str:
    """How the actor plot draws a mean: ``negative`` or ``positive`` where its interval lies
    wholly on that side of 0, ``neutral`` where it includes 0, ``one row`` without an interval."""
    if half != half:  # NaN: one row
        return "one row"
    return "negative" if mean + half < 0 else "positive" if mean - half > 0 else "neutral"


@_rc
def forest(summary: Any) -> Any:
    """Mean score per actor with its 95% interval, most mentioned on top: red or blue where the
    interval lies below or above 0, grey where it includes 0, hollow grey for one row (no interval)."""
    import numpy as np
    from matplotlib.lines import Line2D

    n = len(summary)
    fig = _figure(6.4, 1.1 + 0.28 * n)
    ax = fig.add_subplot()
    y = np.arange(n)[::-1]
    mean = summary["mean"].to_numpy(dtype=float)
    half = summary["half"].to_numpy(dtype=float)
    kinds = np.array([forest_kind(m, h) for m, h in zip(mean, half)])
    some = kinds != "one row"
    if some.any():
        ax.errorbar(mean[some], y[some], xerr=half[some], fmt="none", ecolor="#555", elinewidth=1, capsize=2)
        ax.scatter(mean[some], y[some], c=[COLOURS[k] for k in kinds[some]], s=22, zorder=3)
    if not some.all():
        ax.scatter(mean[~some], y[~some], facecolors="white", edgecolors=COLOURS["neutral"], linewidths=1.2, s=22,
                   zorder=3)  # fmt: skip
    ax.axvline(0, color="#999", linewidth=0.8)
    ax.set_yticks(y, [_text(a) for a in summary["actor"]])
    ax.set_ylim(-0.6, n - 0.4)
    reach = np.nan_to_num(half)
    lo = min(-0.25, float((mean - reach).min()) - 0.05)
    hi = max(0.25, float((mean + reach).max()) + 0.05)
    ax.set_xlim(max(-1.02, lo), min(1.02, hi))
    ax.set_xlabel("mean score (p_positive − p_negative)")
    ax.grid(axis="x", color="#eee")
    handles = [
        Line2D([], [], linestyle="none", marker="o", markersize=5, markerfacecolor="white" if key == "one row" else
               COLOURS[key], markeredgecolor=COLOURS["neutral"] if key == "one row" else COLOURS[key], label=label)
        for key, label in FOREST_KEYS
        if key in kinds
    ]  # fmt: skip
    fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), frameon=False, fontsize=8)
    return fig


STEPS = {"day": 1, "week": 7, "month": 30.44, "quarter": 91.31, "year": 365.25}
"""A period's length in days, for the margins of a time axis."""


def _date_axis(ax: Any, unit: str, first: Any, last: Any, ticks: int = 8) -> None:
    """Ticks at the starts of periods of ``unit`` (every k-th, at most ``ticks``), labelled as the
    period is named: ``04 Mar`` (day, week: the Monday), ``Mar 2024``, ``2024 Q1``, ``2024``;
    the axis from half a period before ``first`` to half after ``last``."""
    import numpy as np
    from matplotlib import dates as mdates
    from matplotlib.ticker import FixedLocator

    from .aggregate import periods

    grid = periods(first, last, unit)
    every = max(1, -(-len(grid) // ticks))
    ax.xaxis.set_major_locator(FixedLocator(mdates.date2num(grid[::every])))
    years = {str(g)[:4] for g in grid.astype("datetime64[Y]")}
    if unit == "quarter":
        ax.xaxis.set_major_formatter(
            lambda x, pos: (lambda d: f"{d.year} Q{(d.month - 1) // 3 + 1}")(mdates.num2date(x))
        )
    else:
        day = "%d %b" if len(years) == 1 else "%d %b %Y"
        fmt = {"day": day, "week": day, "month": "%b %Y", "year": "%Y"}[unit]
        ax.xaxis.set_major_formatter(mdates.DateFormatter(fmt))
    margin = STEPS[unit] / 2
    lo, hi = mdates.date2num(np.array([grid[0], grid[-1]]))
    ax.set_xlim(lo - margin, hi + margin)


@_rc
def over_time(
    table: Any,
    actors: Sequence[str],
    unit: str,
    min_n: int = 5,
    columns: int = 2,
    first: Any = None,
    last: Any = None,
) -> Any:
    """Small multiples: per actor, the mean score per ``unit`` with its 95% band, on one scale,
    from the period of ``first`` to that of ``last`` (default: the table's); a period with fewer
    than ``min_n`` rows is a gap."""
    import numpy as np

    first = table["period"].min() if first is None else first
    last = table["period"].max() if last is None else last
    columns = max(1, min(columns, len(actors)))
    rows = -(-len(actors) // columns)
    fig = _figure(4.5 * columns, 0.6 + 1.9 * rows)
    axes = fig.subplots(rows, columns, sharex=True, sharey=True, squeeze=False).ravel()
    for ax, actor in zip(axes, actors):
        t = table[table["actor"] == actor]
        thin = t["n"].to_numpy() < min_n
        x, mean, half = t["period"].to_numpy(), t["mean"].to_numpy(dtype=float), t["half"].to_numpy(dtype=float)
        mean, half = np.where(thin, np.nan, mean), np.where(thin, np.nan, half)
        ax.fill_between(x, np.clip(mean - half, -1, 1), np.clip(mean + half, -1, 1), color="#bbb", alpha=0.5, lw=0)
        ax.plot(x, mean, color="#333", linewidth=1.2, marker="o" if len(x) <= 40 else None, markersize=2.5)
        ax.axhline(0, color="#999", linewidth=0.8)
        ax.set_title(_text(actor), fontsize=9, loc="left")
        ax.grid(axis="y", color="#eee")
    for ax in axes[len(actors) :]:
        ax.set_visible(False)
    axes[0].set_ylim(-1, 1)
    _date_axis(axes[0], unit, first, last)
    fig.supylabel(f"mean score per {unit}")
    for ax in axes[max(0, len(actors) - columns) : len(actors)]:
        ax.tick_params(axis="x", labelbottom=True, labelrotation=30)
    return fig


THIN = "#e6e6e6"
"""The fill of a heatmap cell with too few rows for a mean."""


@_rc
def heatmap(mean: Any, count: Any, min_n: int) -> Any:
    """Actors (rows) × outlets (columns): the mean score as colour and number where a cell has
    ``min_n`` rows or more; light grey with its row count (``n=3``) where it has fewer; blank
    where it has none."""
    import numpy as np
    from matplotlib.colors import BoundaryNorm, ListedColormap

    values = mean.to_numpy(dtype=float)
    n = count.to_numpy(dtype=float)
    enough = n >= min_n
    values = np.where(enough, values, np.nan)
    fig = _figure(max(5.0, 1.6 + 0.72 * values.shape[1]), 1.0 + 0.32 * values.shape[0])
    ax = fig.add_subplot()
    # pcolormesh in 20 steps of 0.1: vector cells (imshow would embed a PNG) and a colour bar that
    # matplotlib does not rasterise (it does from 50 colours on)
    steps = np.linspace(-1, 1, 21)
    image = ax.pcolormesh(values, cmap="RdBu", norm=BoundaryNorm(steps, 256), edgecolors="white", linewidth=1)
    thin = np.where(~enough & (n > 0), 1.0, np.nan)
    ax.pcolormesh(thin, cmap=ListedColormap([THIN]), vmin=0, vmax=1, edgecolors="white", linewidth=1)
    ax.set_xlim(0, values.shape[1])
    ax.set_ylim(values.shape[0], 0)
    ax.set_xticks(np.arange(values.shape[1]) + 0.5, [_text(c) for c in mean.columns], rotation=35, ha="right")
    ax.set_yticks(np.arange(values.shape[0]) + 0.5, [_text(a) for a in mean.index])
    for (i, j), v in np.ndenumerate(values):
        if enough[i, j]:
            label, colour = f"{v:+.2f}", "white" if abs(v) > 0.55 else "black"
        else:
            label, colour = (f"n={int(n[i, j])}" if n[i, j] > 0 else ""), "#555"
        ax.text(j + 0.5, i + 0.5, label, ha="center", va="center", fontsize=7.5, color=colour)
    ax.spines[:].set_visible(False)
    ax.tick_params(length=0)
    fig.colorbar(image, ax=ax, shrink=0.6, label="mean score", ticks=np.linspace(-1, 1, 5))
    return fig
