"""What keeps a batch run from harming the user's data: the manifest that marks an output as
written by ``newsstance score``, and the lock that keeps two runs off one output.

``OUTPUT.manifest.json`` records the format version, level, columns, model, backend and
inputs of the run that wrote ``OUTPUT``. ``--resume`` goes on only with an output that has one,
and only with the same level, columns, model and backend. ``OUTPUT.lock`` is held (filelock)
for the whole run; a second run on the same output is refused.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from ..modeling import WEIGHTS_FILE
from ..settings import file_sha256
from .errors import UsageError

MANIFEST_VERSION = 1
CHECKED = ("format_version", "level", "columns", "model", "backend", "known_actors", "speakers_as_targets")
"""The settings a resumed run must share with the run that started the output."""


def sidecar(output: Path, suffix: str) -> Path:
    return output.with_name(output.name + suffix)


def manifest_path(output: Path) -> Path:
    return sidecar(output, ".manifest.json")


def model_identity(clf: Any) -> dict[str, Any]:
    """What names the model in a manifest: its weights' sha256 (or, for a model built in memory,
    the sha256 of its settings). ``clf`` is a classifier or a model directory."""
    if isinstance(clf, (str, Path)):
        return {"weights_sha256": file_sha256(Path(clf) / WEIGHTS_FILE)}
    model_dir = getattr(clf, "model_dir", None)
    if model_dir is not None and (Path(model_dir) / WEIGHTS_FILE).is_file():
        return {"weights_sha256": file_sha256(Path(model_dir) / WEIGHTS_FILE)}
    settings = json.dumps(dataclasses.asdict(clf.settings), sort_keys=True, default=str)
    return {"settings_sha256": hashlib.sha256(settings.encode()).hexdigest()}


def make_manifest(level: str, columns: Sequence[str], model: dict[str, Any], backend: str, inputs: Sequence[str]):
    return {
        "format_version": MANIFEST_VERSION,
        "level": level,
        "columns": list(columns),
        "model": model,
        "backend": backend,
        "inputs": list(inputs),
        "complete": False,  # set when the run ends; until then the last article may be partial
    }


def write_manifest(output: Path, manifest: dict[str, Any]) -> None:
    path = manifest_path(output)
    tmp = sidecar(output, ".manifest.json.tmp")
    tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def finished(output: Path) -> bool:
    """The run that wrote ``output`` reached its end (its manifest says so)."""
    try:
        return bool(json.loads(manifest_path(output).read_text(encoding="utf-8")).get("complete"))
    except (OSError, json.JSONDecodeError):
        return False


def check_resume(output: Path, wanted: dict[str, Any], keys: Sequence[str] = CHECKED) -> None:
    """Refuse to resume ``output`` unless newsstance wrote it with the same settings (``keys``)."""
    path = manifest_path(output)
    if not path.is_file():
        raise UsageError(
            f"{output} has no {path.name}: it was not written by `newsstance score` (or by a version "
            "before manifests), so --resume will not append to it; choose another -o, or pass --overwrite "
            "to replace it"
        )
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise UsageError(f"{path} is unreadable ({err}); pass --overwrite to start {output} again") from err
    differ = [k for k in keys if found.get(k) != wanted.get(k)]
    if differ:
        details = "; ".join(f"{k}: {found.get(k)!r} then, {wanted.get(k)!r} now" for k in differ)
        raise UsageError(
            f"{output} was written with other settings ({details}); resume with the same --level, "
            "--keep-fields, --model and --backend (and, for a directory, the same inputs and "
            "--articles-per-task), or write to another -o"
        )


@contextmanager
def output_lock(output: Path) -> Iterator[None]:
    """Hold ``OUTPUT.lock`` (a :mod:`filelock` lock, on every platform) for the duration of a run;
    a second run on one output is refused, naming the pid of the first (kept in ``OUTPUT.lock.pid``:
    the lock file itself is the lock library's)."""
    path, pid_file = sidecar(output, ".lock"), sidecar(output, ".lock.pid")
    lock = FileLock(path, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        try:
            other = pid_file.read_text(encoding="ascii", errors="replace").strip() or "?"
        except OSError:
            other = "?"
        raise UsageError(
            f"another `newsstance score` run (pid {other}) is writing {output}; wait for it to end, or "
            "write to another -o"
        ) from None
    try:
        pid_file.write_text(f"{os.getpid()}\n", encoding="ascii")
        yield
    finally:
        pid_file.unlink(missing_ok=True)
        with suppress(OSError):  # while held, so that no waiting run locks a file about to go
            path.unlink()
        lock.release()


def repair_torn_tail(path: Path) -> None:
    """Cut a last line that a kill left without its newline, so that appending stays valid JSONL."""
    if not path.is_file() or path.stat().st_size == 0:
        return
    with open(path, "r+b") as fh:
        data = fh.read()
        if not data.endswith(b"\n"):
            fh.truncate(data.rfind(b"\n") + 1)
