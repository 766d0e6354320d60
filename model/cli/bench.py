"""``newsstance bench``: the throughput, memory and quality benchmarks behind the README's figures.

Each is a subcommand here and a plain function in :mod:`newsstance.eval`; nothing is timed in the
tests.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from newsstance.cli.bench_actors import add_actor_benches
from newsstance.cli.options import (
    EXIT_OK,
    add_command,
    batch_options,
    data_options,
    load_model,
    model_options,
    progress_options,
)


def add_commands(sub: argparse._SubParsersAction) -> None:
    group = sub.add_parser(
        "bench",
        help="benchmarks: speed, memory and quality measurements (see `newsstance bench --help`)",
        description="Benchmarks: each prints its figures (JSON or a Markdown table) to stdout.",
    )
    benches = group.add_subparsers(dest="bench", required=True, metavar="BENCHMARK")
    _add_analyze(benches)
    _add_score(benches)
    _add_huge(benches)
    _add_language(benches)
    _add_speed(benches)
    _add_report(benches)
    _add_scaleout(benches)
    _add_adversarial(benches)
    _add_linking(benches)
    add_actor_benches(benches)
    _add_aggregation(benches)
    _add_ensemble(benches)
    _add_train_step(benches)


def _print_json(result: dict) -> int:
    print(json.dumps(result, indent=2))
    return EXIT_OK


def _add_analyze(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub,
        "analyze",
        run_analyze,
        "articles/s of analyze_many on copies of the seed articles",
        parents=[model_options(), batch_options()],
    )
    p.add_argument("--repeat", type=int, default=50, help="copies of the seed articles (default: %(default)s)")
    p.add_argument("--no-coreference", action="store_true", help="names only, no pronouns or role nouns")


def run_analyze(args: argparse.Namespace) -> int:
    from newsstance.eval.bench import bench_analyze, environment

    result = bench_analyze(
        args.model,
        args.backend,
        args.device,
        args.threads,
        repeat=args.repeat,
        batch_size=args.batch_size,
        coreference=not args.no_coreference,
    )
    return _print_json(result | environment(args.model))


def _add_score(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub,
        "score",
        run_score,
        "throughput and memory of `newsstance score` over generated mixed-length articles",
        parents=[model_options(), batch_options(), progress_options()],
    )
    p.add_argument("--articles", type=int, default=1000, help="generated articles (default: %(default)s)")
    p.add_argument("--max-paragraphs", type=int, default=12, help="longest generated article (default: %(default)s)")


def run_score(args: argparse.Namespace) -> int:
    from newsstance.eval.bench import bench_score, environment

    result = bench_score(
        args.model,
        args.backend,
        args.device,
        args.threads,
        articles=args.articles,
        max_paragraphs=args.max_paragraphs,
        batch_size=args.batch_size,
        show_progress_bar=not args.quiet,
    )
    return _print_json(result | environment(args.model))


def _add_huge(sub: argparse._SubParsersAction) -> None:
    p = add_command(sub, "huge", run_huge, "finding the actors and their pronouns in one huge paragraph (no model)")
    p.add_argument("--chars", type=int, default=220_000, help="the paragraph's length (default: %(default)s)")


def run_huge(args: argparse.Namespace) -> int:
    from newsstance.eval.bench import bench_huge, environment

    return _print_json(bench_huge(args.chars) | environment())


def _add_language(sub: argparse._SubParsersAction) -> None:
    p = add_command(sub, "language", run_language, "cost of detecting each article's language (no model)")
    p.add_argument("--articles", type=int, default=300, help="generated articles (default: %(default)s)")


def run_language(args: argparse.Namespace) -> int:
    from newsstance.eval.bench import bench_language, environment

    return _print_json(bench_language(args.articles) | environment())


def _add_speed(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub,
        "speed",
        run_speed,
        "inference speed of each model and backend side by side, each in its own process, on NewsMTSC test-rw",
        parents=[model_options(backend=None, device=False, many=True), data_options()],
    )
    p.add_argument(
        "--backends", nargs="+", default=None, help="backends to compare (default: torch auto openvino-int8 onnx-int8)"
    )
    p.add_argument("--repeat", type=int, default=10, help="copies of the seed articles for articles/s")
    p.add_argument("--no-reference", action="store_true", help="skip the RoBERTa-base-sized reference line")


def run_speed(args: argparse.Namespace) -> int:
    from newsstance.eval.speed import compare, table

    options = dict(data_dir=args.data_dir, repeat=args.repeat, threads=args.threads, reference=not args.no_reference)
    if args.backends:
        options["backends"] = args.backends
    result = compare(args.model or [None], **options)
    _print_json(result)
    print(table(result))
    return EXIT_OK


def _add_report(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub,
        "report",
        run_report,
        "time `newsstance report` on a generated corpus of score rows (no model)",
    )
    p.add_argument("--rows", type=int, default=1_000_000, help="generated score rows (default: %(default)s)")
    p.add_argument("--format", default="jsonl", choices=["jsonl", "csv", "parquet"])
    p.add_argument("--out", default=None, help="folder for the corpus and the report (default: a temporary one)")
    p.add_argument("--seed", type=int, default=0)


def run_report(args: argparse.Namespace) -> int:
    from newsstance.eval.bench_report import time_report

    r = time_report(args.rows, args.format, args.out, args.seed)
    print(f"generated {r['rows']:,} rows in {r['generated_s']:.1f} s: {r['scores_mb']:.0f} MB")
    print(
        f"report on {r['rows']:,} rows ({r['format']}): {r['seconds']:.1f} s, peak RSS {r['peak_rss_gb']:.2f} GB, "
        f"{r['html_kb']:.0f} kB of HTML"
    )
    return EXIT_OK


def _add_scaleout(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub,
        "scaleout",
        run_scaleout,
        "`newsstance score --engine dask` against --engine local: the same rows? how fast?",
        parents=[model_options(device=False, threads=False)],
    )
    p.add_argument(
        "check",
        choices=["same-rows", "throughput"],
        help="same-rows: local and Dask rows equal; throughput: local against Dask clusters",
    )
    p.add_argument("--articles", type=int, default=None, help="generated articles (default: 200 / 1000)")
    p.add_argument("--articles-per-task", type=int, default=64)
    p.add_argument("--workers", type=int, default=2, help="same-rows: local cluster workers (default: %(default)s)")
    p.add_argument("--workers-list", type=int, nargs="+", default=[1, 2], help="throughput: cluster sizes")


def run_scaleout(args: argparse.Namespace) -> int:
    from newsstance.eval.scaleout import same_rows, throughput

    common = dict(articles_per_task=args.articles_per_task, backend=args.backend, model=args.model)
    if args.check == "same-rows":
        result = same_rows(args.articles or 200, workers=args.workers, **common)
    else:
        result = throughput(args.articles or 1000, workers=args.workers_list, **common)
    return _print_json(result)


def _add_adversarial(sub: argparse._SubParsersAction) -> None:
    add_command(
        sub,
        "adversarial",
        run_adversarial,
        "the reliability cases, end to end, against the real `newsstance score` command",
        parents=[model_options(backend="torch", device=False, threads=False)],
    )


def run_adversarial(args: argparse.Namespace) -> int:
    from newsstance.eval.adversarial import run_cases, table

    print(table(run_cases(args.model, args.backend)))
    return EXIT_OK


def _add_linking(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub,
        "linking",
        run_linking,
        "how well article reading finds NewsMTSC's targets: pronoun links and name recall (no model)",
        parents=[data_options()],
    )
    p.add_argument("--files", nargs="+", default=None, help="NewsMTSC files (default: dev_rw.jsonl dev_mt.jsonl)")
    p.add_argument("--out", default=None, help="write every wrong link and missed name here (JSON)")


def run_linking(args: argparse.Namespace) -> int:
    from newsstance.eval.linking import measure, summary

    result = measure(args.data_dir, **({"files": args.files} if args.files else {}))
    print(summary(result))
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=1), encoding="utf-8")
    return EXIT_OK


def _add_aggregation(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub,
        "aggregation",
        run_aggregation,
        "how sentence stances should add up to a passage's and an article's: variants on article gold",
        parents=[model_options(), batch_options()],
    )
    p.add_argument("--benchmark", default="seeds", help="an article benchmark (default: %(default)s)")


def run_aggregation(args: argparse.Namespace) -> int:
    from newsstance.eval.aggregation import compare, table

    clf = load_model(args)
    print(table(compare(clf, args.benchmark, args.batch_size)))
    return EXIT_OK


def _add_ensemble(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub,
        "ensemble",
        run_ensemble,
        "each model's F1m and that of their averaged probabilities, on sentence benchmarks (choose on dev)",
        parents=[model_options(many=True), batch_options(), data_options()],
    )
    p.add_argument(
        "--benchmark",
        nargs="+",
        default=["newsmtsc-dev-rw", "newsmtsc-dev-mt", "newstsc-dev"],
        help="benchmark names or JSONL files (default: the three dev sets)",
    )


def run_ensemble(args: argparse.Namespace) -> int:
    from newsstance.eval.ensemble import compare, model_names, table

    if not args.model or len(args.model) < 2:
        raise ValueError("an ensemble needs two or more models: give --model DIR at least twice")
    models = [load_model(args, m) for m in args.model]
    print(table(compare(models, model_names(args.model), args.benchmark, args.data_dir, args.batch_size)))
    return EXIT_OK


def _add_train_step(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub,
        "train-step",
        run_train_step,
        "training-step time in float32 and in bf16 autocast, same batches, same start (NewsMTSC train)",
        parents=[data_options()],
    )
    p.add_argument("--base-model", default="sentence-transformers/all-MiniLM-L6-v2", help="hub id or folder")
    p.add_argument("--steps", type=int, default=8, help="timed steps per run (default: %(default)s)")


def run_train_step(args: argparse.Namespace) -> int:
    from newsstance.backends.cpu import describe
    from newsstance.eval.corpora import resolve_data_dir
    from newsstance.training.step_speed import step_times

    runs = step_times(args.base_model, resolve_data_dir(args.data_dir) / "newsmtsc" / "train.jsonl", args.steps)
    return _print_json({"base_model": args.base_model, "runs": runs, "cpu": describe()})
