"""OpenVINO inference: the PyTorch network converted in memory, with int8 matrix products.

``openvino-int8`` converts a loaded :class:`~newsstance.modeling.StanceModel` through
OpenVINO's PyTorch frontend (about two seconds for MiniLM; nothing is written to disk), stores
the weights of every linear layer in int8 (symmetric, one scale per output channel), and
compiles the graph for the CPU. OpenVINO fuses each layer's attention, GELU and LayerNorm, and
quantises the activations entering each linear layer on the fly, one scale per token and group
of ``hidden_size`` inputs (``DYNAMIC_QUANTIZATION_GROUP_SIZE``), so that the matrix products
run on the CPU's int8 dot-product instructions (AVX-512 VNNI or AVX-VNNI). Everything else runs
in float32; logits come back in float32.

Why these settings (one-off probes of the model calls alone: MiniLM-L6, NewsMTSC test-rw, 2
Zen 5 cores): a group the size of the hidden layer was the fastest of 32 to 1,536, and float32
around the int8 products was faster than bfloat16. A scale per token, not per tensor, keeps
the outliers of one token from flattening the others: static per-tensor int8 agreed with
float32 on only 93.5 to 97.6% of labels. ``newsstance.eval.speed`` measures the backend as
shipped.

:class:`OpenVinoStanceModel` with ``int8=False`` compiles the same graph without int8 weights, in
bfloat16 where the CPU has native bf16 (else float32): the labelling mode of ``newsstance
distill``, whose teachers are kept at full fidelity.

Needs the ``openvino`` extra (``pip install 'newsstance[openvino]'``).
"""

from __future__ import annotations

import logging
import threading
import warnings
from typing import Any

import numpy as np
import torch

from ..modeling import INPUT_NAMES
from . import cpu
from .runtime import CpuRuntime

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
        raise ImportError(f"backend openvino-int8 needs OpenVINO; {INSTALL_HINT}") from err
    finally:
        if hide:
            del sys.modules["openvino_telemetry"]
    return openvino


class OpenVinoStanceModel(CpuRuntime):
    """A compiled OpenVINO model behind the call signature of :class:`~newsstance.modeling.StanceModel`.

    ``example`` is a padded batch (as :func:`newsstance.encoding.example_batch` makes) whose
    keys are the inputs the model will be given; its values only guide the conversion, whose
    batch and sequence axes stay dynamic.
    """

    def __init__(
        self, model: torch.nn.Module, example: dict[str, torch.Tensor], threads: int | None = None, int8: bool = True
    ) -> None:
        ov = import_openvino()
        self.inputs = [name for name in INPUT_NAMES if name in example]
        converted = _convert(model.float().eval(), {name: example[name] for name in self.inputs})
        self.threads = threads or cpu.available_cores()
        properties: dict[str, Any] = {"PERFORMANCE_HINT": "LATENCY", "INFERENCE_NUM_THREADS": self.threads}
        if int8:
            quantize_weights(converted)
            group = model.encoder.config.hidden_size  # divides every linear layer's input in BERT-like encoders
            properties.update(INFERENCE_PRECISION_HINT="f32", DYNAMIC_QUANTIZATION_GROUP_SIZE=group)
            self.precision, self.backend = "int8", "openvino-int8"
        else:
            self.precision = "bf16" if cpu.bf16_native() else "f32"
            self.backend = "openvino-bf16"
            properties.update(INFERENCE_PRECISION_HINT=self.precision)
        self.compiled = ov.Core().compile_model(converted, "CPU", properties)
        self._requests = threading.local()

    def __call__(self, **batch: torch.Tensor) -> torch.Tensor:
        missing = [name for name in self.inputs if name not in batch]
        if missing:
            raise ValueError(f"the batch lacks {missing}; encode it with newsstance.encoding.encode and pad_batch")
        feed: dict[str, Any] = {name: batch[name].cpu().numpy().astype(np.int64) for name in self.inputs}
        # one infer request per thread: a compiled model's own request serves one call at a time
        request = getattr(self._requests, "request", None)
        if request is None:
            request = self._requests.request = self.compiled.create_infer_request()
        logits = request.infer(feed)[self.compiled.outputs[0]]
        return torch.from_numpy(np.array(logits, dtype=np.float32))


def _convert(model: torch.nn.Module, example: dict[str, torch.Tensor]) -> Any:
    """The network as an OpenVINO model with dynamic batch and sequence axes.

    It goes through OpenVINO's PyTorch frontend directly rather than ``openvino.convert_model``,
    which also reports usage to OpenVINO's telemetry service; newsstance sends nothing anywhere.
    """
    ov = import_openvino()
    from openvino.frontend import FrontEndManager
    from openvino.frontend.pytorch.ts_decoder import TorchScriptPythonDecoder

    # tracing warns about every shape-dependent branch, and reading every attribute of the
    # encoder makes transformers warn about a training loss that inference never uses
    transformers_logger = logging.getLogger("transformers.modeling_utils")
    level = transformers_logger.level
    transformers_logger.setLevel(logging.ERROR)
    try:
        with torch.inference_mode(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            decoder = TorchScriptPythonDecoder(model, example_input=example, shared_memory=False)
    finally:
        transformers_logger.setLevel(level)
    frontend = FrontEndManager().load_by_framework("pytorch")
    converted = frontend.convert(frontend.load(decoder))
    converted.reshape({port.get_any_name(): ov.PartialShape([-1, -1]) for port in converted.inputs})
    return converted


def quantize_weights(model: Any) -> int:
    """Store each linear layer's weight matrix in int8, in place; returns how many were stored.

    Symmetric, one scale per output channel: ``W ≈ scale * q`` with ``q`` in [-127, 127]. The
    matrix becomes ``Constant(int8) -> Convert -> Multiply(scale)``, the pattern OpenVINO's CPU
    plugin recognises as compressed weights and multiplies in int8 against activations it
    quantises on the fly.
    """
    ov = import_openvino()
    from openvino import opset13 as ops

    count = 0
    for node in model.get_ordered_ops():
        if node.get_type_name() != "MatMul":
            continue
        weight = node.input_value(1).get_node()
        if weight.get_type_name() != "Constant" or len(weight.get_output_partial_shape(0)) != 2:
            continue  # attention's products of two activations, not a linear layer
        # rows are output channels when the product transposes its weight, as torch.nn.Linear's does
        transposed = node.get_attributes()["transpose_b"]
        matrix = weight.get_data().astype(np.float32)
        rows = matrix if transposed else matrix.T
        scale = np.maximum(np.abs(rows).max(axis=1, keepdims=True), 1e-12) / 127.0
        q = np.clip(np.round(rows / scale), -127, 127).astype(np.int8)
        if not transposed:
            q, scale = q.T, scale.T
        restored = ops.multiply(ops.convert(ops.constant(q), ov.Type.f32), ops.constant(scale.astype(np.float32)))
        node.input(1).replace_source_output(restored.output(0))
        count += 1
    return count
