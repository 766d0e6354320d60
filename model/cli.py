"""The `newsstance` command: parses arguments, calls the library, maps errors to exit codes."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _add_train(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("train", help="fine-tune a stance model from a JSON recipe")
    p.add_argument("--config", required=True, help="recipe JSON, e.g. training/configs/minilm.json")
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


def _run_train(args: argparse.Namespace) -> int:
    from newsstance.training import TrainConfig, train

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
    if changes:
        config = config.replace(**changes)
    result = train(config, args.data, args.output, device=args.device, report_files=tuple(args.report))
    dev = ", ".join(f"{k} F1m {v['f1m']:.4f}" for k, v in result.dev.items())
    print(f"saved {result.output_dir} (epoch {result.best_epoch}; {dev}; {result.train_seconds:.0f} s)")
    return EXIT_OK


COMMANDS = {"train": (_add_train, _run_train)}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsstance", description="Stance of political news towards the actors it names."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    sub = parser.add_subparsers(dest="command", required=True)
    for add, _ in COMMANDS.values():
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return COMMANDS[args.command][1](args)
    except (ValueError, TypeError, FileNotFoundError) as err:
        print(f"newsstance {args.command}: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"newsstance {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
