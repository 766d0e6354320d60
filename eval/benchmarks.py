"""Benchmarks: named NewsMTSC splits or any JSONL file in a supported format."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from newsstance.encoding import Span, merge_spans
from newsstance.stance import LABELS

BENCHMARKS = {
    "newsmtsc-test-rw": "newsmtsc/test_rw.jsonl",
    "newsmtsc-test-mt": "newsmtsc/test_mt.jsonl",
    "newsmtsc-dev-rw": "newsmtsc/dev_rw.jsonl",
    "newsmtsc-dev-mt": "newsmtsc/dev_mt.jsonl",
    "newstsc-test": "newstsc/test.jsonl",
}
_POLARITY = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}
_FLAT_LABELS = {"-1": "negative", "0": "neutral", "1": "positive", **{label: label for label in LABELS}}


@dataclass(frozen=True)
class Example:
    text: str
    spans: tuple[Span, ...]
    label: str

    @property
    def target(self) -> str:
        s, e = self.spans[0]
        return self.text[s:e]


@dataclass(frozen=True)
class Benchmark:
    name: str
    path: Path
    sha256: str
    examples: tuple[Example, ...]

    @property
    def gold(self) -> list[str]:
        return [e.label for e in self.examples]


def resolve(name: str, data_dir: str | Path) -> tuple[str, Path]:
    """A benchmark name (see :data:`BENCHMARKS`) under ``data_dir``, or a JSONL file path."""
    if name in BENCHMARKS:
        path = Path(data_dir) / BENCHMARKS[name]
        if not path.is_file():
            raise FileNotFoundError(f"{path} not found; pass the folder holding newsmtsc/ with --data-dir")
        return name, path
    path = Path(name)
    if path.is_file():
        return path.stem, path
    raise ValueError(f"unknown benchmark {name!r}; use one of {sorted(BENCHMARKS)} or a JSONL file path")


def load_benchmark(name: str, data_dir: str | Path = "../shared/data") -> Benchmark:
    """Read a benchmark in NewsMTSC's native format (one example per target, further mentions
    marked), NewsTSC's format, or the flat format ``{text, start, end, label}`` (label a name or
    -1/0/1)."""
    name, path = resolve(name, data_dir)
    raw = path.read_bytes()
    examples = []
    for number, line in enumerate(raw.decode("utf-8").splitlines(), start=1):
        if line.strip():
            examples += _parse(json.loads(line), path, number)
    if not examples:
        raise ValueError(f"{path} holds no examples")
    return Benchmark(name, path, hashlib.sha256(raw).hexdigest(), tuple(examples))


def _parse(obj: dict, path: Path, number: int) -> list[Example]:
    if "sentence_normalized" in obj:
        text = obj["sentence_normalized"]
        out = []
        for t in obj["targets"]:
            spans = [(t["from"], t["to"])] + [(m["from"], m["to"]) for m in t.get("further_mentions") or []]
            out.append(Example(text, merge_spans(spans), _POLARITY[float(t["polarity"])]))
        return out
    if "local_context" in obj:
        span = (obj["target_local_from"], obj["target_local_to"])
        return [Example(obj["local_context"], (span,), obj["label"])]
    if {"text", "start", "end", "label"} <= set(obj):
        label = _FLAT_LABELS.get(str(obj["label"]).strip().lower())
        if label is None:
            raise ValueError(f"{path}:{number}: label {obj['label']!r} is not one of {LABELS} or -1/0/1")
        return [Example(obj["text"], ((int(obj["start"]), int(obj["end"])),), label)]
    raise ValueError(
        f"{path}:{number}: unknown format; use NewsMTSC's native JSONL or {{text, start, end, label}} lines"
    )
