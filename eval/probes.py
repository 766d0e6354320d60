"""Behavioural probes: small hand-written cases, grouped by the capability they test."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsstance.stance import LABELS

PROBES_FILE = Path(__file__).resolve().parent / "probes" / "probes.jsonl"


@dataclass(frozen=True)
class Probe:
    id: str
    capability: str
    group: str
    text: str
    target: str
    label: str


def load_probes(path: str | Path = PROBES_FILE) -> list[Probe]:
    probes = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        probe = Probe(**json.loads(line))
        if probe.label not in LABELS:
            raise ValueError(f"{path}:{number}: label {probe.label!r} is not one of {LABELS}")
        probes.append(probe)
    return probes


def run_probes(model: Any, probes: list[Probe], batch_size: int = 32) -> dict[str, Any]:
    """Pass rate per capability (a probe passes when the predicted label is the expected one)
    and the list of failures."""
    stances = model.classify_many([(p.text, p.target) for p in probes], batch_size=batch_size)
    by_cap: dict[str, list[bool]] = defaultdict(list)
    failures = []
    for probe, stance in zip(probes, stances):
        ok = stance.label == probe.label
        by_cap[probe.capability].append(ok)
        if not ok:
            failures.append({**probe.__dict__, "predicted": stance.label, "probs": stance.probs})
    rates = {cap: {"passed": sum(v), "n": len(v), "rate": sum(v) / len(v)} for cap, v in sorted(by_cap.items())}
    total = sum(r["passed"] for r in rates.values())
    return {"capabilities": rates, "overall": total / len(probes), "n": len(probes), "failures": failures}
