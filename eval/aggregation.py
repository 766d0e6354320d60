"""How should sentence stances add up to a passage's and an article's? Variants, on article gold.

    newsstance bench aggregation [--model DIR] [--benchmark seeds]

The shipped rule is the plain mean of the probability vectors of the sentences that refer to
the actor. The variants weigh the evidence differently:

* ``names x2``: a sentence that names the actor counts twice a sentence that refers to it only
  by pronoun or role noun;
* ``lead x2``: (article level) the headline and the first passage count twice;
* ``confident``: each sentence weighs by its top probability;
* ``polar``: each sentence weighs by 1 - p(neutral), so that opinionated sentences count more.

Each is scored on the benchmark's passage and article gold, on the same covered pairs, with
95% bootstrap intervals; the differences are read against those intervals.
"""

from __future__ import annotations

from typing import Any

from newsstance.stance import LABELS

from .articles import load_article_benchmark, match_actor
from .metrics import bootstrap_ci, classification_metrics


def _weights(variant: str, kinds: set[str], passage: int, probs: dict[str, float], level: str) -> float:
    if variant == "names x2":
        return 2.0 if "name" in kinds else 1.0
    if variant == "lead x2":
        return 2.0 if level == "article" and passage <= 1 else 1.0
    if variant == "confident":
        return max(probs.values())
    if variant == "polar":
        return 1.0 - probs["neutral"]
    return 1.0


VARIANTS = ("mean", "names x2", "lead x2", "confident", "polar")


def compare(model: Any, bench_name: str = "seeds", batch_size: int = 32) -> dict[str, Any]:
    bench = load_article_benchmark(bench_name)
    analyses = model.analyze_many([a.text for a in bench.articles], batch_size=batch_size)
    gold = {"passage": [], "article": []}
    evidence = {"passage": [], "article": []}  # per gold item: [(kinds, passage, probs)]
    for article, analysis in zip(bench.articles, analyses):
        sentences: dict[tuple[str, tuple[int, int]], dict] = {}
        for m in analysis.mentions:
            entry = sentences.setdefault((m.actor, m.sentence), {"kinds": set(), "passage": m.passage_index})
            entry["kinds"].add(m.mention_type)
            entry["probs"] = m.stance.probs
        for g in article.actors:
            i = match_actor(article.text, g, analysis)
            if i is None:
                continue
            name = analysis.actors[i].name
            mine = [e for (actor, _), e in sentences.items() if actor == name]
            gold["article"].append(g.label)
            evidence["article"].append(mine)
            for j, label in g.passages.items():
                here = [e for e in mine if e["passage"] == j]
                if here:
                    gold["passage"].append(label)
                    evidence["passage"].append(here)
    result: dict[str, Any] = {}
    predictions: dict[tuple[str, str], list[str]] = {}
    for variant in VARIANTS:
        result[variant] = {}
        for level in ("passage", "article"):
            pred = []
            for items in evidence[level]:
                w = [_weights(variant, e["kinds"], e["passage"], e["probs"], level) for e in items]
                total = sum(w) or 1.0
                mean = {k: sum(wi * e["probs"][k] for wi, e in zip(w, items)) / total for k in LABELS}
                pred.append(max(LABELS, key=mean.__getitem__))
            predictions[(variant, level)] = pred
            metrics = classification_metrics(gold[level], pred)
            result[variant][level] = {
                "f1m": metrics["f1m"],
                "n": metrics["n"],
                "ci95": bootstrap_ci(gold[level], pred),
                "vs_mean_ci95": _paired_gain(gold[level], predictions[("mean", level)], pred),
            }
    return result


def _paired_gain(gold: list[str], base: list[str], other: list[str], n: int = 1000) -> tuple[float, float]:
    """95% interval of F1m(other) - F1m(base), resampling the same items for both (seeded)."""
    import numpy as np
    from sklearn.metrics import f1_score

    rng = np.random.default_rng(0)
    g, b, o = np.asarray(gold), np.asarray(base), np.asarray(other)
    gains = []
    for _ in range(n):
        idx = rng.integers(0, len(g), len(g))
        f = [f1_score(g[idx], p[idx], labels=list(LABELS), average="macro", zero_division=0) for p in (b, o)]
        gains.append(f[1] - f[0])
    return float(np.percentile(gains, 2.5)), float(np.percentile(gains, 97.5))


def table(result: dict[str, Any]) -> str:
    """:func:`compare`'s result as a Markdown table, in percent."""
    lines = [
        "| aggregation | passage F1m [95% CI] (n), gain over mean [95% CI] | article F1m, the same |",
        "|---|---|---|",
    ]
    for variant, r in result.items():
        cells = [
            f"{100 * r[lv]['f1m']:.1f} [{100 * r[lv]['ci95']['f1m'][0]:.1f}, {100 * r[lv]['ci95']['f1m'][1]:.1f}] "
            f"({r[lv]['n']}), {100 * r[lv]['vs_mean_ci95'][0]:+.1f} to {100 * r[lv]['vs_mean_ci95'][1]:+.1f}"
            for lv in ("passage", "article")
        ]
        lines.append(f"| {variant} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
