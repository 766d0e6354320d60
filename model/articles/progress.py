"""How far a long analysis is: ``(stage, done, total)`` reports (:data:`Progress`), shown as a
tqdm bar per stage (``show_progress_bar``) or as the postfix of another bar (``newsstance score``).
Nothing is shown unless asked."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

Progress = Callable[[str, int, int], None]
"""Told ``(stage, done, total)`` as analysis goes: stage "read" counts the passages spaCy has read
(a passage over 100,000 characters counts once per piece), "classify" the sentence × actor pairs
the model has classified. ``done`` grows to ``total``; a stage with nothing to do is not told."""

LONG_ARTICLE = 50_000
"""Characters from which an article shows its own progress in the command line (``score``,
``view``): reading and classifying it takes ten seconds or more."""

UNITS = {"read": "passage", "classify": "pair"}

__all__ = ["LONG_ARTICLE", "UNITS", "Bars", "Postfix", "Progress"]


class Bars:
    """A tqdm bar per stage on stderr, one at a time; ``also`` is told every report too."""

    def __init__(self, also: Progress | None = None) -> None:
        self.also, self.stage, self.bar = also, None, None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            from tqdm.auto import tqdm

            self.close()
            self.stage, self.bar = stage, tqdm(total=total, desc=stage, unit=UNITS.get(stage, "it"))
        self.bar.update(done - self.bar.n)
        if self.also is not None:
            self.also(stage, done, total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        self.stage, self.bar = None, None


class Postfix:
    """Reports as the postfix of ``bar`` ("classify 1,024/5,120 pairs"), while ``wanted()`` holds,
    redrawn at most every ``every`` seconds and at the end of each stage."""

    def __init__(self, bar: Any, wanted: Callable[[], bool], every: float = 0.5) -> None:
        self.bar, self.wanted, self.every = bar, wanted, every
        self.drawn, self.shown = 0.0, False

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.wanted() or (done < total and now - self.drawn < self.every):
            return
        self.drawn, self.shown = now, True
        self.bar.set_postfix_str(f"{stage} {done:,}/{total:,} {UNITS.get(stage, 'item')}s")

    def clear(self) -> None:
        """No postfix any more (drawn with the bar's next update)."""
        if self.shown:
            self.bar.set_postfix_str("", refresh=False)
            self.shown = False
