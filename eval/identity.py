"""How well article reading builds actors, on the identity seed corpus (`seeds/identity/`).

    newsstance bench actors [--folder seeds/identity]

Each found actor is matched to the gold actors whose named spans overlap its name mentions:
one gold actor is a **right** actor, two or more a **merge**; none, but a span the gold marks as
not an actor (a dateline, an adjective, a river) a **false** actor; none at all an **unlisted**
one (a minor name the gold leaves out, not counted). A gold actor matched by two or more found
actors is **split**. Precision = right / (right + merged + false); recall = gold actors found
as exactly one actor / gold actors. Types are compared on the right actors. No stance model runs.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from newsstance.articles.analysis import read_actors

from .salience import FOLDER


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


def measure(folder: str | Path = FOLDER) -> dict[str, Any]:
    folder = Path(folder)
    golds = [json.loads(g.read_text(encoding="utf-8")) for g in sorted(folder.glob("*.gold.json"))]
    if not golds:
        raise FileNotFoundError(f"{folder} holds no *.gold.json; give the identity corpus folder")
    texts = [(folder / g["article"]).read_text(encoding="utf-8") for g in golds]
    _, drafts = read_actors(texts, None, coreference=None)
    counts: Counter = Counter()
    wrong: list[dict[str, Any]] = []
    for gold, actors in zip(golds, drafts):
        spans = [[(s, e) for s, e, _ in a["names"]] for a in gold["actors"]]
        not_actors = [(s, e) for s, e, *_ in gold.get("not_actors", [])]
        matches_of_gold: Counter = Counter()
        for actor in actors:
            names = [(m.start, m.end) for m in actor.mentions if m.kind == "name"]
            hit = [i for i, g in enumerate(spans) if any(_overlaps(g, s, e) for s, e in names)]
            for i in hit:
                matches_of_gold[i] += 1
            if len(hit) == 1:
                counts["right"] += 1
                g = gold["actors"][hit[0]]
                counts["type_right"] += actor.type == g["type"]
                if actor.type != g["type"]:
                    wrong.append({"article": gold["article"], "kind": "type", "actor": actor.name,
                                  "type": actor.type, "gold": g["type"]})  # fmt: skip
            elif len(hit) > 1:
                counts["merged"] += 1
                wrong.append({"article": gold["article"], "kind": "merge", "actor": actor.name,
                              "gold": [gold["actors"][i]["name"] for i in hit]})  # fmt: skip
            elif any(_overlaps(not_actors, s, e) for s, e in names):
                counts["false"] += 1
                wrong.append({"article": gold["article"], "kind": "false", "actor": actor.name})
            else:
                counts["unlisted"] += 1
        for i, g in enumerate(gold["actors"]):
            counts["gold"] += 1
            n = matches_of_gold[i]
            counts["found_once"] += n == 1
            counts["split"] += n > 1
            counts["missed"] += n == 0
            if n != 1:
                wrong.append({"article": gold["article"], "kind": "split" if n else "missed", "gold": g["name"]})
    judged = counts["right"] + counts["merged"] + counts["false"]
    return {
        "articles": len(golds),
        "counts": dict(counts),
        "precision": counts["right"] / judged if judged else float("nan"),
        "recall": counts["found_once"] / counts["gold"],
        "type_accuracy": counts["type_right"] / counts["right"] if counts["right"] else float("nan"),
        "wrong": wrong,
    }


def group_pronouns(folder: str | Path = FOLDER) -> dict[str, Any]:
    """it/its/they/their links against the identity gold: a link is right when the gold lists
    its span under the gold actor its found actor matches, wrong when it lists it under another
    actor or as a pronoun of no actor, and unjudged otherwise (counted as wrong). Recall: the
    gold's it/its/they/their mentions of ORG, GPE and NORP actors that are linked right."""
    from newsstance.articles.groups import PLURAL, SINGULAR

    folder = Path(folder)
    golds = [json.loads(g.read_text(encoding="utf-8")) for g in sorted(folder.glob("*.gold.json"))]
    texts = [(folder / g["article"]).read_text(encoding="utf-8") for g in golds]
    _, drafts = read_actors(texts, None)
    words = SINGULAR | PLURAL
    right = wrong = unjudged = gold_total = 0
    misses = []
    for gold, text, actors in zip(golds, texts, drafts):
        spans = [[(s, e) for s, e, _ in a["names"]] for a in gold["actors"]]
        owner = {(m["start"], m["end"]): i for i, a in enumerate(gold["actors"]) for m in a["mentions"]}
        nobody = {(s, e) for s, e, *_ in gold.get("not_actor_pronouns", [])}
        wanted = {
            (m["start"], m["end"]): i
            for i, a in enumerate(gold["actors"])
            if a["type"] in ("ORG", "GPE", "NORP")
            for m in a["mentions"]
            if m["text"].lower() in words
        }
        gold_total += len(wanted)
        for actor in actors:
            names = [(m.start, m.end) for m in actor.mentions if m.kind == "name"]
            hit = [i for i, g in enumerate(spans) if any(_overlaps(g, s, e) for s, e in names)]
            for m in actor.mentions:
                if m.kind != "pronoun" or text[m.start : m.end].lower() not in words:
                    continue
                key = (m.start, m.end)
                if key in owner and len(hit) == 1 and owner[key] == hit[0]:
                    right += 1
                elif key in owner or key in nobody:
                    wrong += 1
                    misses.append({"article": gold["article"], "pronoun": text[m.start : m.end], "start": m.start,
                                   "linked_to": actor.name})  # fmt: skip
                else:
                    unjudged += 1
    links = right + wrong + unjudged
    return {
        "links": links,
        "right": right,
        "wrong": wrong,
        "unjudged": unjudged,
        "precision": right / links if links else float("nan"),
        "recall": right / gold_total if gold_total else float("nan"),
        "gold": gold_total,
        "wrong_links": misses,
    }


SEEDS = FOLDER.parent


def seed_group_pronouns(folder: str | Path = SEEDS) -> dict[str, Any]:
    """it/its/they/their links on the seed articles with mention gold (``seeds/*.gold.json``): a
    link is right when the gold lists its span under the actor of that name; recall over the
    gold's it/its/they/their mentions."""
    from newsstance.articles.groups import PLURAL, SINGULAR

    folder = Path(folder)
    golds = [json.loads(f.read_text(encoding="utf-8")) for f in sorted(folder.glob("*.gold.json"))]
    golds = [g for g in golds if any("mentions" in a for a in g["actors"])]
    texts = [(folder / g["article"]).read_text(encoding="utf-8") for g in golds]
    _, drafts = read_actors(texts, None)
    words = SINGULAR | PLURAL
    right = links = total = 0
    for gold, text, actors in zip(golds, texts, drafts):
        named = {(m["start"], m["end"]): a["name"] for a in gold["actors"] for m in a.get("mentions", [])}
        total += sum(text[s:e].lower() in words for s, e in named)
        for actor in actors:
            for m in actor.mentions:
                if m.kind == "pronoun" and text[m.start : m.end].lower() in words:
                    links += 1
                    right += named.get((m.start, m.end)) == actor.name
    return {
        "articles": len(golds),
        "links": links,
        "right": right,
        "precision": right / links if links else float("nan"),
        "recall": right / total if total else float("nan"),
        "gold": total,
    }


def summary(result: dict[str, Any]) -> str:
    c = result["counts"]
    return (
        f"actors on {result['articles']} articles: precision {result['precision']:.3f} ({c.get('right', 0)} right, "
        f"{c.get('merged', 0)} merges, {c.get('false', 0)} false; {c.get('unlisted', 0)} unlisted not counted), "
        f"recall {result['recall']:.3f} ({c.get('found_once', 0)} of {c.get('gold', 0)} gold actors found once; "
        f"{c.get('split', 0)} split, {c.get('missed', 0)} missed); type accuracy {result['type_accuracy']:.3f}"
    )
