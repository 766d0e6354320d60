"""Inference backends: how a loaded model's arithmetic runs.

* ``torch``: float32 PyTorch, the reference.
* ``openvino-bf16``: the network converted in memory to OpenVINO, with fused kernels and
  bfloat16 arithmetic (logits back in float32) on CPUs with native bf16 instructions
  (AVX-512 BF16 or AMX); in float32 elsewhere. CPU only; needs the ``openvino`` extra
  (see :mod:`newsstance.openvino_backend`).
* ``onnx-int8``: ONNX Runtime with fused attention/GELU/LayerNorm kernels and int8 weights
  (``model.int8.onnx``, written by ``newsstance export``; see :mod:`newsstance.onnx_backend`).
  CPU only; needs the ``onnx`` extra.
* ``auto``: on the CPU, the first of ``openvino-bf16`` and ``onnx-int8`` that the model
  directory records as having passed the accuracy check of ``newsstance export`` and that this
  machine can run (OpenVINO installed and native bf16, for the first; ONNX Runtime installed,
  for onnx-int8, whose file is found or built as :func:`newsstance.onnx_backend.onnx_file`
  says); else ``torch``. OpenVINO in bf16 comes first because it measured the higher
  throughput where bf16 is native; on CPUs without it, onnx-int8 is the fast path.

PyTorch in bf16 (``model.to(torch.bfloat16)``) measured slower than OpenVINO in bf16 (1.7×
float32 against 1.9×), so it is not offered.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import torch

logger = logging.getLogger(__name__)

BACKENDS = ("auto", "torch", "openvino-bf16", "onnx-int8")
_PREFERENCE = ("openvino-bf16", "onnx-int8")  # fastest first, as measured by newsstance.eval.speed


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
            "openvino-bf16": openvino_bf16_fast(),
        }
        for candidate in _PREFERENCE:
            if records.get(candidate, {}).get("passed", False) and usable[candidate]:
                return candidate
        return "torch"
    if backend == "openvino-bf16" and device.type == "cpu" and not bf16_native():
        logger.warning("this CPU has no native bf16 instructions: openvino-bf16 runs in float32 here")
    if backend != "torch" and device.type != "cpu":
        raise ValueError(f"backend {backend!r} runs on the CPU only, not {device}; use backend='torch'")
    return backend


def bf16_native() -> bool:
    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(getattr(torch.cpu, name, lambda: False)() for name in checks)


def openvino_bf16_fast() -> bool:
    """OpenVINO is installed and the CPU has native bf16: where ``openvino-bf16`` is the fast path."""
    from .openvino_backend import openvino_available

    return openvino_available() and bf16_native()


def apply_backend(
    model: torch.nn.Module, backend: str, example: dict[str, torch.Tensor] | None = None, threads: int | None = None
) -> torch.nn.Module:
    """Return ``model`` ready to run under ``backend`` (a concrete one, not ``auto``).

    ``example``: a padded batch with the inputs the model will get (for ``openvino-bf16``,
    which converts the network by tracing it); ``threads``: its CPU threads.
    """
    if backend == "torch":
        return model
    if backend == "openvino-bf16":
        from .openvino_backend import OpenVinoStanceModel

        if isinstance(model, OpenVinoStanceModel):
            return model
        if example is None:
            raise ValueError("backend 'openvino-bf16' converts the network from an example batch; pass example=")
        return OpenVinoStanceModel(model, example, threads)
    if backend.startswith("onnx"):
        from .onnx_backend import OnnxStanceModel

        if not isinstance(model, OnnxStanceModel):
            raise ValueError(f"backend {backend!r} runs an exported file; load the model with from_pretrained")
        return model
    raise ValueError(f"unknown backend {backend!r}; choose one of {BACKENDS}")
