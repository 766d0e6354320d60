"""Inference backends: how a loaded model's arithmetic runs.

* ``torch``: float32 PyTorch, the reference.
* ``openvino-int8``: the network converted in memory to OpenVINO, with fused kernels, int8
  weights and activations quantised per token on the fly for the linear layers, float32
  elsewhere (logits in float32). CPU only; needs the ``openvino`` extra (see
  :mod:`newsstance.openvino_backend`).
* ``onnx-int8``: ONNX Runtime with fused attention/GELU/LayerNorm kernels and int8 weights
  (``model.int8.onnx``, written by ``newsstance export``; see :mod:`newsstance.onnx_backend`).
  CPU only; needs the ``onnx`` extra.
* ``auto``: on the CPU, the first of ``openvino-int8`` and ``onnx-int8`` that the model
  directory records as having passed the accuracy check of ``newsstance export`` and that this
  machine can run (OpenVINO installed, for the first; ONNX Runtime installed, for onnx-int8,
  whose file is found or built as :func:`newsstance.onnx_backend.onnx_file` says); else
  ``torch``. OpenVINO comes first because it measured the higher throughput.

Measured and not offered (``python -m newsstance.eval.speed``): OpenVINO in bfloat16 (1.9×
float32 PyTorch; it remains the labelling mode of ``newsstance distill``) and PyTorch in
bfloat16 (1.7×).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

BACKENDS = ("auto", "torch", "openvino-int8", "onnx-int8")
_PREFERENCE = ("openvino-int8", "onnx-int8")  # fastest first, as measured by newsstance.eval.speed


def resolve_backend(
    backend: str, device: torch.device, records: dict[str, Any], model_dir: str | Path | None = None
) -> str:
    """The concrete backend for ``backend`` on ``device``, given the model's export records
    and (for ONNX) the files in ``model_dir``."""
    from .onnx_backend import onnx_available, onnx_file
    from .openvino_backend import openvino_available

    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {BACKENDS}")
    if backend == "auto":
        if device.type != "cpu":
            return "torch"
        usable = {
            "onnx-int8": model_dir is not None
            and onnx_available()
            and (onnx_available(export=True) or onnx_file(model_dir, build=False) is not None),
            "openvino-int8": openvino_available(),
        }
        for candidate in _PREFERENCE:
            if records.get(candidate, {}).get("passed", False) and usable[candidate]:
                return candidate
        return "torch"
    if backend != "torch" and device.type != "cpu":
        raise ValueError(f"backend {backend!r} runs on the CPU only, not {device}; use backend='torch'")
    return backend


def bf16_native() -> bool:
    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(getattr(torch.cpu, name, lambda: False)() for name in checks)


def openvino_bf16_fast() -> bool:
    """OpenVINO is installed and the CPU has native bf16: where ``distill`` labels with OpenVINO in bf16."""
    from .openvino_backend import openvino_available

    return openvino_available() and bf16_native()


def apply_backend(
    model: torch.nn.Module, backend: str, example: dict[str, torch.Tensor] | None = None, threads: int | None = None
) -> torch.nn.Module:
    """Return ``model`` ready to run under ``backend`` (a concrete one, not ``auto``).

    ``example``: a padded batch with the inputs the model will get (for ``openvino-int8``,
    which converts the network by tracing it); ``threads``: its CPU threads.
    """
    if backend == "torch":
        return model
    if backend == "openvino-int8":
        from .openvino_backend import OpenVinoStanceModel

        if isinstance(model, OpenVinoStanceModel):
            return model
        if example is None:
            raise ValueError("backend 'openvino-int8' converts the network from an example batch; pass example=")
        return OpenVinoStanceModel(model, example, threads)
    if backend.startswith("onnx"):
        from .onnx_backend import OnnxStanceModel

        if not isinstance(model, OnnxStanceModel):
            raise ValueError(f"backend {backend!r} runs an exported file; load the model with from_pretrained")
        return model
    raise ValueError(f"unknown backend {backend!r}; choose one of {BACKENDS}")
