"""What a distilled student learns from: the teacher's probabilities, and the loss that follows them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import torch
import torch.nn.functional as F

from .transfer import TransferPair


@dataclass(frozen=True)
class TeacherTargets:
    """The teachers' averaged probabilities (``LABELS`` order) for every gold training example,
    in the training set's order, and for every transfer pair; plus where they came from."""

    gold_probs: list[list[float]]
    pairs: list[TransferPair]
    pair_probs: list[list[float]]
    teachers: list[dict[str, Any]] = field(default_factory=list)
    construction: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.pairs) != len(self.pair_probs):
            raise ValueError(f"{len(self.pairs)} transfer pairs but {len(self.pair_probs)} teacher probabilities")

    def describe(self) -> dict[str, Any]:
        return {
            "teachers": self.teachers,
            "gold_examples": len(self.gold_probs),
            "transfer_pairs": len(self.pairs),
            "transfer_origins": dict(sorted(Counter(p.origin for p in self.pairs).items())),
            "construction": self.construction,
        }


def distillation_loss(
    logits: torch.Tensor,
    labels: torch.Tensor,
    teacher_probs: torch.Tensor,
    weight: float,
    temperature: float,
    label_smoothing: float = 0.0,
) -> torch.Tensor:
    """Mean over the batch of ``(1 - weight) * CE + weight * T² * KL`` for gold examples
    (label ≥ 0) and ``T² * KL`` for transfer examples (label -1).

    The teacher's probabilities are softened at temperature T like the student's logits
    (p ∝ p^(1/T)); T² keeps the KL gradients on the scale of the cross-entropy's (Hinton et al. 2015).
    """
    t = temperature
    teacher_log = F.log_softmax(torch.log(teacher_probs.clamp_min(1e-8)) / t, dim=-1)
    student_log = F.log_softmax(logits / t, dim=-1)
    kl = (teacher_log.exp() * (teacher_log - student_log)).sum(-1) * t * t
    gold = labels >= 0
    ce = F.cross_entropy(logits, labels.clamp_min(0), reduction="none", label_smoothing=label_smoothing)
    per_example = torch.where(gold, (1 - weight) * ce + weight * kl, kl)
    return per_example.mean()
