"""How well article reading finds the targets of NewsMTSC: pronoun links and name recall.

    newsstance bench linking [--data-dir DIR] [--files dev_rw.jsonl dev_mt.jsonl]

* **Pronoun links**: the actors are given by name (each named target's main mention; every
  NewsMTSC target is a person, so they are given as PERSON, and a second time by name alone, as
  ``--actors`` gives them, their type then read from the text), the resolver runs on the sentence,
  and its he/she links are compared with the gold ``further_mentions`` of those targets.
  Precision = correct links / links made; recall = gold he/she mentions linked to their target.
* **Name recall**: no actors given; a gold named target counts as found when some actor's name
  mention overlaps its span.

A sentence is one NewsMTSC line, so links here never cross a sentence.
"""

from __future__ import annotations

import json
import warnings
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from newsstance.articles.analysis import read_actors
from newsstance.articles.coref import PRONOUNS, resolve
from newsstance.articles.given import ActorWarning

from .corpora import resolve_data_dir

FILES = ("dev_rw.jsonl", "dev_mt.jsonl")
ADJUDICATED = Path(__file__).resolve().parent / "adjudication" / "newsmtsc_dev_pronouns.json"
THEY_IT = ("they", "them", "their", "it", "its")
DESCRIPTIONS = ("the", "a", "an", "this", "that")


def _sentences(path: Path) -> list[dict[str, Any]]:
    """Each line's text and its named targets: main span, name, and gold pronoun spans."""
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        obj = json.loads(line)
        text, named = obj["sentence_normalized"], {}
        for t in obj["targets"]:
            name = text[t["from"] : t["to"]].strip(' "“”')
            first = name.split()[0].lower() if name.split() else ""
            if not name[:1].isupper() or name.lower() in (*PRONOUNS, *THEY_IT) or first in DESCRIPTIONS:
                continue  # a pronoun or a description ("The boy") as the target itself: not a named target
            entry = named.setdefault((t["from"], t["to"]), {"name": name, "pronouns": set(), "other": 0})
            for m in t.get("further_mentions") or []:
                if m["mention"].lower() in PRONOUNS:
                    entry["pronouns"].add((m["from"], m["to"]))
                elif m["mention"].lower() in THEY_IT:
                    entry["other"] += 1
        out.append({"text": text, "targets": list(named.items()), "where": (path.name, number)})
    return out


def pronoun_links(
    sentences: Sequence[dict[str, Any]],
    adjudicated: dict[tuple, bool] | None = None,
    batch_size: int = 256,
    typed: bool = True,
) -> dict[str, Any]:
    """Precision and recall of the he/she links, overall and by the rule that made them.
    ``typed``: the targets are given as ``{"name": ..., "type": "PERSON"}``; else by name alone,
    as ``--actors A,B`` gives them, so that their type comes from the text.

    ``further_mentions`` mark the pronouns of only some targets, so a link that the gold does
    not contain is not always wrong: ``adjudicated`` holds a reader's verdict on such links,
    keyed by (file, line, pronoun start, pronoun end, target start, target end), offsets only.
    """
    adjudicated = adjudicated or {}
    gold_total = unhandled = 0
    rows: list[dict[str, Any]] = []
    for s in sentences:
        names = list(dict.fromkeys(entry["name"] for _, entry in s["targets"]))
        if not names:
            continue
        span_of = {entry["name"]: span for span, entry in s["targets"]}
        gold_links = {(p, entry["name"]) for _, entry in s["targets"] for p in entry["pronouns"]}
        gold_total += len(gold_links)
        unhandled += sum(entry["other"] for _, entry in s["targets"])
        given = [{"name": n, "type": "PERSON"} if typed else n for n in names]
        try:
            with warnings.catch_warnings():  # gold targets may name one person twice, as given
                warnings.simplefilter("ignore", ActorWarning)
                (parse,), (actors,) = read_actors([s["text"]], given, batch_size, coreference=None)
        except ValueError:
            continue
        for link in resolve(s["text"], actors, parse):
            if link.kind != "pronoun":
                continue
            name = actors[link.actor].name
            file, line = s["where"]
            key = (file, line, link.start, link.end, *span_of.get(name, (-1, -1)))
            in_gold = ((link.start, link.end), name) in gold_links
            verdict = adjudicated.get(key)
            rows.append({"key": key, "rule": link.rule, "gold": in_gold, "verdict": verdict, "text": s["text"]})
    correct = sum(r["gold"] for r in rows)
    judged = [r for r in rows if not r["gold"]]
    unjudged = [r for r in judged if r["verdict"] is None]
    right = correct + sum(bool(r["verdict"]) for r in judged)

    def share(a: int, b: int) -> float:
        return a / b if b else float("nan")

    by_rule = {}
    for rule in sorted({r["rule"] for r in rows}):
        mine = [r for r in rows if r["rule"] == rule]
        good = sum(r["gold"] or bool(r["verdict"]) for r in mine)
        by_rule[rule] = {"links": len(mine), "correct": good, "precision": share(good, len(mine))}
    return {
        "gold": gold_total,
        "links": len(rows),
        "in_gold": correct,
        "precision_against_gold": share(correct, len(rows)),
        "precision": share(right, len(rows)),
        "recall": share(correct, gold_total),
        "by_rule": by_rule,
        "not_adjudicated": len(unjudged),
        "gold_they_it_not_attempted": unhandled,
        "outside_gold": [
            {"key": list(r["key"]), "rule": r["rule"], "verdict": r["verdict"], "text": r["text"]} for r in judged
        ],
    }


def name_recall(sentences: Sequence[dict[str, Any]], batch_size: int = 256) -> dict[str, Any]:
    texts = [s["text"] for s in sentences]
    _, drafts = read_actors(texts, None, batch_size)
    found = total = 0
    missed: Counter = Counter()
    misses = []
    for s, actors in zip(sentences, drafts):
        names = [(m.start, m.end) for a in actors for m in a.mentions if m.kind == "name"]
        for (start, end), entry in s["targets"]:
            total += 1
            if any(a < end and start < b for a, b in names):
                found += 1
            else:
                missed[entry["name"]] += 1
                misses.append({"text": s["text"], "target": entry["name"], "span": [start, end]})
    return {"targets": total, "found": found, "recall": found / total if total else float("nan"), "misses": misses}


def measure(data_dir: str | Path | None = None, files: Sequence[str] = FILES) -> dict[str, Any]:
    """Pronoun links (against the gold and the adjudicated links) and name recall on NewsMTSC ``files``."""
    folder = resolve_data_dir(data_dir) / "newsmtsc"
    sentences = [s for f in files for s in _sentences(folder / f)]
    adjudicated = {}
    if ADJUDICATED.is_file():
        adjudicated = {tuple(e["key"]): e["correct"] for e in json.loads(ADJUDICATED.read_text(encoding="utf-8"))}
    return {
        "files": list(files),
        "links": pronoun_links(sentences, adjudicated),
        "links_names_only": pronoun_links(sentences, adjudicated, typed=False),
        "names": name_recall(sentences),
    }


def summary(result: dict[str, Any]) -> str:
    """:func:`measure`'s figures in a few lines."""
    links, names = result["links"], result["names"]
    bound = "at least " if links["not_adjudicated"] else ""  # an unjudged link counts as wrong
    lines = [
        f"pronoun links ({', '.join(result['files'])}): precision {bound}{links['precision']:.3f} "
        f"(against the gold alone {links['precision_against_gold']:.3f}; {links['links']} links, "
        f"{len(links['outside_gold'])} outside the gold judged by hand, {links['not_adjudicated']} not yet judged), "
        f"recall {links['recall']:.3f} ({links['in_gold']}/{links['gold']}); "
        f"{links['gold_they_it_not_attempted']} gold they/it mentions not attempted"
    ]
    lines += [
        f"  rule {rule}: {r['links']} links, precision {r['precision']:.3f}" for rule, r in links["by_rule"].items()
    ]
    plain = result.get("links_names_only")
    if plain is not None:
        bound = "at least " if plain["not_adjudicated"] else ""
        lines.append(
            f"pronoun links, targets given by name alone (as --actors A,B): precision {bound}{plain['precision']:.3f} "
            f"({plain['links']} links, {plain['not_adjudicated']} not yet judged), "
            f"recall {plain['recall']:.3f} ({plain['in_gold']}/{plain['gold']})"
        )
    lines.append(f"name recall, no actors given: {names['recall']:.3f} ({names['found']}/{names['targets']})")
    return "\n".join(lines)
