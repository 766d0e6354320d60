#!/usr/bin/env python3
"""Check the hand-written attribution gold in this folder (standard library only).

For every <folder>__<stem>.json here: the article exists; every attribution's
"content" and "speaker_text" occur verbatim in it; kinds and labels are valid;
every edge's (speaker, target) pair occurs among the attributions with the
right count and the roll-up label of docs/attribution-guide.md; every
(speaker, target) pair in the attributions has an edge.  Prints counts by kind
per file and in total; exits 1 on any problem.

Usage: python3 seeds/attributions/check.py
"""
import json
import os
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))  # /work/main
KINDS = ("direct", "indirect", "mixed", "according-to")
LABELS = ("negative", "neutral", "positive")
ATT_KEYS = {"kind", "speaker", "speaker_text", "named", "cue", "content", "targets"}


def rollup(labels):
    pos, neg = labels.count("positive"), labels.count("negative")
    if pos and not neg:
        return "positive"
    if neg and not pos:
        return "negative"
    if not pos and not neg:
        return "neutral"
    return "positive" if pos > neg else "negative" if neg > pos else "neutral"


def check_file(path):
    problems = []
    name = os.path.basename(path)
    try:
        with open(path, encoding="utf-8") as f:
            gold = json.load(f)
    except (OSError, ValueError) as e:
        return [f"cannot read JSON: {e}"], Counter(), 0
    if not isinstance(gold, dict):
        return ["top level is not an object"], Counter(), 0
    article = gold.get("article")
    if not isinstance(article, str):
        return ["missing 'article'"], Counter(), 0
    folder, _, fname = article.rpartition("/")
    expected = f"{folder.split('/')[-1]}__{os.path.splitext(fname)[0]}.json"
    if name != expected:
        problems.append(f"file name should be {expected} for article {article}")
    art_path = os.path.join(ROOT, article)
    if not os.path.isfile(art_path):
        return problems + [f"article not found: {article}"], Counter(), 0
    with open(art_path, encoding="utf-8") as f:
        text = f.read()

    kinds = Counter()
    pairs = {}
    atts = gold.get("attributions")
    if not isinstance(atts, list) or not atts:
        problems.append("'attributions' missing or empty")
        atts = []
    for i, a in enumerate(atts):
        where = f"attribution {i}"
        if not isinstance(a, dict):
            problems.append(f"{where}: not an object")
            continue
        missing = ATT_KEYS - set(a)
        if missing:
            problems.append(f"{where}: missing keys {sorted(missing)}")
            continue
        if a["kind"] not in KINDS:
            problems.append(f"{where}: bad kind {a['kind']!r}")
        kinds[a["kind"]] += 1
        if not isinstance(a["named"], bool):
            problems.append(f"{where}: 'named' must be true or false")
        for key in ("speaker", "speaker_text", "cue", "content"):
            if not isinstance(a[key], str) or not a[key].strip():
                problems.append(f"{where}: empty {key}")
        for key in ("content", "speaker_text"):
            if isinstance(a[key], str) and a[key] and a[key] not in text:
                problems.append(f"{where}: {key} not found verbatim: {a[key]!r}")
        if not isinstance(a["targets"], list):
            problems.append(f"{where}: 'targets' must be a list")
            continue
        seen = set()
        for t in a["targets"]:
            if not isinstance(t, dict) or not t.get("target"):
                problems.append(f"{where}: bad target {t!r}")
                continue
            if t.get("label") not in LABELS:
                problems.append(f"{where}: bad label {t.get('label')!r} for {t['target']!r}")
                continue
            if t["target"] in seen:
                problems.append(f"{where}: target {t['target']!r} listed twice")
            seen.add(t["target"])
            pairs.setdefault((a["speaker"], t["target"]), []).append(t["label"])

    edges = gold.get("edges")
    if not isinstance(edges, list):
        problems.append("'edges' missing")
        edges = []
    edge_pairs = set()
    for j, e in enumerate(edges):
        where = f"edge {j}"
        if not isinstance(e, dict) or not {"speaker", "target", "label", "attributions"} <= set(e):
            problems.append(f"{where}: needs speaker, target, label, attributions")
            continue
        key = (e["speaker"], e["target"])
        if key in edge_pairs:
            problems.append(f"{where}: duplicate edge {key}")
        edge_pairs.add(key)
        if e["label"] not in LABELS:
            problems.append(f"{where}: bad label {e['label']!r}")
        if key not in pairs:
            problems.append(f"{where}: pair {key} not among the attributions")
            continue
        if e["attributions"] != len(pairs[key]):
            problems.append(f"{where}: {key} count {e['attributions']} != {len(pairs[key])}")
        want = rollup(pairs[key])
        if e["label"] != want:
            problems.append(f"{where}: {key} label {e['label']} but roll-up gives {want}")
    for key in pairs:
        if key not in edge_pairs:
            problems.append(f"no edge for pair {key}")
    return problems, kinds, len(edges)


def main():
    files = sorted(f for f in os.listdir(HERE) if f.endswith(".json"))
    if not files:
        print("no gold files found")
        return 1
    total, total_edges, bad = Counter(), 0, 0
    for fname in files:
        problems, kinds, n_edges = check_file(os.path.join(HERE, fname))
        total += kinds
        total_edges += n_edges
        counts = " ".join(f"{k}={kinds.get(k, 0)}" for k in KINDS)
        print(f"{'FAIL' if problems else 'ok  '} {fname}: {counts} edges={n_edges}")
        for p in problems:
            print(f"     - {p}")
        bad += bool(problems)
    counts = " ".join(f"{k}={total.get(k, 0)}" for k in KINDS)
    print(f"total: {len(files)} files, {sum(total.values())} attributions ({counts}), "
          f"{total_edges} edges; {bad} file(s) with problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
