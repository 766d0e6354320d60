"""The result type and the label set shared by every part of newsstance."""

from __future__ import annotations

from dataclasses import dataclass, field

LABELS: tuple[str, ...] = ("negative", "neutral", "positive")
"""Stance labels, in the order of the model's output units."""


@dataclass(frozen=True)
class Stance:
    """How a passage portrays one target.

    ``probs`` maps every label to its probability (they sum to 1); ``score`` is
    ``probs["positive"] - probs["negative"]``, a signed summary in [-1, 1].
    """

    label: str
    probs: dict[str, float]
    score: float = field(init=False)

    def __post_init__(self) -> None:
        if self.label not in LABELS:
            raise ValueError(f"label {self.label!r} is not one of {LABELS}")
        missing = set(LABELS) - set(self.probs)
        if missing:
            raise ValueError(f"probs lacks {sorted(missing)}; give a probability for each of {LABELS}")
        object.__setattr__(self, "score", self.probs["positive"] - self.probs["negative"])

    @classmethod
    def from_probs(cls, probs: list[float] | tuple[float, ...]) -> Stance:
        """Build a result from probabilities in ``LABELS`` order."""
        if len(probs) != len(LABELS):
            raise ValueError(f"expected {len(LABELS)} probabilities in the order {LABELS}, got {len(probs)}")
        mapping = {label: float(p) for label, p in zip(LABELS, probs)}
        best = max(LABELS, key=mapping.__getitem__)
        return cls(label=best, probs=mapping)
