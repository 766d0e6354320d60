"""Inference backends: how a loaded model's arithmetic runs.

* ``torch``: float32 PyTorch, the reference.
* ``torch-int8``: PyTorch dynamic int8 quantisation of every linear layer (weights int8 with
  per-channel scales, activations quantised on the fly), CPU only. Nothing is stored on disk: quantising at load
  takes well under a second.
* ``torch-bf16``: the weights and arithmetic in bfloat16 (logits back in float32). Fast only on
  CPUs with native bf16 instructions (AVX-512 BF16 or AMX); elsewhere PyTorch emulates it.
* ``auto``: on the CPU, the first of ``torch-int8`` and ``torch-bf16`` that the model directory
  records as having passed the accuracy check of ``newsstance export`` and that this machine
  runs natively; else ``torch``.
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

import torch

logger = logging.getLogger(__name__)

BACKENDS = ("auto", "torch", "torch-int8", "torch-bf16")
_PREFERENCE = ("torch-int8", "torch-bf16")  # fastest first, as measured by newsstance.eval.speed


def resolve_backend(backend: str, device: torch.device, records: dict[str, Any]) -> str:
    """The concrete backend for ``backend`` on ``device``, given the model's export records."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {BACKENDS}")
    if backend == "auto":
        if device.type != "cpu":
            return "torch"
        usable = {"torch-int8": int8_available(), "torch-bf16": bf16_native()}
        for candidate in _PREFERENCE:
            if records.get(candidate, {}).get("passed", False) and usable[candidate]:
                return candidate
        return "torch"
    if backend == "torch-bf16" and device.type == "cpu" and not bf16_native():
        logger.warning("this CPU has no native bf16 instructions: torch-bf16 will be slower than torch")
    if backend == "torch-int8" and device.type != "cpu":
        raise ValueError(f"backend 'torch-int8' runs on the CPU only, not {device}; use backend='torch'")
    if backend == "torch-int8" and not int8_available():
        raise ValueError("this PyTorch build has no int8 kernels (quantized engine 'none'); use backend='torch'")
    return backend


def int8_available() -> bool:
    return any(e != "none" for e in torch.backends.quantized.supported_engines)


def bf16_native() -> bool:
    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(getattr(torch.cpu, name, lambda: False)() for name in checks)


def apply_backend(model: torch.nn.Module, backend: str) -> torch.nn.Module:
    """Return ``model`` ready to run under ``backend`` (a concrete one, not ``auto``)."""
    if backend == "torch":
        return model
    if backend == "torch-int8":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the eager quantisation API warns of its future move
            from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

            # Per-channel weight scales: measured closer to float32 than one scale per tensor.
            spec = {torch.nn.Linear: per_channel_dynamic_qconfig}
            return quantize_dynamic(model, spec, dtype=torch.qint8).eval()
    if backend == "torch-bf16":
        return model.to(torch.bfloat16).eval()
    raise ValueError(f"unknown backend {backend!r}; choose one of {BACKENDS}")
