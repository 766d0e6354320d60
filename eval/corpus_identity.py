"""How well a corpus's actors become one identity each, on the cross-article seed corpus
(``seeds/corpus/``: ten articles, gold identities written before any run).

    newsstance bench identities [--folder seeds/corpus]

Each article is read (no stance model), its actors named and typed as ``score`` does, and the
corpus's identities built (:func:`newsstance.articles.identity.corpus_identities`). A found
actor stands for the gold actor of its article whose forms cover most of its name mentions (at
least half of their characters); actors that match none (a minor name the gold leaves out) are
not counted. Over every pair of matched actors, in one article or two: **precision** is the
share of pairs put in one identity that are one gold identity, **recall** the share of pairs of
one gold identity put in one identity. B-cubed precision and recall are given beside them.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from itertools import combinations
from pathlib import Path
from typing import Any

from newsstance.articles.analysis import read_actors
from newsstance.articles.identity import actor_id, corpus_identities

FOLDER = Path(__file__).resolve().parents[1] / "seeds" / "corpus"


def _spans(text: str, forms: list[str]) -> set[int]:
    chars: set[int] = set()
    for form in forms:
        for m in re.finditer(r"(?<!\w)" + re.escape(form) + r"(?!\w)", text):
            chars.update(range(m.start(), m.end()))
    return chars


def measure(folder: str | Path = FOLDER) -> dict[str, Any]:
    folder = Path(folder)
    gold_path = folder / "identities.json"
    if not gold_path.is_file():
        raise FileNotFoundError(f"{folder} holds no identities.json; give the cross-article corpus folder")
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    stems = sorted(gold["articles"])
    texts = [(folder / f"{stem}.txt").read_text(encoding="utf-8") for stem in stems]
    _, drafts = read_actors(texts, None)
    registry = corpus_identities((stem, a.name, a.type, None) for stem, actors in zip(stems, drafts) for a in actors)
    items: list[tuple[str, str, str, str]] = []  # article, found name, found identity, gold identity
    unmatched = 0
    for stem, text, actors in zip(stems, texts, drafts):
        golds = [(g["identity"], _spans(text, g["forms"])) for g in gold["articles"][stem]]
        for actor in actors:
            names = {i for m in actor.mentions if m.kind == "name" for i in range(m.start, m.end)}
            best = max(golds, key=lambda g: len(names & g[1]), default=None)
            if best is None or not names or len(names & best[1]) * 2 < len(names):
                unmatched += 1
                continue
            found = registry.resolve(actor_id(actor.name, actor.type)).id
            items.append((stem, actor.name, found, best[0]))
    pairs = Counter()
    wrong, missed = [], []
    for a, b in combinations(items, 2):
        same_found, same_gold = a[2] == b[2], a[3] == b[3]
        pairs[(same_found, same_gold)] += 1
        if same_found and not same_gold:
            wrong.append((f"{a[0]}: {a[1]}", f"{b[0]}: {b[1]}", a[2]))
        elif same_gold and not same_found:
            missed.append((f"{a[0]}: {a[1]}", f"{b[0]}: {b[1]}", a[3]))
    together = pairs[(True, True)] + pairs[(True, False)]
    of_gold = pairs[(True, True)] + pairs[(False, True)]
    found_sizes = Counter(i[2] for i in items)
    gold_sizes = Counter(i[3] for i in items)
    both = Counter((i[2], i[3]) for i in items)
    b3p = sum(both[(i[2], i[3])] / found_sizes[i[2]] for i in items) / len(items) if items else 0.0
    b3r = sum(both[(i[2], i[3])] / gold_sizes[i[3]] for i in items) / len(items) if items else 0.0
    gold_entries = sum(len(v) for v in gold["articles"].values())
    return {
        "articles": len(stems),
        "gold_entries": gold_entries,
        "gold_identities": len({g["identity"] for v in gold["articles"].values() for g in v}),
        "matched": len(items),
        "gold_entries_found": len({(i[0], i[3]) for i in items}),
        "unmatched": unmatched,
        "identities": len(registry.identities),
        "pairs_together": together,
        "pairs_of_gold": of_gold,
        "precision": pairs[(True, True)] / together if together else 1.0,
        "recall": pairs[(True, True)] / of_gold if of_gold else 1.0,
        "bcubed_precision": b3p,
        "bcubed_recall": b3r,
        "wrong_merges": wrong,
        "missed_merges": missed,
        "kept_apart": {k: list(v) for k, v in registry.kept_apart.items()},
    }


def summary(r: dict[str, Any]) -> str:
    return (
        f"cross-article identities on {r['articles']} articles ({r['gold_entries']} gold actor entries, "
        f"{r['gold_identities']} identities; {r['gold_entries_found']} entries found as {r['matched']} actors, "
        f"{r['unmatched']} found actors not in the gold): pairwise precision {r['precision']:.3f} "
        f"({r['pairs_together']} pairs merged), recall {r['recall']:.3f} ({r['pairs_of_gold']} gold pairs); "
        f"B-cubed precision {r['bcubed_precision']:.3f}, recall {r['bcubed_recall']:.3f}"
    )
