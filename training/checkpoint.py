"""The training checkpoint: weights, optimiser, schedule, RNG and loop state, written atomically
so that an interrupted run resumes exactly where it stopped."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file

CHECKPOINT_DIR = "checkpoint"
_WEIGHTS, _STATE = "model.safetensors", "trainer_state.pt"


def save_checkpoint(output_dir: Path, model, optimizer, scheduler, config: dict[str, Any], state: dict) -> None:
    ckpt, tmp = output_dir / CHECKPOINT_DIR, output_dir / (CHECKPOINT_DIR + ".tmp")
    tmp.mkdir(exist_ok=True)
    save_file({k: v.detach().contiguous().cpu() for k, v in model.state_dict().items()}, tmp / _WEIGHTS)
    torch.save(
        {
            "config": config,
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(),
            "torch_rng": torch.get_rng_state(),
            "state": state,
        },
        tmp / _STATE,
    )
    if ckpt.exists():
        shutil.rmtree(ckpt)
    tmp.rename(ckpt)


def load_checkpoint(output_dir: Path, model, optimizer, scheduler, config: dict[str, Any], device) -> dict | None:
    """Restore a checkpoint into the given objects and return the loop state; ``None`` if there is none."""
    ckpt = output_dir / CHECKPOINT_DIR
    if not (ckpt / _STATE).is_file():
        return None
    saved = torch.load(ckpt / _STATE, map_location="cpu", weights_only=False)
    if saved["config"] != config:
        raise ValueError(
            f"{ckpt} was written by a different config; use another --output or delete {ckpt} to start over"
        )
    model.load_state_dict(load_file(ckpt / _WEIGHTS, device=str(device)))
    optimizer.load_state_dict(saved["optimizer"])
    scheduler.load_state_dict(saved["scheduler"])
    torch.set_rng_state(saved["torch_rng"])
    return saved["state"]


def remove_checkpoint(output_dir: Path) -> None:
    if (output_dir / CHECKPOINT_DIR).exists():
        shutil.rmtree(output_dir / CHECKPOINT_DIR)
