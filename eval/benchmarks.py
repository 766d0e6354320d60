"""Benchmarks: named NewsMTSC splits or any JSONL file in a supported format."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from .corpora import Example, parse_line

BENCHMARKS = {
    "newsmtsc-test-rw": "newsmtsc/test_rw.jsonl",
    "newsmtsc-test-mt": "newsmtsc/test_mt.jsonl",
    "newsmtsc-dev-rw": "newsmtsc/dev_rw.jsonl",
    "newsmtsc-dev-mt": "newsmtsc/dev_mt.jsonl",
    "newstsc-test": "newstsc/test.jsonl",
}


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
            text, targets = parse_line(json.loads(line), f"{path}:{number}")
            examples += [Example(text, spans, label) for spans, label in targets]
    if not examples:
        raise ValueError(f"{path} holds no examples")
    return Benchmark(name, path, hashlib.sha256(raw).hexdigest(), tuple(examples))
