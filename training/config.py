"""The training recipe: a dataclass that validates itself and is saved next to the weights."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from newsstance.encoding import EncodingConfig
from newsstance.modeling import POOLINGS


@dataclass(frozen=True)
class TrainConfig:
    """Every setting of a training run. Unknown keys in a JSON recipe are an error."""

    base_model: str = "sentence-transformers/all-MiniLM-L6-v2"
    # a model directory of the same architecture whose weights (encoder and head) start the run
    # instead of the base model's encoder and a fresh head; "" for none
    init_model: str = ""
    encoding: EncodingConfig = field(default_factory=EncodingConfig)
    pooling: str = "cls"
    further_mentions: bool = True
    train_files: tuple[str, ...] = ("train.jsonl",)
    dev_files: tuple[str, ...] = ("dev_rw.jsonl", "dev_mt.jsonl")
    epochs: int = 3
    batch_size: int = 16
    learning_rate: float = 5e-5
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    label_smoothing: float = 0.0
    max_grad_norm: float = 1.0
    classifier_dropout: float = 0.1
    eval_batch_size: int = 64
    checkpoint_every: int = 200
    # "fp32", or "bf16": autocast the forward pass to bfloat16 (on a CPU, worth it only where it
    # has AVX-512 BF16 or AMX; the loss, gradients and optimiser state stay float32)
    precision: str = "fp32"
    # also keep every epoch's weights in OUTPUT/epoch-N/ (for ensembles of epochs)
    keep_epochs: bool = False
    seed: int = 42
    soup_seeds: tuple[int, ...] = ()
    # trained model directories (same base model, pooling and head initialisation) whose weights
    # are averaged with this recipe's trained weights
    soup_with: tuple[str, ...] = ()
    # the share of the soup that goes to the soup_with models (split equally among them); the
    # rest is split equally among this recipe's runs. None: every model weighs the same
    soup_with_weight: float | None = None
    # distillation (used by `newsstance distill` only): the loss on a gold example is
    # (1 - distill_weight) * cross-entropy + distill_weight * T² * KL(teacher ‖ student) at
    # temperature T = distill_temperature; a transfer example has the KL term alone.
    distill_weight: float = 0.5
    distill_temperature: float = 2.0

    def __post_init__(self) -> None:
        if isinstance(self.encoding, dict):
            object.__setattr__(self, "encoding", EncodingConfig.from_dict(self.encoding))
        for name in ("train_files", "dev_files", "soup_seeds", "soup_with"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        positive = ("epochs", "batch_size", "eval_batch_size", "checkpoint_every")
        for name in positive:
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        if not 0 < self.learning_rate < 1:
            raise ValueError(f"learning_rate must be in (0, 1), got {self.learning_rate}")
        if self.precision not in ("fp32", "bf16"):
            raise ValueError(f"precision must be 'fp32' or 'bf16', got {self.precision!r}")
        if self.pooling not in POOLINGS:
            raise ValueError(f"unknown pooling {self.pooling!r}; choose one of {POOLINGS}")
        for name in ("warmup_ratio", "label_smoothing", "classifier_dropout"):
            if not 0 <= getattr(self, name) < 1:
                raise ValueError(f"{name} must be in [0, 1), got {getattr(self, name)}")
        if not 0 <= self.distill_weight <= 1:
            raise ValueError(f"distill_weight must be in [0, 1], got {self.distill_weight}")
        if not self.distill_temperature > 0:
            raise ValueError(f"distill_temperature must be positive, got {self.distill_temperature}")
        if len(self.soup_seeds) == 1 or len(set(self.soup_seeds)) != len(self.soup_seeds):
            raise ValueError(f"soup_seeds must list two or more distinct seeds (or none), got {list(self.soup_seeds)}")
        if self.soup_with_weight is not None:
            if not self.soup_with:
                raise ValueError("soup_with_weight needs soup_with: name the models it weighs")
            if not 0 < self.soup_with_weight < 1:
                raise ValueError(f"soup_with_weight must be in (0, 1), got {self.soup_with_weight}")
        if not self.train_files or not self.dev_files:
            raise ValueError("train_files and dev_files must each name at least one file")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for name in ("train_files", "dev_files", "soup_seeds", "soup_with"):
            data[name] = list(data[name])
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainConfig:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known - {"name", "description"})
        if unknown:
            raise ValueError(f"unknown training settings {unknown}; valid ones are {sorted(known)}")
        return cls(**{k: v for k, v in data.items() if k in known})

    @classmethod
    def from_json(cls, path: str | Path) -> TrainConfig:
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"training config {path} not found; see training/configs/ for recipes")
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))

    def replace(self, **changes: Any) -> TrainConfig:
        return type(self).from_dict({**self.to_dict(), **changes})
