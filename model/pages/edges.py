"""The report's speaker → target section, from ``newsstance score --level edge`` output: a
matrix of mean stance for the speakers and targets with the most attributions, and the
strongest edges (the largest mean score, either sign, of edges with at least
:data:`MIN_ATTRIBUTIONS` attributions)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..articles.identity import identities_of
from ..articles.voices import UNNAMED
from . import plots
from .read import need_pandas

EDGE_COLUMNS = ("id", "speaker", "speaker_type", "target", "target_type", "score", "attributions")
MATRIX = 8
"""Speakers (rows) and targets (columns) in the matrix: those with the most attributions."""
STRONGEST = 15
MIN_ATTRIBUTIONS = 2


def read_edges(paths: Sequence[str | Path]) -> Any:
    """Edge rows of ``paths`` (.jsonl, .csv or .parquet written with ``--level edge``)."""
    pd = need_pandas()
    frames = []
    for path in map(Path, paths):
        if not path.is_file():
            raise ValueError(f"--edges {path} does not exist; give the output of newsstance score --level edge")
        suffix = path.suffix.lower()
        if suffix == ".parquet":
            frame = pd.read_parquet(path)
        elif suffix == ".csv":
            frame = pd.read_csv(path, sep=None, engine="python")
        else:
            frame = pd.read_json(path, lines=True, dtype=False)
        missing = [c for c in EDGE_COLUMNS if c not in frame.columns]
        if missing:
            raise ValueError(
                f"--edges {path} lacks the columns {missing} of speaker → target rows; "
                "write them with newsstance score --level edge"
            )
        frames.append(frame[list(EDGE_COLUMNS)])
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=EDGE_COLUMNS)


def edges_section(paths: Sequence[str | Path], min_n: int = 3) -> dict[str, Any]:
    """What corpus.html shows of the edges: the matrix (a heatmap where a cell has ``min_n``
    articles or more) and the table of the strongest edges."""
    pd = need_pandas()
    frame = identified(read_edges(paths))
    pairs = (
        frame.groupby(["speaker", "target"])
        .agg(
            articles=("id", "nunique"),
            attributions=("attributions", "sum"),
            mean=("score", "mean"),
            speaker_type=("speaker_type", "first"),
            target_type=("target_type", "first"),
        )
        .reset_index()
    )
    speakers = list(frame.groupby("speaker")["attributions"].sum().sort_values(ascending=False).index[:MATRIX])
    targets = list(frame.groupby("target")["attributions"].sum().sort_values(ascending=False).index[:MATRIX])
    shown = pairs[pairs["speaker"].isin(speakers) & pairs["target"].isin(targets)]
    mean = shown.pivot(index="speaker", columns="target", values="mean").reindex(index=speakers, columns=targets)
    n = shown.pivot(index="speaker", columns="target", values="articles").reindex(index=speakers, columns=targets)
    enough = bool((n.fillna(0) >= min_n).to_numpy().any())
    strong = pairs[pairs["attributions"] >= MIN_ATTRIBUTIONS]
    strong = strong.reindex(strong["mean"].abs().sort_values(ascending=False).index)[:STRONGEST]
    return {
        "kind": "edges",
        "edges": len(frame),
        "articles": int(frame["id"].nunique()) if len(frame) else 0,
        "min_n": min_n,
        "min_attributions": MIN_ATTRIBUTIONS,
        "figure": plots.to_svg(plots.heatmap(mean, n.fillna(0), min_n), "edges") if enough else None,
        "matrix": [
            (s, [None if pd.isna(mean.loc[s, t]) else f"{mean.loc[s, t]:+.2f} n={int(n.loc[s, t])}" for t in targets])
            for s in speakers
        ],
        "targets": targets,
        "strongest": [
            {
                "speaker": r.speaker,
                "speaker_type": r.speaker_type,
                "target": r.target,
                "mean": f"{r.mean:+.2f}",
                "articles": int(r.articles),
                "attributions": int(r.attributions),
            }
            for r in strong.itertuples(index=False)
        ],
    }


def identified(frame: Any) -> Any:
    """Speakers and targets named by their corpus identities (as ``score`` settles actors), so
    that "Marcus T. Hallorann" and "Marcus Hallorann" are one row; unnamed sources keep their phrase."""
    rows = [
        (r.id, name, kind, None)
        for r in frame.itertuples(index=False)
        for name, kind in ((r.speaker, r.speaker_type), (r.target, r.target_type))
        if kind != UNNAMED
    ]
    _, found = identities_of(rows)
    frame = frame.copy()
    for column, kind in (("speaker", "speaker_type"), ("target", "target_type")):
        pairs = zip(frame[column], frame[kind])
        frame[column] = [name if t == UNNAMED else found[(name, t, None)].name for name, t in pairs]
    return frame
