"""The page of ``newsstance view``: records read from input files, analysed, rendered as the article page."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..articles.analysis import Classifies, analyze_many
from ..articles.known import KnownActors
from ..articles.progress import LONG_ARTICLE
from ..batch.readers import BadRecord, Record, expand_inputs, read_records
from ..html import article_page, check_output, write_page

__all__ = ["MAX_ARTICLES", "read_articles", "view_files"]

logger = logging.getLogger(__name__)

MAX_ARTICLES = 50
"""More articles than this on one page is refused: pick them with ``ids``."""


def read_articles(inputs: Sequence[str], ids: Sequence[str] = ()) -> list[Record]:
    """The records of ``inputs`` (.txt, .jsonl, .csv, ``-``), only those with ``ids`` when given."""
    wanted, found = set(ids), []
    for r in read_records(expand_inputs(inputs)):
        if wanted and r.id not in wanted:
            continue
        if isinstance(r, BadRecord):
            where = f"{r.source}:{r.line}" if r.line else r.source
            raise ValueError(f"{where}: {r.reason}; fix the record, or pick others with --id")
        found.append(r)
        if wanted and len(found) == len(wanted) and {f.id for f in found} == wanted:
            break  # every id found: the rest of a large file is not read
        if len(found) > MAX_ARTICLES:
            raise ValueError(f"the inputs hold more than {MAX_ARTICLES} articles; pick the ones to view with --id")
    missing = sorted(wanted - {r.id for r in found})
    if missing:
        where = ", ".join(map(str, inputs))
        raise ValueError(f"no record with id {missing} in {where}; ids are the 'id' field, or FILE:LINE")
    if not found:
        raise ValueError(f"no article in {', '.join(map(str, inputs))}")
    return found


def view_files(
    clf: Classifies,
    inputs: Sequence[str],
    output: str | Path,
    ids: Sequence[str] = (),
    actors: Sequence[str | dict] | None = None,
    overwrite: bool = False,
    show_progress_bar: bool = False,
    known_actors: Any = None,
) -> Path:
    """Analyse the articles of ``inputs`` and write them as one HTML page to ``output``.
    ``actors`` (for every article) overrides a record's own ``actors`` field. With
    ``show_progress_bar``, an article of ``LONG_ARTICLE`` characters or more shows its progress.
    ``known_actors``: as :func:`~newsstance.articles.analysis.analyze_many` takes them."""
    output = check_output(output, inputs, overwrite)
    if isinstance(known_actors, (str, Path)):
        known_actors = KnownActors.read(known_actors)  # a bad file fails before any article is read
    records = read_articles(inputs, ids)
    pages = []
    for r in records:
        bars = show_progress_bar and len(r.text) >= LONG_ARTICLE
        (analysis,) = analyze_many(
            clf,
            [r.text],
            actors=actors if actors is not None else r.actors,
            show_progress_bar=bars,
            known_actors=known_actors,
        )
        pages.append((r.id, analysis))
    logger.info("rendering %d article(s)", len(pages))
    return write_page(article_page(pages), output)
