"""Inference backends, in one registry: how a loaded model's arithmetic runs.

* ``torch``: float32 PyTorch, the reference; any device.
* ``openvino-int8``: the network converted in memory to OpenVINO, int8 weights and activations
  quantised per token on the fly for the linear layers, float32 elsewhere (see
  :mod:`newsstance.backends.openvino`). CPU only; the ``openvino`` extra.
* ``onnx-int8``: ONNX Runtime with fused kernels and int8 weights (``model.int8.onnx``, see
  :mod:`newsstance.backends.onnx`). CPU only; the ``onnx`` extra.
* ``openvino-bf16``: the OpenVINO graph without int8 weights, in bfloat16 where native: the
  labelling mode of ``newsstance distill``. ``auto`` never picks it.

``auto`` decides from the CPU's instruction set and the model's recorded accuracy checks
(``newsstance export``). int8 pays off only where the CPU multiplies int8 vectors natively
(AVX-512 VNNI, AVX-VNNI or AMX): there ``auto`` takes ``openvino-int8`` if it passed the check
and can run here (``onnx-int8``, faster than torch too, is never picked: see
:data:`AUTO_ORDER`). Elsewhere it takes ``torch``: on an AVX2-only
CPU (AMD EPYC Zen 3), openvino-int8 ran at 0.91× and onnx-int8 at 0.86× float32 PyTorch, and
OpenVINO in float32 at 1.02×, within the noise, with a longer load and more memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from ..encoding import example_batch
from ..modeling import StanceModel
from ..settings import ModelSettings
from . import cpu, onnx, openvino

BACKENDS = ("auto", "torch", "openvino-int8", "onnx-int8")
"""What ``newsstance.load(backend=...)`` and the command line offer."""
LABELLING_BACKENDS = ("openvino-bf16",)
"""Backends for labelling only (a teacher in ``newsstance distill``): loadable, never ``auto``."""
AUTO_ORDER = ("openvino-int8",)
"""The int8 backends ``auto`` tries, fastest first. onnx-int8 is not one of them: it quantises
the activations with one scale per batch, so its labels depend on the batch size (2 of 122
flipped, probabilities moved by up to 0.035 between batch sizes 1 and 32, as the reliability
issue measured), and ``--batch-size`` or a resume would change results."""


@dataclass
class ModelSource:
    """What a backend loads from: the model's settings and tokenizer, plus its directory and/or
    an already built PyTorch network (loaded from the directory on first need)."""

    settings: ModelSettings
    tokenizer: Any
    device: torch.device
    model_dir: Path | None = None
    model: StanceModel | None = None
    threads: int | None = None

    def torch_model(self) -> StanceModel:
        if self.model is None:
            if self.model_dir is None:
                raise ValueError("give a StanceModel or a model directory to load")
            self.model = StanceModel.from_pretrained(self.model_dir, pooling=self.settings.pooling)
        return self.model

    def record(self, backend: str) -> dict[str, Any]:
        """The accuracy check that ``newsstance export`` recorded for ``backend`` (empty if none)."""
        return self.settings.backends.get(backend) or {}


Runner = Callable[..., torch.Tensor]
"""A callable with :class:`~newsstance.modeling.StanceModel`'s signature: padded batch in, logits out."""


@dataclass(frozen=True)
class Backend:
    """One way to run a model: whether it can run here, and how it loads itself."""

    name: str
    int8: bool  # fast only where the CPU has int8 dot-product instructions
    installed: Callable[[], bool]  # its libraries are importable (checked without importing them)
    ready: Callable[[ModelSource], bool]  # this model can run on it without asking the user for anything
    load: Callable[[ModelSource], Runner]


def _load_torch(source: ModelSource) -> Runner:
    if source.threads is not None:
        torch.set_num_threads(source.threads)  # process-wide, so only when asked
    return source.torch_model().to(source.device).eval()


def _openvino_loader(int8: bool) -> Callable[[ModelSource], Runner]:
    def load(source: ModelSource) -> Runner:
        example = example_batch(source.tokenizer, source.settings.encoding)
        return openvino.OpenVinoStanceModel(source.torch_model(), example, source.threads, int8=int8)

    return load


def _load_onnx(source: ModelSource) -> Runner:
    if source.model_dir is None:
        raise ValueError("backend 'onnx-int8' runs an exported file; load the model with from_pretrained(DIR)")
    return onnx.load_onnx(source.model_dir, "onnx-int8", source.record("onnx-int8"), source.threads)


def _onnx_ready(source: ModelSource) -> bool:
    if source.model_dir is None:
        return False
    return onnx.onnx_available(export=True) or onnx.onnx_file(source.model_dir, build=False) is not None


REGISTRY: dict[str, Backend] = {
    "torch": Backend("torch", False, lambda: True, lambda source: True, _load_torch),
    "openvino-int8": Backend(
        "openvino-int8", True, lambda: openvino.openvino_available(), lambda source: True, _openvino_loader(True)
    ),
    "onnx-int8": Backend("onnx-int8", True, lambda: onnx.onnx_available(), _onnx_ready, _load_onnx),
    "openvino-bf16": Backend(
        "openvino-bf16", False, lambda: openvino.openvino_available(), lambda source: True, _openvino_loader(False)
    ),
}


def candidates(backend: str, source: ModelSource, flags: Iterable[str] | None = None) -> list[str]:
    """The concrete backends to try for ``backend``, in order (the last always loads).

    ``flags``: the CPU's feature flags (default: this CPU's, from :func:`cpu.cpu_flags`).
    """
    if backend not in BACKENDS and backend not in LABELLING_BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {BACKENDS}")
    if backend != "auto":
        if backend != "torch" and source.device.type != "cpu":
            raise ValueError(f"backend {backend!r} runs on the CPU only, not {source.device}; use backend='torch'")
        return [backend]
    if source.device.type != "cpu" or not cpu.int8_dot_native(flags):
        return ["torch"]
    fast = [
        name
        for name in AUTO_ORDER
        if source.record(name).get("passed", False) and REGISTRY[name].installed() and REGISTRY[name].ready(source)
    ]
    return [*fast, "torch"]


def load(backend: str, source: ModelSource, flags: Iterable[str] | None = None) -> tuple[str, Runner]:
    """The backend that ``backend`` resolves to here, and the model running on it."""
    name = candidates(backend, source, flags)[0]
    return name, REGISTRY[name].load(source)


def installed(backend: str) -> bool:
    """``backend``'s libraries are installed (found, not imported)."""
    if backend not in REGISTRY:
        raise ValueError(f"unknown backend {backend!r}; choose one of {sorted(REGISTRY)}")
    return REGISTRY[backend].installed()
