"""The stance classifier: a fine-tuned transformer behind a small, typed API."""

from __future__ import annotations

import logging
import math
import numbers
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from tqdm.auto import tqdm
from transformers import AutoTokenizer

from . import backends
from .articles.analysis import ArticleAnalysis, analyze_many
from .encoding import Target, check_text, encode_many, pad_batch, resolve_target
from .modeling import StanceModel
from .settings import ModelSettings
from .stance import LABELS, Stance

logger = logging.getLogger(__name__)


def resolve_device(device: str | torch.device | None) -> torch.device:
    """``None`` picks CUDA when present, else the CPU."""
    if device is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        return torch.device(device)
    except RuntimeError as err:
        raise ValueError(f"unknown device {device!r}; use 'cpu', 'cuda' or 'cuda:N'") from err


def resolve_backend(path: str | Path, backend: str = "auto", device: str | torch.device | None = None) -> str:
    """The backend ``backend`` resolves to for the model directory ``path`` on this machine,
    without loading the model: what a cluster's driver fixes for all its workers."""
    settings = ModelSettings.load(Path(path))
    source = backends.ModelSource(settings, None, resolve_device(device), Path(path))
    return backends.candidates(backend, source)[0]


class StanceClassifier:
    """Say how a text portrays a target actor: negative, neutral or positive.

    >>> clf = StanceClassifier.from_pretrained("path/to/model")   # doctest: +SKIP
    >>> clf.classify("Critics praised Ana Ruiz for the deal.", "Ana Ruiz").label  # doctest: +SKIP
    'positive'
    """

    def __init__(
        self,
        model: StanceModel | None,
        tokenizer: Any,
        settings: ModelSettings,
        device: str | torch.device | None = None,
        backend: str = "torch",
        model_dir: str | Path | None = None,
        threads: int | None = None,
    ) -> None:
        """``model``: the PyTorch network, or ``None`` to load it from ``model_dir`` when the
        backend needs it; ``backend``: see :mod:`newsstance.backends`."""
        if threads is not None and threads < 1:
            raise ValueError(f"threads must be at least 1, got {threads}")
        self.tokenizer = tokenizer
        self.settings = settings
        self.device = resolve_device(device)
        source = backends.ModelSource(
            settings, tokenizer, self.device, Path(model_dir) if model_dir is not None else None, model, threads
        )
        self.backend, self.model = backends.load(backend, source)
        self.model_dir = source.model_dir  # None for a model built in memory

    @property
    def encoding(self):
        return self.settings.encoding

    # -- persistence -------------------------------------------------------------------------

    @classmethod
    def from_pretrained(
        cls,
        path: str | Path,
        device: str | torch.device | None = None,
        backend: str = "auto",
        threads: int | None = None,
    ) -> StanceClassifier:
        """Load a model directory written by :meth:`save_pretrained` (offline, no download).

        ``backend``: ``auto``, ``torch``, ``openvino-int8`` or ``onnx-int8``
        (see :mod:`newsstance.backends`).
        ``threads``: CPU threads (for PyTorch a process-wide setting, so only changed when
        given); the default is the process's available cores.
        """
        path = Path(path)
        if not path.is_dir():
            raise FileNotFoundError(
                f"model directory {path} does not exist; pass a directory made by `newsstance train`"
            )
        settings = ModelSettings.load(path)
        tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        return cls(None, tokenizer, settings, device=device, backend=backend, model_dir=path, threads=threads)

    def save_pretrained(self, path: str | Path, dtype: torch.dtype | None = None) -> Path:
        """Write a self-describing model directory: config, safetensors weights, tokenizer, settings.

        ``dtype=torch.float16`` halves the weights on disk; they load back as float32.
        """
        if self.backend != "torch":
            raise ValueError(f"cannot save a model running on backend {self.backend!r}; load it with backend='torch'")
        path = Path(path)
        self.model.save_pretrained(path, dtype=dtype)
        self.tokenizer.save_pretrained(path)
        self.settings.save(path)
        return path

    # -- inference ---------------------------------------------------------------------------

    def classify(self, text: str, target: Target) -> Stance:
        """The stance of ``text`` towards ``target`` (a name, a span, or a list of spans)."""
        return self.classify_many([(text, target)])[0]

    def classify_many(
        self,
        items: Iterable[tuple[str, Target]],
        batch_size: int = 32,
        show_progress_bar: bool = False,
    ) -> list[Stance]:
        """Classify many (text, target) pairs; results come back in the input's order.

        Inputs are sorted by length and batched, so similar lengths share a batch. The
        probabilities are ``softmax(logits / temperature)``, with the temperature fitted on dev
        and stored in the model's settings.
        """
        logits = torch.from_numpy(self.logits_many(items, batch_size, show_progress_bar))
        probs = torch.softmax(logits / self.settings.temperature, dim=-1)
        return [Stance.from_probs(p) for p in probs.tolist()]

    def logits_many(
        self,
        items: Iterable[tuple[str, Target]],
        batch_size: int = 32,
        show_progress_bar: bool = False,
    ) -> np.ndarray:
        """The raw logits of many (text, target) pairs, before the temperature: a float32 array of
        shape ``(len(items), len(LABELS))``, rows in the input's order, columns in ``LABELS`` order.

        What a calibration fits the temperature on; :meth:`classify_many` turns them into results.
        """
        if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
        batch_size = int(batch_size)
        resolved = []
        for n, item in enumerate(items):
            if not isinstance(item, (tuple, list)) or len(item) != 2:
                raise TypeError(f"item {n} must be a (text, target) pair, got {type(item).__name__} {item!r:.80}")
            text, target = item
            try:
                resolved.append((text, resolve_target(check_text(text), target)))
            except (TypeError, ValueError) as err:
                raise type(err)(f"item {n}: {err}") from err
        encoded = encode_many(self.tokenizer, resolved, self.encoding)
        order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]["input_ids"]))
        out = np.zeros((len(encoded), len(LABELS)), dtype=np.float32)
        self.model.eval()
        with torch.inference_mode():
            for b in tqdm(
                range(math.ceil(len(order) / batch_size)),
                disable=not show_progress_bar,
                desc="classify",
                unit="batch",
            ):
                idx = order[b * batch_size : (b + 1) * batch_size]
                batch = pad_batch([encoded[i] for i in idx], self.tokenizer.pad_token_id)
                logits = self.model(**{k: v.to(self.device) for k, v in batch.items()})
                out[idx] = logits.float().cpu().numpy()
        return out

    # -- articles ----------------------------------------------------------------------------

    def analyze(self, text: str, actors: Sequence[str | dict] | None = None, **kwargs: Any) -> ArticleAnalysis:
        """One article's actors and their stance per sentence, passage and article; the keywords
        are those of :func:`newsstance.articles.analysis.analyze_many`."""
        return analyze_many(self, [text], actors=actors, **kwargs)[0]

    def analyze_many(self, texts: Sequence[str], actors: Sequence[str | dict] | None = None, **kwargs: Any):
        """:meth:`analyze` for many articles at once; all their sentences share the batches."""
        return analyze_many(self, texts, actors=actors, **kwargs)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_model={self.settings.base_model!r}, "
            f"encoding={self.encoding.scheme!r}, labels={LABELS}, device={str(self.device)!r}, "
            f"backend={self.backend!r})"
        )
