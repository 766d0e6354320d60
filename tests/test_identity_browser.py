"""The report on the cross-article seed corpus (seeds/corpus), scored with the shipped model and
read in a real headless Chromium: one row per real actor, whatever forms its articles use."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest
from viewkit import browse, chromium

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(chromium() is None, reason="needs Chromium: apt-get install chromium (.ci/run installs it)"),
]

CORPUS = Path(__file__).resolve().parents[1] / "seeds" / "corpus"


def test_the_report_shows_one_row_per_real_actor(tmp_path):
    pytest.importorskip("spacy")
    pytest.importorskip("pandas")
    from newsstance.cli import main

    out = tmp_path / "scores.jsonl"
    # speakers counted as targets: an actor the corpus names only as a speaker has rows too
    assert main(["score", str(CORPUS), "-o", str(out), "--model", "default", "--quiet", "--speakers-as-targets"]) == 0
    page = tmp_path / "report.html"
    assert main(["report", str(out), "-o", str(page), "--top", "200"]) == 0
    dom = browse(page, tmp_path)
    rows = [unescape(r) for r in re.findall(r'<tr class="actor"><td class="actor">(.*?)</td>', dom)]
    assert rows and len(rows) == len(set(rows))

    kept_apart = {}
    for line in (tmp_path / "scores.jsonl.actors.jsonl").read_text(encoding="utf-8").splitlines():
        identity = json.loads(line)
        if "may_be" in identity:
            kept_apart[identity["canonical"]] = identity["may_be"]
    # a bare surname two people of the corpus share stays apart, and the output says whom it may be
    assert kept_apart == {
        "Mulcahy": ["Brendan Mulcahy", "Siobhan Mulcahy"],
        "Falkenrath": ["Henrik Falkenrath", "Lukas Falkenrath"],
    }

    gold = json.loads((CORPUS / "identities.json").read_text(encoding="utf-8"))
    forms: dict[str, set[str]] = {}
    articles: dict[str, set[str]] = {}
    for stem, entries in gold["articles"].items():
        for entry in entries:
            forms.setdefault(entry["identity"], set()).update(entry["forms"])
            articles.setdefault(entry["identity"], set()).add(stem)
    for key, identity in gold["identities"].items():
        names = forms[key] | {identity["name"]}
        shown = [r for r in rows if r in names and r not in kept_apart]
        if len(articles[key]) > 1:  # named in two articles or more, by one form or several
            assert len(shown) == 1, f"{identity['name']}: rows {shown} (forms {sorted(forms[key])})"
