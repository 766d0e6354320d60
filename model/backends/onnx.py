"""ONNX Runtime inference: export a model directory's network, fuse it, quantise it, and run it.

``newsstance export --backend onnx-int8`` writes ``model.int8.onnx`` next to the weights:

1. the network (encoder with eager attention, pooling and head) exported from PyTorch to ONNX;
2. ONNX Runtime's transformer optimiser fuses each layer's attention, GELU and
   skip + LayerNorm into single kernels;
3. int8 weights everywhere, in two flavours:
   - the MatMuls fed by a GELU (each layer's second feed-forward projection) become
     ``MatMulNBits`` with 8-bit weights and int8 compute over blocks of 32 inputs
     (``accuracy_level=4``): GELU outputs have outliers that one quantisation scale per
     tensor rounds away (label agreement with float32 on dev went from 97.6% to 99.6%);
   - every other MatMul, the fused attention and the embedding tables get dynamic int8
     quantisation (weights per output channel, activations per tensor on the fly).

The result is a drop-in for :class:`~newsstance.modeling.StanceModel` at inference: it takes
the same padded batch and returns float32 logits as a torch tensor.

The export is deterministic (same weights and library versions, same bytes), so a model
directory need not carry the file: :func:`onnx_file` finds it next to the weights or in the
cache (``$NEWSSTANCE_CACHE/onnx``, default ``~/.cache/newsstance/onnx``), or builds it there once
(about ten seconds for MiniLM). The check that ``newsstance export`` records names the file's
sha256, and ``auto`` uses only a file with that sha256. The shipped model works this way, which
keeps its committed weights to one fp16 safetensors file.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch
from transformers import AutoTokenizer

from ..encoding import example_batch
from ..modeling import INPUT_NAMES, WEIGHTS_FILE, StanceModel
from ..settings import ModelSettings, file_sha256
from .cpu import available_cores
from .runtime import CpuRuntime

ONNX_FILES = {"onnx-int8": "model.int8.onnx"}
INSTALL_HINT = "install ONNX Runtime with `pip install 'newsstance[onnx]'` (onnxruntime, onnx and onnx-ir)"

logger = logging.getLogger(__name__)


def onnx_available(export: bool = False) -> bool:
    """ONNX Runtime is installed (and, with ``export``, what building the file needs too)."""
    import importlib.util

    needed = ("onnxruntime", "onnx", "onnx_ir") if export else ("onnxruntime",)
    return all(importlib.util.find_spec(name) is not None for name in needed)


def cache_dir() -> Path:
    return Path(os.environ.get("NEWSSTANCE_CACHE", "~/.cache/newsstance")).expanduser() / "onnx"


def onnx_file(model_dir: str | Path, backend: str = "onnx-int8", build: bool = True) -> Path | None:
    """The exported file for ``model_dir``: next to its weights, else in the cache, else (with
    ``build``) built into the cache now. ``None`` when it is nowhere and may not be built."""
    model_dir = Path(model_dir)
    local = model_dir / ONNX_FILES[backend]
    if local.is_file():
        return local
    cached = cache_dir() / file_sha256(model_dir / WEIGHTS_FILE)[:16] / ONNX_FILES[backend]
    if cached.is_file():
        return cached
    if not build:
        return None
    logger.info("building %s once for %s into %s", ONNX_FILES[backend], model_dir, cached.parent)
    return export_onnx(model_dir, backend, out=cached)


NO_CACHE_HOME = "/dev/null/newsstance-no-telemetry"
"""A path no directory can be made under (``/dev/null`` is not a folder)."""


def import_onnxruntime():
    """``import onnxruntime``, without its telemetry.

    Importing ONNX Runtime otherwise writes a device id and an event database under
    ``$XDG_CACHE_HOME`` (else ``~/.cache``) ``/Microsoft/DeveloperTools/.onnxruntime``. While it is
    first imported, ``ORT_DISABLE_TELEMETRY=1`` switches its telemetry off (ONNX Runtime 1.32
    and later), and ``HOME`` and ``XDG_CACHE_HOME`` point at :data:`NO_CACHE_HOME`, so that an
    older version's write fails; then its telemetry events are switched off too. The
    environment is put back after the import.
    """
    if "onnxruntime" not in sys.modules:
        saved = {name: os.environ.get(name) for name in ("HOME", "XDG_CACHE_HOME", "ORT_DISABLE_TELEMETRY")}
        os.environ["HOME"] = os.environ["XDG_CACHE_HOME"] = NO_CACHE_HOME
        os.environ["ORT_DISABLE_TELEMETRY"] = "1"
        try:
            import onnxruntime
        except ImportError as err:
            raise ImportError(f"backend onnx-int8 needs ONNX Runtime; {INSTALL_HINT}") from err
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
    import onnxruntime

    onnxruntime.disable_telemetry_events()
    return onnxruntime


def export_onnx(model_dir: str | Path, backend: str = "onnx-int8", out: str | Path | None = None) -> Path:
    """Write ``out`` (default ``model_dir/model.int8.onnx``) from the directory's safetensors weights."""
    with root_logger_kept():
        return _export_onnx(model_dir, backend, out)


@contextmanager
def root_logger_kept() -> Iterator[None]:
    """The root logger as the caller left it, around ONNX Runtime's quantisation tools.

    Those configure the root logger when first imported (``logging.basicConfig(level=INFO)``)
    and log to it directly (``logging.info("get_tensor_type returns ...")``), which also
    configures it when it has no handler. Meanwhile, records logged on the root logger itself go
    to this module's logger at DEBUG instead (``newsstance -v`` shows them); after, the root
    logger's handlers and level are put back.
    """
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level

    def to_debug(record: logging.LogRecord) -> bool:
        logger.debug("onnxruntime: %s", record.getMessage())
        return False  # a logger's own filters see only the records logged on it, not those propagated

    def put_back() -> None:
        root.handlers[:] = handlers
        root.setLevel(level)

    root.addFilter(to_debug)
    try:
        try:
            import_onnxruntime()
            import onnxruntime.quantization.matmul_nbits_quantizer  # noqa: F401  (configures the root logger)
        except ImportError as err:
            raise ImportError(f"exporting to ONNX needs ONNX Runtime; {INSTALL_HINT}") from err
        put_back()  # before any work, so that its named loggers log as the caller set them
        yield
    finally:
        root.removeFilter(to_debug)
        put_back()


def _export_onnx(model_dir: str | Path, backend: str, out: str | Path | None) -> Path:
    try:
        import_onnxruntime()
        from onnxruntime.quantization import QuantType, quantize_dynamic
        from onnxruntime.transformers import optimizer
        from onnxruntime.transformers.fusion_options import FusionOptions
    except ImportError as err:
        raise ImportError(f"exporting to ONNX needs ONNX Runtime; {INSTALL_HINT}") from err
    if backend not in ONNX_FILES:
        raise ValueError(f"unknown ONNX backend {backend!r}; choose one of {sorted(ONNX_FILES)}")
    model_dir = Path(model_dir)
    settings = ModelSettings.load(model_dir)
    # eager attention exports as the plain MatMul/Softmax pattern that the optimiser knows how to fuse
    model = StanceModel.from_pretrained(model_dir, settings.pooling, attn_implementation="eager")
    config = model.config
    tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
    batch = example_batch(tokenizer, settings.encoding)
    names = [n for n in INPUT_NAMES if n in batch]
    out = Path(out) if out is not None else model_dir / ONNX_FILES[backend]
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        raw, fused = Path(tmp) / "model.onnx", Path(tmp) / "model.fused.onnx"
        # tracing warns about every shape-dependent branch of the encoder: for -v only
        with torch.inference_mode(), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            torch.onnx.export(
                model,
                tuple(batch[n] for n in names),
                str(raw),
                input_names=names,
                output_names=["logits"],
                dynamic_axes={**{n: {0: "batch", 1: "sequence"} for n in names}, "logits": {0: "batch"}},
                opset_version=17,
                dynamo=False,
            )
        for warning in caught:
            logger.debug("torch.onnx.export: %s: %s", warning.category.__name__, warning.message)
        options = FusionOptions("bert")
        # keep the embedding lookup a plain Gather, so that quantisation shrinks the word table 4×
        options.enable_embed_layer_norm = False
        optimised = optimizer.optimize_model(
            str(raw),
            model_type="bert",
            num_heads=config.num_attention_heads,
            hidden_size=config.hidden_size,
            optimization_options=options,
        )
        optimised.save_model_to_file(str(fused))
        blockwise = Path(tmp) / "model.blockwise.onnx"
        _quantize_after_gelu(fused, blockwise)
        quantized = Path(tmp) / "model.int8.onnx"
        quantize_dynamic(
            str(blockwise),
            str(quantized),
            weight_type=QuantType.QInt8,
            per_channel=True,
            op_types_to_quantize=["MatMul", "Attention", "Gather"],
            extra_options={"DefaultTensorType": 1},  # FLOAT, for outputs of fused ops shape inference skips
        )
        _copy(quantized, out)
    return out


def _quantize_after_gelu(source: Path, target: Path) -> None:
    """8-bit block-wise weights (``MatMulNBits``) for the MatMuls whose input is a GELU's output."""
    import onnx

    import_onnxruntime()
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer

    graph = onnx.load(str(source)).graph
    producer = {out: node.op_type for node in graph.node for out in node.output}
    after_gelu = [n.name for n in graph.node if n.op_type == "MatMul" and "Gelu" in producer.get(n.input[0], "")]
    if not after_gelu:
        raise ValueError(f"{source} has no MatMul after a GELU; is the encoder BERT-like?")
    quantizer = MatMulNBitsQuantizer(
        str(source),
        bits=8,
        block_size=32,
        is_symmetric=True,
        accuracy_level=4,
        nodes_to_include=after_gelu,
        op_types_to_quantize=("MatMul",),
    )
    quantizer.process()
    quantizer.model.save_model_to_file(str(target))


def _copy(source: Path, target: Path) -> None:
    """Copy (the temporary folder may be on another file system), then rename, so that a
    reader never sees half a file."""
    import shutil

    partial = target.with_suffix(".partial")
    shutil.copyfile(source, partial)
    os.replace(partial, target)


def load_onnx(model_dir: str | Path, backend: str, record: dict | None, threads: int | None) -> OnnxStanceModel:
    """Find or build the file and open it. ``record`` is the check ``newsstance export`` saved;
    a file whose sha256 differs from the checked one is warned about (``auto`` never picks this
    backend, so it runs only when asked for by name)."""
    path = onnx_file(model_dir, backend)
    checked = ((record or {}).get("artefact") or {}).get("sha256")
    if checked and file_sha256(path) != checked:
        logger.warning(
            "%s differs from the file that passed the accuracy check (other library versions?); "
            "run `newsstance export --model %s --backend %s` to check this one",
            path,
            model_dir,
            backend,
        )
    return OnnxStanceModel(path, threads)


class OnnxStanceModel(CpuRuntime):
    """An ONNX Runtime session behind the call signature of :class:`~newsstance.modeling.StanceModel`."""

    backend = "onnx-int8"

    def __init__(self, path: str | Path, threads: int | None = None) -> None:
        ort = import_onnxruntime()
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(
                f"{path} is missing; create it with `newsstance export --model {path.parent} --backend onnx-int8`"
            )
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or available_cores()
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.path = path
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.inputs = [i.name for i in self.session.get_inputs()]

    def __call__(self, **batch: torch.Tensor) -> torch.Tensor:
        feed = {name: batch[name].cpu().numpy().astype(np.int64) for name in self.inputs}
        (logits,) = self.session.run(["logits"], feed)
        return torch.from_numpy(logits)
