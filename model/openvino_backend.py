"""OpenVINO inference: the PyTorch network converted in memory and run in bfloat16.

``openvino-bf16`` converts a loaded :class:`~newsstance.modeling.StanceModel` with
``openvino.convert_model`` (about two seconds for MiniLM; nothing is written to disk) and
compiles it for the CPU with bfloat16 inference precision: OpenVINO fuses each layer's
attention, GELU and LayerNorm, and runs the matrix products on the CPU's bf16 instructions
(AVX-512 BF16 or AMX). Logits come back in float32. On a CPU without native bf16 the same
graph runs in float32, which is still faster than PyTorch but not by much.

Needs the ``openvino`` extra (``pip install 'newsstance[openvino]'``).
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

import numpy as np
import torch

from .modeling import INPUT_NAMES

INSTALL_HINT = "install OpenVINO with `pip install 'newsstance[openvino]'`"

logger = logging.getLogger(__name__)


def openvino_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("openvino") is not None


def import_openvino() -> Any:
    """``import openvino``, without its usage telemetry.

    Importing OpenVINO otherwise reports the import to its telemetry service and writes a client
    id under ``~/intel``. OpenVINO runs without the ``openvino_telemetry`` package (it falls
    back to a no-op stub), so the package is hidden while OpenVINO is first imported.
    """
    import sys

    if "openvino" in sys.modules:  # imported before, by the caller's own code
        return sys.modules["openvino"]
    hide = "openvino_telemetry" not in sys.modules
    if hide:
        sys.modules["openvino_telemetry"] = None  # type: ignore[assignment]  # makes its import fail
    try:
        import openvino
    except ImportError as err:
        raise ImportError(f"backend openvino-bf16 needs OpenVINO; {INSTALL_HINT}") from err
    finally:
        if hide:
            del sys.modules["openvino_telemetry"]
    return openvino


class OpenVinoStanceModel:
    """A compiled OpenVINO model behind the call signature of :class:`~newsstance.modeling.StanceModel`.

    ``example`` is a padded batch (as :func:`newsstance.encoding.example_batch` makes) whose
    keys are the inputs the model will be given; its values only guide the conversion, whose
    batch and sequence axes stay dynamic.
    """

    def __init__(self, model: torch.nn.Module, example: dict[str, torch.Tensor], threads: int | None = None) -> None:
        ov = import_openvino()
        from .backends import bf16_native
        from .onnx_backend import available_cores

        self.inputs = [name for name in INPUT_NAMES if name in example]
        converted = _convert(model.float().eval(), {name: example[name] for name in self.inputs})
        precision = "bf16" if bf16_native() else "f32"
        self.threads = threads or available_cores()
        properties = {"INFERENCE_PRECISION_HINT": precision, "PERFORMANCE_HINT": "LATENCY"}
        self.compiled = ov.Core().compile_model(converted, "CPU", {**properties, "INFERENCE_NUM_THREADS": self.threads})
        self.precision = precision

    def __call__(self, **batch: torch.Tensor) -> torch.Tensor:
        missing = [name for name in self.inputs if name not in batch]
        if missing:
            raise ValueError(f"the batch lacks {missing}; encode it with newsstance.encoding.encode and pad_batch")
        feed: dict[str, Any] = {name: batch[name].cpu().numpy().astype(np.int64) for name in self.inputs}
        logits = self.compiled(feed)[0]
        return torch.from_numpy(np.array(logits, dtype=np.float32))

    def eval(self) -> OpenVinoStanceModel:
        return self

    def to(self, device: torch.device | str) -> OpenVinoStanceModel:
        if torch.device(device).type != "cpu":
            raise ValueError(f"backend openvino-bf16 runs on the CPU only, not {device}; use backend='torch'")
        return self


def _convert(model: torch.nn.Module, example: dict[str, torch.Tensor]) -> Any:
    """The network as an OpenVINO model with dynamic batch and sequence axes.

    It goes through OpenVINO's PyTorch frontend directly rather than ``openvino.convert_model``,
    which also reports usage to OpenVINO's telemetry service; newsstance sends nothing anywhere.
    """
    ov = import_openvino()
    from openvino.frontend import FrontEndManager
    from openvino.frontend.pytorch.ts_decoder import TorchScriptPythonDecoder

    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracing warns about every shape-dependent branch
        decoder = TorchScriptPythonDecoder(model, example_input=example, shared_memory=False)
    frontend = FrontEndManager().load_by_framework("pytorch")
    converted = frontend.convert(frontend.load(decoder))
    converted.reshape({port.get_any_name(): ov.PartialShape([-1, -1]) for port in converted.inputs})
    return converted
