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

__all__ = ["forest", "heatmap", "over_time", "to_svg"]

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
    with matplotlib.rc_context(_RC):
        fig.savefig(buf, format="svg", metadata={"Date": None})
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


@_rc
def forest(summary: Any) -> Any:
    """Mean score per actor with its 95% interval, most mentioned on top."""
    n = len(summary)
    fig = _figure(6.4, 0.8 + 0.28 * n)
    ax = fig.add_subplot()
    y = list(range(n))[::-1]
    half = summary["half"].fillna(0).to_numpy()
    colours = [  # grey where the interval includes 0
        COLOURS["negative"] if m + h < 0 else COLOURS["positive"] if m - h > 0 else COLOURS["neutral"]
        for m, h in zip(summary["mean"], half)
    ]
    ax.errorbar(summary["mean"], y, xerr=half, fmt="none", ecolor="#555", elinewidth=1, capsize=2)
    ax.scatter(summary["mean"], y, c=colours, s=22, zorder=3)
    ax.axvline(0, color="#999", linewidth=0.8)
    ax.set_yticks(y, [_text(a) for a in summary["actor"]])
    lo = min(-0.25, float((summary["mean"] - half).min()) - 0.05)
    hi = max(0.25, float((summary["mean"] + half).max()) + 0.05)
    ax.set_xlim(max(-1.02, lo), min(1.02, hi))
    ax.set_xlabel("mean score (p_positive − p_negative) and 95% interval; grey: the interval includes 0")
    ax.grid(axis="x", color="#eee")
    return fig


@_rc
def over_time(table: Any, actors: Sequence[str], unit: str, min_n: int = 5, columns: int = 2) -> Any:
    """Small multiples: per actor, the mean score per period with its 95% band, on one scale; a
    period with fewer than ``min_n`` rows is a gap."""
    import numpy as np

    rows = -(-len(actors) // columns)
    fig = _figure(9.0, 0.4 + 1.9 * rows)
    axes = fig.subplots(rows, columns, sharex=True, sharey=True, squeeze=False).ravel()
    for ax, actor in zip(axes, actors):
        t = table[table["actor"] == actor]
        thin = t["n"].to_numpy() < min_n
        x, mean, half = t["period"].to_numpy(), t["mean"].to_numpy(), t["half"].to_numpy()
        mean, half = np.where(thin, np.nan, mean), np.where(thin, np.nan, half)
        ax.fill_between(x, np.clip(mean - half, -1, 1), np.clip(mean + half, -1, 1), color="#bbb", alpha=0.5, lw=0)
        ax.plot(x, mean, color="#333", linewidth=1.2, marker="o" if len(x) <= 40 else None, markersize=2.5)
        ax.axhline(0, color="#999", linewidth=0.8)
        ax.set_title(_text(actor), fontsize=9, loc="left")
        ax.grid(axis="y", color="#eee")
    for ax in axes[len(actors) :]:
        ax.set_visible(False)
    axes[0].set_ylim(-1, 1)
    fig.supylabel(f"mean score per {unit}")
    for ax in axes[max(0, len(actors) - columns) : len(actors)]:
        ax.tick_params(axis="x", labelbottom=True, labelrotation=30)
    return fig


@_rc
def heatmap(mean: Any, count: Any, min_n: int) -> Any:
    """Actors (rows) × outlets (columns): the mean score as colour and number, blank under ``min_n`` rows."""
    import numpy as np

    values = mean.to_numpy(dtype=float)
    n = count.to_numpy(dtype=float)
    values = np.where(n >= min_n, values, np.nan)
    fig = _figure(max(5.0, 1.6 + 0.72 * values.shape[1]), 1.0 + 0.32 * values.shape[0])
    ax = fig.add_subplot()
    from matplotlib.colors import BoundaryNorm

    # pcolormesh in 20 steps of 0.1: vector cells (imshow would embed a PNG) and a colour bar that
    # matplotlib does not rasterise (it does from 50 colours on)
    steps = np.linspace(-1, 1, 21)
    image = ax.pcolormesh(values, cmap="RdBu", norm=BoundaryNorm(steps, 256), edgecolors="white", linewidth=1)
    ax.set_xlim(0, values.shape[1])
    ax.set_ylim(values.shape[0], 0)
    ax.set_xticks(np.arange(values.shape[1]) + 0.5, [_text(c) for c in mean.columns], rotation=35, ha="right")
    ax.set_yticks(np.arange(values.shape[0]) + 0.5, [_text(a) for a in mean.index])
    for (i, j), v in np.ndenumerate(values):
        label = "" if np.isnan(v) else f"{v:+.2f}"
        ax.text(
            j + 0.5, i + 0.5, label, ha="center", va="center", fontsize=7.5, color="white" if abs(v) > 0.55 else "black"
        )
    ax.spines[:].set_visible(False)
    ax.tick_params(length=0)
    fig.colorbar(image, ax=ax, shrink=0.6, label="mean score", ticks=np.linspace(-1, 1, 5))
    return fig
