"""newsstance: how political news portrays the actors it names.

>>> import newsstance
>>> clf = newsstance.load()                                   # doctest: +SKIP
>>> clf.classify("Voters cheered Mayor Ana Ruiz.", "Ana Ruiz")  # doctest: +SKIP
Stance(label='positive', ...)
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

from .articles.rows import to_dataframe
from .encoding import EncodingConfig
from .settings import default_model_path
from .stance import LABELS, Stance

if TYPE_CHECKING:
    import torch

    from .articles.analysis import ArticleAnalysis
    from .classifier import StanceClassifier

__all__ = [
    "LABELS",
    "ArticleAnalysis",
    "analyze",
    "EncodingConfig",
    "Stance",
    "StanceClassifier",
    "default_model_path",
    "load",
    "to_dataframe",
]

__version__ = "0.1.0"


def load(
    path: str | Path | None = None,
    device: str | torch.device | None = None,
    backend: str = "auto",
    threads: int | None = None,
) -> StanceClassifier:
    """Load a stance model: the shipped default when ``path`` is None or ``"default"`` (as
    ``--model default`` on the command line; a folder of that name comes first), else a model
    directory.

    ``backend`` is ``auto`` (the fastest that passed the model's accuracy check), ``torch``,
    ``openvino-int8`` or ``onnx-int8``; ``threads`` sets the CPU threads.
    """
    from .classifier import StanceClassifier

    if path is None or (str(path) == "default" and not Path(path).is_dir()):
        path = default_model_path()
    return StanceClassifier.from_pretrained(path, device=device, backend=backend, threads=threads)


def analyze(text: str, actors: list | None = None, **kwargs) -> ArticleAnalysis:
    """Analyse one article with the shipped default model (loaded once per process)."""
    return _default().analyze(text, actors=actors, **kwargs)


@functools.lru_cache(maxsize=1)
def _default() -> StanceClassifier:
    return load()


def __getattr__(name: str):
    # Keep `import newsstance` light: torch and transformers load on first use.
    if name == "StanceClassifier":
        from .classifier import StanceClassifier

        return StanceClassifier
    if name == "ArticleAnalysis":
        from .articles.analysis import ArticleAnalysis

        return ArticleAnalysis
    raise AttributeError(f"module 'newsstance' has no attribute {name!r}")
