"""What this CPU offers: the cores this process may use and the instruction sets that decide
which backend is fast here.

The flags come from ``/proc/cpuinfo`` (Linux); elsewhere none are known, and ``auto`` then
stays with float32 PyTorch.
"""

from __future__ import annotations

import functools
import os
import platform
from collections.abc import Iterable
from pathlib import Path

INT8_DOT_FLAGS = ("avx512_vnni", "avx_vnni", "amx_int8")
"""Instructions that multiply int8 vectors into int32 sums in one step: where int8 pays off."""
BF16_FLAGS = ("avx512_bf16", "amx_bf16")
SHOWN_FLAGS = ("avx2", "avx512f", "avx512bw", *INT8_DOT_FLAGS, *BF16_FLAGS, "amx_tile")
"""The flags that speed figures report, so that a figure says which CPU class it holds for."""


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity), which a container may limit."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _cpuinfo(key: str) -> str:
    path = Path("/proc/cpuinfo")
    if not path.is_file():
        return ""
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        name, sep, value = line.partition(":")
        if sep and name.strip() == key:
            return value.strip()
    return ""


@functools.lru_cache(maxsize=1)
def cpu_flags() -> frozenset[str]:
    """The CPU's feature flags as the kernel reports them (empty where unknown)."""
    return frozenset(_cpuinfo("flags").split())


def cpu_model() -> str:
    return _cpuinfo("model name") or platform.processor() or platform.machine()


def int8_dot_native(flags: Iterable[str] | None = None) -> bool:
    """The CPU has int8 dot-product instructions (AVX-512 VNNI, AVX-VNNI or AMX)."""
    return bool(set(cpu_flags() if flags is None else flags) & set(INT8_DOT_FLAGS))


def bf16_native(flags: Iterable[str] | None = None) -> bool:
    """The CPU computes in bfloat16 natively (AVX-512 BF16 or AMX)."""
    return bool(set(cpu_flags() if flags is None else flags) & set(BF16_FLAGS))


def describe(flags: Iterable[str] | None = None) -> dict[str, object]:
    """The CPU as a speed figure should name it: model, cores, and the flags that matter."""
    flags = set(cpu_flags() if flags is None else flags)
    return {
        "model": cpu_model(),
        "cores": available_cores(),
        "int8_dot": int8_dot_native(flags),
        "bf16": bf16_native(flags),
        "flags": [f for f in SHOWN_FLAGS if f in flags],
    }
