"""Who says what about whom, against blind gold (``seeds/attributions/``, guide in
``docs/attribution-guide.md``).

    newsstance evaluate --model default --benchmark attributions

**Attributions.** A found attribution is right when its content overlaps a gold attribution's
content and its speaker is that attribution's speaker: the same words, or the words of one inside
the other's ("Vecchio" / "Marta Vecchio", "a senior aide" / "senior aide"). Precision over the
found attributions, recall over the gold ones, by kind; *exact* counts the content only when
both spans are the same (surrounding punctuation aside).

**Edges.** A found edge (speaker → target) stands for the gold edge of its article whose speaker
and target match by the same rule; F1m of their labels over the gold edges found, with a 95%
bootstrap interval, and coverage (gold edges found / gold edges). The baseline labels the same
edges by the target's own sentence stance where the attributions speak of it, ignoring the
speaker: the mean of the target's mention stances whose sentences overlap the edge's evidence.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from newsstance.stance import LABELS, Stance

from .metrics import bootstrap_ci, classification_metrics

REPO = Path(__file__).resolve().parents[1]
FOLDER = REPO / "seeds" / "attributions"
_EDGE = ".,;:!?\"'“”‘’ \n"


def _words(name: str) -> list[str]:
    return re.findall(r"\w+", name.casefold())


def same_source(a: str, b: str) -> bool:
    """One name's words inside the other's, in order: "Vecchio" / "Marta Vecchio"."""
    x, y = _words(a), _words(b)
    if not x or not y:
        return False
    short, long = (x, y) if len(x) <= len(y) else (y, x)
    it = iter(long)
    return all(w in it for w in short)


def _find(text: str, piece: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(re.escape(piece), text)]


def _trim(text: str, span: tuple[int, int]) -> tuple[int, int]:
    s, e = span
    while s < e and text[s] in _EDGE:
        s += 1
    while e > s and text[e - 1] in _EDGE:
        e -= 1
    return s, e


def load(folder: str | Path = FOLDER) -> list[dict[str, Any]]:
    files = sorted(Path(folder).glob("*.json"))
    if not files:
        raise FileNotFoundError(f"{folder} holds no attribution gold (*.json)")
    golds = []
    for f in files:
        gold = json.loads(f.read_text(encoding="utf-8"))
        gold["text"] = (REPO / gold["article"]).read_text(encoding="utf-8")
        for a in gold["attributions"]:
            a["spans"] = _find(gold["text"], a["content"])
        golds.append(gold)
    return golds


def measure(clf: Any, folder: str | Path = FOLDER, speakers_as_targets: bool = False) -> dict[str, Any]:
    golds = load(folder)
    analyses = clf.analyze_many([g["text"] for g in golds], speakers_as_targets=speakers_as_targets)
    found, right, exact = Counter(), Counter(), Counter()
    gold_kinds, recalled, recalled_exact = Counter(), Counter(), Counter()
    wrong: list[dict[str, Any]] = []
    gold_labels, pred_labels, base_labels = [], [], []
    edges_gold = 0
    for gold, analysis in zip(golds, analyses):
        text = gold["text"]
        taken: set[int] = set()
        for g in gold["attributions"]:
            gold_kinds[g["kind"]] += 1
        for p in analysis.attributions:
            found[p.kind] += 1
            hits = [
                n
                for n, g in enumerate(gold["attributions"])
                if any(s < p.content[1] and p.content[0] < e for s, e in g["spans"])
                and same_source(p.speaker, g["speaker"])
            ]
            if not hits:
                wrong.append({"article": gold["article"], "kind": p.kind, "speaker": p.speaker,
                              "content": text[p.content[0] : p.content[1]][:120]})  # fmt: skip
                continue
            right[p.kind] += 1
            mine = _trim(text, p.content)
            is_exact = any(_trim(text, s) == mine for n in hits for s in gold["attributions"][n]["spans"])
            exact[p.kind] += is_exact
            for n in hits:
                if n not in taken:
                    taken.add(n)
                    recalled[gold["attributions"][n]["kind"]] += 1
                    recalled_exact[gold["attributions"][n]["kind"]] += is_exact
        edges_gold += len(gold["edges"])
        for ge in gold["edges"]:
            match = next(
                (
                    e
                    for e in analysis.edges
                    if same_source(e.speaker, ge["speaker"]) and same_source(e.target, ge["target"])
                ),
                None,
            )
            if match is None:
                continue
            gold_labels.append(ge["label"])
            pred_labels.append(match.stance.label)
            base_labels.append(_baseline(analysis, match))
    n_found, n_gold = sum(found.values()), sum(gold_kinds.values())
    edge = classification_metrics(gold_labels, pred_labels) if gold_labels else {"f1m": float("nan")}
    base = classification_metrics(gold_labels, base_labels) if gold_labels else {"f1m": float("nan")}
    return {
        "articles": len(golds),
        "found": n_found,
        "gold": n_gold,
        "precision": sum(right.values()) / n_found if n_found else 1.0,
        "precision_exact": sum(exact.values()) / n_found if n_found else 1.0,
        "recall": sum(recalled.values()) / n_gold if n_gold else 0.0,
        "by_kind": {
            k: {
                "found": found[k],
                "precision": right[k] / found[k] if found[k] else None,
                "gold": gold_kinds[k],
                "recall": recalled[k] / gold_kinds[k] if gold_kinds[k] else None,
                "recall_exact": recalled_exact[k] / gold_kinds[k] if gold_kinds[k] else None,
            }
            for k in ("direct", "indirect", "mixed", "according-to")
        },
        "edges_gold": edges_gold,
        "edges_found": len(gold_labels),
        "edge_coverage": len(gold_labels) / edges_gold if edges_gold else 0.0,
        "edge_f1m": edge["f1m"],
        "edge_f1m_ci": _ci(gold_labels, pred_labels),
        "baseline_f1m": base["f1m"],
        "baseline_f1m_ci": _ci(gold_labels, base_labels),
        "wrong": wrong,
    }


def _overlaps(spans: list[tuple[int, int]], span: tuple[int, int]) -> bool:
    return any(s < span[1] and span[0] < e for s, e in spans)


def _ci(gold: list[str], pred: list[str]) -> tuple[float, float] | None:
    if len(gold) < 2:
        return None
    return bootstrap_ci(gold, pred)["f1m"]


def _baseline(analysis: Any, edge: Any) -> str:
    """The target's own sentence stance where the edge's attributions speak of it."""
    stances = [
        m.stance
        for m in analysis.mentions
        if m.actor == edge.target and any(m.sentence[0] < e and s < m.sentence[1] for s, e in edge.evidence)
    ]
    if not stances:
        return "neutral"
    return Stance.from_probs([sum(s.probs[k] for s in stances) / len(stances) for k in LABELS]).label


def summary(r: dict[str, Any]) -> str:
    kinds = "; ".join(
        f"{k} {v['found']} found, P {_pct(v['precision'])}, recall {_pct(v['recall'])} of {v['gold']}"
        for k, v in r["by_kind"].items()
    )
    ci = r["edge_f1m_ci"]
    bci = r["baseline_f1m_ci"]
    return (
        f"attributions on {r['articles']} articles: precision {r['precision']:.3f} ({r['found']} found; exact content "
        f"{r['precision_exact']:.3f}), recall {r['recall']:.3f} of {r['gold']}; {kinds}. Edges: F1m {r['edge_f1m']:.3f}"
        + (f" [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "")
        + f", baseline (the target's sentence stance) {r['baseline_f1m']:.3f}"
        + (f" [{bci[0]:.3f}, {bci[1]:.3f}]" if bci else "")
        + f"; coverage {r['edge_coverage']:.3f} ({r['edges_found']} of {r['edges_gold']} gold edges)"
    )


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"
