"""Average the weights of several runs of one recipe (a "model soup", Wortsman et al. 2022).

Runs of one recipe start from the same pretrained encoder and the same head initialisation,
so their fine-tuned weights can be averaged into one model of the same size. Models of other
recipes that share that starting point average too (``soup_with``: the shipped model is a
distilled student averaged with the gold-trained soup); whether it helps is for dev to say.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.torch import load_file, save_file

from newsstance.classifier import resolve_device
from newsstance.modeling import WEIGHTS_FILE
from newsstance.settings import SETTINGS_FILE, ModelSettings, file_sha256

from .checkpoint import CHECKPOINT_DIR
from .config import TrainConfig
from .model_card import soup_section
from .objectives import Objective
from .trainer import TrainResult, finish, train_one

logger = logging.getLogger(__name__)


def mixing_weights(n: int, weights: Sequence[float] | None = None) -> list[float]:
    """``weights`` (one per model, non-negative, not all zero) scaled to sum to 1; equal
    weights when none are given."""
    if weights is None:
        return [1.0 / n] * n
    weights = [float(w) for w in weights]
    if len(weights) != n:
        raise ValueError(f"give one weight per model: {n} models, {len(weights)} weights")
    if any(not np.isfinite(w) or w < 0 for w in weights) or sum(weights) == 0:
        raise ValueError(f"weights must be finite, non-negative and not all zero, got {weights}")
    return [w / sum(weights) for w in weights]


def average_weights(
    model_dirs: Sequence[str | Path], weights: Sequence[float] | None = None
) -> dict[str, torch.Tensor]:
    """The element-wise mean (in float32) of the models' floating-point weights, weighted by
    ``weights`` (see :func:`mixing_weights`)."""
    if not model_dirs:
        raise ValueError("give at least one model directory to average")
    mix = mixing_weights(len(model_dirs), weights)
    total: dict[str, torch.Tensor] = {}
    for d, w in zip(model_dirs, mix):
        state = load_file(Path(d) / WEIGHTS_FILE)
        if total and state.keys() != total.keys():
            raise ValueError(f"{d} has other weights than {model_dirs[0]}; only runs of one recipe can be averaged")
        for k, v in state.items():
            total[k] = total[k] + w * v.float() if k in total else w * v.float()
    return total


def soup(
    model_dirs: Sequence[str | Path],
    output: str | Path,
    dtype: torch.dtype = torch.float16,
    weights: Sequence[float] | None = None,
) -> Path:
    """Write a model directory whose weights are the (weighted) mean of ``model_dirs``' weights."""
    if not model_dirs:
        raise ValueError("give at least one model directory to average")
    mix = mixing_weights(len(model_dirs), weights)
    output, first = Path(output), Path(model_dirs[0])
    output.mkdir(parents=True, exist_ok=True)
    for item in first.iterdir():
        if item.is_file() and item.name not in (
            WEIGHTS_FILE,
            SETTINGS_FILE,
            "README.md",
            "train_log.jsonl",
            "train.log",
        ):
            shutil.copy(item, output / item.name)
    state = {k: v.to(dtype).contiguous() for k, v in average_weights(model_dirs, mix).items()}
    save_file(state, output / WEIGHTS_FILE, metadata={"format": "pt"})
    settings = ModelSettings.load(first)
    training = {**settings.training, "soup_of": [str(Path(d)) for d in model_dirs]}
    if weights is not None:
        training["soup_weights"] = [round(w, 6) for w in mix]
    ModelSettings(
        encoding=settings.encoding,
        pooling=settings.pooling,
        base_model=settings.base_model,
        training=training,
        data=settings.data,
        versions=settings.versions,
    ).save(output)
    return output


def train_soup(
    config: TrainConfig,
    data_dir: str | Path,
    output_dir: str | Path,
    device: str | None = None,
    test_files: tuple[str, ...] = (),
    objective: Objective | None = None,
    **run: Any,
) -> TrainResult:
    """One run per seed of ``soup_seeds`` (in ``output_dir/runs/seedN``), averaged with the
    ``soup_with`` models into ``output_dir``. Finished seed runs are skipped and unfinished
    ones resume, so an interrupted soup continues where it stopped. ``run``: the rest of
    :func:`~newsstance.training.trainer.train_one`'s keywords, for every seed run."""
    data_dir, output_dir = Path(data_dir), Path(output_dir)
    others = [Path(p) for p in config.soup_with]
    for other in others:
        if ModelSettings.load(other).pooling != config.pooling:
            raise ValueError(f"soup_with model {other} has another pooling than the recipe's {config.pooling!r}")
    seed_list = list(config.soup_seeds or (config.seed,))
    runs = []
    for seed in seed_list:
        run_dir = output_dir / "runs" / f"seed{seed}"
        if not (run_dir / SETTINGS_FILE).is_file() or (run_dir / CHECKPOINT_DIR).exists():
            logger.info("soup: training seed %d into %s", seed, run_dir)
            one = config.replace(seed=seed, soup_seeds=[], soup_with=[], soup_with_weight=None)
            train_one(one, data_dir, run_dir, device, test_files, objective=objective, **run)
        runs.append(run_dir)
    weights = None
    if config.soup_with_weight is not None:
        share = config.soup_with_weight
        weights = [(1 - share) / len(runs)] * len(runs) + [share / len(others)] * len(others)
    soup([*runs, *others], output_dir, weights=weights)

    seeds = [ModelSettings.load(r).metrics for r in runs]
    spread = {}
    for split in [*seeds[0]["dev"], *seeds[0]["test"]]:
        values = [m["dev"].get(split, m["test"].get(split, {})).get("f1m") for m in seeds]
        sd = float(np.std(values, ddof=1)) if len(values) > 1 else 0.0
        spread[split] = {"f1m": values, "mean": float(np.mean(values)), "sd": sd}
    soup_with = [{"path": str(o), "weights_sha256": file_sha256(o / WEIGHTS_FILE)} for o in others]
    if weights is not None:
        for entry, w in zip(soup_with, weights[len(runs) :]):
            entry["weight"] = round(w, 6)
    card = soup_section(seed_list, spread, soup_with)
    described = objective.describe() if objective is not None else None
    seconds = sum(m["train_seconds"] for m in seeds)
    metrics = {
        "soup_of_seeds": seed_list,
        **({"soup_with": soup_with} if soup_with else {}),
        "seed_runs": spread,
        "best_epoch": [m["best_epoch"] for m in seeds],
        "train_seconds": round(seconds, 1),
        "train_device": seeds[0]["train_device"],
        **({"distillation": described} if described is not None else {}),
    }
    extra = card + ("\n\n" + objective.card() if described is not None else "")
    data_hashes = ModelSettings.load(runs[0]).data
    dev = finish(config, output_dir, data_dir, resolve_device(device), test_files, data_hashes, metrics, extra)
    return TrainResult(output_dir, -1, dev, seconds)
