"""Sets of non-overlapping character spans with logarithmic lookups, so that an article's
mentions are settled in time that grows with its length, not with its square."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import Any

from ..encoding import Span


class SpanSet:
    """Non-overlapping spans, each with an optional value (say, the actor it belongs to)."""

    def __init__(self, spans: Iterable[Span] = ()) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._values: list[Any] = []
        for start, end in sorted(spans):
            if not self.overlaps(start, end):
                self.add(start, end)

    def __len__(self) -> int:
        return len(self._starts)

    def overlaps(self, start: int, end: int) -> bool:
        """Some span shares a character with ``[start, end)``."""
        k = bisect.bisect_left(self._starts, end)
        return k > 0 and self._ends[k - 1] > start

    def add(self, start: int, end: int, value: Any = None) -> None:
        k = bisect.bisect_left(self._starts, start)
        self._starts.insert(k, start)
        self._ends.insert(k, end)
        self._values.insert(k, value)

    def at(self, position: int) -> tuple[int, int, Any] | None:
        """The span that holds ``position``, with its value."""
        k = bisect.bisect_right(self._starts, position) - 1
        if k >= 0 and position < self._ends[k]:
            return self._starts[k], self._ends[k], self._values[k]
        return None

    def inside_another(self, start: int, end: int) -> bool:
        """``[start, end)`` lies inside a longer span of the set."""
        k = bisect.bisect_right(self._starts, start) - 1
        return k >= 0 and self._ends[k] >= end and (self._starts[k], self._ends[k]) != (start, end)
