"""The network: a pretrained transformer encoder and a linear head over a pooled representation."""

from __future__ import annotations

from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from torch import nn
from transformers import AutoConfig, AutoModel

from .stance import LABELS

POOLINGS = ("cls", "mean", "cls+target", "mean+target")
WEIGHTS_FILE = "model.safetensors"
INPUT_NAMES = ("input_ids", "attention_mask", "target_mask", "token_type_ids")  # forward's order


class StanceModel(nn.Module):
    """Encoder + dropout + linear layer over three labels.

    Poolings: ``cls`` (first token), ``mean`` (mean of all tokens), and ``cls+target`` /
    ``mean+target``, which concatenate the mean of the target's own tokens (its mentions and
    their markers, from the encoding's ``target_mask``).
    """

    def __init__(self, encoder: nn.Module, pooling: str = "cls", dropout: float = 0.1) -> None:
        super().__init__()
        if pooling not in POOLINGS:
            raise ValueError(f"unknown pooling {pooling!r}; choose one of {POOLINGS}")
        self.encoder = encoder
        self.pooling = pooling
        hidden = encoder.config.hidden_size
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(hidden * (2 if "+target" in pooling else 1), len(LABELS))

    @property
    def config(self):
        return self.encoder.config

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        target_mask: torch.Tensor | None = None,
        token_type_ids: torch.Tensor | None = None,
    ) -> torch.Tensor:
        extra = {} if token_type_ids is None else {"token_type_ids": token_type_ids}
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask, **extra).last_hidden_state
        pooled = hidden[:, 0] if self.pooling.startswith("cls") else _masked_mean(hidden, attention_mask)
        if "+target" in self.pooling:
            if target_mask is None:
                raise ValueError(f"pooling {self.pooling!r} needs the encoding's target_mask")
            pooled = torch.cat([pooled, _masked_mean(hidden, target_mask)], dim=-1)
        return self.classifier(self.dropout(pooled))

    @classmethod
    def from_base(cls, path: str | Path, pooling: str, dropout: float = 0.1) -> StanceModel:
        """A new model: pretrained encoder weights from ``path``, a freshly initialised head."""
        encoder = AutoModel.from_pretrained(path, local_files_only=True, dtype=torch.float32)
        model = cls(encoder, pooling, dropout)
        model.config.id2label = dict(enumerate(LABELS))
        model.config.label2id = {label: i for i, label in enumerate(LABELS)}
        return model

    @classmethod
    def from_pretrained(cls, path: str | Path, pooling: str, attn_implementation: str | None = None) -> StanceModel:
        """Rebuild from a saved directory: architecture from config.json, weights from safetensors.

        ``attn_implementation`` (e.g. ``"eager"``, for exporting) picks the encoder's attention code."""
        path = Path(path)
        config = AutoConfig.from_pretrained(path, local_files_only=True)
        extra = {} if attn_implementation is None else {"attn_implementation": attn_implementation}
        encoder = AutoModel.from_config(config, **extra)
        model = cls(encoder, pooling)
        model.load_state_dict(load_file(path / WEIGHTS_FILE))
        return model.float().eval()

    def save_pretrained(self, path: str | Path, dtype: torch.dtype | None = None) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        self.config.save_pretrained(path)
        state = {
            k: v.detach().to("cpu", dtype if dtype is not None and v.is_floating_point() else v.dtype).contiguous()
            for k, v in self.state_dict().items()
        }
        save_file(state, path / WEIGHTS_FILE, metadata={"format": "pt", "pooling": self.pooling})


def _masked_mean(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    weights = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0)
