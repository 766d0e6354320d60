"""Where a page goes: an output checked before any work starts, written atomically."""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

__all__ = ["check_output", "write_page"]

logger = logging.getLogger(__name__)


def check_output(output: str | Path, inputs: Iterable[str | Path] = (), overwrite: bool = False) -> Path:
    """Refuse an output that is not .html, is one of the inputs, or exists without ``overwrite``."""
    output = Path(output)
    if output.suffix.lower() not in (".html", ".htm"):
        raise ValueError(f"the page is HTML: give an output ending in .html, got {output}")
    if output.resolve() in {Path(p).resolve() for p in inputs if str(p) != "-"}:
        raise ValueError(f"the output {output} is one of the inputs; choose another name")
    if output.is_dir():
        raise ValueError(f"the output {output} is a directory; give a file name ending in .html")
    if output.exists() and not overwrite:
        raise ValueError(f"{output} exists; pass --overwrite to replace it")
    return output


def write_page(text: str, output: str | Path) -> Path:
    """Write a page atomically: a temporary file beside ``output``, then a rename."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "x", encoding="utf-8") as fh:  # the umask's permissions, unlike mkstemp's 0600
            fh.write(text)
        os.replace(tmp, output)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    logger.info("wrote %s (%d bytes)", output, len(text.encode("utf-8")))
    return output
