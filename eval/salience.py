"""How well salience picks out an article's main actors, on the identity seed corpus.

    newsstance bench salience [--folder seeds/identity]

The corpus's gold marks each article's one or two main actors (``"main": true``). An actor the
pipeline finds is matched to the gold actor whose named mentions overlap its own; actors that
match none are minor. Figures: how often the most salient actor is a main one (top-1), and the
area under the ROC curve of salience for main against other actors (1.0: every main actor above
every other one), with the same two for the mention count alone as a baseline. Article reading
only: no stance model runs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from newsstance.articles.analysis import read_actors
from newsstance.articles.salience import saliences

FOLDER = Path(__file__).resolve().parents[1] / "seeds" / "identity"


def _auc(main: Sequence[float], other: Sequence[float]) -> float:
    pairs = [(m > o) + 0.5 * (m == o) for m in main for o in other]
    return sum(pairs) / len(pairs) if pairs else float("nan")


def measure(folder: str | Path = FOLDER) -> dict[str, Any]:
    folder = Path(folder)
    golds = sorted(folder.glob("*.gold.json"))
    if not golds:
        raise FileNotFoundError(f"{folder} holds no *.gold.json; give the identity corpus folder")
    texts = [(folder / json.loads(g.read_text(encoding="utf-8"))["article"]).read_text(encoding="utf-8") for g in golds]
    parsed, drafts = read_actors(texts, None)
    scores: dict[str, dict[str, list[float]]] = {
        "salience": {"main": [], "other": []},
        "mentions": {"main": [], "other": []},
    }
    top1 = {"salience": 0, "mentions": 0}
    per_article = []
    for gold_file, p, actors in zip(golds, parsed, drafts):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        main_spans = [(s, e) for a in gold["actors"] if a.get("main") for s, e, _ in a["names"]]
        weights = saliences(actors, p.passages, p.docs)
        is_main = [
            any(m.kind == "name" and m.start < e and s < m.end for m in a.mentions for s, e in main_spans)
            for a in actors
        ]
        counts = [float(len(a.mentions)) for a in actors]
        for name, values in (("salience", weights), ("mentions", counts)):
            for v, main in zip(values, is_main):
                scores[name]["main" if main else "other"].append(v)
            if values and is_main[max(range(len(values)), key=values.__getitem__)]:
                top1[name] += 1
        best = max(range(len(actors)), key=weights.__getitem__) if actors else None
        per_article.append(
            {
                "article": gold["article"],
                "most_salient": actors[best].name if best is not None else None,
                "main": [a["name"] for a in gold["actors"] if a.get("main")],
            }
        )
    n = len(golds)
    return {
        "articles": n,
        "actors": sum(len(d) for d in drafts),
        "main_found": len(scores["salience"]["main"]),
        **{name: {"top1": top1[name] / n, "auc": _auc(s["main"], s["other"])} for name, s in scores.items()},
        "per_article": per_article,
    }


def summary(result: dict[str, Any]) -> str:
    s, m = result["salience"], result["mentions"]
    return (
        f"salience on {result['articles']} articles ({result['actors']} actors found, "
        f"{result['main_found']} of them main): "
        f"most salient is a main actor in {s['top1']:.0%}, AUC main vs other {s['auc']:.3f}; "
        f"mention count alone: {m['top1']:.0%}, AUC {m['auc']:.3f}"
    )
