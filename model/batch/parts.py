"""Directory output (``-o out/``): one Parquet part per batch of articles, written by whoever
scored the batch (a Dask worker writes its own), for corpora too large to pass through one process.

Parts go to ``OUT.partial/`` as ``part-NNNNNN.parquet``, each written to a temporary name and
renamed, so a part is complete or absent, and a batch scored twice (a worker killed after
writing, its task rerun) writes the same part once. The directory is renamed to ``OUT/`` when
every batch is in. Batches are numbered by position in the input, so ``--resume`` with the same
inputs and ``--articles-per-task`` keeps the parts already written and scores only the rest.
"""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

from .errors import UsageError
from .writers import write_parquet

PART = re.compile(r"^part-(\d{6,})\.parquet$")


def is_directory_output(output: str | Path) -> bool:
    """``-o out/`` (a trailing slash) or a path with no extension names a directory output."""
    text = str(output)
    return text.endswith(("/", os.sep)) or Path(text).suffix == ""


def partial_dir(output: Path) -> Path:
    return output.with_name(output.name + ".partial")


def part_path(parts: Path, index: int) -> Path:
    return parts / f"part-{index:06d}.parquet"


def write_part(parts: Path, index: int, rows: list[dict], level: str, columns: list[str]) -> Path:
    """Batch ``index``'s rows as one Parquet part (an empty part for a batch with no rows, so
    that ``--resume`` knows it is done)."""
    path = part_path(parts, index)
    tmp = parts / f".{path.name}.{uuid.uuid4().hex}.tmp"  # unique: two attempts never share one
    write_parquet(path, rows, level, columns, tmp=tmp)
    return path


def done_parts(parts: Path) -> set[int]:
    """The batches whose parts are in ``parts`` (temporary files of torn writes are removed)."""
    if not parts.is_dir():
        return set()
    done = set()
    for p in parts.iterdir():
        if p.name.endswith(".tmp"):
            p.unlink(missing_ok=True)
        elif m := PART.match(p.name):
            done.add(int(m.group(1)))
    return done


def remove_parts(directory: Path) -> None:
    """Remove a directory output that newsstance wrote: its parts, then the folder. A directory
    holding anything else is refused before anything is removed, so no file of the user's goes."""
    if not directory.is_dir():
        return
    foreign = sorted(p.name for p in directory.iterdir() if not (PART.match(p.name) or p.name.endswith(".tmp")))
    if foreign:
        shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
        raise UsageError(
            f"{directory} holds files newsstance did not write ({shown}); nothing was removed: choose another -o"
        )
    for p in directory.iterdir():
        if PART.match(p.name) or p.name.endswith(".tmp"):
            p.unlink()
    directory.rmdir()
