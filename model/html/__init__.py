"""newsstance's HTML: Jinja2 templates with autoescape, the page shell they share, and the article page.

Every page is one self-contained file: inline CSS and SVG, no script, no external resource, and a
Content-Security-Policy that forbids both, so a page is readable offline, printable, and cannot
run anything an article smuggles in. Templates escape every value; the two kinds of ready markup
(a highlighted text from :func:`highlight`, an SVG figure) are :class:`~markupsafe.Markup` from
the one place that builds them.

>>> from newsstance.html import article_page
>>> article_page([("An article", analysis)])  # doctest: +SKIP
"""

from __future__ import annotations

from .article import TYPE_WORDS, article_fragment, article_page
from .marks import Mark, highlight
from .output import check_output, write_page
from .render import COLOURS, STRENGTHS, count, render, stance_bar, strength

__all__ = [
    "COLOURS",
    "STRENGTHS",
    "TYPE_WORDS",
    "Mark",
    "article_fragment",
    "article_page",
    "check_output",
    "count",
    "highlight",
    "render",
    "stance_bar",
    "strength",
    "write_page",
]
