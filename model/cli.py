"""The `newsstance` command: parses arguments, calls the library, maps errors to exit codes."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from newsstance.articles.rows import LEVELS

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_ENVIRONMENT = 0, 1, 2, 3
# newsstance.backends.BACKENDS, spelled out so that parsing arguments does not import torch
BACKENDS = ("auto", "torch", "openvino-int8", "onnx-int8")


def _add_recipe_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", default="../shared/data/newsmtsc", help="folder with NewsMTSC's JSONL files")
    p.add_argument("--output", required=True, help="model directory to write (resumes if it holds a checkpoint)")
    p.add_argument("--device", default=None, help="cpu, cuda, cuda:N (default: cuda if present)")
    p.add_argument("--seed", type=int, default=None, help="override the recipe's seed")
    p.add_argument(
        "--report",
        nargs="*",
        default=["test_rw.jsonl", "test_mt.jsonl"],
        help="files scored once on the final model for its card (never used for selection)",
    )
    p.add_argument(
        "--set",
        nargs="*",
        default=[],
        metavar="KEY=JSON",
        help="override recipe settings, e.g. --set learning_rate=3e-5 epochs=4",
    )


def _recipe(args: argparse.Namespace):
    from newsstance.training import TrainConfig

    config = TrainConfig.from_json(args.config)
    changes = {}
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"--set takes KEY=VALUE, got {item!r}")
        try:
            changes[key] = json.loads(value)
        except json.JSONDecodeError:
            changes[key] = value
    if args.seed is not None:
        changes["seed"] = args.seed
    return config.replace(**changes) if changes else config


def _print_trained(result) -> int:
    dev = ", ".join(f"{k} F1m {v['f1m']:.4f}" for k, v in result.dev.items())
    print(f"saved {result.output_dir} (epoch {result.best_epoch}; {dev}; {result.train_seconds:.0f} s)")
    return EXIT_OK


def _add_train(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("train", help="fine-tune a stance model from a JSON recipe")
    p.add_argument("--config", required=True, help="recipe JSON, e.g. training/configs/minilm.json")
    _add_recipe_args(p)


def _run_train(args: argparse.Namespace) -> int:
    from newsstance.training import train

    result = train(_recipe(args), args.data, args.output, device=args.device, report_files=tuple(args.report))
    return _print_trained(result)


def _add_distill(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "distill",
        help="train a student on gold labels plus one or more teachers' probabilities over a transfer set",
    )
    p.add_argument("--teacher", action="append", required=True, help="teacher model directory (repeatable)")
    p.add_argument("--config", required=True, help="student recipe JSON, e.g. training/configs/minilm_distilled.json")
    p.add_argument(
        "--transfer-source",
        action="append",
        default=[],
        help="more training sentences for the transfer set (NewsMTSC or NewsTSC JSONL; repeatable)",
    )
    p.add_argument("--max-pairs", type=int, default=None, help="cap the transfer set (a seeded sample)")
    p.add_argument(
        "--teacher-backend",
        default="auto",
        choices=["auto", "torch", "openvino-bf16"],
        help="how the teachers run when labelling (auto: openvino-bf16 where installed and bf16 is native)",
    )
    _add_recipe_args(p)


def _run_distill(args: argparse.Namespace) -> int:
    from newsstance.training.distill import distill

    result = distill(
        _recipe(args),
        args.teacher,
        args.data,
        args.output,
        extra_sources=args.transfer_source,
        max_pairs=args.max_pairs,
        teacher_backend=args.teacher_backend,
        device=args.device,
        report_files=tuple(args.report),
    )
    return _print_trained(result)


def _add_score(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "score",
        help="score files of articles: actors and their stance per article, passage or mention",
        description="Exit status: 0 every record scored; 1 some records failed (see OUTPUT.errors.jsonl), "
        "the rest were scored; 2 usage error (no input, unknown extension, output exists without "
        "--resume or --overwrite, output is an input, a directory or inside a file, --resume on a file "
        "newsstance did not write or with other settings, another run holds the output); 3 environment "
        "error (disk full, read-only, permissions): fix it and rerun with --resume; 130 interrupted; "
        "143 terminated.",
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help=".txt/.jsonl/.csv files, directories, globs, or -")
    p.add_argument(
        "-o",
        "--output",
        required=True,
        help="output file: .jsonl (streamed), .csv or .parquet; or a directory (ending in /) of Parquet parts",
    )
    p.add_argument("--level", default="article", choices=list(LEVELS))
    group = p.add_mutually_exclusive_group()
    group.add_argument("--actors", help="comma-separated actor names to score (default: found automatically)")
    group.add_argument("--actors-file", help="file with one actor name per line, or a JSON list")
    p.add_argument("--keep-fields", default="", help="comma-separated input fields copied to every output row")
    p.add_argument("--batch-size", type=int, default=32, help="sentence × actor pairs per model batch")
    p.add_argument(
        "--max-chars",
        type=int,
        default=1_000_000,
        help="longer articles are bad records, not a crash (default 1,000,000 characters)",
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--resume", action="store_true", help="finish an interrupted run, skipping done articles")
    mode.add_argument("--overwrite", action="store_true", help="replace an existing output")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--device", default=None, help="cpu, cuda, cuda:N (default: cuda if present)")
    p.add_argument("--model", default=None, help="model directory (default: the shipped model)")
    p.add_argument("--backend", default="auto", choices=list(BACKENDS))
    p.add_argument("--threads", type=int, default=None, help="CPU threads (default: the available cores)")
    dask = p.add_argument_group("scale-out (--engine dask; needs the dask extra)")
    dask.add_argument("--engine", default="local", choices=["local", "dask"], help="who scores: this process or Dask")
    dask.add_argument("--scheduler", default=None, metavar="ADDR", help="join the cluster at tcp://HOST:PORT")
    dask.add_argument("--workers", type=int, default=None, help="local cluster: workers (default: one per core)")
    dask.add_argument("--articles-per-task", type=int, default=64, help="articles per batch (a Dask task)")
    dask.add_argument("--dashboard", action="store_true", help="local cluster: serve Dask's dashboard on 127.0.0.1")


def _actor_list(args: argparse.Namespace) -> list | None:
    if args.actors is not None:
        names = [a.strip() for a in args.actors.split(",") if a.strip()]
        if not names:
            raise ValueError(f"--actors {args.actors!r} names no actor; give comma-separated names")
        return names
    if args.actors_file:
        text = Path(args.actors_file).read_text(encoding="utf-8")
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            return [line.strip() for line in text.splitlines() if line.strip()]
        if not isinstance(data, list):
            raise ValueError(f"{args.actors_file} must hold a JSON list or one name per line")
        return data
    return None


def _run_score(args: argparse.Namespace) -> int:
    from newsstance.batch.scoring import score_files

    if args.batch_size < 1:
        raise ValueError(f"--batch-size must be at least 1, got {args.batch_size}")
    if args.engine == "local" and (args.scheduler or args.workers or args.dashboard):
        raise ValueError("--scheduler, --workers and --dashboard need --engine dask")
    actors = _actor_list(args)
    options = dict(
        level=args.level,
        actors=actors,
        keep_fields=[f.strip() for f in args.keep_fields.split(",") if f.strip()],
        batch_size=args.batch_size,
        articles_per_batch=args.articles_per_task,
        resume=args.resume,
        overwrite=args.overwrite,
        show_progress_bar=not args.quiet,
        max_chars=args.max_chars,
    )
    if args.engine == "dask":
        summary = _score_on_dask(args, score_files, options)
    else:
        import newsstance

        clf = newsstance.load(args.model, device=args.device, backend=args.backend, threads=args.threads)
        summary = score_files(clf, args.inputs, args.output, **options)
    print(summary.line(), file=sys.stderr)
    return EXIT_FAILED if summary.records_failed else EXIT_OK


def _score_on_dask(args: argparse.Namespace, score_files, options: dict):
    from newsstance.batch.cluster import DaskEngine, ModelSpec, dask_client, require_dask

    require_dask()
    import distributed  # noqa: F401  (Dask sets its loggers up on import; quieten them after)

    logging.getLogger("distributed").setLevel(logging.INFO if args.verbose else logging.ERROR)
    spec = ModelSpec.resolve(args.model, args.backend, args.device, args.threads)
    with dask_client(args.scheduler, args.workers, args.dashboard, quiet=not args.verbose) as client:
        return score_files(DaskEngine(client, spec), args.inputs, args.output, **options)


def _add_evaluate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("evaluate", help="evaluate models and baselines on benchmarks and probes; write a report")
    p.add_argument("--model", action="append", default=[], help="default, or a model directory (repeatable)")
    p.add_argument("--benchmark", nargs="*", default=[], help="benchmark names or JSONL files")
    p.add_argument("--baselines", nargs="*", default=[], choices=["majority", "vader"])
    p.add_argument("--probes", action="store_true", help="run the behavioural probe suite")
    p.add_argument("--data-dir", default="../shared/data", help="folder holding newsmtsc/ (and newstsc/)")
    p.add_argument("--out", default=None, help="write report.json, report.md, PNGs and errors.jsonl here")
    p.add_argument(
        "--fail-under",
        type=float,
        default=None,
        metavar="F1M",
        help="exit 1 when the first model's F1m on the first benchmark is below this (0-1)",
    )
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--device", default=None)
    p.add_argument("--backend", default="auto", choices=list(BACKENDS))
    p.add_argument(
        "--no-coreference", action="store_true", help="article benchmarks: names only, no pronouns or role nouns"
    )


def _run_evaluate(args: argparse.Namespace) -> int:
    from newsstance.eval.harness import evaluate, first_f1m

    report = evaluate(
        models=args.model,
        benchmarks=args.benchmark,
        baselines=args.baselines,
        probes=args.probes,
        data_dir=args.data_dir,
        out=args.out,
        batch_size=args.batch_size,
        device=args.device,
        backend=args.backend,
        coreference=not args.no_coreference,
    )
    for name, entry in report["systems"].items():
        for bench, r in entry["benchmarks"].items():
            lo, hi = r["ci95"]["f1m"]
            print(f"{name} on {bench}: F1m {r['f1m']:.4f} [{lo:.4f}, {hi:.4f}], accuracy {r['accuracy']:.4f}")
        for bench, r in entry.get("articles", {}).items():
            c = r["coreference"]
            print(
                f"{name} on {bench} ({r['articles']} articles): passage F1m {r['passage']['f1m']:.4f}, "
                f"article F1m {r['article']['f1m']:.4f}; coverage: actors {r['actor_coverage']:.3f}, "
                f"actor × passage {r['passage_coverage']:.3f} of {r['passage_pairs']}; coreference precision "
                f"{c['precision']:.3f}, recall {c['recall']:.3f} (cross-sentence {c['cross_sentence_precision']:.3f} / "
                f"{c['cross_sentence_recall']:.3f})"
            )
        if "probes" in entry:
            print(f"{name} probes: {entry['probes']['overall']:.3f} passed")
    if args.out:
        print(f"report written to {args.out}/report.md")
    f1m = first_f1m(report)
    if args.fail_under is not None and f1m is not None and f1m < args.fail_under:
        print(f"F1m {f1m:.4f} is below --fail-under {args.fail_under}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _add_export(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="check an optimised inference backend and record it in the model directory")
    p.add_argument("--model", required=True, help="model directory (e.g. model/default)")
    p.add_argument("--backend", required=True, choices=[b for b in BACKENDS if b not in ("auto", "torch")])
    p.add_argument("--data-dir", default="../shared/data", help="folder holding newsmtsc/")


def _run_export(args: argparse.Namespace) -> int:
    from newsstance.eval.export import export

    record = export(args.model, args.backend, args.data_dir)
    for name, r in record["results"].items():
        print(
            f"{args.backend} on {name}: agreement {r['agreement']:.4f}, F1m {r['f1m']:.4f} (torch {r['f1m_torch']:.4f})"
        )
    print(f"{'passed' if record['passed'] else 'FAILED'} the accuracy check; recorded in {args.model}")
    return EXIT_OK if record["passed"] else EXIT_FAILED


def _add_view(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("view", help="an HTML page of articles: every mention of every actor highlighted by stance")
    p.add_argument("inputs", nargs="+", metavar="ARTICLE", help=".txt, .jsonl or .csv files, or - for JSONL on stdin")
    p.add_argument("-o", "--output", required=True, help="the page to write (.html)")
    p.add_argument("--id", action="append", default=[], dest="ids", help="a record of a .jsonl/.csv input (repeatable)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--actors", help="comma-separated actor names (default: found automatically)")
    group.add_argument("--actors-file", help="file with one actor name per line, or a JSON list")
    p.add_argument("--overwrite", action="store_true", help="replace an existing page")
    p.add_argument("--device", default=None, help="cpu, cuda, cuda:N (default: cuda if present)")
    p.add_argument("--model", default=None, help="model directory (default: the shipped model)")
    p.add_argument("--backend", default="auto", choices=list(BACKENDS))
    p.add_argument("--threads", type=int, default=None, help="CPU threads (default: the available cores)")


def _run_view(args: argparse.Namespace) -> int:
    import newsstance
    from newsstance.articles.html import check_output
    from newsstance.view import view_files

    check_output(args.output, args.inputs, args.overwrite)  # before the model loads
    clf = newsstance.load(args.model, device=args.device, backend=args.backend, threads=args.threads)
    path = view_files(clf, args.inputs, args.output, ids=args.ids, actors=_actor_list(args), overwrite=args.overwrite)
    print(f"wrote {path}", file=sys.stderr)
    return EXIT_OK


def _add_report(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report", help="an HTML report of score output: actors, how each is portrayed, over time, by outlet"
    )
    p.add_argument("inputs", nargs="+", metavar="SCORES", help="output of newsstance score: .jsonl, .csv or .parquet")
    p.add_argument("-o", "--output", required=True, help="the report to write (.html)")
    p.add_argument("--by", action="append", help="kept field(s) to break down by, e.g. outlet,date (default: both)")
    p.add_argument("--top", type=int, default=15, help="how many of the most mentioned actors to show")
    p.add_argument("--overwrite", action="store_true", help="replace an existing report")


def _run_report(args: argparse.Namespace) -> int:
    from newsstance.view import write_report

    by = [f.strip() for item in args.by for f in item.split(",") if f.strip()] if args.by else None
    print(f"wrote {write_report(args.inputs, args.output, args.overwrite, by=by, top=args.top)}", file=sys.stderr)
    return EXIT_OK


COMMANDS = {
    "export": (_add_export, _run_export),
    "train": (_add_train, _run_train),
    "distill": (_add_distill, _run_distill),
    "score": (_add_score, _run_score),
    "evaluate": (_add_evaluate, _run_evaluate),
    "view": (_add_view, _run_view),
    "report": (_add_report, _run_report),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsstance", description="Stance of political news towards the actors it names."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    sub = parser.add_subparsers(dest="command", required=True)
    for add, _ in COMMANDS.values():
        add(sub)
    return parser


class _Terminated(Exception):
    """SIGTERM, turned into an exception so that files are closed and the user told what to do."""


def _on_sigterm(signum, frame) -> None:
    raise _Terminated


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    on_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if on_main_thread else None
    try:
        return _dispatch(args)
    finally:
        if on_main_thread:
            signal.signal(signal.SIGTERM, previous)


def _dispatch(args: argparse.Namespace) -> int:
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return COMMANDS[args.command][1](args)
    except (ValueError, TypeError, FileNotFoundError, ImportError) as err:
        print(f"newsstance {args.command}: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as err:  # the machine, not the command: a full disk, a read-only folder, permissions
        where = f" ({err.filename})" if err.filename else ""
        hint = "; fix it and run again with --resume: nothing written is lost" if args.command == "score" else ""
        print(f"newsstance {args.command}: error: {err.strerror or err}{where}{hint}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    except (KeyboardInterrupt, _Terminated) as stop:
        hint = "; run again with --resume to finish" if args.command in ("score", "train", "distill") else ""
        how = "terminated" if isinstance(stop, _Terminated) else "interrupted"
        print(f"newsstance {args.command}: {how}{hint}", file=sys.stderr)
        return 143 if isinstance(stop, _Terminated) else 130


if __name__ == "__main__":
    sys.exit(main())
