"""The article page and the corpus report, without a browser: escaping, nesting, aggregation, the CLI."""

from __future__ import annotations

import html
import json
import math
import re
import statistics

import pytest
from viewkit import INJECTION, Tags, fake_analysis, score_rows, write_rows

from newsstance.articles.analysis import Actor, ActorStance, ArticleAnalysis, MentionStance, Passage
from newsstance.cli import main
from newsstance.html import Mark, highlight, stance_bar, strength
from newsstance.stance import Stance

pd = pytest.importorskip("pandas")

BREAKOUT = '"><img src=x onerror=alert(1)>'
"""Text that leaves a quoted attribute and opens an element, if it goes in unescaped."""


def _plain(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


# --- highlights ---------------------------------------------------------------------------------


def test_highlight_nests_and_splits_overlaps_without_changing_the_text():
    text = "Maria Lopez met <b>the</b> Lopez Party & co."
    marks = [
        Mark(0, 11, "m a0", "Maria", 0),  # "Maria Lopez"
        Mark(6, 11, "m a1", "Lopez", 1),  # nested inside it
        Mark(6, 15, "m a2", "Lopez met", 2),  # starts inside mark 0, ends after it
        Mark(27, 38, "m a1", "Lopez Party", 3),
        Mark(40, 40, "m a3", "empty", 4),  # dropped
    ]
    out = highlight(text, 0, len(text), marks)
    assert _plain(out) == text
    tags = Tags(out)
    assert tags.misnested == 0 and not tags.stack
    pieces = {}
    for attrs in tags.find("span"):
        pieces.setdefault(attrs["data-m"], []).append(attrs)
    assert sorted(pieces) == ["0", "1", "2", "3"]
    assert len(pieces["2"]) == 2 and "cont" in pieces["2"][1]["class"]  # split at the end of mark 0
    assert all(p["title"] == "Lopez met" for p in pieces["2"])
    assert "&lt;b&gt;the&lt;/b&gt;" in out and "&amp; co." in out


def test_highlight_clips_marks_to_the_passage():
    text = "one two three"
    out = highlight(text, 4, 13, [Mark(0, 7, "m", "t", 0), Mark(8, 20, "m", "u", 1)])
    assert _plain(out) == "two three"
    assert out.count("<span") == 2


def test_stance_bar_and_strength():
    svg = stance_bar({"negative": 0.5, "neutral": 0.25, "positive": 0.25}, width=100)
    widths = [float(w) for w in re.findall(r'<rect x="[^"]+" y="0" width="([^"]+)"', svg)]
    assert widths == [50.0, 25.0, 25.0]
    assert "<title>negative 0.50, neutral 0.25, positive 0.25</title>" in svg
    assert [strength(p) for p in (0.34, 0.5, 0.74, 0.75, 1.0)] == ["weak", "medium", "medium", "strong", "strong"]


# --- the article page ---------------------------------------------------------------------------


def test_article_page_escapes_everything_and_runs_nothing():
    page = fake_analysis().to_html("<script>alert('title')</script>")
    tags = Tags(page)
    assert tags.executable() == [] and tags.remote() == []
    assert "<script" not in page.lower() and "<img" not in page.lower() and " onerror=" not in page.split("<body>")[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page  # the actor's name, as text
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    text = "".join(tags.text)
    assert "<script>alert(1)</script>" in text and 'href="javascript:alert(1)"' in text


def _one_actor(name: str) -> ArticleAnalysis:
    """A one-sentence article whose only actor (and its type) is ``name``."""
    text = f"Mayor {name} spoke."
    span, whole = (6, 6 + len(name)), (0, len(text))
    stance = Stance.from_probs([0.2, 0.3, 0.5])
    return ArticleAnalysis(
        text,
        (Passage(0, *whole, (whole,)),),
        (Actor(name, name, (span,), ("name",)),),
        (MentionStance(name, name, 0, *span, whole, stance),),
        (ActorStance(name, name, stance, 1, 1, 0, *whole),),
        (ActorStance(name, name, stance, 1, 1),),
    )


def test_text_that_breaks_out_of_an_attribute_stays_text():
    analysis = _one_actor(BREAKOUT)
    for page in (analysis.to_html(BREAKOUT), analysis._repr_html_()):
        tags = Tags(page)
        assert tags.executable() == [] and tags.find("img") == [] and '"><img' not in page
        assert tags.misnested == 0 and not tags.stack
        assert BREAKOUT in "".join(tags.text)  # the title, the actor, its type and the text
        assert tags.find("tr", title=f"{BREAKOUT}: positive") and tags.find("span", title=f"{BREAKOUT} (name)")


def test_an_analysis_shows_in_a_notebook_as_a_div_with_scoped_css():
    analysis = fake_analysis()
    cell = analysis._repr_html_()
    tags = Tags(cell)
    scope = tags.tags[0][1]["id"]
    assert cell.startswith(f'<div class="newsstance" id="{scope}">') and cell.rstrip().endswith("</div>")
    assert "<script" not in cell.lower() and "<html" not in cell and "<body" not in cell
    assert tags.executable() == [] and tags.remote() == [] and tags.misnested == 0 and not tags.stack
    assert "Maria Lopez" in "".join(tags.text) and "&lt;script&gt;alert(1)&lt;/script&gt;" in cell
    style = cell.split("<style>", 1)[1].split("</style>", 1)[0].strip()
    assert style.startswith(f"#{scope} {{") and style.endswith("}")  # every rule nested under the cell
    assert f"#{scope}-v0-a1:checked ~ .doc .ptext .m:not(.a1)" in style
    ids = re.findall(r'\bid="([^"]+)"', cell)
    assert len(ids) == len(set(ids)) and all(i.startswith(scope) for i in ids)
    assert len(tags.find("span", **{"class": "m a"})) >= len(analysis.mentions)
    assert Tags(analysis._repr_html_()).tags[0][1]["id"] != scope  # another cell, other ids


def test_article_page_marks_every_mention_with_its_stance_and_tooltip():
    analysis = fake_analysis()
    tags = Tags(analysis.to_html())
    assert tags.misnested == 0
    spans = [a for a in tags.find("span", **{"class": "m "}) if a.get("data-m") is not None]
    by_index = {}
    for a in spans:
        by_index.setdefault(int(a["data-m"]), a)
    assert len(by_index) == len(analysis.mentions)
    for m in analysis.mentions:
        hits = [a for a in by_index.values() if a["title"].startswith(m.actor + " (")]
        assert any(f"stance-{m.stance.label}" in a["class"] and f"type-{m.mention_type}" in a["class"] for a in hits)
        assert all(re.search(r"negative \d\.\d\d · neutral \d\.\d\d · positive \d\.\d\d", a["title"]) for a in hits)
    rows = tags.find("tr", **{"class": "actor"})
    assert len(rows) == 2 and {"stance-neutral", "stance-negative"} & set(rows[0]["class"].split())
    assert len(tags.find("input", type="radio")) == 3  # show all + one per actor
    assert len(tags.find("aside")) == 2


def test_clicking_an_actor_is_css_only(tiny_classifier):
    text = "Mayor Ana Ruiz said the plan works. Ruiz praised the council.\n\nThe council met Ana Ruiz."
    analysis = tiny_classifier.analyze(text, actors=["Ana Ruiz", "council"])
    page = analysis.to_html("tiny")
    assert {s.actor for s in analysis.article_stances} == {"Ana Ruiz", "council"}
    for k in range(2):
        assert f"#v0-a{k}:checked ~ .doc .ptext .m:not(.a{k})" in page
        assert f'<label class="pick" for="v0-a{k}">' in page
    assert Tags(page).executable() == []
    spans = Tags(page).find("span", **{"class": "stance-"})
    assert len({a["data-m"] for a in spans if a.get("data-m")}) == len(analysis.mentions) >= 3


def test_an_empty_analysis_renders(tiny_classifier):
    empty = tiny_classifier.analyze("Nothing to see.", actors=["Nobody Atall"])
    out = empty.to_html()
    assert "No actor found" in out and "Nothing to see." in out


# --- reading and aggregating score output -------------------------------------------------------


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
@pytest.mark.parametrize("level", ["article", "passage", "mention"])
def test_actor_summary_counts_shares_and_intervals(tmp_path, suffix, level):
    from newsstance.pages.aggregate import actor_summary
    from newsstance.pages.read import read_scores

    rows = score_rows(level)
    scores = read_scores([write_rows(rows, tmp_path / f"s{suffix}")])
    assert scores.level == level and scores.fields == ("date", "outlet")
    summary = actor_summary(scores, top=10).set_index("actor")
    ana = [r["score"] for r in rows if r["actor"] == "Ana"]
    assert summary.loc["Ana", "n"] == 4 and summary.loc["Ana", "articles"] == 3
    assert summary.loc["Ana", "mentions"] == (4 if level == "mention" else 7)
    assert summary.loc["Ana", "negative"] == pytest.approx(0.5) and summary.loc["Ana", "positive"] == pytest.approx(
        0.25
    )
    assert summary.loc["Ana", "mean"] == pytest.approx(statistics.mean(ana))
    assert summary.loc["Ana", "half"] == pytest.approx(1.96 * statistics.stdev(ana) / math.sqrt(4))
    assert summary.index[0] == "Ana"  # most mentions first
    assert summary.loc["Ben", "type"] == "ORG"


def test_reading_refuses_what_is_not_score_output(tmp_path):
    from newsstance.pages.read import read_scores

    bad = tmp_path / "articles.jsonl"
    bad.write_text(json.dumps({"id": "1", "text": "An article."}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="run newsstance score"):
        read_scores([bad])
    with pytest.raises(ValueError, match=r"\.jsonl, \.csv, \.parquet"):
        read_scores([tmp_path / "scores.xlsx"])
    a = write_rows(score_rows("article"), tmp_path / "a.jsonl")
    m = write_rows(score_rows("mention"), tmp_path / "m.jsonl")
    with pytest.raises(ValueError, match="one --level"):
        read_scores([a, m])
    with pytest.raises(ValueError, match="no kept field"):
        read_scores([a], by=["region"])


def test_a_kept_field_of_numbers_falls_back_and_is_a_group(tmp_path):
    from newsstance.pages.aggregate import by_group, is_date
    from newsstance.pages.read import read_scores

    rows = [r | {"outlet": i % 3} for i, r in enumerate(score_rows())]
    scores = read_scores([write_rows(rows, tmp_path / "s.jsonl")], by=["outlet"])
    assert not is_date(scores.frame["outlet"])
    groups = by_group(scores, "outlet", ["Ana"])
    assert set(groups.groups) == {"0", "1", "2"} and groups.table["n"].sum() == 4


def test_resolution_follows_the_span_and_weeks_start_on_monday():
    import numpy as np

    from newsstance.pages.aggregate import _floor, resolution

    day = np.datetime64("2020-01-01")
    spans = {10: "day", 62: "day", 63: "week", 366: "week", 367: "month", 1830: "month", 1831: "quarter",
             5490: "quarter", 5491: "year"}  # fmt: skip
    assert {d: resolution(day, day + np.timedelta64(d, "D")) for d in spans} == spans
    weeks = _floor(np.array(["2024-05-05", "2024-05-06", "2024-05-12"], dtype="datetime64[D]"), "week")
    assert [str(w) for w in weeks] == ["2024-04-29", "2024-05-06", "2024-05-06"]


def test_thin_series_get_coarser_periods_and_every_period_is_listed(tmp_path):
    import numpy as np

    from newsstance.eval.bench_report import generate_scores
    from newsstance.pages.aggregate import over_time, resolution
    from newsstance.pages.read import read_scores

    day = np.datetime64("2020-01-01")
    assert resolution(day, day + np.timedelta64(300, "D"), rows=44 * 10) == "week"  # 44 weeks, 10 rows each
    assert resolution(day, day + np.timedelta64(300, "D"), rows=44 * 10 - 1) == "month"
    assert resolution(day, day + np.timedelta64(300, "D"), rows=44 * 10, series=2) == "month"
    scores = read_scores([generate_scores(tmp_path / "s.parquet", 3000, seed=1, days=730)])
    top = list(scores.frame["actor"].value_counts().index[:3])
    series = over_time(scores, "date", top)
    assert series.unit == "month"
    assert len(series.table) == 3 * 24 and series.table["n"].sum() == scores.frame["actor"].isin(top).sum()


def test_over_time_and_by_outlet(tmp_path):
    from newsstance.pages.aggregate import by_group, is_date, over_time
    from newsstance.pages.read import read_scores

    scores = read_scores([write_rows(score_rows(), tmp_path / "s.parquet")])
    assert is_date(scores.frame["date"]) and not is_date(scores.frame["outlet"])
    series = over_time(scores, "date", ["Ana", "Ben"])
    assert series.unit == "month" and series.undated == 1  # 7 dated rows: too thin for weeks; quarters: only 2
    ana = series.table[series.table["actor"] == "Ana"]
    assert list(ana["n"]) == [2, 1, 1, 0] and ana["mean"].iloc[0] == pytest.approx(-0.5)
    groups = by_group(scores, "outlet", ["Ana", "Ben"])
    cell = groups.table.set_index(["actor", "group"]).loc[("Ben", "Post")]
    assert cell["n"] == 2 and cell["mean"] == pytest.approx(0.7)
    assert groups.groups[0] == "Daily"


# --- the report page and the commands -----------------------------------------------------------


def _many(rows: list[dict], k: int = 6) -> list[dict]:
    """``rows`` ``k`` times over, as other articles: enough rows per month and outlet to draw."""
    return [r | {"id": f"{r['id']}-{n}"} for n in range(k) for r in rows]


def test_report_is_self_contained_and_escaped(tmp_path):
    rows = [r | {"source": r["outlet"][::-1]} for r in _many(score_rows())]  # two group fields of one name length
    scores = write_rows(rows, tmp_path / "scores.jsonl")
    out = tmp_path / "out" / "report.html"
    assert main(["report", str(scores), "-o", str(out), "--by", "date,outlet", "--by", "source"]) == 0
    page = out.read_text(encoding="utf-8")
    tags = Tags(page)
    assert tags.executable() == [] and tags.remote() == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script" not in page
    assert len(tags.find("figure")) == 4 and "By source" in page  # actors, over time, by outlet, by source
    assert "<?xml" not in page and "<metadata" not in page and "@font-face" not in page
    assert "1.96 · sd / √n" in page
    assert sorted(p.name for p in out.parent.iterdir()) == ["report.html"]  # no PNG, no temporary file
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_report_escapes_kept_fields_types_and_values_that_break_out_of_attributes(tmp_path):
    from newsstance.pages import render_report

    field = f"desk{BREAKOUT}"
    rows = [
        r | {"actor_type": BREAKOUT, field: BREAKOUT if r["actor"] == "Ana" else "wire"} for r in _many(score_rows())
    ]
    page = render_report([write_rows(rows, tmp_path / "scores.jsonl")], by=[field])
    tags = Tags(page)
    assert tags.executable() == [] and tags.find("img") == [] and '"><img' not in page
    assert tags.misnested == 0 and not tags.stack
    text = "".join(tags.text)
    assert f"By {field}" in text and BREAKOUT in text
    (figure,) = [a for a in tags.find("figure") if "per actor and" in (a.get("aria-label") or "")]
    assert figure["aria-label"] == f"mean score per actor and {field}"


def test_report_command_errors_exit_2(tmp_path, capsys):
    scores = write_rows(score_rows(), tmp_path / "scores.csv")
    out = tmp_path / "report.html"
    out.write_text("keep me", encoding="utf-8")
    assert main(["report", str(scores), "-o", str(out)]) == 2
    assert "--overwrite" in capsys.readouterr().err and out.read_text() == "keep me"
    assert main(["report", str(scores), "-o", str(tmp_path / "r.png")]) == 2
    assert main(["report", str(scores), "-o", str(scores)]) == 2
    assert main(["report", str(scores), "-o", str(out), "--overwrite", "--by", "nothere"]) == 2
    assert "no kept field" in capsys.readouterr().err
    assert main(["report", str(scores), "-o", str(out), "--overwrite", "--by", "outlet"]) == 0
    page = out.read_text(encoding="utf-8")
    assert "By outlet" in page and "Over time" not in page


def test_view_command_reads_txt_jsonl_by_id_and_stdin(tiny_model_dir, tmp_path, monkeypatch, capsys):
    import io

    txt = tmp_path / "one.txt"
    txt.write_text(INJECTION, encoding="utf-8")
    jsonl = tmp_path / "many.jsonl"
    jsonl.write_text(
        "".join(json.dumps({"id": f"n{i}", "text": f"Mayor Ana Ruiz spoke {i}.", "actors": ["Ana Ruiz"]}) + "\n"
                for i in range(3)),
        encoding="utf-8",
    )  # fmt: skip
    common = ["--model", str(tiny_model_dir), "--backend", "torch"]
    out = tmp_path / "view.html"
    assert main(["view", str(txt), "-o", str(out), "--actors", "Maria Lopez", *common]) == 0
    tags = Tags(out.read_text(encoding="utf-8"))
    assert tags.executable() == [] and "<script>alert(1)</script>" in "".join(tags.text)
    assert main(["view", str(jsonl), "--id", "n2", "-o", str(out), "--overwrite", *common]) == 0
    page = out.read_text(encoding="utf-8")
    assert "Mayor Ana Ruiz spoke 2." in _plain(page) and "spoke 1." not in page
    assert main(["view", str(jsonl), "--id", "n9", "-o", str(out), "--overwrite", *common]) == 2
    assert "no record with id ['n9']" in capsys.readouterr().err
    assert main(["view", str(jsonl), "-o", str(out), *common]) == 2  # exists, no --overwrite
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(jsonl.read_bytes())))
    assert main(["view", "-", "-o", str(out), "--overwrite", *common]) == 0
    assert Tags(out.read_text(encoding="utf-8")).find("article").__len__() == 3


def test_several_articles_share_one_page_one_key_and_no_id():
    from newsstance.html import article_page

    page = article_page([("one", fake_analysis()), ("two", fake_analysis())])
    tags = Tags(page)
    assert len(tags.find("article")) == 2 and len(tags.find("div", **{"class": "legend"})) == 1
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)) and "v1-a1" in ids
    assert "#v1-a1:checked ~ .doc" in page
    with pytest.raises(ValueError, match="no article"):
        article_page([])


def test_importing_the_pages_loads_neither_pandas_nor_matplotlib():
    import subprocess
    import sys

    code = "import sys, newsstance.pages, newsstance.html; print(' '.join(sorted(sys.modules)))"
    loaded = set(
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    )
    assert "newsstance.pages.corpus" in loaded
    assert not loaded & {"pandas", "matplotlib", "pyarrow"}


def test_a_missing_extra_is_named(tmp_path, monkeypatch, capsys):
    scores = write_rows(score_rows(), tmp_path / "scores.jsonl")
    monkeypatch.setitem(__import__("sys").modules, "pandas", None)
    assert main(["report", str(scores), "-o", str(tmp_path / "r.html")]) == 2
    assert "pip install 'newsstance[view]'" in capsys.readouterr().err


def test_plot_labels_are_plain_text_even_with_dollars(tmp_path):
    from newsstance.pages import render_report

    rows = [r | {"actor": r"Ben $\frac$ " + "x" * 60} if r["actor"] == "Ben" else r for r in score_rows()]
    page = render_report([write_rows(rows, tmp_path / "s.jsonl")])
    assert "Ben $\\frac$ " + "x" * 60 in html.unescape(page)  # the table keeps the whole name
