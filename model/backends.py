"""Inference backends: how a loaded model's arithmetic runs.

* ``torch``: float32 PyTorch, the reference.
* ``torch-int8``: PyTorch dynamic int8 quantisation of every linear layer (weights int8,
  activations quantised on the fly), CPU only. Nothing is stored on disk: quantising at load
  takes well under a second.
* ``auto``: ``torch-int8`` on the CPU when the model directory records that this backend passed
  the accuracy check of ``newsstance export`` (see :func:`check_record`), else ``torch``.
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

import torch

logger = logging.getLogger(__name__)

BACKENDS = ("auto", "torch", "torch-int8")


def resolve_backend(backend: str, device: torch.device, records: dict[str, Any]) -> str:
    """The concrete backend for ``backend`` on ``device``, given the model's export records."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {BACKENDS}")
    if backend == "auto":
        passed = records.get("torch-int8", {}).get("passed", False)
        return "torch-int8" if device.type == "cpu" and passed and int8_available() else "torch"
    if backend == "torch-int8" and device.type != "cpu":
        raise ValueError(f"backend 'torch-int8' runs on the CPU only, not {device}; use backend='torch'")
    if backend == "torch-int8" and not int8_available():
        raise ValueError("this PyTorch build has no int8 kernels (quantized engine 'none'); use backend='torch'")
    return backend


def int8_available() -> bool:
    return any(e != "none" for e in torch.backends.quantized.supported_engines)


def apply_backend(model: torch.nn.Module, backend: str) -> torch.nn.Module:
    """Return ``model`` ready to run under ``backend`` (a concrete one, not ``auto``)."""
    if backend == "torch":
        return model
    if backend == "torch-int8":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the eager quantisation API warns of its future move
            from torch.ao.quantization import quantize_dynamic

            return quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8).eval()
    raise ValueError(f"unknown backend {backend!r}; choose one of {BACKENDS}")
