"""The run-time subcommands: ``score`` files of articles, ``view`` articles as a page, ``report``
on a corpus of scores."""

from __future__ import annotations

import argparse
import functools
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from newsstance.articles.rows import LEVELS
from newsstance.cli.options import (
    EXIT_FAILED,
    EXIT_OK,
    KNOWN_ACTORS,
    actor_list,
    actor_options,
    add_command,
    batch_options,
    load_model,
    model_options,
    output_options,
    progress_options,
)

SCORE_EXIT = (
    "Exit status: 0 every record scored; 1 some records failed (see OUTPUT.errors.jsonl), the rest were "
    "scored (an article not in English is one, unless --any-language); 2 usage error (no input, unknown "
    "extension, a bad actor in --actors-file, output exists without --resume or --overwrite, "
    "output is an input, a directory or inside a file, --resume on a file newsstance did not write or with "
    "other settings, another run holds the output); 3 environment error (disk full, read-only, permissions): "
    "fix it and rerun with --resume; 130 interrupted; 143 terminated."
)


def add_commands(sub: argparse._SubParsersAction) -> None:
    add_score(sub)
    add_view(sub)
    add_report(sub)


def add_score(sub: argparse._SubParsersAction) -> None:
    output = output_options(
        "output file: .jsonl (streamed), .csv or .parquet; or a directory (ending in /) of Parquet parts",
        overwrite="replace an existing output",
        resume="finish an interrupted run, skipping done articles",
    )
    p = add_command(
        sub,
        "score",
        run_score,
        "score files of articles: actors and their stance per article, passage or mention",
        parents=[output, actor_options(), batch_options(), progress_options(), model_options()],
        description=SCORE_EXIT,
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help=".txt/.jsonl/.csv files, directories, globs, or -")
    p.add_argument("--level", default="article", choices=list(LEVELS))
    p.add_argument("--keep-fields", default="", help="comma-separated input fields copied to every output row")
    p.add_argument(
        "--max-chars",
        type=int,
        default=1_000_000,
        help="longer articles are bad records, not a crash (default 1,000,000 characters)",
    )
    p.add_argument(
        "--speakers-as-targets",
        action="store_true",
        help="count a speaker's own statements for its portrayal too (by default they go to its speaker → target "
        "edges, and a speaker the article says nothing else of has no row)",
    )
    p.add_argument(
        "--any-language",
        action="store_true",
        help="score articles detected in other languages than English too (by default they are bad records)",
    )
    dask = p.add_argument_group("scale-out (--engine dask; needs the dask extra)")
    dask.add_argument(
        "--engine",
        default="local",
        choices=["local", "dask"],
        help="who scores: this process, or Dask: without --scheduler, a local cluster whose scheduler, workers "
        "and their nannies listen on 127.0.0.1 only, each on a TCP port the system picks, speaking Dask's own "
        "protocol (no HTTP); closed at the end of the run",
    )
    dask.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDR",
        help="join the cluster at tcp://HOST:PORT (or HOST:PORT) instead: this process then only connects to it",
    )
    dask.add_argument("--workers", type=int, default=None, help="local cluster: workers (default: one per core)")
    dask.add_argument("--articles-per-task", type=int, default=64, help="articles per batch (a Dask task)")
    dask.add_argument(
        "--dashboard",
        action="store_true",
        help="local cluster: also serve Dask's dashboard over HTTP on 127.0.0.1:8787 (needs Bokeh)",
    )


def run_score(args: argparse.Namespace) -> int:
    from newsstance.batch.scoring import score_files

    if args.batch_size < 1:
        raise ValueError(f"--batch-size must be at least 1, got {args.batch_size}")
    if args.engine == "local" and (args.scheduler or args.workers or args.dashboard):
        raise ValueError("--scheduler, --workers and --dashboard need --engine dask")
    options = dict(
        level=args.level,
        actors=actor_list(args),
        keep_fields=[f.strip() for f in args.keep_fields.split(",") if f.strip()],
        batch_size=args.batch_size,
        articles_per_batch=args.articles_per_task,
        resume=args.resume,
        overwrite=args.overwrite,
        show_progress_bar=not args.quiet,
        max_chars=args.max_chars,
        any_language=args.any_language,
        article_progress=not args.quiet and sys.stderr.isatty(),
        known_actors=args.known_actors,
        speakers_as_targets=args.speakers_as_targets,
    )
    if args.engine == "dask":
        summary = score_on_dask(args, score_files, options)
    else:
        clf = load_model(args)
        summary = score_files(clf, args.inputs, args.output, **options)
    print(summary.line(), file=sys.stderr)
    return EXIT_FAILED if summary.records_failed else EXIT_OK


def score_on_dask(args: argparse.Namespace, score_files, options: dict):
    """Score on Dask. The cluster starts (or is joined) only once score_files holds the output's
    lock, so a run that is refused, or whose address is malformed, starts nothing."""
    from newsstance.batch.cluster import DaskEngine, ModelSpec, dask_client, require_dask, scheduler_address

    require_dask()
    scheduler = scheduler_address(args.scheduler) if args.scheduler is not None else None
    spec = ModelSpec.resolve(args.model, args.backend, args.device, args.threads)
    connect = functools.partial(dask_client, scheduler, args.workers, args.dashboard, quiet=not args.verbose)
    with dask_logs(args.verbose):
        return score_files(DaskEngine(connect, spec), args.inputs, args.output, **options)


DASK_LOGGERS = ("distributed", "tornado", "asyncio", "bokeh")
"""What logs in this process during a Dask run: the client and, for a local cluster, its scheduler and nannies."""


@contextmanager
def dask_logs(verbose: bool) -> Iterator[None]:
    """Dask's logs in this process: from INFO up with ``--verbose``, else only critical ones (not its
    errors: what matters to the run comes back to it as an exception); as they were, after."""
    import distributed  # noqa: F401  (Dask sets its loggers up on import; set their levels after)

    loggers = [logging.getLogger(name) for name in DASK_LOGGERS]
    levels = [log.level for log in loggers]
    for log in loggers:
        log.setLevel(logging.INFO if verbose else logging.CRITICAL)
    try:
        yield
    finally:
        for log, level in zip(loggers, levels):
            log.setLevel(level)


def add_view(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub,
        "view",
        run_view,
        "an HTML page of articles: every mention of every actor highlighted by stance",
        parents=[
            output_options("the page to write (.html)", "replace an existing page"),
            actor_options(),
            model_options(),
        ],
    )
    p.add_argument("inputs", nargs="+", metavar="ARTICLE", help=".txt, .jsonl or .csv files, or - for JSONL on stdin")
    p.add_argument("--id", action="append", default=[], dest="ids", help="a record of a .jsonl/.csv input (repeatable)")


def run_view(args: argparse.Namespace) -> int:
    from newsstance.html import check_output
    from newsstance.pages import view_files

    check_output(args.output, args.inputs, args.overwrite)  # before the model loads
    clf = load_model(args)
    path = view_files(
        clf,
        args.inputs,
        args.output,
        ids=args.ids,
        actors=actor_list(args),
        overwrite=args.overwrite,
        show_progress_bar=sys.stderr.isatty(),  # for long articles only
        known_actors=args.known_actors,
    )
    print(f"wrote {path}", file=sys.stderr)
    return EXIT_OK


def add_report(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub,
        "report",
        run_report,
        "an HTML report of score output: actors, how each is portrayed, over time, by outlet",
        parents=[output_options("the report to write (.html)", "replace an existing report")],
    )
    p.add_argument("inputs", nargs="+", metavar="SCORES", help="output of newsstance score: .jsonl, .csv or .parquet")
    p.add_argument("--by", action="append", help="kept field(s) to break down by, e.g. outlet,date (default: both)")
    p.add_argument("--top", type=int, default=15, help="how many of the most mentioned actors to show")
    p.add_argument(
        "--sort",
        choices=["mentions", "salience"],
        default="mentions",
        help="show first the actors most mentioned, or most salient (mean salience of their article rows)",
    )
    p.add_argument("--known-actors", metavar="FILE", help=KNOWN_ACTORS + "; the identities are built anew with them")
    p.add_argument(
        "--edges",
        nargs="+",
        default=(),
        metavar="EDGES",
        help="output of newsstance score --level edge: adds who speaks of whom (a speaker × target matrix, "
        "the strongest edges)",
    )


def run_report(args: argparse.Namespace) -> int:
    from newsstance.pages import report_files

    by = [f.strip() for item in args.by for f in item.split(",") if f.strip()] if args.by else None
    summary = report_files(
        args.inputs,
        args.output,
        args.overwrite,
        by=by,
        top=args.top,
        sort=args.sort,
        known_actors=args.known_actors,
        edges=args.edges,
    )
    print(summary.line(), file=sys.stderr)
    return EXIT_OK
