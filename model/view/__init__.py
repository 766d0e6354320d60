"""HTML pages over files: articles from input files (``newsstance view``) and the corpus report
over the output of ``newsstance score`` (``newsstance report``; needs the ``view`` extra).

>>> from newsstance.view import write_report
>>> write_report(["scores.jsonl"], "report.html", by=["outlet", "date"])  # doctest: +SKIP
"""

from __future__ import annotations

from .articles import view_files
from .report import render_report, write_report

__all__ = ["render_report", "view_files", "write_report"]
