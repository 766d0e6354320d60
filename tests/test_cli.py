"""The one command: every subcommand answers --help, parsing stays light, and breakage shows
(usage errors are one line and exit 2; anything else is a bug: a traceback and exit 1)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsstance.cli import build_parser, main
from newsstance.cli.train import newsmtsc_dir
from newsstance.eval.corpora import DATA_ENV, DEFAULT_DATA_DIR, resolve_data_dir

REPO = Path(__file__).resolve().parents[1]
COMMANDS = {"score", "view", "report", "evaluate", "export", "calibrate", "train", "distill", "sweep", "fetch-base"}
BENCHMARKS = {
    "analyze",
    "score",
    "huge",
    "language",
    "salience",
    "actors",
    "identities",
    "countries",
    "speakers",
    "speed",
    "report",
    "scaleout",
    "adversarial",
    "linking",
    "aggregation",
    "ensemble",
    "train-step",
}
ENV = {**os.environ, "HF_HUB_OFFLINE": "1"}


def _choices(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def test_help_lists_every_subcommand_and_every_help_exits_0(capsys):
    commands = _choices(build_parser())
    assert set(commands) == COMMANDS | {"bench"}
    assert set(_choices(commands["bench"])) == BENCHMARKS
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    listed = capsys.readouterr().out
    assert done.value.code == 0 and all(name in listed for name in commands)
    for argv in [[name] for name in commands] + [["bench", name] for name in BENCHMARKS]:
        with pytest.raises(SystemExit) as done:
            main([*argv, "--help"])
        assert done.value.code == 0, argv
        assert capsys.readouterr().out.startswith(f"usage: newsstance {' '.join(argv)}")


def test_python_dash_m_newsstance_is_the_command():
    done = subprocess.run([sys.executable, "-m", "newsstance", "--help"], capture_output=True, text=True, env=ENV)
    assert done.returncode == 0, done.stderr
    assert all(name in done.stdout for name in COMMANDS | {"bench"})


def test_parsing_any_command_does_not_import_torch_or_the_measuring_code():
    code = (
        "import sys; from newsstance.cli import build_parser; p = build_parser()\n"
        "for argv in (['score', 'x', '-o', 'y'], ['train', '--config', 'c', '--output', 'o'], ['bench', 'speed'],"
        " ['evaluate', '--model', 'm'], ['calibrate']):\n"
        "    p.parse_args(argv)\n"
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'transformers', 'newsstance'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(done.stdout.split())
    assert not loaded & {"torch", "transformers"}
    assert not [m for m in loaded if m.startswith("newsstance.training")]
    assert not [m for m in loaded if m.startswith("newsstance.eval.") and m != "newsstance.eval.corpora"]


def test_a_bad_level_is_one_line_and_exit_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as done:
        main(["score", str(tmp_path / "a.txt"), "-o", str(tmp_path / "o.jsonl"), "--level", "sentence"])
    assert done.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "invalid choice: 'sentence'" in lines[0] and "--help" in lines[0]


def test_a_usage_error_is_one_line_and_verbose_adds_the_traceback(tmp_path, capsys):
    (tmp_path / "a.txt").write_text("Ana Ruiz won.", encoding="utf-8")
    args = ["score", str(tmp_path / "a.txt"), "-o", str(tmp_path / "o.jsonl"), "--actors", ",,,"]
    assert main(args) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == ["newsstance score: error: --actors ',,,' names no actor; give comma-separated names"]
    for verbose in (["-v", *args], [*args, "-v"]):
        assert main(verbose) == 2
        err = capsys.readouterr().err
        assert "Traceback (most recent call last)" in err and "ValueError: --actors" in err
        assert err.strip().splitlines()[-1].startswith("newsstance score: error: --actors")


def _planted(*args, **kwargs):
    raise RuntimeError("planted")


def test_a_bug_inside_analyze_is_a_traceback_and_exit_1(tiny_model_dir, tmp_path, monkeypatch, capsys):
    from newsstance.classifier import StanceClassifier

    (tmp_path / "a.txt").write_text("Sarah Mitchell won the vote.", encoding="utf-8")
    monkeypatch.setattr(StanceClassifier, "analyze_many", _planted)
    args = ["score", str(tmp_path / "a.txt"), "-o", str(tmp_path / "o.jsonl"), "--model", str(tiny_model_dir)]
    assert main([*args, "--quiet", "--backend", "torch"]) == 1
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "RuntimeError: planted" in err
    assert "bug in newsstance" in err.strip().splitlines()[-1]


@pytest.mark.parametrize("error", [RuntimeError, KeyError, AttributeError, AssertionError])
def test_any_unexpected_exception_is_a_bug_not_a_usage_error(error, monkeypatch, capsys):
    import newsstance.eval.bench

    def planted(*args, **kwargs):
        raise error("planted")

    monkeypatch.setattr(newsstance.eval.bench, "bench_huge", planted)
    assert main(["bench", "huge"]) == 1
    err = capsys.readouterr().err
    assert f"{error.__name__}: " in err and "Traceback" in err
    assert err.strip().splitlines()[-1].startswith(f"newsstance bench huge: {error.__name__}: this is a bug")


def test_the_data_folder_is_given_then_the_environment_then_the_default(monkeypatch):
    monkeypatch.delenv(DATA_ENV, raising=False)
    assert resolve_data_dir() == DEFAULT_DATA_DIR
    monkeypatch.setenv(DATA_ENV, "/data/stance")
    assert resolve_data_dir() == Path("/data/stance")
    assert resolve_data_dir("here") == Path("here")
    parse = build_parser().parse_args
    train = ["train", "--config", "c.json", "--output", "o"]
    assert newsmtsc_dir(parse(train)) == Path("/data/stance/newsmtsc")
    assert newsmtsc_dir(parse([*train, "--data-dir", "d"])) == Path("d/newsmtsc")
    assert newsmtsc_dir(parse([*train, "--data", "old/newsmtsc"])) == Path("old/newsmtsc")  # older command lines
    with pytest.raises(ValueError, match="not both"):
        newsmtsc_dir(parse([*train, "--data", "x", "--data-dir", "d"]))


def test_the_data_folder_default_is_written_once():
    default = str(DEFAULT_DATA_DIR).removeprefix("../")
    hits = [
        f"{path.relative_to(REPO)}:{n}"
        for folder in ("model", "eval", "training")
        for path in sorted((REPO / folder).rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if default in line
    ]
    assert len(hits) == 1 and hits[0].startswith("eval/corpora.py:"), hits


@pytest.mark.slow
def test_a_reader_that_goes_away_ends_the_command_quietly():
    import subprocess
    import sys

    cmd = [sys.executable, "-m", "newsstance", "bench", "actors"]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "HF_HUB_OFFLINE": "1"}
    )
    proc.stdout.readline()
    proc.stdout.close()  # as `| head -1` does
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 141 and b"Broken pipe" not in err and b"Traceback" not in err
