"""pyproject.toml ships every folder of the package and every data file in it: what setuptools
would otherwise warn about at install time, or silently leave out of a wheel."""

from fnmatch import fnmatch
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")

REPO = Path(__file__).resolve().parents[1]
NOT_SHIPPED = {"training/results", "training/teacher"}
"""Folders inside the package's folders that a checkout uses but a wheel does not carry: records
of training runs, and a teacher's stored probabilities (``newsstance distill --teacher FILE``)."""


def _config() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def _package_folders() -> dict[str, Path]:
    """Every package name the package-dir mapping gives a folder of the source tree, and its folder."""
    roots = _config()["tool"]["setuptools"]["package-dir"]
    found = {}
    for name, root in roots.items():
        for folder in [REPO / root, *(REPO / root).rglob("*")]:
            relative = folder.relative_to(REPO).as_posix()
            if not folder.is_dir() or "__pycache__" in folder.parts or relative in NOT_SHIPPED:
                continue
            if not any(f.is_file() for f in folder.iterdir()):
                continue
            found[".".join([name, *folder.relative_to(REPO / root).parts])] = folder
    return found


def test_every_folder_of_the_package_is_listed_and_every_listed_one_exists():
    listed = set(_config()["tool"]["setuptools"]["packages"])
    folders = _package_folders()
    assert set(folders) - listed == set(), "add these to [tool.setuptools] packages (or to NOT_SHIPPED)"
    assert listed - set(folders) == set(), "these listed packages have no folder"


def test_every_data_file_is_package_data_and_every_pattern_matches():
    package_data = _config()["tool"]["setuptools"]["package-data"]
    for name, folder in _package_folders().items():
        patterns = package_data.get(name, [])
        data = [f.name for f in folder.iterdir() if f.is_file() and f.suffix not in (".py", ".pyc")]
        missing = [f for f in data if not any(fnmatch(f, p) for p in patterns)]
        assert not missing, f"{name}: add these to [tool.setuptools.package-data]"
        for pattern in patterns:
            assert any(fnmatch(f, pattern) for f in data), f"{name}: {pattern!r} matches no file"


def test_the_licence_files_exist():
    for path in _config()["project"]["license-files"]:
        assert (REPO / path).is_file(), path
    assert "nomquamgender" in (REPO / "NOTICE").read_text(encoding="utf-8")
