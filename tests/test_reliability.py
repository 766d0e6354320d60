"""The scorer never harms the user's data, never mixes outputs, and one bad record never stops a run."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

pytest.importorskip("spacy")

from newsstance.batch.manifest import output_lock  # noqa: E402
from newsstance.batch.readers import InputFile, count_records  # noqa: E402
from newsstance.batch.scoring import UsageError, score_files  # noqa: E402
from newsstance.cli import main  # noqa: E402

TEXT = "Sarah Mitchell won the vote. Critics slammed David Miller."


def _jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _rows(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def score(clf, inputs, out, **kw):
    return score_files(clf, [str(i) for i in inputs], out, show_progress_bar=False, **kw)


# -- 1. the output can never destroy an input -----------------------------------------------------


@pytest.mark.parametrize("mode", [{"overwrite": True}, {"resume": True}])
def test_an_output_that_is_an_input_is_refused_and_nothing_is_touched(tiny_classifier, tmp_path, mode):
    data = _jsonl(tmp_path / "x.jsonl", [{"text": TEXT}, {"id": "b", "text": TEXT}])
    before = data.read_bytes()
    with pytest.raises(UsageError, match="is also an input"):
        score(tiny_classifier, [data], data, **mode)
    with pytest.raises(UsageError, match="is also an input"):
        score(tiny_classifier, [tmp_path], tmp_path / "x.jsonl", **mode)  # the same file through its folder
    assert data.read_bytes() == before


def test_resume_appends_only_to_a_file_newsstance_wrote(tiny_classifier, tmp_path):
    data = _jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": TEXT}])
    theirs = _jsonl(tmp_path / "mine.jsonl", [{"id": "z", "note": "the user's own data"}])
    before = theirs.read_bytes()
    with pytest.raises(UsageError, match="not written by `newsstance score`"):
        score(tiny_classifier, [data], theirs, resume=True)
    assert theirs.read_bytes() == before
    out = tmp_path / "out.jsonl"
    score(tiny_classifier, [data], out)
    manifest = json.loads((tmp_path / "out.jsonl.manifest.json").read_text())
    assert manifest["level"] == "article" and manifest["columns"][0] == "id" and manifest["backend"] == "torch"
    assert score(tiny_classifier, [data], out, resume=True).articles_skipped == 1


# -- 2. --resume with other settings is refused ---------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "setting"),
    [({"keep_fields": ["src"]}, {}, "columns"), ({}, {"level": "mention"}, "level")],
)
def test_resume_with_other_settings_is_refused(tiny_classifier, tmp_path, first, second, setting):
    data = _jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": TEXT, "src": "wire"}])
    out = tmp_path / "out.csv"
    score(tiny_classifier, [data], out, **first)
    before = out.read_bytes()
    with pytest.raises(UsageError, match=f"other settings \\({setting}"):
        score(tiny_classifier, [data], out, resume=True, **second)
    assert out.read_bytes() == before


# -- 3. rows are never written twice -------------------------------------------------------------


def test_a_stale_journal_counts_as_an_existing_output(tiny_classifier, tmp_path):
    data = _jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": TEXT}])
    (tmp_path / "out.csv.partial.jsonl").write_text('{"id": "a", "actor": "x"}\n')
    with pytest.raises(UsageError, match="partial.jsonl exists; pass --resume"):
        score(tiny_classifier, [data], tmp_path / "out.csv")


def test_path_derived_ids_do_not_depend_on_how_the_path_is_spelled(tiny_classifier, tmp_path, monkeypatch):
    data = _jsonl(tmp_path / "in.jsonl", [{"text": TEXT}, {"text": TEXT + " Again."}])
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out.jsonl"
    score(tiny_classifier, ["in.jsonl"], out)
    ids = {r["id"] for r in _rows(out)}
    assert ids == {"in.jsonl:1", "in.jsonl:2"}
    again = score(tiny_classifier, [data.resolve()], out, resume=True)
    assert (again.articles_scored, again.articles_skipped) == (0, 2)


def test_a_second_run_on_one_output_is_refused(tiny_classifier, tmp_path):
    data = _jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": TEXT}])
    out = tmp_path / "out.jsonl"
    with output_lock(out), pytest.raises(UsageError, match=f"pid {os.getpid()}\\) is writing"):
        score(tiny_classifier, [data], out)
    score(tiny_classifier, [data], out)  # the lock is gone with the run that held it
    assert not (tmp_path / "out.jsonl.lock").exists()


HOLD = """import sys
from pathlib import Path
from newsstance.batch.manifest import output_lock
with output_lock(Path(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.read()
"""


def _holder(out):
    """Another process that holds the lock on ``out`` until its stdin closes."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(out)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline() == "held\n"
    return proc


def test_a_run_in_another_process_is_refused_with_its_pid_and_a_killed_one_blocks_nothing(tiny_classifier, tmp_path):
    data = _jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": TEXT}])
    out = tmp_path / "out.jsonl"
    holder = _holder(out)
    try:
        assert (tmp_path / "out.jsonl.lock.pid").read_text() == f"{holder.pid}\n"
        with pytest.raises(UsageError, match=f"pid {holder.pid}\\) is writing"):
            score(tiny_classifier, [data], out)
    finally:
        holder.communicate("", timeout=120)  # its stdin closes: its run ends
    assert holder.returncode == 0 and not (tmp_path / "out.jsonl.lock").exists()
    killed = _holder(out)
    killed.kill()  # no cleanup: the lock file and the pid stay behind, the lock goes with the process
    killed.wait(timeout=60)
    assert (tmp_path / "out.jsonl.lock").exists()
    assert score(tiny_classifier, [data], out).articles_scored == 1
    assert not (tmp_path / "out.jsonl.lock").exists() and not (tmp_path / "out.jsonl.lock.pid").exists()


# -- 4. the errors file survives a kill mid-write -----------------------------------------------


def test_a_torn_errors_file_is_repaired_on_resume(tiny_classifier, tmp_path):
    data = tmp_path / "in.jsonl"
    data.write_text(json.dumps({"id": "a", "text": TEXT}) + "\n{broken\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    score(tiny_classifier, [data], out)
    errors = tmp_path / "out.jsonl.errors.jsonl"
    errors.write_text(errors.read_text() + '{"source": "torn', encoding="utf-8")  # a kill mid-write
    score(tiny_classifier, [data], out, resume=True)
    assert [e["line"] for e in _rows(errors)] == [2]  # valid JSONL, the failure logged once


# -- 5-8. one bad record or file does not stop the run --------------------------------------------


def test_a_lone_surrogate_in_an_id_or_kept_field_is_a_bad_record(tiny_classifier, tmp_path):
    data = tmp_path / "in.jsonl"
    lines = [
        '{"id": "bad\\ud800", "text": "Sarah Mitchell won."}',
        '{"id": "ok", "text": "Sarah Mitchell won.", "src": "x\\udfff"}',
        '{"id": "good", "text": "Sarah Mitchell won.", "src": "wire"}',
    ]
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = score(tiny_classifier, [data], tmp_path / "out.jsonl", keep_fields=["src"])
    assert (summary.articles_scored, summary.records_failed) == (1, 2)
    reasons = [e["reason"] for e in _rows(summary.errors)]
    assert "'id' holds a lone surrogate" in reasons[0] and "'src' holds a lone surrogate" in reasons[1]


def test_a_csv_field_longer_than_pythons_default_limit_is_read(tmp_path):
    from newsstance.batch.readers import expand_inputs, read_records

    long = "Sarah Mitchell won the vote. " + "The council met again. " * 9000
    assert len(long) > 131_072
    (tmp_path / "in.csv").write_text(f'id,text\nlong,"{long}"\nshort,"Ana Ruiz won."\n', encoding="utf-8")
    records = list(read_records(expand_inputs([str(tmp_path / "in.csv")])))
    assert [(r.id, len(r.text)) for r in records] == [("long", len(long)), ("short", 13)]


def test_an_unreadable_file_does_not_stop_the_count(tmp_path):
    (tmp_path / "folder.jsonl").mkdir()  # open() fails with an OSError, as for a disk error
    assert count_records([InputFile(tmp_path / "folder.jsonl", tmp_path)]) == 1


def test_a_byte_order_mark_is_read_as_nothing(tiny_classifier, tmp_path):
    bom = "\ufeff"
    (tmp_path / "ids.csv").write_text(bom + 'id,text\nc1,"Sarah Mitchell won."\n', encoding="utf-8")
    (tmp_path / "texts.csv").write_text(bom + 'text,id\n"Sarah Mitchell won.",c2\n', encoding="utf-8")
    (tmp_path / "lines.jsonl").write_text(bom + json.dumps({"id": "j1", "text": "Sarah Mitchell won."}) + "\n")
    summary = score(tiny_classifier, [tmp_path], tmp_path / "out" / "o.jsonl")
    assert summary.records_failed == 0
    assert {r["id"] for r in _rows(summary.output)} == {"c1", "c2", "j1"}


# -- 9-10. clear exits ---------------------------------------------------------------------------


def test_no_input_is_a_usage_error(tiny_model_dir, tmp_path, monkeypatch, capsys):
    import io

    args = ["score", "--model", str(tiny_model_dir), "--quiet", "-o"]
    (tmp_path / "empty").mkdir()
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "readme.md").write_text("not an article")
    assert main([*args, str(tmp_path / "a.jsonl"), str(tmp_path / "empty")]) == 2
    assert main([*args, str(tmp_path / "b.jsonl"), str(tmp_path / "notes")]) == 2
    assert "holds no .txt, .jsonl, .csv file" in capsys.readouterr().err
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    assert main([*args, str(tmp_path / "c.jsonl"), "-"]) == 2
    assert "held no articles" in capsys.readouterr().err
    assert not (tmp_path / "c.jsonl").exists()  # nothing left behind that would block a rerun
    data = _jsonl(tmp_path / "in.jsonl", [{"text": TEXT}])
    assert main([*args, str(tmp_path / "d.jsonl"), str(data), "--actors", ",,,"]) == 2
    assert "names no actor" in capsys.readouterr().err


def test_os_errors_and_directories_get_one_line_and_a_meaningful_exit(tiny_model_dir, tmp_path, capsys):
    data = _jsonl(tmp_path / "in.jsonl", [{"text": TEXT}])
    args = ["score", str(data), "--model", str(tiny_model_dir), "--quiet", "-o"]
    (tmp_path / "dir.jsonl").mkdir()
    assert main([*args, str(tmp_path / "dir.jsonl")]) == 2
    assert "is a directory" in capsys.readouterr().err
    (tmp_path / "afile").write_text("x")
    assert main([*args, str(tmp_path / "afile" / "out.jsonl")]) == 2
    assert "afile is a file, not a folder" in capsys.readouterr().err


def test_a_full_disk_is_an_environment_error_with_one_line(tiny_model_dir, tmp_path, capsys):
    if not os.path.exists("/dev/full"):
        pytest.skip("needs /dev/full, where every write fails with ENOSPC")
    data = tmp_path / "in.jsonl"
    data.write_text(json.dumps({"id": "a", "text": TEXT}) + "\n{broken\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    (tmp_path / "out.jsonl.errors.jsonl").symlink_to("/dev/full")  # the bad record's log hits a full disk
    status = main(["score", str(data), "--model", str(tiny_model_dir), "--quiet", "-o", str(out)])
    err = capsys.readouterr().err
    assert status == 3
    assert len(err.strip().splitlines()) == 1 and "No space left on device" in err and "--resume" in err


# -- 16. small ones ------------------------------------------------------------------------------


def test_nan_in_a_kept_field_is_written_as_null_and_dict_ids_are_bad_records(tiny_classifier, tmp_path):
    data = tmp_path / "in.jsonl"
    data.write_text(
        '{"id": "a", "text": "Sarah Mitchell won.", "weight": NaN}\n'
        '{"id": {"x": 1}, "text": "Sarah Mitchell won."}\n'
        '{"id": "c", "text": "Sarah \x01 Mitchell"}\n',
        encoding="utf-8",
    )
    summary = score(tiny_classifier, [data], tmp_path / "out.jsonl", keep_fields=["weight"])
    lines = summary.output.read_text().splitlines()
    assert all("NaN" not in line for line in lines) and json.loads(lines[0])["weight"] is None
    reasons = [e["reason"] for e in _rows(summary.errors)]
    assert reasons[0].startswith("'id' must be a string or a number")
    assert "at at" not in reasons[1] and reasons[1].startswith("invalid JSON: Invalid control character at column")


def test_a_lone_surrogate_in_classify_text_names_the_problem(tiny_classifier):
    with pytest.raises(ValueError, match="lone surrogate at index 5"):
        tiny_classifier.classify("Sarah\ud800 Mitchell won.", "Mitchell")


@pytest.mark.slow
def test_sigterm_says_how_to_finish_and_resume_finishes(tiny_model_dir, tmp_path):
    articles = _jsonl(tmp_path / "many.jsonl", [{"id": f"a{i}", "text": f"{TEXT} Day {i}."} for i in range(400)])
    out = tmp_path / "out.jsonl"
    cmd = [sys.executable, "-m", "newsstance", "score", str(articles), "--model", str(tiny_model_dir), "--quiet"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen([*cmd, "-o", str(out)], env=env, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline and (not out.exists() or out.stat().st_size == 0):
        time.sleep(0.02)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143 and "terminated; run again with --resume" in err
    done = subprocess.run([*cmd, "-o", str(out), "--resume"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert sorted({r["id"] for r in _rows(out)}) == sorted(f"a{i}" for i in range(400))


# -- 11-16 -----------------------------------------------------------------------------------


def test_an_article_over_max_chars_is_a_bad_record(tiny_classifier, tmp_path):
    data = _jsonl(tmp_path / "in.jsonl", [{"id": "big", "text": TEXT * 40}, {"id": "ok", "text": TEXT}])
    summary = score(tiny_classifier, [data], tmp_path / "out.jsonl", max_chars=1000)
    assert (summary.articles_scored, summary.records_failed) == (1, 1)
    assert "over --max-chars 1,000; split it" in _rows(summary.errors)[0]["reason"]
    with pytest.raises(UsageError, match="--max-chars must be a positive"):
        score(tiny_classifier, [data], tmp_path / "o2.jsonl", max_chars=0)


def test_two_threads_on_one_openvino_classifier_match_one_thread(tiny_model_dir):
    from concurrent.futures import ThreadPoolExecutor

    from newsstance.backends.openvino import openvino_available
    from newsstance.classifier import StanceClassifier

    if not openvino_available():
        pytest.skip("needs the openvino extra")
    clf = StanceClassifier.from_pretrained(tiny_model_dir, backend="openvino-int8")
    items = [(f"the minister said ruiz was wrong {'again ' * k}", "ruiz") for k in range(40)]
    alone = [s.probs for s in clf.classify_many(items, batch_size=4)]
    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(lambda _: [s.probs for s in clf.classify_many(items, batch_size=4)], range(4)))
    assert all(run == alone for run in runs)


def test_classify_many_errors_name_the_item_and_numpy_spans_are_spans(tiny_classifier):
    np = pytest.importorskip("numpy")
    items = [("Ana Ruiz won.", "Ana Ruiz")] * 3 + [("Ana Ruiz won.", (5, 2))]
    with pytest.raises(ValueError, match=r"item 3: span \(5, 2\) is empty"):
        tiny_classifier.classify_many(items)
    with pytest.raises(TypeError, match="item 0 must be a \\(text, target\\) pair, got dict"):
        tiny_classifier.classify_many([{"text": "Ana Ruiz won.", "target": "Ana Ruiz"}])
    for bad in (2.5, "8", 0, True):
        with pytest.raises(ValueError, match="batch_size must be a positive integer"):
            tiny_classifier.classify_many(items[:1], batch_size=bad)
    by_numpy = tiny_classifier.classify("Ana Ruiz won.", (np.int64(0), np.int64(8)))
    assert by_numpy == tiny_classifier.classify("Ana Ruiz won.", (0, 8))
    assert tiny_classifier.classify("Ana Ruiz won.", np.array([[0, 8]])) == by_numpy


def test_given_actors_take_one_alias_as_a_string_and_match_names_in_any_case(tiny_classifier):
    text = "Sarah Mitchell opened the bridge. Critics of Mitchell were loud."
    a = tiny_classifier.analyze(text, actors=[{"name": "Sarah Mitchell", "aliases": "Mitchell"}])
    assert [text[s:e] for s, e in a.actors[0].mentions if a.actors[0].mention_types] == ["Sarah Mitchell", "Mitchell"]
    lower = tiny_classifier.analyze(text, actors=["sarah mitchell"], coreference=None)
    assert [text[s:e] for s, e in lower.actors[0].mentions] == ["Sarah Mitchell", "Mitchell"]


def test_markup_does_not_leak_into_actor_names(tiny_classifier):
    a = tiny_classifier.analyze("Voters cheered <b>Sarah Mitchell</b> after the vote in Lindhaven.")
    assert all("<" not in x.name and ">" not in x.name for x in a.actors)


def test_an_open_csv_quote_is_reported_not_swallowed(tiny_classifier, tmp_path):
    (tmp_path / "in.csv").write_text(
        'id,text\nc1,"Sarah Mitchell won."\nc2,"David Miller said "no" twice.\nc3,"Ana Ruiz left."\n',
        encoding="utf-8",
    )
    summary = score(tiny_classifier, [tmp_path / "in.csv"], tmp_path / "out.jsonl")
    assert {r["id"] for r in _rows(summary.output)} == {"c1"}
    (reason,) = [e["reason"] for e in _rows(summary.errors)]
    assert "quote is probably left open; the rest of this file was not read" in reason


def test_overlapping_given_actors_keep_their_own_mentions(tiny_classifier):
    from newsstance.articles.given import ActorWarning

    text = "Sarah Mitchell met David Miller. Mitchell spoke."
    with pytest.warns(ActorWarning, match="may be one person"):
        a = tiny_classifier.analyze(text, actors=["Sarah Mitchell", "Mitchell"], coreference=None)
    assert [(x.name, [text[s:e] for s, e in x.mentions]) for x in a.actors] == [
        ("Sarah Mitchell", ["Sarah Mitchell"]),
        ("Mitchell", ["Mitchell"]),
    ]


def test_a_5_mb_article_is_refused_by_the_default_limit(tiny_classifier, tmp_path):
    data = _jsonl(tmp_path / "in.jsonl", [{"id": "huge", "text": "Sarah Mitchell won. " * 250_000}, {"text": TEXT}])
    summary = score(tiny_classifier, [data], tmp_path / "out.jsonl")
    assert (summary.articles_scored, summary.records_failed) == (1, 1)
    assert "article of 5,000,000 characters, over --max-chars 1,000,000" in _rows(summary.errors)[0]["reason"]


# -- actor specs, languages and long articles ----------------------------------------------------


def test_a_bad_actor_spec_is_a_bad_record_and_a_bad_actors_option_a_usage_error(tiny_classifier, tmp_path):
    data = _jsonl(
        tmp_path / "in.jsonl",
        [
            {"id": "alien", "text": TEXT, "actors": [{"name": "Sarah Mitchell", "type": "ALIEN"}]},
            {"id": "number", "text": TEXT, "actors": [{"name": "Sarah Mitchell", "type": 5}]},
            {"id": "key", "text": TEXT, "actors": [{"name": "Sarah Mitchell", "alias": ["Mitchell"]}]},
            {"id": "lower", "text": TEXT, "actors": [{"name": "Sarah Mitchell", "type": "person"}]},
        ],
    )
    summary = score(tiny_classifier, [data], tmp_path / "out.jsonl")
    assert (summary.articles_scored, summary.records_failed) == (1, 3)
    assert [(r["id"], r["actor_type"]) for r in _rows(summary.output)] == [("lower", "PERSON")]
    reasons = {e["id"]: e["reason"] for e in _rows(summary.errors)}
    assert "'ALIEN'" in reasons["alien"] and "PERSON, ORG, GPE, NORP" in reasons["alien"]
    assert "5" in reasons["number"] and "PERSON, ORG, GPE, NORP" in reasons["number"]
    assert "unknown key 'alias'" in reasons["key"]
    with pytest.raises(UsageError, match=r"--actors.*'ALIEN'.*PERSON, ORG, GPE, NORP"):
        score(tiny_classifier, [data], tmp_path / "again.jsonl", actors=[{"name": "X", "type": "ALIEN"}])
    assert not (tmp_path / "again.jsonl").exists()


GERMAN = (
    "Die Bundesregierung hat am Dienstag neue Pläne für die Energiewende vorgestellt. Bundeskanzler Olaf Scholz "
    "sagte, die Kosten für Verbraucher würden sinken. Kritiker in der Opposition warfen ihm vor, die Industrie zu "
    "vernachlässigen, und forderten eine Debatte im Bundestag."
)
CHINESE = (
    "国务院总理周二在北京宣布了一项新的经济刺激计划。他表示，政府将加大对基础设施的投资，并降低中小企业的税收负担。"
)


def test_an_article_in_another_language_is_a_bad_record_unless_any_language(tiny_classifier, tmp_path, recwarn):
    records = [
        {"id": "de", "text": GERMAN},
        {"id": "zh", "text": CHINESE},
        {"id": "en", "text": TEXT},
        {"id": "headline", "text": "Merkel trifft Macron"},  # too short to tell: scored
    ]
    data = _jsonl(tmp_path / "in.jsonl", records)
    summary = score(tiny_classifier, [data], tmp_path / "out.jsonl")
    assert (summary.articles_scored, summary.records_failed) == (2, 2)
    assert {e["id"]: e["reason"] for e in _rows(summary.errors)} == {
        "de": "language de; newsstance reads English; pass --any-language to score it anyway",
        "zh": "language zh; newsstance reads English; pass --any-language to score it anyway",
    }
    anyway = score(tiny_classifier, [data], tmp_path / "anyway.jsonl", any_language=True)
    assert (anyway.articles_scored, anyway.records_failed) == (4, 0)
    assert not recwarn.list  # checked once, as a bad record; never a warning as well


def test_the_cli_scores_other_languages_with_any_language(tiny_model_dir, tmp_path, capsys):
    data = _jsonl(tmp_path / "in.jsonl", [{"id": "de", "text": GERMAN}, {"id": "en", "text": TEXT}])
    args = ["score", str(data), "--model", str(tiny_model_dir), "--quiet", "-o"]
    assert main([*args, str(tmp_path / "a.jsonl")]) == 1
    assert "1 records failed" in capsys.readouterr().err
    assert main([*args, str(tmp_path / "b.jsonl"), "--any-language"]) == 0


def test_a_long_article_shows_its_progress_on_the_bar_only_on_a_terminal(tiny_model_dir, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("newsstance.batch.scoring.LONG_ARTICLE", 2_000)
    long = "\n\n".join(f"Sarah Mitchell met the council on day {i}. Critics slammed David Miller." for i in range(60))
    data = _jsonl(tmp_path / "in.jsonl", [{"id": "short", "text": TEXT}, {"id": "long", "text": long}])
    args = ["score", str(data), "--model", str(tiny_model_dir), "--articles-per-task", "1", "-o"]
    assert main([*args, str(tmp_path / "a.jsonl")]) == 0
    err = capsys.readouterr().err
    assert "score" in err and "classify" not in err and "passages" not in err  # not a terminal: the bar alone
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert main([*args, str(tmp_path / "b.jsonl")]) == 0
    err = capsys.readouterr().err
    assert "read 60/60 passages" in err and "classify" in err
    assert "read 1/1" not in err  # the short article shows none
    assert main([*args, str(tmp_path / "c.jsonl"), "--quiet"]) == 0
    assert "score" not in capsys.readouterr().err.replace("articles scored", "")


def test_view_shows_a_long_articles_progress_only_on_a_terminal(tiny_model_dir, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("newsstance.pages.article.LONG_ARTICLE", 2_000)
    long = "\n\n".join(f"Sarah Mitchell met the council on day {i}. Critics slammed David Miller." for i in range(60))
    (tmp_path / "long.txt").write_text(long, encoding="utf-8")
    (tmp_path / "short.txt").write_text(TEXT, encoding="utf-8")
    args = ["view", "--model", str(tiny_model_dir), "-o"]
    assert main([*args, str(tmp_path / "a.html"), str(tmp_path / "long.txt")]) == 0
    assert capsys.readouterr().err.startswith("wrote ")  # not a terminal: silent
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert main([*args, str(tmp_path / "b.html"), str(tmp_path / "long.txt")]) == 0
    err = capsys.readouterr().err
    assert "read: 100%" in err and "60/60" in err and "classify: 100%" in err
    assert main([*args, str(tmp_path / "c.html"), str(tmp_path / "short.txt")]) == 0
    assert capsys.readouterr().err.startswith("wrote ")  # a short article shows no bar
