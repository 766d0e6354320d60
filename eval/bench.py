"""Throughput and memory benchmarks (targets live here, not in timed tests).

    newsstance bench analyze --repeat 50      # analyze_many on the seed articles
    newsstance bench score --articles 1000    # `score` over generated mixed-length articles
    newsstance bench huge --chars 880000      # actors and pronouns in one huge paragraph

Articles are built from the repository's own seed articles (and the reference seed in
../shared/seeds when present), so no dataset text is needed.
"""

from __future__ import annotations

import json
import random
import resource
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


def bench_analyze(
    model: str | None = None,
    backend: str = "auto",
    device: str | None = None,
    threads: int | None = None,
    repeat: int = 50,
    batch_size: int = 32,
    coreference: bool = True,
) -> dict:
    """Articles, mentions and sentence × actor pairs per second of ``analyze_many`` on ``repeat``
    copies of the seed articles, after a warm-up."""
    clf = newsstance.load(model, device=device, backend=backend, threads=threads)
    texts = seed_articles() * repeat
    extra = {} if coreference else {"coreference": None}
    clf.analyze_many(texts[:4], batch_size=batch_size, **extra)  # warm-up: spaCy, the model, the name list
    started = time.perf_counter()
    analyses = clf.analyze_many(texts, batch_size=batch_size, **extra)
    seconds = time.perf_counter() - started
    mentions = sum(len(a.mentions) for a in analyses)
    pairs = sum(s.sentences for a in analyses for s in a.article_stances)
    return {
        "backend": clf.backend,
        "coreference": coreference,
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


def bench_score(
    model: str | None = None,
    backend: str = "auto",
    device: str | None = None,
    threads: int | None = None,
    articles: int = 1000,
    max_paragraphs: int = 12,
    batch_size: int = 32,
    show_progress_bar: bool = True,
) -> dict:
    """Articles per second and peak memory of ``score_files`` over ``articles`` generated articles."""
    from newsstance.batch.scoring import score_files

    clf = newsstance.load(model, device=device, backend=backend, threads=threads)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "articles.jsonl"
        with open(source, "w", encoding="utf-8") as f:
            for i, text in enumerate(mixed_articles(articles, max_paragraphs)):
                f.write(json.dumps({"id": f"a{i}", "text": text}) + "\n")
        words = sum(len(json.loads(line)["text"].split()) for line in source.open())
        rss_before = peak_rss_mb()
        summary = score_files(
            clf, [str(source)], Path(tmp) / "out.jsonl", batch_size=batch_size, show_progress_bar=show_progress_bar
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


def bench_huge(chars: int = 220_000) -> dict:
    """Finding the actors and their pronouns in one paragraph of ``chars`` characters (no model)."""
    from newsstance.articles.analysis import read_actors

    sentence = "Sarah Mitchell met the council and David Miller on Monday. She said the plan was sound. "
    text = (sentence * (chars // len(sentence) + 1))[:chars]
    started = time.perf_counter()
    _, (actors,) = read_actors([text])
    return {
        "chars": len(text),
        "seconds": time.perf_counter() - started,
        "mentions": sum(len(a.mentions) for a in actors),
        "peak_rss_mb": peak_rss_mb(),
    }


def bench_language(articles: int = 300) -> dict:
    """Language detection (no model): the detector's first call (it loads then) with its memory, and
    milliseconds per article over ``articles`` generated articles (all English)."""
    from newsstance.articles.language import detect_language

    rss_before = peak_rss_mb()
    started = time.perf_counter()
    detect_language("Critics attacked the senator on Tuesday, and her allies defended the bill.")
    load_s = time.perf_counter() - started
    rss_loaded = peak_rss_mb()
    texts = list(mixed_articles(articles))
    started = time.perf_counter()
    found = [detect_language(t) for t in texts]
    seconds = time.perf_counter() - started
    return {
        "articles": len(texts),
        "mean_chars": sum(map(len, texts)) / len(texts),
        "first_call_s": load_s,
        "ms_per_article": 1000 * seconds / len(texts),
        "not_english": sum(f not in ("en", None) for f in found),
        "peak_rss_mb_added_by_loading": rss_loaded - rss_before,
        "peak_rss_mb": peak_rss_mb(),
    }


def environment(model: str | None = None) -> dict:
    """What a benchmark figure holds for: the model, torch's threads and the CPU."""
    import torch

    from newsstance.backends import cpu

    return {"torch_threads": torch.get_num_threads(), "model": model or "default", "cpu": cpu.describe()}
