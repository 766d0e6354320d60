"""What one ``newsstance score`` run did, in numbers and in one line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class ScoreSummary:
    output: Path
    errors: Path
    articles_scored: int
    articles_skipped: int
    records_failed: int
    rows_written: int
    seconds: float
    workers: dict[str, int] = field(default_factory=dict)  # batches scored per worker (engine "dask")
    actors: str = ""  # the corpus's identities, in one line (newsstance.articles.identity.Registry.summary)
    settle_seconds: float = 0.0  # of ``seconds``, the corpus pass that settles the identities

    @property
    def articles_per_s(self) -> float:
        return self.articles_scored / self.seconds if self.seconds > 0 else 0.0

    def line(self) -> str:
        where = f" on {len(self.workers)} workers" if set(self.workers) - {"local"} else ""
        return (
            f"{self.articles_scored} articles scored, {self.articles_skipped} already done, "
            f"{self.records_failed} records failed, {self.rows_written} rows written "
            f"in {self.seconds:.1f} s ({self.articles_per_s:.2f} articles/s{where}) -> {self.output}"
            + (f"; failures in {self.errors}" if self.records_failed else "")
            + (f"; {self.actors}" if self.actors else "")
        )
