"""The resume journal: JSONL rows, appended and fsynced per batch, recovered after a crash.

A kill can leave a torn last line and a last article whose rows are only partly written;
:func:`recover` cuts both off and returns the ids of the articles that are complete.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)


def recover(journal: Path, complete: bool = False) -> set[str]:
    """Cut a torn last line and the last article's rows (it may be partial), unless the run that
    wrote the journal finished (``complete``); return the ids kept."""
    done: set[str] = set()
    offset = last_start = 0
    last_id = None
    with open(journal, "rb") as fh:
        for raw in fh:
            if not raw.endswith(b"\n"):
                break  # torn line from a kill mid-write
            try:
                row_id = json.loads(raw)["id"]
            except (json.JSONDecodeError, KeyError, TypeError):
                break
            if row_id != last_id:
                if last_id is not None:
                    done.add(last_id)
                last_id, last_start = row_id, offset
            offset += len(raw)
    if complete and last_id is not None and offset == journal.stat().st_size:
        done.add(last_id)
        last_start = offset
    with open(journal, "r+b") as fh:
        fh.truncate(last_start)
    logger.info("resuming: %d articles already in %s", len(done), journal)
    return done


def logged_errors(path: Path) -> set[tuple]:
    """The (source, line, id) of every failure already in the errors file."""
    if not path.exists():
        return set()
    keys = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            e = json.loads(line)
            keys.add((e["source"], e["line"], e["id"]))
        except (json.JSONDecodeError, KeyError):
            continue
    return keys


def journal_rows(journal: Path) -> Iterator[dict[str, Any]]:
    with open(journal, encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)
