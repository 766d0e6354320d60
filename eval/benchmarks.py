"""Benchmarks: named NewsMTSC splits or any JSONL file in a supported format."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .corpora import DATA_ENV, Example, read_examples, resolve_data_dir, source_exists, source_sha256

BENCHMARKS = {
    "newsmtsc-test-rw": "newsmtsc/test_rw.jsonl",
    "newsmtsc-test-mt": "newsmtsc/test_mt.jsonl",
    "newsmtsc-dev-rw": "newsmtsc/dev_rw.jsonl",
    "newsmtsc-dev-mt": "newsmtsc/dev_mt.jsonl",
    "newstsc-test": "newstsc/test.jsonl",
    "newstsc-dev": "newstsc/train.jsonl@dev",  # NewsTSC has no dev split: 15% of train, held out
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


def resolve(name: str, data_dir: str | Path | None = None) -> tuple[str, Path]:
    """A benchmark name (see :data:`BENCHMARKS`) under the data folder, or a JSONL file path."""
    if name in BENCHMARKS:
        path = resolve_data_dir(data_dir) / BENCHMARKS[name]
        if not source_exists(path):
            raise FileNotFoundError(
                f"{path} not found; pass the folder holding newsmtsc/ with --data-dir (or set {DATA_ENV})"
            )
        return name, path
    path = Path(name)
    if source_exists(path):
        return path.stem, path
    raise ValueError(f"unknown benchmark {name!r}; use one of {sorted(BENCHMARKS)} or a JSONL file path")


def load_benchmark(name: str, data_dir: str | Path | None = None) -> Benchmark:
    """Read a benchmark in NewsMTSC's native format (one example per target, further mentions
    marked), NewsTSC's format, or the flat format ``{text, start, end, label}`` (label a name or
    -1/0/1)."""
    name, path = resolve(name, data_dir)
    examples = read_examples(path)
    if not examples:
        raise ValueError(f"{path} holds no examples")
    return Benchmark(name, path, source_sha256(path), tuple(examples))
