"""`newsstance score` / score_files: formats, bad records, exit codes, resume after SIGKILL."""

import collections
import json
import os
import signal
import subprocess
import sys
import time

import pytest

pytest.importorskip("spacy")

from newsstance.articles.rows import output_columns  # noqa: E402
from newsstance.batch.journal import recover  # noqa: E402
from newsstance.batch.scoring import UsageError, score_files  # noqa: E402
from newsstance.cli import main  # noqa: E402


def _rows(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_mixed_directory_scores_good_and_logs_bad(tiny_classifier, inputs, tmp_path):
    out = tmp_path / "out.jsonl"
    summary = score_files(tiny_classifier, [str(inputs)], out, keep_fields=["src"], show_progress_bar=False)
    assert (summary.articles_scored, summary.records_failed) == (4, 8)
    rows = _rows(out)
    assert summary.rows_written == len(rows)
    assert {r["id"] for r in rows} == {"a.txt", "j1", "j2", "c1"}
    columns = output_columns("article")
    assert all(list(r)[: len(columns)] == columns for r in rows)
    assert all(list(r) == [*columns, "src"] for r in rows if r["id"] != "a.txt")  # a .txt file has no fields
    assert {r["src"] for r in rows if r["id"] == "j1"} == {"wire"}
    assert [r["actor"] for r in rows if r["id"] == "j2"] == ["Sarah Mitchell"]  # the record's own actors
    reasons = {(e["source"].split("/")[-1], e["line"]): e["reason"] for e in _rows(summary.errors)}
    exact = {
        ("b.jsonl", 3): "'text' must be a string, got int",
        ("b.jsonl", 4): "duplicate id 'j1'; ids must be unique",
        ("b.jsonl", 5): "missing 'text' field",
        ("c.csv", 3): "empty article",
        ("empty.txt", None): "empty article",
    }
    starts = {
        ("b.jsonl", 2): "invalid JSON: ",
        ("b.jsonl", 8): "not valid UTF-8 (",
        ("bad.txt", None): "not valid UTF-8 (",
    }
    assert set(reasons) == set(exact) | set(starts)
    assert {k: reasons[k] for k in exact} == exact
    assert all(reasons[k].startswith(prefix) for k, prefix in starts.items()), reasons
    assert "articles scored" in summary.line()


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_csv_and_parquet_outputs(tiny_classifier, inputs, tmp_path, suffix):
    pd = pytest.importorskip("pandas")
    out = tmp_path / f"out{suffix}"
    score_files(tiny_classifier, [str(inputs / "a.txt")], out, level="passage", show_progress_bar=False)
    df = pd.read_csv(out) if suffix == ".csv" else pd.read_parquet(out)
    assert list(df.columns) == output_columns("passage")
    assert len(df) == 2 and set(df["passage_index"]) == {0, 1}
    assert not (tmp_path / f"out{suffix}.partial.jsonl").exists()
    again = score_files(tiny_classifier, [str(inputs)], out, level="passage", resume=True, show_progress_bar=False)
    assert again.articles_skipped == 1
    df = pd.read_csv(out) if suffix == ".csv" else pd.read_parquet(out)
    assert collections.Counter(df["id"])["a.txt"] == 2
    assert {"j1", "j2", "c1"} <= set(df["id"])


def test_usage_errors(tiny_classifier, inputs, tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("")
    with pytest.raises(UsageError, match="--resume"):
        score_files(tiny_classifier, [str(inputs)], out)
    with pytest.raises(UsageError, match="use one of"):
        score_files(tiny_classifier, [str(inputs)], tmp_path / "out.xlsx")
    with pytest.raises(UsageError, match="no input"):
        score_files(tiny_classifier, [], tmp_path / "o.jsonl")
    with pytest.raises(UsageError, match="unsupported input"):
        score_files(tiny_classifier, [str(inputs / "ignored.md")], tmp_path / "o.jsonl")
    with pytest.raises(UsageError, match="not a file"):
        score_files(tiny_classifier, [str(tmp_path / "missing*.txt")], tmp_path / "o.jsonl")
    with pytest.raises(UsageError, match="clash"):
        score_files(tiny_classifier, [str(inputs)], tmp_path / "o.jsonl", keep_fields=["label"])


def test_a_missing_parquet_library_is_found_before_any_article_is_scored(
    tiny_classifier, inputs, tmp_path, monkeypatch
):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "pyarrow" else real(name, *a))

    class Refuses:
        def analyze_many(self, *args, **kwargs):
            raise AssertionError("an article was scored before the output format was checked")

    with pytest.raises(UsageError, match="needs pyarrow"):
        score_files(Refuses(), [str(inputs)], tmp_path / "o.parquet", show_progress_bar=False)
    assert not list(tmp_path.glob("o.parquet*"))


def test_cli_exit_status(tiny_model_dir, inputs, tmp_path, capsys):
    args = ["score", "--model", str(tiny_model_dir), "--quiet", "-o"]
    assert main([*args, str(tmp_path / "good.jsonl"), str(inputs / "a.txt")]) == 0
    assert "1 articles scored" in capsys.readouterr().err
    assert main([*args, str(tmp_path / "mixed.jsonl"), str(inputs)]) == 1
    assert main([*args, str(tmp_path / "mixed.jsonl"), str(inputs)]) == 2
    assert "exists" in capsys.readouterr().err
    assert main([*args, str(tmp_path / "mixed.jsonl"), str(inputs), "--overwrite"]) == 1
    assert main([*args, str(tmp_path / "o.jsonl"), str(inputs / "ignored.md")]) == 2


@pytest.mark.slow
def test_sigkill_then_resume_loses_nothing_and_duplicates_nothing(tiny_model_dir, tmp_path):
    articles = tmp_path / "many.jsonl"
    with open(articles, "w", encoding="utf-8") as f:
        for i in range(600):
            f.write(
                json.dumps({"id": f"a{i}", "text": f"Sarah Mitchell met David Miller on day {i}. Miller left."}) + "\n"
            )
    cmd = [sys.executable, "-m", "newsstance", "score", str(articles), "--model", str(tiny_model_dir), "--quiet"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}

    reference = tmp_path / "reference.jsonl"
    subprocess.run([*cmd, "-o", str(reference)], check=True, env=env, capture_output=True)

    out = tmp_path / "killed.jsonl"
    proc = subprocess.Popen([*cmd, "-o", str(out)], env=env, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and (not out.exists() or out.stat().st_size == 0):
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    killed_rows = len(out.read_text().splitlines())
    assert 0 < killed_rows < len(reference.read_text().splitlines())

    done = subprocess.run([*cmd, "-o", str(out), "--resume"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    rows, ref = _rows(out), _rows(reference)
    key = lambda r: (r["id"], r["actor"])  # noqa: E731
    assert collections.Counter(map(key, rows)) == collections.Counter(map(key, ref))
    assert max(collections.Counter(map(key, rows)).values()) == 1
    assert "already done" in done.stderr


def test_recovery_drops_a_torn_line_and_the_last_article(tmp_path):
    journal = tmp_path / "j.jsonl"
    rows = [{"id": "a", "actor": "x"}, {"id": "a", "actor": "y"}, {"id": "b", "actor": "x"}]
    text = "".join(json.dumps(r) + "\n" for r in rows) + '{"id": "c", "act'
    journal.write_text(text)
    assert recover(journal) == {"a"}
    assert _rows(journal) == rows[:2]


def test_standard_input_is_read_as_jsonl(tiny_classifier, tmp_path, monkeypatch):
    import io

    data = json.dumps({"id": "s1", "text": "David Miller praised Sarah Mitchell."}) + "\n" + "oops\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data.encode())))
    summary = score_files(tiny_classifier, ["-"], tmp_path / "o.jsonl", show_progress_bar=False)
    assert (summary.articles_scored, summary.records_failed) == (1, 1)
    assert {r["id"] for r in _rows(tmp_path / "o.jsonl")} == {"s1"}
    assert _rows(summary.errors)[0]["source"] == "-"
