"""The `newsstance` command, the one front door to every job: it parses arguments, calls the
library, and maps errors to exit codes.

Exit codes: 0 done; 1 the job failed (records that failed to score, ``--fail-under``, a failed
accuracy check) or a bug in newsstance (a traceback and a line saying so); 2 a usage error (one
line naming the fix; ``-v`` adds the traceback); 3 the machine (disk full, read-only,
permissions); 130 interrupted; 143 terminated.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
import traceback
from collections.abc import Sequence

from newsstance import __version__
from newsstance.cli import bench, evaluate, run, train
from newsstance.cli.options import BACKENDS, EXIT_FAILED, EXIT_OK, Parser

__all__ = ["BACKENDS", "EXIT_BUG", "EXIT_ENVIRONMENT", "EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]

EXIT_BUG, EXIT_USAGE, EXIT_ENVIRONMENT = 1, 2, 3
USAGE_ERRORS = (ValueError, TypeError, FileNotFoundError, ImportError)
"""What the library raises for bad input, a missing file or a missing extra: its message names the fix."""
RESUMABLE = ("score", "train", "distill")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="newsstance",
        description="Stance of political news towards the actors it names.",
        epilog="`newsstance COMMAND --help` describes a command and its flags.",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log debug messages; print the traceback of any error"
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for commands in (run, evaluate, train, bench):
        commands.add_commands(sub)
    return parser


class _Terminated(Exception):
    """SIGTERM, turned into an exception so that files are closed and the user told what to do."""


def _on_sigterm(signum, frame) -> None:
    raise _Terminated


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    on_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if on_main_thread else None
    try:
        return _dispatch(args)
    finally:
        if on_main_thread:
            signal.signal(signal.SIGTERM, previous)


def _one_line(err: BaseException) -> str:
    return "; ".join(line.strip() for line in str(err).splitlines() if line.strip()) or type(err).__name__


def _dispatch(args: argparse.Namespace) -> int:
    # newsstance's own messages from INFO up; other libraries' only from WARNING up, unless -v
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("newsstance").setLevel(logging.DEBUG if args.verbose else logging.INFO)
    where = args.where  # "newsstance score", "newsstance bench speed"
    try:
        return args.run(args)
    except USAGE_ERRORS as err:
        if args.verbose:
            traceback.print_exc()
        print(f"{where}: error: {_one_line(err)}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # the reader of our output went away (`newsstance bench actors | head`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 141
    except OSError as err:  # the machine, not the command: a full disk, a read-only folder, permissions
        if args.verbose:
            traceback.print_exc()
        path = f" ({err.filename})" if err.filename else ""
        hint = "; fix it and run again with --resume: nothing written is lost" if args.command == "score" else ""
        print(f"{where}: error: {err.strerror or err}{path}{hint}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    except (KeyboardInterrupt, _Terminated) as stop:
        if args.verbose:
            traceback.print_exc()
        hint = "; run again with --resume to finish" if args.command in RESUMABLE else ""
        how = "terminated" if isinstance(stop, _Terminated) else "interrupted"
        print(f"{where}: {how}{hint}", file=sys.stderr)
        return 143 if isinstance(stop, _Terminated) else 130
    except Exception as err:
        traceback.print_exc()
        print(
            f"{where}: {type(err).__name__}: this is a bug in newsstance {__version__}, not in your input; "
            "please report it to the newsstance maintainers with the command line you ran, the traceback above "
            "and the output of `pip freeze`",
            file=sys.stderr,
        )
        return EXIT_BUG
