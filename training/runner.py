"""Run a recipe: one training run, or a soup of seed runs when the recipe asks for one."""

from __future__ import annotations

from pathlib import Path

from .config import TrainConfig
from .objectives import Objective
from .soup import train_soup
from .trainer import TrainResult, train_one


def train(
    config: TrainConfig,
    data_dir: str | Path,
    output_dir: str | Path,
    device: str | None = None,
    test_files: tuple[str, ...] = (),
    log_every: int = 50,
    max_steps: int | None = None,
    objective: Objective | None = None,
) -> TrainResult:
    """Train one model, or, when the recipe lists ``soup_seeds`` or ``soup_with``, one per seed
    averaged with those models (see :func:`newsstance.training.soup.train_soup`)."""
    run = train_soup if config.soup_seeds or config.soup_with else train_one
    keywords = {"log_every": log_every, "max_steps": max_steps, "objective": objective}
    return run(config, data_dir, output_dir, device, test_files, **keywords)
