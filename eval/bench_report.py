"""Time ``newsstance report`` on a generated corpus of score rows with outlet and date fields.

    newsstance bench report --rows 1000000 [--format jsonl|csv|parquet] [--out DIR]

The rows are made up (actors, outlets, dates and probabilities drawn from a seeded generator,
with per-outlet leanings and slow trends so the plots have something to show); no model runs.
The corpus is generated and the report run in child processes; the report is timed and its
peak RSS read from the kernel (``wait4``).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from newsstance.articles.identity import slug
from newsstance.articles.rows import output_columns

logger = logging.getLogger(__name__)

_SYLLABLES = ("ka", "lo", "mi", "ran", "te", "vo", "sa", "den", "ri", "mor", "tu", "bel", "na", "gor", "li", "fen")
_TYPES = ("PERSON", "PERSON", "PERSON", "ORG", "GPE", "NORP")
OUTLETS = ("Northern Ledger", "Daily Courier", "Harbour Times", "The Observer Wire", "Metro Post", "Valley Herald")


def _name(rng, k: int) -> str:
    def word() -> str:
        return "".join(rng.choice(_SYLLABLES, size=rng.integers(2, 4))).capitalize()

    return f"{word()} {word()}" if k % 3 else word()


def generate_scores(path: str | Path, rows: int, seed: int = 0, actors: int = 300, days: int = 730) -> Path:
    """Write ``rows`` article-level score rows (plus ``outlet`` and ``date``) to ``path`` (.jsonl,
    .csv or .parquet), about five actors per article, actor frequencies following Zipf's law."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    path = Path(path)
    names = list(dict.fromkeys(_name(rng, k) for k in range(actors * 2)))[:actors]
    types = rng.choice(_TYPES, size=len(names))
    weights = 1.0 / np.arange(1, len(names) + 1) ** 1.1
    actor = rng.choice(len(names), size=rows, p=weights / weights.sum())
    article = np.arange(rows) // 5
    n_articles = int(article[-1]) + 1 if rows else 0
    outlet_of = rng.integers(0, len(OUTLETS), size=n_articles)
    day_of = rng.integers(0, days, size=n_articles)
    lean = rng.normal(0, 0.6, size=(len(OUTLETS), len(names)))
    base = rng.normal(0, 0.8, size=len(names))
    trend = rng.normal(0, 1.0, size=len(names))
    o, d = outlet_of[article], day_of[article]
    z = base[actor] + lean[o, actor] + trend[actor] * (d / max(days, 1) - 0.5) + rng.normal(0, 1.0, size=rows)
    logits = np.stack([-z, np.full(rows, 0.8), z], axis=1)
    probs = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    labels = np.array(["negative", "neutral", "positive"])[probs.argmax(axis=1)]
    mentions = rng.integers(1, 6, size=rows)
    frame = pd.DataFrame(
        {
            "id": pd.Series(article).map(lambda a: f"art-{a:07d}"),
            "actor": np.array(names, dtype=object)[actor],
            "actor_id": np.array([slug(n) for n in names], dtype=object)[actor],
            "canonical": np.array(names, dtype=object)[actor],
            "actor_type": types[actor],
            "label": labels,
            "score": probs[:, 2] - probs[:, 0],
            "p_negative": probs[:, 0],
            "p_neutral": probs[:, 1],
            "p_positive": probs[:, 2],
            "mentions": mentions,
            "sentences": np.minimum(mentions, rng.integers(1, 4, size=rows)),
            "salience": np.round(rng.uniform(0, 1, size=rows), 4),
            "quoted": np.round(rng.uniform(0, 1, size=rows), 4),
            "outlet": np.array(OUTLETS, dtype=object)[o],
            "date": (np.datetime64("2019-01-01") + d.astype("timedelta64[D]")).astype(str),
        }
    )
    frame = frame[output_columns("article", ["outlet", "date"])]
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        frame.to_parquet(path, index=False)
    elif suffix == ".csv":
        frame.to_csv(path, index=False)
    elif suffix == ".jsonl":
        frame.to_json(path, orient="records", lines=True, force_ascii=False)
    else:
        raise ValueError(f"unsupported output {path}: use .jsonl, .csv or .parquet")
    return path


def time_report(rows: int = 1_000_000, fmt: str = "jsonl", out: str | Path | None = None, seed: int = 0) -> dict:
    """Generate ``rows`` score rows as ``fmt`` in ``out`` (default: a temporary folder), then time
    ``newsstance report`` on them: seconds, peak RSS and the page's size."""
    if fmt not in ("jsonl", "csv", "parquet"):
        raise ValueError(f"unsupported format {fmt!r}: use jsonl, csv or parquet")
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        folder = Path(out or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        scores = folder / f"scores.{fmt}"
        t0 = time.perf_counter()  # generated in a child, so that this process stays small
        code = (
            "import sys; from newsstance.eval.bench_report import generate_scores as g; a = sys.argv; "
            "g(a[1], int(a[2]), int(a[3]))"
        )
        subprocess.run([sys.executable, "-c", code, str(scores), str(rows), str(seed)], check=True)
        generated_s, scores_mb = time.perf_counter() - t0, scores.stat().st_size / 1e6
        logger.info("generated %s rows in %.1f s: %.0f MB", f"{rows:,}", generated_s, scores_mb)
        page = folder / "report.html"
        command = [sys.executable, "-m", "newsstance", "report", str(scores), "-o", str(page), "--overwrite"]
        t0 = time.perf_counter()
        child = subprocess.Popen(command)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own peak, not the largest child's
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - t0
        if child.returncode:
            raise RuntimeError(f"newsstance report failed with exit status {child.returncode}")
        return {
            "rows": rows,
            "format": fmt,
            "generated_s": generated_s,
            "scores_mb": scores_mb,
            "seconds": seconds,
            "peak_rss_gb": usage.ru_maxrss / 1024**2,  # kB -> GB
            "html_kb": page.stat().st_size / 1e3,
        }
