"""CSV files separated by semicolons, tabs or pipes: `score`, `view` and `report` read them, and say
which separator they found."""

from __future__ import annotations

import json
import logging

import pytest
from viewkit import score_rows

from newsstance.batch import readers
from newsstance.batch.readers import BadRecord, Record, expand_inputs, read_records
from newsstance.cli import main

SEPARATORS = {";": "semicolon", "\t": "tab", "|": "pipe"}


def _articles(tmp_path, sep: str):
    path = tmp_path / "articles.csv"
    lines = ["id{0}text{0}outlet", 'n1{0}"Sarah Mitchell met voters, then David Miller."{0}Daily',
             'n2{0}"David Miller; a speech, long{1}and on two lines."{0}Post']  # fmt: skip
    path.write_text("\n".join(line.format(sep, "\n") for line in lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("sep", [",", *SEPARATORS])
def test_the_readers_find_the_separator(tmp_path, sep, caplog):
    path = _articles(tmp_path, sep)
    assert readers.sniff_delimiter(path) == sep
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="newsstance.batch.readers"):
        records = list(read_records(expand_inputs([str(path)]), keep_fields=["outlet"]))
    assert all(isinstance(r, Record) for r in records), records
    assert [r.id for r in records] == ["n1", "n2"] and records[1].text.endswith("two lines.")
    assert [r.fields["outlet"] for r in records] == ["Daily", "Post"]
    said = [r.getMessage() for r in caplog.records if "separated by" in r.getMessage()]
    assert said == ([] if sep == "," else [f"{path}: columns separated by {SEPARATORS[sep]}s ({sep!r})"])


def test_a_one_column_csv_is_read_as_commas(tmp_path):
    path = tmp_path / "one.csv"
    path.write_text('text\n"An article; with a semicolon."\n', encoding="utf-8")
    assert readers.sniff_delimiter(path) == ","
    (record,) = read_records(expand_inputs([str(path)]))
    assert record.text == "An article; with a semicolon."


def test_a_csv_without_text_still_says_so(tmp_path):
    path = tmp_path / "no.csv"
    path.write_text("id;body\n1;x\n", encoding="utf-8")
    (bad,) = read_records(expand_inputs([str(path)]))
    assert (
        isinstance(bad, BadRecord)
        and "no 'text' column (its columns: id, body); name the article text column 'text'" in bad.reason
    )


@pytest.mark.parametrize("sep", list(SEPARATORS))
def test_score_reads_a_semicolon_or_tab_csv(tiny_model_dir, tmp_path, caplog, sep):
    path = _articles(tmp_path, sep)
    out = tmp_path / "scores.jsonl"
    args = ["score", str(path), "-o", str(out), "--model", str(tiny_model_dir), "--quiet"]
    with caplog.at_level(logging.INFO, logger="newsstance"):
        assert main([*args, "--actors", "Sarah Mitchell,David Miller", "--keep-fields", "outlet"]) == 0
    assert f"{path}: columns separated by {SEPARATORS[sep]}s" in caplog.text
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {r["id"] for r in rows} == {"n1", "n2"} and {r["outlet"] for r in rows} == {"Daily", "Post"}


@pytest.mark.parametrize("sep", list(SEPARATORS))
def test_report_reads_a_semicolon_or_tab_csv(tmp_path, caplog, sep):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("matplotlib")
    path = tmp_path / "scores.csv"
    pd.DataFrame(score_rows()).to_csv(path, index=False, sep=sep)
    out = tmp_path / "report.html"
    with caplog.at_level(logging.INFO, logger="newsstance"):
        assert main(["report", str(path), "-o", str(out)]) == 0
    assert f"{path}: columns separated by {SEPARATORS[sep]}s" in caplog.text
    page = out.read_text(encoding="utf-8")
    assert "By outlet" in page and "Ana" in page
