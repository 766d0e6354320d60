"""The pages of the commands, over files: ``newsstance view`` (articles read from input files,
:mod:`.article`) and ``newsstance report`` (the corpus report over the output of
``newsstance score``, :mod:`.corpus`; needs the ``view`` extra). Both render through
:mod:`newsstance.html`.

>>> from newsstance.pages import write_report
>>> write_report(["scores.jsonl"], "report.html", by=["outlet", "date"])  # doctest: +SKIP
"""

from __future__ import annotations

from .article import view_files
from .corpus import ReportSummary, render_report, report_files, write_report

__all__ = ["ReportSummary", "render_report", "report_files", "view_files", "write_report"]
