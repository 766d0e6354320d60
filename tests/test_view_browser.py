"""Both pages in a real headless Chromium (offline): the DOM after load, and a screenshot."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from viewkit import INJECTION, Tags, browse, chromium, fake_analysis

pytestmark = pytest.mark.skipif(
    chromium() is None, reason="needs Chromium: apt-get install chromium (.ci/run installs it)"
)


@pytest.fixture(scope="module")
def pages(tmp_path_factory, _tiny_classifier) -> dict[str, Path]:
    pytest.importorskip("matplotlib")
    from newsstance.eval.bench_report import generate_scores
    from newsstance.pages import write_report

    tmp = tmp_path_factory.mktemp("pages")
    text = (
        "Mayor Ana Ruiz opened the new bridge on Monday. Critics said Ruiz ignored the council.\n\n"
        "The council voted against her plan. Ruiz said the council had failed the city.\n\n"
        "Ana Ruiz thanked the workers."
    )
    real = _tiny_classifier.analyze(text, actors=["Ana Ruiz", "council"])
    found = {
        "injection": tmp / "injection.html",
        "article": tmp / "article.html",
        "report": tmp / "report.html",
        "control": tmp / "control.html",
        "notebook": tmp / "notebook.html",
    }
    found["injection"].write_text(fake_analysis().to_html("injection"), encoding="utf-8")
    found["article"].write_text(real.to_html("tiny model"), encoding="utf-8")
    host = "<!DOCTYPE html><html><head><title>notebook</title></head><body><h2>A cell</h2>{}</body></html>"
    found["notebook"].write_text(host.format(real._repr_html_()), encoding="utf-8")  # as a notebook shows it
    # the payloads that change the DOM, raw (an alert would hold headless Chromium until its timeout)
    raw = INJECTION.replace("<script>alert(1)</script>", "")
    found["control"].write_text(f"<!DOCTYPE html><html><head><title>ok</title></head><body>{raw}</body></html>")
    scores = generate_scores(tmp / "scores.parquet", 5_000, seed=3)
    write_report([scores], found["report"])
    return found | {"tmp": tmp, "real": real}


def _dom(pages, name: str) -> str:
    return browse(pages[name], pages["tmp"])


def test_the_script_hook_catches_an_unescaped_page(pages):
    dom = _dom(pages, "control")  # the same payloads, written raw: they must run here
    assert 'data-pwned="1"' in dom and "<title>PWNED</title>" in dom


def test_the_injection_article_runs_no_script(pages):
    # a script that ran would set data-pwned or the title; an alert() would hang the load (a timeout)
    dom = _dom(pages, "injection")
    assert 'data-pwned="1"' not in dom and "PWNED</title>" not in dom
    tags = Tags(dom)
    assert tags.executable() == [] and tags.remote() == []
    text = "".join(tags.text)
    assert "<script>alert(1)</script>" in text and '<a href="javascript:alert(1)">x</a>' in text
    assert "Lopez Party <img src=x onerror=alert(2)>" in text  # the actor's name, shown as text


def test_every_actor_and_every_mention_with_its_colour_class_and_tooltip(pages):
    real = pages["real"]
    tags = Tags(_dom(pages, "article"))
    text = "".join(tags.text)
    assert real.mentions and all(s.actor in text for s in real.article_stances)
    marks: dict[str, list[dict]] = {}
    for attrs in tags.find("span"):
        if attrs.get("data-m") is not None and "stance-" in attrs["class"]:  # not a speaker's own frame
            marks.setdefault(attrs["data-m"], []).append(attrs)
    assert len(marks) == len(real.mentions)
    for pieces in marks.values():
        for a in pieces:
            label = re.search(r"\bstance-(negative|neutral|positive)\b", a["class"]).group(1)
            actor = a["title"].split(" (")[0]
            assert actor in {s.actor for s in real.article_stances}
            assert re.search(rf": {label}, negative \d\.\d\d · neutral \d\.\d\d · positive \d\.\d\d$", a["title"])
    for m in real.mentions:
        assert any(
            m.actor in a["title"] and f"stance-{m.stance.label}" in a["class"] for p in marks.values() for a in p
        )
    assert tags.executable() == []


def test_the_report_shows_every_top_actor_and_its_plots(pages):
    import pandas as pd

    dom = _dom(pages, "report")
    tags = Tags(dom)
    frame = pd.read_parquet(pages["tmp"] / "scores.parquet", columns=["actor", "mentions"])
    top = frame.groupby("actor")["mentions"].sum().sort_values(ascending=False).index[:15]
    rows = "".join(tags.text)
    assert all(actor in rows for actor in top)
    assert len(tags.find("figure")) == 3  # actors, over time, by outlet
    assert "Over time (date)" in rows and "By outlet" in rows
    assert tags.executable() == [] and tags.remote() == []


@pytest.mark.parametrize("name", ["article", "report", "injection"])
def test_screenshots_are_not_blank(pages, name):
    from matplotlib.image import imread

    shot = pages["tmp"] / f"{name}.png"
    browse(pages[name], pages["tmp"], screenshot=shot)
    pixels = imread(shot)[..., :3]
    assert pixels.shape[:2] == (2000, 1200)
    ink = (pixels.min(axis=2) < 0.9).mean()  # not white
    colour = (pixels.max(axis=2) - pixels.min(axis=2) > 0.2).mean()  # highlights, bars, plots
    assert ink > 0.01 and colour > 0.002, (ink, colour)


def test_choosing_an_actor_fades_the_other_actors_mentions(pages):
    """What a click does, without a click: the same page with one actor's radio button checked."""
    from matplotlib.image import imread

    page = pages["injection"].read_text(encoding="utf-8")
    chosen = page.replace('id="v0-all" checked>', 'id="v0-all">').replace('id="v0-a1">', 'id="v0-a1" checked>')
    assert chosen != page
    (pages["tmp"] / "chosen.html").write_text(chosen, encoding="utf-8")
    red = {}
    for name in ("injection", "chosen"):
        shot = pages["tmp"] / f"{name}-focus.png"
        browse(pages["tmp"] / f"{name}.html", pages["tmp"], screenshot=shot)
        rgb = imread(shot)[:, :720, :3]  # the table and the text; the passages' stances are to the right
        r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
        red[name] = ((r - g > 0.2) & (r - b > 0.2)).sum()  # Maria Lopez's negative highlights, the table's chip
    assert red["chosen"] < 0.8 * red["injection"], red


def test_the_notebook_cell_is_styled_by_its_own_css(pages):
    """The fragment's CSS is nested under the cell: its highlights and chips show as on the page."""
    from matplotlib.image import imread

    colour = {}
    for name in ("article", "notebook"):
        shot = pages["tmp"] / f"{name}-cell.png"
        browse(pages[name], pages["tmp"], screenshot=shot)
        pixels = imread(shot)[..., :3]
        colour[name] = (pixels.max(axis=2) - pixels.min(axis=2) > 0.2).mean()
    assert colour["notebook"] > 0.7 * colour["article"] > 0, colour
    assert Tags(_dom(pages, "notebook")).executable() == []
