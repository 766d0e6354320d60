"""The `newsstance` command: parses arguments, calls the library, maps errors to exit codes."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from collections.abc import Sequence

from newsstance.commands import (
    BACKENDS,
    EXIT_FAILED,
    EXIT_OK,
    add_report,
    add_score,
    add_view,
    run_report,
    run_score,
    run_view,
)

EXIT_USAGE, EXIT_ENVIRONMENT = 2, 3


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


COMMANDS = {
    "export": (_add_export, _run_export),
    "train": (_add_train, _run_train),
    "distill": (_add_distill, _run_distill),
    "score": (add_score, run_score),
    "evaluate": (_add_evaluate, _run_evaluate),
    "view": (add_view, run_view),
    "report": (add_report, run_report),
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
