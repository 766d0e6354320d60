"""Inference backends: how a loaded model's arithmetic runs.

* ``torch``: float32 PyTorch, the reference.
* ``torch-bf16``: the weights and arithmetic in bfloat16 (logits back in float32). Fast only on
  CPUs with native bf16 instructions (AVX-512 BF16 or AMX); elsewhere PyTorch emulates it.
* ``onnx-int8``: ONNX Runtime with fused attention/GELU/LayerNorm kernels and int8 weights
  (``model.int8.onnx``, written by ``newsstance export``; see :mod:`newsstance.onnx_backend`).
  CPU only; needs the ``onnx`` extra.
* ``auto``: on the CPU, the first of ``torch-bf16`` and ``onnx-int8`` that the
  model directory records as having passed the accuracy check of ``newsstance export`` and that
  this machine can run (natively, for bf16; with ONNX Runtime installed, for onnx-int8, whose
  file is found or built as :func:`newsstance.onnx_backend.onnx_file` says); else ``torch``.
  bf16 comes first because it measured the higher throughput where it is native (AVX-512 BF16:
  201 against 192 mentions/s); on CPUs without it, onnx-int8 is the fast path.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import torch

logger = logging.getLogger(__name__)

BACKENDS = ("auto", "torch", "onnx-int8", "torch-bf16")
_PREFERENCE = ("torch-bf16", "onnx-int8")  # fastest first, as measured by newsstance.eval.speed


def resolve_backend(
    backend: str, device: torch.device, records: dict[str, Any], model_dir: str | Path | None = None
) -> str:
    """The concrete backend for ``backend`` on ``device``, given the model's export records
    and (for ONNX) the files in ``model_dir``."""
    from .onnx_backend import onnx_available, onnx_file

    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {BACKENDS}")
    if backend == "auto":
        if device.type != "cpu":
            return "torch"
        usable = {
            "onnx-int8": model_dir is not None
            and onnx_available()
            and (onnx_available(export=True) or onnx_file(model_dir, build=False) is not None),
            "torch-bf16": bf16_native(),
        }
        for candidate in _PREFERENCE:
            if records.get(candidate, {}).get("passed", False) and usable[candidate]:
                return candidate
        return "torch"
    if backend == "torch-bf16" and device.type == "cpu" and not bf16_native():
        logger.warning("this CPU has no native bf16 instructions: torch-bf16 will be slower than torch")
    if backend.startswith("onnx") and device.type != "cpu":
        raise ValueError(f"backend {backend!r} runs on the CPU only, not {device}; use backend='torch'")
    return backend


def bf16_native() -> bool:
    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(getattr(torch.cpu, name, lambda: False)() for name in checks)


def apply_backend(model: torch.nn.Module, backend: str) -> torch.nn.Module:
    """Return ``model`` ready to run under ``backend`` (a concrete one, not ``auto``)."""
    if backend == "torch":
        return model
    if backend == "torch-bf16":
        return model.to(torch.bfloat16).eval()
    if backend.startswith("onnx"):
        from .onnx_backend import OnnxStanceModel

        if not isinstance(model, OnnxStanceModel):
            raise ValueError(f"backend {backend!r} runs an exported file; load the model with from_pretrained")
        return model
    raise ValueError(f"unknown backend {backend!r}; choose one of {BACKENDS}")
