"""Nothing newsstance runs writes under HOME but its own cache and matplotlib's, and nothing phones home.

Each part runs in its own process whose HOME and XDG base directories are a fresh, empty folder;
the test lists every file the part left there (``pytest -s`` prints the list) and fails on any
path outside :data:`ALLOWED`. docs/privacy.md says which part writes which path.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from newsstance import backends

TESTS = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent

ALLOWED = (".cache/newsstance/", ".cache/matplotlib/", ".config/matplotlib/")
"""What may appear under HOME: newsstance's cache (a built ONNX file), matplotlib's font cache and config."""

ARTICLES = [
    {"id": "a1", "text": "Sarah Mitchell won the vote.\n\nCritics slammed David Miller."},
    {"id": "a2", "text": "David Miller praised Sarah Mitchell."},
]

CLASSIFY = """
import sys
from newsstance.classifier import StanceClassifier

clf = StanceClassifier.from_pretrained(sys.argv[1], backend=sys.argv[2], threads=1)
print(clf.classify("the party said ruiz won.", "ruiz").label)
assert "openvino_telemetry" not in sys.modules, "imported OpenVINO's telemetry client"
"""

BROWSE = """
import sys
from pathlib import Path
from viewkit import browse

assert "a page" in browse(Path(sys.argv[1]), Path(sys.argv[2]))
"""


def _installed(name: str) -> bool:
    return all(importlib.util.find_spec(m) is not None for m in name.split())


def _backend(name: str):
    needs = "onnxruntime onnx_ir" if name.startswith("onnx") else "openvino" if name.startswith("openvino") else ""
    marks = [pytest.mark.skipif(not _installed(needs) if needs else False, reason=f"needs {needs}")]
    if name.startswith("openvino"):
        marks.append(pytest.mark.slow)
    return pytest.param(f"classify:{name}", marks=marks, id=name)


PARTS = [
    *(_backend(name) for name in backends.REGISTRY),
    pytest.param(
        "dask",
        marks=[pytest.mark.slow, pytest.mark.skipif(not _installed("spacy distributed"), reason="needs spacy, dask")],
        id="score --engine dask",
    ),
    pytest.param(
        "report", marks=pytest.mark.skipif(not _installed("matplotlib"), reason="needs matplotlib"), id="report"
    ),
    pytest.param("chromium", marks=pytest.mark.slow, id="chromium"),
]


def _home_env(home: Path) -> dict[str, str]:
    """A small environment whose HOME and XDG base directories are all inside ``home``."""
    keep = ("PATH", "LANG", "LC_ALL", "TMPDIR")
    env = {k: v for k, v in os.environ.items() if k in keep}
    return env | {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "HF_HUB_OFFLINE": "1",
        "PYTHONPATH": str(TESTS),
    }


def _command(part: str, tmp: Path, model_dir: Path) -> list:
    if part.startswith("classify:"):
        return [sys.executable, "-c", CLASSIFY, model_dir, part.split(":", 1)[1]]
    if part == "dask":
        corpus = tmp / "corpus.jsonl"
        corpus.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
        return [BIN / "newsstance", "score", corpus, "-o", tmp / "dask.jsonl", "--model", model_dir, "--quiet",
                "--engine", "dask", "--workers", "1"]  # fmt: skip
    if part == "report":
        from viewkit import score_rows, write_rows

        scores = write_rows(score_rows(), tmp / "scores.jsonl")
        return [BIN / "newsstance", "report", scores, "-o", tmp / "report.html"]
    from viewkit import chromium

    if chromium() is None:
        pytest.skip("needs Chromium: apt-get install chromium")
    page = tmp / "page.html"
    page.write_text("<!DOCTYPE html><title>t</title><p>a page</p>", encoding="utf-8")
    return [sys.executable, "-c", BROWSE, page, tmp / "browser"]


@pytest.mark.parametrize("part", PARTS)
def test_nothing_but_our_cache_and_matplotlibs_is_written_under_home(part, tiny_model_dir, tmp_path):
    model_dir = tmp_path / "model"
    shutil.copytree(tiny_model_dir, model_dir)  # without model.int8.onnx: onnx-int8 builds it into the cache
    home = tmp_path / "home"
    home.mkdir()
    argv = [str(a) for a in _command(part, tmp_path, model_dir)]
    done = subprocess.run(argv, env=_home_env(home), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    written = sorted(p.relative_to(home).as_posix() for p in home.rglob("*") if not p.is_dir())
    print(f"\n{part} wrote under HOME: {', '.join(written) or 'nothing'}")
    assert [p for p in written if not p.startswith(ALLOWED)] == []
