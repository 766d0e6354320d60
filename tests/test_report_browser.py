"""The report on a small corpus, in a real headless Chromium: every label inside its figure, one-row
actors without a stance colour, no blank heatmap, and the notes that say what is not drawn."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_report import small_corpus
from viewkit import Tags, browse, chromium, write_rows

pytestmark = pytest.mark.skipif(
    chromium() is None, reason="needs Chromium: apt-get install chromium (.ci/run installs it)"
)

MEASURE = """<script>
const out = [];
for (const svg of document.querySelectorAll("svg")) {
  const box = svg.getBoundingClientRect();
  for (const g of svg.querySelectorAll("g[id*='text_']")) {
    const r = g.getBoundingClientRect();
    if (r.width && r.height)
      out.push({id: g.id, left: r.left - box.left, right: box.right - r.right,
                top: r.top - box.top, bottom: box.bottom - r.bottom});
  }
}
document.body.setAttribute("data-boxes", JSON.stringify(out));
</script>"""


def _figure(page: str, label: str) -> str:
    """The ``<figure>`` of ``page`` whose aria-label starts with ``label``."""
    found = re.findall(r'<figure aria-label="([^"]*)">(.*?)</figure>', page, flags=re.S)
    return next(svg for name, svg in found if name.startswith(label))


def _alone(tmp: Path, name: str, svg: str, script: str = "") -> Path:
    """The figure on a white page of its own, at the size the report shows it."""
    path = tmp / f"{name}.html"
    path.write_text(
        f'<!DOCTYPE html><html><body style="margin:0;background:#fff"><div id="f">{svg}</div>{script}</body></html>',
        encoding="utf-8",
    )
    return path


def _pixels(tmp: Path, page: Path):
    from matplotlib.image import imread

    shot = tmp / f"{page.stem}.png"
    browse(page, tmp, screenshot=shot)
    return imread(shot)[..., :3]


def _red_and_blue(rgb) -> tuple[int, int]:
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return int(((r - g > 0.25) & (r - b > 0.25)).sum()), int(((b - r > 0.25) & (b - g > 0.1)).sum())


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> dict:
    from newsstance.pages import render_report

    tmp = tmp_path_factory.mktemp("small")
    long = [r | {"actor": "An actor with a rather long name, cut"} if r["actor"] == "Ana Ruiz" else r
            for r in small_corpus()]  # fmt: skip
    pages = {
        "five": render_report([write_rows(long, tmp / "five.jsonl")]),
        "one": render_report([write_rows(small_corpus()[:1], tmp / "one.jsonl")]),
        "singles": render_report([write_rows(small_corpus()[-2:], tmp / "singles.jsonl")]),
    }
    for name, page in pages.items():
        (tmp / f"{name}.html").write_text(page, encoding="utf-8")
    return {"tmp": tmp, **pages}


@pytest.mark.parametrize("name", ["five", "one"])
def test_every_label_of_the_actor_plot_lies_inside_the_figure(small, name):
    tmp = small["tmp"]
    page = _alone(tmp, f"measure-{name}", _figure(small[name], "mean score per actor"), MEASURE)
    (body,) = Tags(browse(page, tmp)).find("body")
    boxes = json.loads(body["data-boxes"])
    assert len(boxes) >= 5  # ticks, the axis label and the legend
    outside = [b for b in boxes if min(b["left"], b["right"], b["top"], b["bottom"]) < -0.5]
    assert outside == [], outside


def test_actors_with_one_row_are_not_drawn_red_or_blue(small):
    """Lone Actor (one row, −0.8) and Glad Actor (one row, +0.8): neither has an interval."""
    tmp = small["tmp"]
    rgb = _pixels(tmp, _alone(tmp, "singles-forest", _figure(small["singles"], "mean score per actor")))
    assert (rgb.min(axis=2) < 0.9).mean() > 0.002  # the plot is there
    assert _red_and_blue(rgb) == (0, 0)


def test_actors_with_an_interval_keep_their_colour(small):
    """The control: the same plot with several rows per actor has red or blue points."""
    from newsstance.pages import render_report

    tmp = small["tmp"]
    rows = [r | {"score": -0.8, "label": "negative"} for r in small_corpus() if r["actor"] == "Ben Ode"]
    page = render_report([write_rows(rows, tmp / "ben.jsonl")])
    red, _ = _red_and_blue(_pixels(tmp, _alone(tmp, "ben-forest", _figure(page, "mean score per actor"))))
    assert red > 20


def test_the_small_report_has_no_blank_figure_and_says_what_it_leaves_out(small):
    tmp = small["tmp"]
    dom = browse(tmp / "five.html", tmp)
    tags = Tags(dom)
    text = re.sub(r"\s+", " ", "".join(tags.text))
    assert "Too few rows for a mean score" in text and "Too few rows for a time series" in text
    labels = [f.get("aria-label") for f in tags.find("figure")]
    assert labels == ["mean score per actor with 95% interval"], labels
    for n, svg in enumerate(re.findall(r"<figure[^>]*>(.*?)</figure>", small["five"], flags=re.S)):
        rgb = _pixels(tmp, _alone(tmp, f"five-figure-{n}", svg))
        assert (rgb.min(axis=2) < 0.9).mean() > 0.002  # drawn, not blank


def test_a_heatmap_marks_thin_cells_in_grey(tmp_path):
    """Ana has 6 rows at Daily (a colour) and 2 at Post (grey, with its count), Ben 1 at Post."""
    from test_report import _row

    from newsstance.pages import render_report

    rows = [_row("Ana", 0.7, id=f"d{i}", outlet="Daily") for i in range(6)]
    rows += [_row("Ana", 0.1, id=f"p{i}", outlet="Post") for i in range(2)] + [_row("Ben", 0.1, outlet="Post")]
    page = render_report([write_rows(rows, tmp_path / "s.jsonl")], by=["outlet"])
    rgb = _pixels(tmp_path, _alone(tmp_path, "heat", _figure(page, "mean score per actor and outlet")))
    spread = rgb.max(axis=2) - rgb.min(axis=2)
    light_grey = (spread < 0.02) & (rgb.min(axis=2) > 0.85) & (rgb.min(axis=2) < 0.97)
    assert light_grey.sum() > 2000, light_grey.sum()  # two grey cells
    _, blue = _red_and_blue(rgb)
    assert blue > 1000  # Ana at Daily
