"""Article benchmarks: gold stance per actor × passage and per actor × article, and gold
pronoun and role-noun mentions, judged by hand before any model ran.

The benchmark ``seeds`` is the repository's own ``seeds/`` folder: every ``*.gold.json`` that
has passage labels (the format is in ``seeds/README.md``). A model is scored as a user would run
it, with no actors given: :func:`~newsstance.articles.analysis.analyze_many` finds them, and
each gold actor is matched to the found actor whose name mentions cover the most of the gold
name's occurrences.

Figures:

* **coverage**: the share of gold actor × passage pairs (and actors) for which the analysis has a
  stance at all;
* **passage / article F1m** on the covered pairs (macro-F1 over the three labels);
* **coreference**: precision and recall of the pronoun and role-noun mentions linked to gold
  actors, overall and for mentions in sentences that do not name the actor (cross-sentence).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsstance.articles.actors import fold
from newsstance.articles.analysis import ArticleAnalysis, analyze_many

from .metrics import bootstrap_ci, classification_metrics

REPO = Path(__file__).resolve().parents[1]
ARTICLE_BENCHMARKS = {"seeds": REPO / "seeds"}


@dataclass(frozen=True)
class GoldActor:
    name: str
    type: str
    label: str
    passages: dict[int, str]
    mentions: tuple[tuple[int, int, str], ...]  # (start, end, "pronoun" | "nominal")


@dataclass(frozen=True)
class GoldArticle:
    name: str
    text: str
    kind: str
    actors: tuple[GoldActor, ...]


@dataclass(frozen=True)
class ArticleBenchmark:
    name: str
    path: Path
    sha256: str
    articles: tuple[GoldArticle, ...]


def is_article_benchmark(name: str) -> bool:
    return name in ARTICLE_BENCHMARKS


def load_article_benchmark(name: str = "seeds") -> ArticleBenchmark:
    folder = ARTICLE_BENCHMARKS.get(name, Path(name))
    if not folder.is_dir():
        raise FileNotFoundError(f"article benchmark {name!r}: {folder} is not a folder of *.gold.json files")
    articles, digest = [], hashlib.sha256()
    for gold_file in sorted(folder.glob("*.gold.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        if not all("passages" in a for a in gold["actors"]):
            continue  # article-level gold only
        text = (folder / gold["article"]).read_text(encoding="utf-8")
        digest.update(gold_file.read_bytes() + text.encode("utf-8"))
        actors = tuple(
            GoldActor(
                a["name"],
                a["type"],
                a["label"],
                {int(k): v for k, v in a["passages"].items()},
                tuple((m["start"], m["end"], m["type"]) for m in a.get("mentions", [])),
            )
            for a in gold["actors"]
        )
        articles.append(GoldArticle(gold["article"], text, gold.get("kind", ""), actors))
    if not articles:
        raise ValueError(f"{folder} holds no gold file with passage labels; see seeds/README.md for the format")
    return ArticleBenchmark(name, folder, digest.hexdigest(), tuple(articles))


def _occurrences(text: str, actor: GoldActor) -> list[tuple[int, int]]:
    forms = {actor.name}
    if actor.type == "PERSON" and len(actor.name.split()) > 1:
        forms.add(actor.name.split()[-1])
    found = []
    for form in forms:
        found += [m.span() for m in re.finditer(r"(?<!\w)" + re.escape(form) + r"(?!\w)", text)]
    return found


def match_actor(text: str, gold: GoldActor, analysis: ArticleAnalysis) -> int | None:
    """The index of the found actor that stands for ``gold``: the one whose name mentions cover
    most occurrences of the gold name (or, for a person, its surname); else one of the same name."""
    occurrences = _occurrences(text, gold)
    best, best_hits = None, 0
    for i, actor in enumerate(analysis.actors):
        names = [span for span, kind in zip(actor.mentions, actor.mention_types) if kind == "name"]
        hits = sum(any(s < e2 and s2 < e for s2, e2 in names) for s, e in occurrences)
        if hits > best_hits:
            best, best_hits = i, hits
    if best is None:
        best = next((i for i, a in enumerate(analysis.actors) if fold(a.name) == fold(gold.name)), None)
    return best


def score_articles(
    model: Any,
    bench: ArticleBenchmark,
    batch_size: int = 32,
    seed: int = 0,
    coreference: bool = True,
    resamples: int = 1000,
    speakers_as_targets: bool = False,
) -> dict[str, Any]:
    """Passage and article F1m, coverage and coreference figures of ``model`` on ``bench``
    (``coreference=False``: names only; ``speakers_as_targets``: a speaker's own statements
    count for its portrayal)."""
    extra: dict[str, Any] = {"speakers_as_targets": speakers_as_targets}
    if not coreference:
        extra["coreference"] = None
    analyses = analyze_many(model, [a.text for a in bench.articles], batch_size=batch_size, **extra)
    passage_gold, passage_pred, article_gold, article_pred = [], [], [], []
    pairs = actors_total = actors_found = 0
    coref = {"links": 0, "correct": 0, "gold": 0, "found": 0, "cross_links": 0, "cross_correct": 0, "cross_gold": 0}
    coref["cross_found"] = 0
    per_article = []
    for article, analysis in zip(bench.articles, analyses):
        sentences = [s for p in analysis.passages for s in p.sentences]
        by_passage = {(s.actor, s.passage_index): s.stance for s in analysis.passage_stances}
        claimed: dict[tuple[int, int], str] = {}  # coreference mention span -> gold actor
        for gold in article.actors:
            claimed.update({(s, e): gold.name for s, e, _ in gold.mentions})
        found_here = 0
        for gold in article.actors:
            actors_total += 1
            pairs += len(gold.passages)
            i = match_actor(article.text, gold, analysis)
            if i is None:
                coref["gold"] += len(gold.mentions)
                continue
            actor = analysis.actors[i]
            actors_found += 1
            found_here += 1
            stance = next((s.stance for s in analysis.article_stances if s.actor == actor.name), None)
            if stance is not None:  # None: a speaker the article says nothing of but its own words
                article_gold.append(gold.label)
                article_pred.append(stance.label)
            for j, label in gold.passages.items():
                stance = by_passage.get((actor.name, j))
                if stance is not None:
                    passage_gold.append(label)
                    passage_pred.append(stance.label)
            named = {_sentence(sentences, s) for (s, _), k in zip(actor.mentions, actor.mention_types) if k == "name"}
            links = {(s, e) for (s, e), k in zip(actor.mentions, actor.mention_types) if k != "name"}
            wanted = {(s, e) for s, e, _ in gold.mentions}
            for s, e in links:
                right = claimed.get((s, e)) == gold.name
                cross = _sentence(sentences, s) not in named
                coref["links"] += 1
                coref["correct"] += right
                coref["cross_links"] += cross
                coref["cross_correct"] += right and cross
            for s, e in wanted:
                cross = _sentence(sentences, s) not in named
                coref["gold"] += 1
                coref["found"] += (s, e) in links
                coref["cross_gold"] += cross
                coref["cross_found"] += cross and (s, e) in links
        per_article.append(
            {"article": article.name, "kind": article.kind, "actors": len(article.actors), "found": found_here}
        )

    def share(a: int, b: int) -> float:
        return a / b if b else float("nan")

    result: dict[str, Any] = {
        "articles": len(bench.articles),
        "actor_coverage": share(actors_found, actors_total),
        "article_coverage": share(len(article_gold), actors_total),
        "passage_coverage": share(len(passage_gold), pairs),
        "passage_pairs": pairs,
        "actors": actors_total,
        "coreference": {
            "precision": share(coref["correct"], coref["links"]),
            "recall": share(coref["found"], coref["gold"]),
            "cross_sentence_precision": share(coref["cross_correct"], coref["cross_links"]),
            "cross_sentence_recall": share(coref["cross_found"], coref["cross_gold"]),
            **coref,
        },
        "per_article": per_article,
    }
    for level, gold_labels, pred in (("passage", passage_gold, passage_pred), ("article", article_gold, article_pred)):
        if gold_labels:
            metrics = classification_metrics(gold_labels, pred)
            metrics["ci95"] = bootstrap_ci(gold_labels, pred, n_resamples=resamples, seed=seed)
            result[level] = metrics
    return result


def _sentence(sentences: Sequence[tuple[int, int]], position: int) -> int:
    return next((k for k, (s, e) in enumerate(sentences) if s <= position < e), -1)
