"""The model directory's own settings file: what a model needs to run, saved next to its weights."""

from __future__ import annotations

import json
import math
import platform
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from .encoding import EncodingConfig
from .stance import LABELS

SETTINGS_FILE = "newsstance.json"
FORMAT_VERSION = 1


def default_model_path() -> Path:
    """The directory of the model shipped inside the package."""
    return Path(__file__).resolve().parent / "default"


def file_sha256(path: str | Path) -> str:
    """The sha256 of a file, read in blocks: provenance for data files and weights."""
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    """Versions of the libraries that shape a model's numbers, for provenance."""
    versions = {"python": platform.python_version()}
    for name in ("newsstance", "torch", "transformers", "datasets", "tokenizers", "onnxruntime", "openvino"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


@dataclass(frozen=True)
class ModelSettings:
    """Everything about a model directory that the Hugging Face config does not hold."""

    encoding: EncodingConfig = field(default_factory=EncodingConfig)
    pooling: str = "cls"
    labels: tuple[str, ...] = LABELS
    base_model: str = ""
    training: dict[str, Any] = field(default_factory=dict)
    data: dict[str, str] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    backends: dict[str, Any] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=library_versions)
    temperature: float = 1.0  # logits are divided by it before the softmax (fitted on dev)

    def __post_init__(self) -> None:
        if tuple(self.labels) != LABELS:
            raise ValueError(f"model labels {self.labels} differ from newsstance's {LABELS}")
        t = self.temperature
        if isinstance(t, bool) or not isinstance(t, (int, float)) or not math.isfinite(t) or t <= 0:
            raise ValueError(
                f"temperature must be a positive number, got {self.temperature!r}; "
                "refit it with `newsstance calibrate --model DIR --write`"
            )

    def save(self, directory: str | Path) -> Path:
        path = Path(directory) / SETTINGS_FILE
        data = asdict(self)
        data["format_version"] = FORMAT_VERSION
        data["labels"] = list(self.labels)
        path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        return path

    @classmethod
    def load(cls, directory: str | Path) -> ModelSettings:
        path = Path(directory) / SETTINGS_FILE
        if not path.is_file():
            raise FileNotFoundError(
                f"{path} is missing: {directory} is not a newsstance model directory "
                "(save one with StanceClassifier.save_pretrained or `newsstance train`)"
            )
        data = json.loads(path.read_text(encoding="utf-8"))
        version = data.pop("format_version", None)
        if version != FORMAT_VERSION:
            raise ValueError(f"{path} has format_version {version}; this newsstance reads {FORMAT_VERSION}")
        data["encoding"] = EncodingConfig.from_dict(data["encoding"])
        data["labels"] = tuple(data["labels"])
        return cls(**data)
