"""Speakers are not the targets of their own words: sentences where one actor praises, blames or
speaks of another (``eval/speakers/speakers.jsonl``, written by hand: "Senator Josh Hawley
praised President Trump for his leadership").

    newsstance bench speakers [--model default]

For each sentence: the speaker's label (it should be neutral or absent: the sentence portrays
the target, not the speaker), the target's label against the gold, and the speaker → target
edge's label against the gold; with speakers classified as any other actor
(``speakers_as_targets=True``) and without.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .attributions import same_source

CASES = Path(__file__).parent / "speakers" / "speakers.jsonl"


def measure(clf: Any, path: str | Path = CASES) -> dict[str, Any]:
    cases = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    out: dict[str, Any] = {"cases": len(cases)}
    for name, as_targets in (("speakers as targets", True), ("speakers apart", False)):
        analyses = clf.analyze_many([c["text"] for c in cases], speakers_as_targets=as_targets)
        polar = target_right = edge_right = 0
        rows = []
        for case, a in zip(cases, analyses):
            speaker = next((s for s in a.article_stances if same_source(s.actor, case["speaker"])), None)
            target = next((s for s in a.article_stances if same_source(s.actor, case["target"])), None)
            edge = next((e for e in a.edges if same_source(e.target, case["target"])), None)
            polar += speaker is not None and speaker.stance.label != "neutral"
            target_right += target is not None and target.stance.label == case["label"]
            edge_right += edge is not None and edge.stance.label == case["label"]
            rows.append(
                {
                    "speaker": None if speaker is None else f"{speaker.stance.label} {speaker.stance.score:+.2f}",
                    "target": None if target is None else f"{target.stance.label} {target.stance.score:+.2f}",
                    "edge": None if edge is None else f"{edge.stance.label} {edge.stance.score:+.2f}",
                }
            )
        out[name] = {"speaker_polar": polar, "target_right": target_right, "edge_right": edge_right, "rows": rows}
    return out


def summary(r: dict[str, Any]) -> str:
    lines = []
    for name in ("speakers as targets", "speakers apart"):
        x = r[name]
        lines.append(
            f"{name}: speaker given a polar label in {x['speaker_polar']} of {r['cases']}; target right in "
            f"{x['target_right']}; speaker → target edge right in {x['edge_right']}"
        )
    return "\n".join(lines)
