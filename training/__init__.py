"""Training of newsstance stance models."""

from .config import TrainConfig
from .runner import train
from .trainer import TrainResult

__all__ = ["TrainConfig", "TrainResult", "train"]
