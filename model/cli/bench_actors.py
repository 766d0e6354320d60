"""``newsstance bench`` for how articles become actors: salience, actor building and it/they,
identities across a corpus, country names (no model runs in any)."""

from __future__ import annotations

import argparse
import json

from newsstance.cli.options import EXIT_OK, add_command, load_model, model_options


def add_actor_benches(sub: argparse._SubParsersAction) -> None:
    _add_salience(sub)
    _add_actors(sub)
    _add_identities(sub)
    _add_countries(sub)
    _add_speakers(sub)


def _add_salience(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub,
        "salience",
        run_salience,
        "how well salience picks out the main actors of the identity seed corpus (no model)",
    )
    p.add_argument("--folder", default=None, help="a folder of articles and identity gold (default: seeds/identity)")


def run_salience(args: argparse.Namespace) -> int:
    from newsstance.eval.salience import measure, summary

    result = measure(*([args.folder] if args.folder else []))
    print(summary(result))
    for row in result["per_article"]:
        print(f"  {row['article']}: most salient {row['most_salient']!r}; main {row['main']}")
    return EXIT_OK


def _add_identities(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub,
        "identities",
        run_identities,
        "how well a corpus's actors become one identity each, on the cross-article seed corpus (no model)",
    )
    p.add_argument("--folder", default=None, help="a folder of articles and identities.json (default: seeds/corpus)")


def run_identities(args: argparse.Namespace) -> int:
    from newsstance.eval.corpus_identity import measure, summary

    result = measure(*([args.folder] if args.folder else []))
    print(summary(result))
    for kind in ("wrong_merges", "missed_merges"):
        for a, b, identity in result[kind]:
            print(f"  {kind.replace('_', ' ')[:-1]}: {a} + {b} ({identity})")
    for name, may_be in result["kept_apart"].items():
        print(f"  kept apart: {name!r} may be {' or '.join(map(repr, may_be))}")
    return EXIT_OK


def _add_countries(sub: argparse._SubParsersAction) -> None:
    add_command(
        sub,
        "countries",
        run_countries,
        "country forms to ISO 3166 codes: pycountry against countryinfo, on a hand-written gold (no model)",
    )


def run_countries(args: argparse.Namespace) -> int:
    from newsstance.eval.countries import measure, summary

    print(summary(measure()))
    return EXIT_OK


def _add_actors(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub,
        "actors",
        run_actors,
        "how well article reading builds actors and links it/they, on the identity seed corpus (no model)",
    )
    p.add_argument("--folder", default=None, help="a folder of articles and identity gold (default: seeds/identity)")


def run_actors(args: argparse.Namespace) -> int:
    from newsstance.eval.identity import group_pronouns, measure, summary

    folder = [args.folder] if args.folder else []
    result = measure(*folder)
    print(summary(result))
    for w in result["wrong"]:
        print("  " + json.dumps(w, ensure_ascii=False))
    p = group_pronouns(*folder)
    print(
        f"it/its/they/their links: precision {p['precision']:.3f} ({p['right']} right, {p['wrong']} wrong, "
        f"{p['unjudged']} not in the gold, counted wrong), recall {p['recall']:.3f} ({p['right']} of {p['gold']})"
    )
    for w in p["wrong_links"]:
        print("  " + json.dumps(w, ensure_ascii=False))
    if not args.folder:
        from newsstance.eval.identity import seed_group_pronouns

        q = seed_group_pronouns()
        print(
            f"it/its/they/their links on the {q['articles']} seed articles with mention gold: precision "
            f"{q['precision']:.3f} ({q['right']} of {q['links']}), "
            f"recall {q['recall']:.3f} ({q['right']} of {q['gold']})"
        )
    return EXIT_OK


def _add_speakers(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub,
        "speakers",
        run_speakers,
        "speakers are not the targets of their own words: hand-written speaker sentences, before and after",
        parents=[model_options()],
    )
    p.add_argument("--cases", default=None, help="a JSONL file of cases (default: eval/speakers/speakers.jsonl)")


def run_speakers(args: argparse.Namespace) -> int:
    from newsstance.eval.speakers import measure, summary

    print(summary(measure(load_model(args), *([args.cases] if args.cases else []))))
    return EXIT_OK
