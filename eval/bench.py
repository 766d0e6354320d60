"""Throughput and memory benchmarks (targets live here, not in timed tests).

    python -m newsstance.eval.bench analyze --repeat 50      # analyze_many on the seed articles
    python -m newsstance.eval.bench score --articles 1000    # `score` over generated mixed-length articles
    python -m newsstance.eval.bench huge --chars 880000     # actors and pronouns in one huge paragraph

Articles are built from the repository's own seed articles (and the reference seed in
../shared/seeds when present), so no dataset text is needed.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import newsstance

REPO = Path(__file__).resolve().parents[1]


def seed_articles() -> list[str]:
    paths = sorted((REPO / "seeds").glob("*.txt"))
    shared = REPO.parent / "shared" / "seeds" / "venezuela_guaido_2019.txt"
    if shared.is_file():
        paths.append(shared)
    return [p.read_text(encoding="utf-8") for p in paths]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_analyze(args: argparse.Namespace) -> dict:
    clf = newsstance.load(args.model, device=args.device, backend=args.backend)
    texts = seed_articles() * args.repeat
    extra = {"coreference": None} if args.no_coreference else {}
    clf.analyze_many(texts[:4], batch_size=args.batch_size, **extra)  # warm-up: spaCy, the model, the name list
    started = time.perf_counter()
    analyses = clf.analyze_many(texts, batch_size=args.batch_size, **extra)
    seconds = time.perf_counter() - started
    mentions = sum(len(a.mentions) for a in analyses)
    pairs = sum(s.sentences for a in analyses for s in a.article_stances)
    return {
        "backend": clf.backend,
        "coreference": not args.no_coreference,
        "articles": len(texts),
        "seconds": seconds,
        "articles_per_s": len(texts) / seconds,
        "mentions_per_s": mentions / seconds,
        "sentence_actor_pairs_per_s": pairs / seconds,
        "peak_rss_mb": peak_rss_mb(),
    }


def mixed_articles(n: int, max_paragraphs: int = 12, seed: int = 0) -> Iterator[str]:
    """``n`` articles of 1 to ``max_paragraphs`` paragraphs drawn from the seed articles' paragraphs."""
    rng = random.Random(seed)
    paragraphs = [p for text in seed_articles() for p in text.split("\n\n") if len(p.split()) > 8]
    for _ in range(n):
        yield "\n\n".join(rng.choice(paragraphs) for _ in range(rng.randint(1, max_paragraphs)))


def bench_score(args: argparse.Namespace) -> dict:
    from newsstance.batch.scoring import score_files

    clf = newsstance.load(args.model, device=args.device, backend=args.backend)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "articles.jsonl"
        with open(source, "w", encoding="utf-8") as f:
            for i, text in enumerate(mixed_articles(args.articles, args.max_paragraphs)):
                f.write(json.dumps({"id": f"a{i}", "text": text}) + "\n")
        words = sum(len(json.loads(line)["text"].split()) for line in source.open())
        rss_before = peak_rss_mb()
        summary = score_files(
            clf, [str(source)], Path(tmp) / "out.jsonl", batch_size=args.batch_size, show_progress_bar=not args.quiet
        )
    return {
        "backend": clf.backend,
        "articles": summary.articles_scored,
        "words": words,
        "rows": summary.rows_written,
        "seconds": summary.seconds,
        "articles_per_s": summary.articles_per_s,
        "peak_rss_mb_before": rss_before,
        "peak_rss_mb": peak_rss_mb(),
    }


def bench_huge(args: argparse.Namespace) -> dict:
    """Finding the actors and their pronouns in one paragraph of ``--chars`` characters (no model)."""
    from newsstance.articles.analysis import read_actors

    sentence = "Sarah Mitchell met the council and David Miller on Monday. She said the plan was sound. "
    text = (sentence * (args.chars // len(sentence) + 1))[: args.chars]
    started = time.perf_counter()
    _, (actors,) = read_actors([text])
    return {
        "chars": len(text),
        "seconds": time.perf_counter() - started,
        "mentions": sum(len(a.mentions) for a in actors),
        "peak_rss_mb": peak_rss_mb(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["analyze", "score", "huge"])
    parser.add_argument("--chars", type=int, default=220_000, help="huge: the paragraph's length")
    parser.add_argument("--repeat", type=int, default=50, help="analyze: copies of the seed articles")
    parser.add_argument("--articles", type=int, default=1000, help="score: generated articles")
    parser.add_argument("--max-paragraphs", type=int, default=12, help="score: longest generated article")
    parser.add_argument("--backend", default="auto")
    parser.add_argument("--model", default=None)
    parser.add_argument("--device", default=None)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--no-coreference", action="store_true", help="analyze: names only")
    args = parser.parse_args(argv)
    import torch

    result = {"analyze": bench_analyze, "score": bench_score, "huge": bench_huge}[args.what](args)
    from newsstance.backends import cpu

    result |= {"torch_threads": torch.get_num_threads(), "model": args.model or "default", "cpu": cpu.describe()}
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
