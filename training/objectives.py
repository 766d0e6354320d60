"""What a training run minimises, passed into the loop: the loss, and any examples beyond the
gold training set that it brings (a distilled student's transfer pairs, label -1)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import torch
import torch.nn.functional as F

from .distill_loss import TeacherTargets, distillation_loss
from .model_card import distillation_section
from .transfer import TransferPair


class Objective(Protocol):
    extra: Sequence[TransferPair]

    def loss(self, logits: torch.Tensor, labels: torch.Tensor, index: list[int]) -> torch.Tensor:
        """The batch's loss; ``index``: the batch's rows in the training set (gold, then extra)."""
        ...

    def check_gold(self, n: int) -> None:
        """Refuse a gold training set of ``n`` examples that the objective was not made for."""
        ...

    def describe(self) -> dict[str, Any] | None: ...

    def card(self) -> str: ...


@dataclass(frozen=True)
class CrossEntropy:
    """Cross-entropy on the gold labels."""

    label_smoothing: float = 0.0
    extra: Sequence[TransferPair] = ()

    def loss(self, logits: torch.Tensor, labels: torch.Tensor, index: list[int]) -> torch.Tensor:
        return F.cross_entropy(logits, labels, label_smoothing=self.label_smoothing)

    def check_gold(self, n: int) -> None:
        return None

    def describe(self) -> dict[str, Any] | None:
        return None

    def card(self) -> str:
        return ""


@dataclass(frozen=True)
class Distillation:
    """Gold labels plus the teachers' probabilities (see :func:`distillation_loss`)."""

    targets: TeacherTargets
    weight: float
    temperature: float
    label_smoothing: float = 0.0
    soft: torch.Tensor = field(init=False, repr=False)

    def __post_init__(self) -> None:
        probs = [*self.targets.gold_probs, *self.targets.pair_probs]
        object.__setattr__(self, "soft", torch.tensor(probs, dtype=torch.float32))

    @property
    def extra(self) -> Sequence[TransferPair]:
        return self.targets.pairs

    def loss(self, logits: torch.Tensor, labels: torch.Tensor, index: list[int]) -> torch.Tensor:
        soft = self.soft[index].to(logits.device)
        return distillation_loss(logits, labels, soft, self.weight, self.temperature, self.label_smoothing)

    def check_gold(self, n: int) -> None:
        if len(self.targets.gold_probs) != n:
            raise ValueError(
                f"the teacher labelled {len(self.targets.gold_probs)} gold examples but the training set has "
                f"{n}; relabel with the same train_files and further_mentions"
            )

    def describe(self) -> dict[str, Any] | None:
        return self.targets.describe()

    def card(self) -> str:
        return distillation_section(self.targets.describe())
