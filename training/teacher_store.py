"""A teacher's outputs kept without its weights: probabilities keyed by a hash of each example.

A student can be retrained, and its recipe changed, from a store alone: no teacher weights, no
relabelling. A store is two files side by side:

* ``NAME.npz``: ``keys`` (uint64, one per example: the first 8 bytes of the sha256 of the example
  as the encoder reads it, ``[text, spans]``) and ``probs`` (float16, ``LABELS`` order);
* ``NAME.json``: the teacher's recipe and dev figures, the sha256 of every data file the examples
  came from, and how many examples of each kind the store holds.

No text is stored, so a store may be committed where the data may not.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from newsstance.encoding import Span, merge_spans

__all__ = ["TeacherStore", "example_key", "is_store"]

Item = tuple[str, Sequence[Span]]


def example_key(text: str, spans: Sequence[Span]) -> int:
    """The store's key of one example: what the encoder reads (the text, its merged mention spans)."""
    canonical = json.dumps([text, [list(s) for s in merge_spans([tuple(s) for s in spans])]], ensure_ascii=False)
    return int.from_bytes(hashlib.sha256(canonical.encode("utf-8")).digest()[:8], "little")


def is_store(path: str | Path) -> bool:
    return Path(path).suffix == ".npz"


@dataclass(frozen=True)
class TeacherStore:
    keys: np.ndarray  # uint64
    probs: np.ndarray  # float16, (n, 3)
    meta: dict[str, Any]

    @classmethod
    def build(cls, items: Sequence[Item], probs: Sequence[Sequence[float]], meta: dict[str, Any]) -> TeacherStore:
        if len(items) != len(probs):
            raise ValueError(f"{len(items)} examples but {len(probs)} rows of probabilities")
        keys = np.fromiter((example_key(t, s) for t, s in items), dtype=np.uint64, count=len(items))
        keys, first = np.unique(keys, return_index=True)  # an example met twice is stored once
        return cls(keys, np.asarray(probs, dtype=np.float16)[first], meta)

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(path, keys=self.keys, probs=self.probs)
        path.with_suffix(".json").write_text(json.dumps(self.meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: str | Path) -> TeacherStore:
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(
                f"teacher store {path} not found; write one with `newsstance distill --save-teacher`"
            )
        with np.load(path) as data:
            keys, probs = data["keys"], data["probs"]
        side = path.with_suffix(".json")
        meta = json.loads(side.read_text(encoding="utf-8")) if side.is_file() else {}
        return cls(keys, probs, meta)

    def lookup(self, items: Sequence[Item]) -> np.ndarray:
        """The stored probabilities (float32) of ``items``, in their order; an unknown example is an error."""
        wanted = np.fromiter((example_key(t, s) for t, s in items), dtype=np.uint64, count=len(items))
        at = np.searchsorted(self.keys, wanted).clip(max=len(self.keys) - 1)
        missing = np.flatnonzero(self.keys[at] != wanted)
        if missing.size:
            text, spans = items[int(missing[0])]
            raise ValueError(
                f"the teacher store holds no probabilities for {missing.size} of {len(items)} examples "
                f"(the first: {text[:60]!r} at {list(spans)}); it was built from other data or another transfer "
                "set: relabel with the teacher's model directory instead of the store"
            )
        return self.probs[at].astype(np.float32)
