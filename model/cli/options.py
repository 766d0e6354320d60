"""The flags that several subcommands share, declared once as argparse parent parsers.

Each function returns a fresh parent (argparse shares a parent's actions with every parser that
uses it), so a subcommand can give a flag its own default without changing another's.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from pathlib import Path

EXIT_OK, EXIT_FAILED = 0, 1
BACKENDS = ("auto", "torch", "openvino-int8", "onnx-int8")
"""newsstance.backends.BACKENDS, spelled out so that parsing arguments does not import torch."""


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line that points to ``--help``."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}; see `{self.prog} --help`\n")


def _parent() -> argparse.ArgumentParser:
    return argparse.ArgumentParser(add_help=False)


def add_command(
    sub: argparse._SubParsersAction,
    name: str,
    run: Callable[[argparse.Namespace], int],
    help: str,
    parents: Sequence[argparse.ArgumentParser] = (),
    **kwargs,
) -> argparse.ArgumentParser:
    """A subcommand that runs ``run(args)``; ``-v`` works after its name too."""
    verbose = _parent()
    verbose.add_argument(
        "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="log debug messages; print tracebacks"
    )
    kwargs.setdefault("description", help[0].upper() + help[1:] + ".")
    p = sub.add_parser(name, help=help, parents=[*parents, verbose], **kwargs)
    p.set_defaults(run=run, where=p.prog)
    return p


def model_options(
    backend: str | None = "auto", device: bool = True, threads: bool = True, many: bool = False
) -> argparse.ArgumentParser:
    """``--model`` (repeatable when ``many``) and, unless turned off, ``--backend`` (with this
    default), ``--device`` and ``--threads``."""
    p = _parent()
    group = p.add_argument_group("model")
    if many:
        group.add_argument(
            "--model", action="append", default=None, help="model directory (repeatable; default: the shipped model)"
        )
    else:
        group.add_argument("--model", default=None, help="model directory (default: the shipped model)")
    if backend is not None:
        group.add_argument(
            "--backend",
            default=backend,
            choices=list(BACKENDS),
            help="how the model runs (default: %(default)s; auto: the fastest that passed the model's accuracy check)",
        )
    if device:
        group.add_argument("--device", default=None, help="cpu, cuda, cuda:N (default: cuda if present)")
    if threads:
        group.add_argument("--threads", type=int, default=None, help="CPU threads (default: the available cores)")
    return p


def load_model(args: argparse.Namespace, model: str | None = None):
    """The classifier that :func:`model_options`' flags describe (``model``: one of a repeated ``--model``)."""
    import newsstance

    return newsstance.load(model or args.model, device=args.device, backend=args.backend, threads=args.threads)


def data_options() -> argparse.ArgumentParser:
    """``--data-dir``: the folder holding newsmtsc/ and newstsc/."""
    from newsstance.eval.corpora import DATA_ENV, DEFAULT_DATA_DIR

    p = _parent()
    p.add_argument(
        "--data-dir",
        default=None,
        metavar="DIR",
        help=f"folder holding newsmtsc/ and newstsc/ (default: ${DATA_ENV}, else {DEFAULT_DATA_DIR})",
    )
    return p


def batch_options(default: int = 32, what: str = "sentence × actor pairs per model batch") -> argparse.ArgumentParser:
    p = _parent()
    p.add_argument("--batch-size", type=int, default=default, help=f"{what} (default: %(default)s)")
    return p


def progress_options() -> argparse.ArgumentParser:
    p = _parent()
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def actor_options() -> argparse.ArgumentParser:
    """``--actors`` or ``--actors-file``; :func:`actor_list` reads them."""
    p = _parent()
    group = p.add_mutually_exclusive_group()
    group.add_argument("--actors", help="comma-separated actor names (default: found automatically)")
    group.add_argument("--actors-file", help="file with one actor name per line, or a JSON list")
    p.add_argument("--known-actors", metavar="FILE", help=KNOWN_ACTORS)
    return p


KNOWN_ACTORS = (
    "your own actors with their ids: a .csv (name, aliases separated by ;, type, id), .jsonl or .json; "
    "an actor that goes by one's name or alias takes its name, type and id"
)


def actor_list(args: argparse.Namespace) -> list | None:
    """The actors named by ``--actors`` or ``--actors-file``; None when neither is given."""
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


def output_options(output: str, overwrite: str, resume: str | None = None) -> argparse.ArgumentParser:
    """``-o/--output`` (required) and ``--overwrite``; with ``resume``, ``--resume`` as its alternative."""
    p = _parent()
    p.add_argument("-o", "--output", required=True, help=output)
    mode = p.add_mutually_exclusive_group() if resume else p
    if resume:
        mode.add_argument("--resume", action="store_true", help=resume)
    mode.add_argument("--overwrite", action="store_true", help=overwrite)
    return p
