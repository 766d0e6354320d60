"""Average the weights of several runs of one recipe (a "model soup", Wortsman et al. 2022).

Runs of one recipe start from the same pretrained encoder and the same head initialisation,
so their fine-tuned weights can be averaged into one model of the same size. Models of other
recipes that share that starting point average too (``soup_with``: the shipped model is a
distilled student averaged with the gold-trained soup); whether it helps is for dev to say.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from newsstance.modeling import WEIGHTS_FILE
from newsstance.settings import SETTINGS_FILE, ModelSettings


def average_weights(model_dirs: Sequence[str | Path]) -> dict[str, torch.Tensor]:
    """The element-wise mean (in float32) of the models' floating-point weights."""
    if not model_dirs:
        raise ValueError("give at least one model directory to average")
    total: dict[str, torch.Tensor] = {}
    for d in model_dirs:
        state = load_file(Path(d) / WEIGHTS_FILE)
        if total and state.keys() != total.keys():
            raise ValueError(f"{d} has other weights than {model_dirs[0]}; only runs of one recipe can be averaged")
        for k, v in state.items():
            total[k] = total[k] + v.float() if k in total else v.float()
    return {k: v / len(model_dirs) for k, v in total.items()}


def soup(model_dirs: Sequence[str | Path], output: str | Path, dtype: torch.dtype = torch.float16) -> Path:
    """Write a model directory whose weights are the mean of ``model_dirs``' weights."""
    if not model_dirs:
        raise ValueError("give at least one model directory to average")
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
    state = {k: v.to(dtype).contiguous() for k, v in average_weights(model_dirs).items()}
    save_file(state, output / WEIGHTS_FILE, metadata={"format": "pt"})
    settings = ModelSettings.load(first)
    training = {**settings.training, "soup_of": [str(Path(d)) for d in model_dirs]}
    ModelSettings(
        encoding=settings.encoding,
        pooling=settings.pooling,
        base_model=settings.base_model,
        training=training,
        data=settings.data,
        versions=settings.versions,
    ).save(output)
    return output
