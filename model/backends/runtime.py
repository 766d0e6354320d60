"""What the CPU-only runtimes share: the parts of a PyTorch module's interface the classifier uses."""

from __future__ import annotations

import torch


class CpuRuntime:
    """A compiled network behind :class:`~newsstance.modeling.StanceModel`'s call signature,
    running on the CPU only; ``backend`` names it in errors."""

    backend = "cpu"

    def eval(self) -> CpuRuntime:
        return self

    def to(self, device: torch.device | str) -> CpuRuntime:
        if torch.device(device).type != "cpu":
            raise ValueError(f"backend {self.backend} runs on the CPU only, not {device}; use backend='torch'")
        return self
