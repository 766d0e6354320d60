"""The measuring subcommands: ``evaluate`` models on benchmarks, ``export`` (check) a faster
backend, ``calibrate`` a model's temperature."""

from __future__ import annotations

import argparse
import json
import sys

from newsstance.cli.options import (
    BACKENDS,
    EXIT_FAILED,
    EXIT_OK,
    add_command,
    batch_options,
    data_options,
    model_options,
)


def add_commands(sub: argparse._SubParsersAction) -> None:
    add_evaluate(sub)
    add_export(sub)
    add_calibrate(sub)


def add_evaluate(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub,
        "evaluate",
        run_evaluate,
        "evaluate models and baselines on benchmarks and probes, with 95%% intervals",
        parents=[data_options(), batch_options(what="examples per model batch")],
    )
    p.add_argument("--model", action="append", default=[], help="default, or a model directory (repeatable)")
    p.add_argument("--benchmark", nargs="*", default=[], help="benchmark names or JSONL files")
    p.add_argument("--baselines", nargs="*", default=[], choices=["majority", "vader"])
    p.add_argument("--probes", action="store_true", help="run the behavioural probe suite")
    p.add_argument("--out", default=None, help="write results.json, results.md, PNGs and errors.jsonl here")
    p.add_argument(
        "--fail-under",
        type=float,
        default=None,
        metavar="F1M",
        help="exit 1 when the first model's F1m on the first benchmark is below this (0-1)",
    )
    p.add_argument("--device", default=None, help="cpu, cuda, cuda:N (default: cuda if present)")
    p.add_argument("--backend", default="auto", choices=list(BACKENDS))
    p.add_argument(
        "--no-coreference", action="store_true", help="article benchmarks: names only, no pronouns or role nouns"
    )


def run_evaluate(args: argparse.Namespace) -> int:
    from newsstance.eval.harness import evaluate, first_f1m

    results = evaluate(
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
    for name, entry in results["systems"].items():
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
            if "attributions" in r:
                from newsstance.eval.attributions import summary

                print(f"{name} on {bench}: {summary(r['attributions'])}")
        if "probes" in entry:
            print(f"{name} probes: {entry['probes']['overall']:.3f} passed")
    if args.out:
        print(f"results written to {args.out}/results.md")
    f1m = first_f1m(results)
    if args.fail_under is not None and f1m is not None and f1m < args.fail_under:
        print(f"F1m {f1m:.4f} is below --fail-under {args.fail_under}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def add_export(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub,
        "export",
        run_export,
        "check an optimised inference backend and record it in the model directory",
        parents=[data_options()],
    )
    p.add_argument("--model", required=True, help="model directory (e.g. model/default)")
    p.add_argument("--backend", required=True, choices=[b for b in BACKENDS if b not in ("auto", "torch")])


def run_export(args: argparse.Namespace) -> int:
    from newsstance.eval.export import export

    record = export(args.model, args.backend, args.data_dir)
    for name, r in record["results"].items():
        print(
            f"{args.backend} on {name}: agreement {r['agreement']:.4f}, F1m {r['f1m']:.4f} (torch {r['f1m_torch']:.4f})"
        )
    print(f"{'passed' if record['passed'] else 'FAILED'} the accuracy check; recorded in {args.model}")
    return EXIT_OK if record["passed"] else EXIT_FAILED


def add_calibrate(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub,
        "calibrate",
        run_calibrate,
        "fit a model's temperature on NewsMTSC dev so that its probabilities are honest; print NLL and ECE",
        parents=[model_options(backend="torch"), data_options()],
    )
    p.add_argument(
        "--fit-on",
        nargs="+",
        default=None,
        metavar="DEV_SET",
        help="dev sets to fit on: newsmtsc-dev-rw, newsmtsc-dev-mt, newstsc-dev (default: the NewsMTSC two)",
    )
    p.add_argument("--write", action="store_true", help="store the temperature in the model's newsstance.json")


def run_calibrate(args: argparse.Namespace) -> int:
    from newsstance.eval.calibrate import calibrate, write_temperature

    fit_on = {"fit_on": args.fit_on} if args.fit_on else {}
    options = dict(backend=args.backend, device=args.device, threads=args.threads)
    result = calibrate(args.model, args.data_dir, **fit_on, **options)
    print(json.dumps(result, indent=2))
    if args.write:
        print(f"temperature {result['temperature']} written to {write_temperature(args.model, result, args.backend)}")
    return EXIT_OK
