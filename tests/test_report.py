"""`newsstance report` on bad numbers, empty files and small corpora: what is left out and why,
and what the page says when there is too little to draw (without a browser)."""

from __future__ import annotations

import html
import json
import math
import re

import pytest
from viewkit import score_rows, write_rows

from newsstance.cli import main

pd = pytest.importorskip("pandas")
pytest.importorskip("matplotlib")


def _text(page: str) -> str:
    """The page's text, as a reader sees it (no tags, no SVG, entities decoded)."""
    body = re.sub(r"<svg.*?</svg>", "", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def _row(actor: str, score: float, **changes) -> dict:
    p_neg, p_pos = max(0.0, -score), max(0.0, score)
    label = "negative" if score < -0.2 else "positive" if score > 0.2 else "neutral"
    row = {"id": f"a-{actor}-{score}", "actor": actor, "actor_type": "PERSON", "label": label, "score": score,
           "p_negative": p_neg, "p_neutral": 1 - p_neg - p_pos, "p_positive": p_pos, "mentions": 1,
           "sentences": 1}  # fmt: skip
    return row | changes


def small_corpus(level: str = "article") -> list[dict]:
    """Five articles over 21 days, three outlets; three actors in every article, two in one."""
    articles = [("a1", "Daily", "2024-03-01"), ("a2", "Post", "2024-03-05"), ("a3", "Daily", "2024-03-10"),
                ("a4", "Wire", "2024-03-15"), ("a5", "Post", "2024-03-21")]  # fmt: skip
    scores = [-0.5, 0.2, -0.1, 0.6, -0.3]
    rows = []
    for k, (aid, outlet, date) in enumerate(articles):
        for j, actor in enumerate(["Ana Ruiz", "Ben Ode", "City Council"]):
            rows.append(_row(actor, scores[(k + j) % 5], id=aid, outlet=outlet, date=date))
    rows.append(_row("Lone Actor", -0.8, id="a5", outlet="Post", date="2024-03-21"))
    rows.append(_row("Glad Actor", 0.8, id="a4", outlet="Wire", date="2024-03-15"))
    if level == "passage":
        rows = [r | {"passage_index": i, "start": 0, "end": 9} for r in rows for i in range(2)]
    return rows


# --- item 4: numbers that are not finite or out of range -------------------------------------------


def _bad_rows() -> list[dict]:
    rows = [_row("Ana", 0.1), _row("Ana", 0.3), _row("Ben", 0.5), _row("Ben", 0.4)]
    return rows + [
        _row("Ana", 0.2) | {"score": float("nan")},  # Ana's mean must not become +0.12 (one row)
        _row("Ben", 0.2) | {"score": float("inf")},
        _row("Cy", 0.2) | {"score": 5.0},
        _row("Ana", 0.2) | {"p_neutral": 0.5},  # sums to 1.3
        _row("Ben", 0.2) | {"p_positive": -0.2, "p_neutral": 1.0},
        _row("Ana", 0.2) | {"mentions": 0},
        _row("Ben", 0.2) | {"mentions": 1.5},
    ]


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_rows_with_bad_numbers_are_left_out_and_counted_by_reason(tmp_path, suffix):
    from newsstance.pages.aggregate import actor_summary
    from newsstance.pages.read import read_scores

    scores = read_scores([write_rows(_bad_rows(), tmp_path / f"s{suffix}")])
    assert len(scores.frame) == 4 and scores.rows_read == 11
    assert dict(scores.left_out) == {
        "score not finite": 2,
        "score outside [−1, 1]": 1,
        "probabilities do not sum to 1": 1,
        "p_positive outside [0, 1]": 1,
        "mentions not a positive integer": 2,
    }
    summary = actor_summary(scores).set_index("actor")
    assert summary.loc["Ana", "n"] == 2 and summary.loc["Ana", "mean"] == pytest.approx(0.2)
    assert math.isfinite(summary.loc["Ben", "mean"]) and "Cy" not in summary.index


def test_the_page_and_the_command_say_how_many_rows_were_left_out_and_why(tmp_path, capsys):
    scores = write_rows(_bad_rows(), tmp_path / "scores.jsonl")
    out = tmp_path / "report.html"
    assert main(["report", str(scores), "-o", str(out)]) == 0
    err = capsys.readouterr().err.strip().splitlines()[-1]
    expected = (
        "7 rows left out: score not finite (2), score outside [−1, 1] (1), p_positive outside [0, 1] (1), "
        "probabilities do not sum to 1 (1), mentions not a positive integer (2)"
    )
    assert expected in err and str(out) in err and "4 of 11 article × actor rows" in err
    text = _text(out.read_text(encoding="utf-8"))
    assert expected in text
    assert "+inf" not in text and "+5.00" not in text and "nan" not in text.lower().replace("nanc", "")
    assert "+0.12 (one row)" not in text


def test_a_file_of_only_bad_rows_exits_2_with_the_reason(tmp_path, capsys):
    rows = [_row("Ana", 0.1) | {"score": float("nan")}, _row("Ben", 0.1) | {"score": 3.0}]
    scores = write_rows(rows, tmp_path / "scores.jsonl")
    out = tmp_path / "report.html"
    assert main(["report", str(scores), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "every row is left out" in err and "score not finite (1), score outside [−1, 1] (1)" in err
    assert not out.exists()


def test_clean_files_say_nothing_is_left_out(tmp_path, capsys):
    scores = write_rows(score_rows(), tmp_path / "scores.jsonl")
    assert main(["report", str(scores), "-o", str(tmp_path / "r.html")]) == 0
    assert "left out" not in capsys.readouterr().err.splitlines()[-1]
    assert "left out:" not in _text((tmp_path / "r.html").read_text(encoding="utf-8"))


# --- item 12: empty files, paths in messages -----------------------------------------------------


@pytest.mark.parametrize("content", ["", "\n\n"])
def test_an_empty_jsonl_holds_no_rows(tmp_path, capsys, content):
    empty = tmp_path / "empty.jsonl"
    empty.write_text(content, encoding="utf-8")
    assert main(["report", str(empty), "-o", str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err
    assert f"{empty} holds no rows" in err and "lacks the columns" not in err and "PosixPath" not in err


def test_an_empty_file_beside_others_is_skipped_and_named(tmp_path, capsys):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    scores = write_rows(score_rows(), tmp_path / "scores.jsonl")
    out = tmp_path / "r.html"
    assert main(["report", str(scores), str(empty), "-o", str(out)]) == 0
    assert "empty.jsonl holds no rows" in _text(out.read_text(encoding="utf-8"))


def test_messages_show_paths_as_paths(tmp_path):
    from pathlib import Path

    from newsstance.pages import render_report

    a = write_rows(score_rows("article"), tmp_path / "a.jsonl")
    m = write_rows(score_rows("mention"), tmp_path / "m.jsonl")
    with pytest.raises(ValueError) as err:
        render_report([Path(a), Path(m)])
    assert "PosixPath" not in str(err.value) and str(a) in str(err.value)
    header_only = tmp_path / "h.csv"
    header_only.write_text(",".join(score_rows()[0]) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no rows") as err:
        render_report([Path(header_only)])
    assert "[" not in str(err.value) and str(header_only) in str(err.value)
    from newsstance.pages.article import read_articles

    articles = tmp_path / "articles.jsonl"
    articles.write_text(json.dumps({"id": "n1", "text": "Mayor Ana Ruiz spoke."}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no record with id") as err:
        read_articles([articles], ids=["n9"])
    assert "PosixPath" not in str(err.value) and f"in {articles};" in str(err.value)
    with pytest.raises(ValueError, match="is not a file") as err:
        read_articles([str(tmp_path / "nothere.jsonl")])
    assert f"input {tmp_path / 'nothere.jsonl'} is not" in str(err.value)


# --- item 5: small corpora -------------------------------------------------------------------------


def test_counts_of_one_read_in_the_singular(tmp_path):
    from newsstance.pages import render_report

    text = _text(render_report([write_rows(small_corpus()[:1], tmp_path / "one.jsonl")]))
    assert not re.search(r"\b1 (actors|articles|rows|days|mentions|values|weeks|periods)\b", text), text
    assert "The actor" in text and "1 article × actor row " in text and "1 article " in text
    five = _text(render_report([write_rows(small_corpus(), tmp_path / "five.jsonl")]))
    assert "The 5 actors, most mentioned first" in five
    many = _text(render_report([write_rows(small_corpus(), tmp_path / "five.jsonl")], top=2))
    assert "The 2 actors most mentioned (of 5)" in many


def test_the_forest_caption_explains_colours_and_one_row_actors(tmp_path):
    from newsstance.pages import render_report

    text = _text(render_report([write_rows(small_corpus(), tmp_path / "s.jsonl")]))
    assert "hollow: one row, no interval" in text
    assert "red: the interval lies below 0" in text and "blue: above 0" in text and "grey: it includes 0" in text


def test_the_forest_labels_fit_the_figure_even_with_long_names():
    from newsstance.pages import plots

    summary = pd.DataFrame(
        {"actor": ["A very long name of an actor, longer than most", "B"], "mean": [0.1, -0.5], "half": [0.2, None]}
    )
    fig = plots.forest(summary)
    fig.draw_without_rendering()
    label = fig.axes[0].xaxis.label
    assert len(label.get_text()) <= 40
    box, frame = label.get_window_extent(), fig.bbox
    assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0


def test_one_row_actors_are_drawn_hollow_and_grey():
    from matplotlib.colors import to_hex

    from newsstance.html import COLOURS
    from newsstance.pages import plots

    summary = pd.DataFrame({"actor": ["Neg", "Pos", "Many"], "mean": [-0.8, 0.8, 0.6], "half": [None, None, 0.1]})
    fig = plots.forest(summary)
    ax = fig.axes[0]
    marks = {}
    for collection in ax.collections:
        for (x, _), face, edge in zip(collection.get_offsets(), _each(collection.get_facecolors()),
                                      _each(collection.get_edgecolors())):  # fmt: skip
            marks[round(float(x), 2)] = (to_hex(face, keep_alpha=True), to_hex(edge))
    for x in (-0.8, 0.8):
        face, edge = marks[x]
        assert face.endswith("00") or face == "#ffffffff", marks  # hollow
        assert edge == COLOURS["neutral"], marks
    assert marks[0.6][0][:7] == COLOURS["positive"]


def _each(colours):
    import numpy as np

    colours = np.asarray(colours)
    return colours if len(colours) != 1 else np.repeat(colours, 1000, axis=0)


def test_a_heatmap_of_too_few_rows_is_not_drawn_and_the_page_says_so(tmp_path):
    from newsstance.pages import render_report

    page = render_report([write_rows(small_corpus(), tmp_path / "s.jsonl")], by=["outlet"])
    text = _text(page)
    assert "By outlet" in text
    assert "Too few rows for a mean score: no actor has 5 rows or more for any value of outlet" in text
    assert 'aria-label="mean score per actor and outlet"' not in page
    assert re.search(r"<details open>", page)  # the table, with its counts, shown instead


def test_heatmap_cells_with_too_few_rows_are_marked_with_their_count():
    from newsstance.pages import plots

    mean = pd.DataFrame({"Daily": [0.5, 0.1], "Post": [-0.2, None]}, index=["Ana", "Ben"])
    count = pd.DataFrame({"Daily": [6, 2], "Post": [1, 0]}, index=["Ana", "Ben"])
    fig = plots.heatmap(mean, count, 5)
    texts = sorted(t.get_text() for t in fig.axes[0].texts)
    assert texts == sorted(["+0.50", "n=2", "n=1", ""]), texts


def _ticks(fig) -> list[str]:
    fig.draw_without_rendering()
    ax = next(a for a in fig.axes if a.get_visible() and a.xaxis.get_ticklabels()[0].get_visible())
    lo, hi = ax.get_xlim()
    return [t.get_text() for t, v in zip(ax.get_xticklabels(), ax.get_xticks()) if lo <= v <= hi]


@pytest.mark.parametrize(
    ("days", "unit", "first_tick"),
    [(21, "day", "01 Mar"), (120, "week", "26 Feb"), (500, "month", "Mar 2024"), (2500, "quarter", "2024 Q1"),
     (9000, "year", "2024")],
)  # fmt: skip
def test_time_ticks_follow_the_period(days, unit, first_tick):
    import numpy as np

    from newsstance.pages import aggregate, plots

    first = np.datetime64("2024-03-01")
    last = first + np.timedelta64(days, "D")
    assert aggregate.resolution(first, last) == unit
    grid = aggregate.periods(first, last, unit)
    table = pd.DataFrame({"actor": "Ana", "period": grid, "n": 10, "mean": 0.1, "half": 0.05})
    fig = plots.over_time(table, ["Ana"], unit, first=first, last=last)
    ticks = _ticks(fig)
    assert ticks[0] == first_tick and 3 <= len(ticks) <= 10, ticks
    assert fig._supylabel.get_text() == f"mean score per {unit}"


def test_a_small_corpus_over_21_days_is_binned_by_week_or_day_and_explains_thin_panels(tmp_path):
    from newsstance.pages import aggregate, render_report
    from newsstance.pages.read import read_scores

    path = write_rows(small_corpus(), tmp_path / "s.jsonl")
    series = aggregate.over_time(read_scores([path]), "date", ["Ana Ruiz", "Ben Ode"])
    assert series.unit in ("day", "week")
    text = _text(render_report([path]))
    assert "per year" not in text
    assert "Too few rows for a time series" in text


def test_a_one_day_corpus_says_its_span_is_too_short(tmp_path):
    from newsstance.pages import render_report

    text = _text(render_report([write_rows(small_corpus()[:1], tmp_path / "one.jsonl")]))
    assert "Over time (date)" in text and "every dated row is of 2024-03-01" in text


def test_passage_rows_of_a_small_corpus_are_binned_by_the_span(tmp_path):
    from newsstance.pages import aggregate, render_report
    from newsstance.pages.read import read_scores

    path = write_rows(small_corpus("passage"), tmp_path / "p.jsonl")
    series = aggregate.over_time(read_scores([path]), "date", ["Ana Ruiz", "Ben Ode"])
    assert series.unit in ("day", "week") and len(aggregate.periods(series.first, series.last, series.unit)) >= 3
    text = _text(render_report([path]))
    assert "per year" not in text and "Too few rows for a time series" in text


def test_passage_rows_over_four_weeks_are_drawn_by_day(tmp_path):
    from newsstance.pages import aggregate, render_report
    from newsstance.pages.read import read_scores

    rows = []
    for day in range(1, 29):
        for k in range(12):
            rows.append(_row("Ana", 0.3 if k % 2 else -0.1, id=f"d{day}", date=f"2024-02-{day:02d}",
                             passage_index=k, start=0, end=5))  # fmt: skip
    path = write_rows(rows, tmp_path / "p.jsonl")
    series = aggregate.over_time(read_scores([path]), "date", ["Ana"])
    assert series.unit == "day" and series.table["n"].ge(5).sum() == 28
    assert 'aria-label="mean score over time per actor"' in render_report([path])


def test_the_note_of_rows_left_out_is_escaped_text(tmp_path):
    rows = [_row("<b>x</b>", 0.1), _row("<b>x</b>", 0.2) | {"score": 9.0}]
    scores = write_rows(rows, tmp_path / "s.jsonl")
    out = tmp_path / "r.html"
    assert main(["report", str(scores), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page
    assert "1 row left out: score outside [−1, 1] (1)" in _text(page)


def test_the_report_sorts_by_salience_when_asked_and_leaves_out_bad_salience(tmp_path):
    rows = [_row("Often", 0.1, mentions=9, salience=0.2), _row("Often", 0.2, mentions=9, salience=0.3)]
    rows += [_row("Central", -0.4, mentions=2, salience=0.9), _row("Central", -0.2, mentions=2, salience=0.8)]
    rows += [_row("Broken", 0.0, salience=1.5)]
    path = write_rows(rows, tmp_path / "s.jsonl")
    by_mentions, by_salience = tmp_path / "m.html", tmp_path / "s.html"
    assert main(["report", str(path), "-o", str(by_mentions)]) == 0
    assert main(["report", str(path), "-o", str(by_salience), "--sort", "salience"]) == 0
    first = [_text(p.read_text()).find(name) for p in (by_mentions, by_salience) for name in ("Often", "Central")]
    assert first[0] < first[1] and first[3] < first[2]  # Often first by mentions, Central first by salience
    assert "most salient first" in _text(by_salience.read_text())
    assert "salience outside [0, 1] (1)" in _text(by_mentions.read_text()) and "Broken" not in by_mentions.read_text()
    plain = write_rows([{k: v for k, v in r.items() if k != "salience"} for r in rows[:2]], tmp_path / "p.jsonl")
    assert main(["report", str(plain), "-o", str(tmp_path / "x.html"), "--sort", "salience"]) == 2
