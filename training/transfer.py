"""The transfer set for distillation: new (sentence, target) pairs built from training sentences only.

Two kinds of pair, no new text:

- **other actors** (``actor:<TYPE>``): every PERSON, ORG, GPE or NORP entity that spaCy finds in
  a training sentence and that is not one of its gold targets becomes a target (all its mentions
  in the sentence, matched as whole words, are marked together), so a sentence with several
  actors gives one pair for each in turn;
- **name swaps** (``swap:<TYPE>``): a gold target whose mention spaCy reads as a PERSON, ORG or
  GPE is renamed to another name of the same type from the training sentences (for persons, a
  surname stands in for a surname, a full name for a full name), every mention of that name in
  the sentence alike, so that the student learns the stance from the context rather than from
  the name.

Sentences come from corpus files (NewsMTSC, NewsTSC) or from plain-text articles (``.txt`` files
or folders of them, split into sentences by spaCy; they have no gold targets, so they give other-
actor pairs only). Sentences that also occur in a dev or test file are never used. The teacher
labels the pairs; the gold labels are not carried over (a swap keeps no gold label either).
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from newsstance.encoding import merge_spans
from newsstance.eval.corpora import Sentence, read_sentences

ENTITY_TYPES = ("PERSON", "ORG", "GPE", "NORP")
SWAP_TYPES = ("PERSON", "ORG", "GPE")
Span = tuple[int, int]

__all__ = [
    "Sentence",
    "TransferPair",
    "article_sentences",
    "build_transfer_set",
    "is_articles",
    "read_pairs",
    "read_sentences",
    "write_pairs",
]


@dataclass(frozen=True)
class TransferPair:
    text: str
    spans: tuple[Span, ...]
    origin: str  # "actor:<TYPE>" or "swap:<TYPE>"


def is_articles(path: str | Path) -> bool:
    """A folder of ``.txt`` articles or one ``.txt`` article (not a corpus file)."""
    path = Path(path)
    return path.is_dir() or path.suffix == ".txt"


def article_sentences(path: str | Path, nlp) -> list[Sentence]:
    """The sentences of plain-text articles (a ``.txt`` file or every one in a folder), no targets."""
    path = Path(path)
    files = sorted(path.rglob("*.txt")) if path.is_dir() else [path]
    out = []
    for f in files:
        for doc in nlp.pipe(f.read_text(encoding="utf-8").split("\n\n")):
            out += [Sentence(s.text.strip(), ()) for s in doc.sents if len(s.text.split()) >= 4]
    return out


def fold(text: str) -> str:
    return " ".join(text.casefold().split())


def held_out_texts(paths: Iterable[str | Path]) -> set[str]:
    """The folded sentences of dev/test files, which the transfer set must never contain."""
    return {fold(s.text) for p in paths for s in read_sentences(p)}


def _overlaps(span: Span, others: Iterable[Span]) -> bool:
    return any(span[0] < b and a < span[1] for a, b in others)


def _inside_longer(span: Span, entities: Iterable[Span]) -> bool:
    return any(a <= span[0] and span[1] <= b and (b - a) > (span[1] - span[0]) for a, b in entities)


def _balanced(name: str) -> bool:
    """spaCy sometimes cuts an entity inside brackets ("the Party (XYZ"): such a name is skipped."""
    return name.count("(") == name.count(")")


def whole_word_spans(text: str, name: str) -> list[Span]:
    pattern = r"(?<!\w)" + re.escape(name) + r"(?!\w)"
    return [(m.start(), m.end()) for m in re.finditer(pattern, text)]


def replace_spans(text: str, old: list[Span], new: str, keep: list[Span]) -> tuple[str, list[Span]]:
    """Replace each ``old`` span by ``new``; return the text and where the ``old`` and ``keep`` spans moved."""
    out, cursor, shift, moved = [], 0, 0, {}
    for a, b in sorted(old):
        out += [text[cursor:a], new]
        moved[(a, b)] = (a + shift, a + shift + len(new))
        shift += len(new) - (b - a)
        cursor = b
    out.append(text[cursor:])

    def move(span: Span) -> Span:
        if span in moved:
            return moved[span]
        before = sum(len(new) - (b - a) for a, b in old if b <= span[0])
        return (span[0] + before, span[1] + before)

    return "".join(out), [move(s) for s in keep]


def build_transfer_set(
    sentences: list[Sentence],
    nlp,
    held_out: set[str],
    swaps_per_target: int = 1,
    seed: int = 0,
) -> list[TransferPair]:
    """Other-actor pairs and name swaps from ``sentences`` (see the module docstring), deduplicated."""
    rng = random.Random(seed)
    sentences = [s for s in sentences if fold(s.text) not in held_out]
    docs = list(nlp.pipe((s.text for s in sentences), batch_size=256))
    names: dict[str, list[str]] = {
        label: sorted({e.text for d in docs for e in d.ents if e.label_ == label and e.text[:1].isupper()})
        for label in SWAP_TYPES
    }
    full_names = [p for p in names["PERSON"] if len(p.split()) >= 2]
    surnames = sorted({p.split()[-1] for p in full_names})

    pairs: dict[tuple[str, tuple[Span, ...]], TransferPair] = {}

    def add(text: str, spans: list[Span], origin: str) -> None:
        key = (text, tuple(merge_spans(spans)))
        pairs.setdefault(key, TransferPair(text, key[1], origin))

    def pool(label: str, name: str) -> list[str]:
        if label == "PERSON":
            return full_names if len(name.split()) >= 2 else surnames
        return [n for n in names[label] if _balanced(n)]

    for sentence, doc in zip(sentences, docs):
        gold = [span for target in sentence.targets for span in target]
        entities = [(e.start_char, e.end_char) for e in doc.ents]
        seen: set[str] = set()
        for ent in doc.ents:
            if ent.label_ not in ENTITY_TYPES or fold(ent.text) in seen or not _balanced(ent.text):
                continue
            spans = [
                s
                for s in whole_word_spans(sentence.text, ent.text)
                if not _overlaps(s, gold) and not _inside_longer(s, entities)
            ]
            if spans:
                seen.add(fold(ent.text))
                add(sentence.text, spans, f"actor:{ent.label_}")
        typed = {(e.start_char, e.end_char): e.label_ for e in doc.ents if e.label_ in SWAP_TYPES}
        for target in sentence.targets:
            first = target[0]
            label = typed.get(first)
            if label is None:
                continue
            name = sentence.text[first[0] : first[1]]
            candidates = pool(label, name)
            if not candidates:
                continue
            mentions = whole_word_spans(sentence.text, name)
            keep = [s for s in target if s not in mentions]
            for _ in range(swaps_per_target):
                new = next((c for c in (rng.choice(candidates) for _ in range(10)) if fold(c) != fold(name)), None)
                if new is None:
                    continue
                text, moved = replace_spans(sentence.text, mentions, new, [*mentions, *keep])
                add(text, moved, f"swap:{label}")
    return list(pairs.values())


def write_pairs(pairs: Iterable[TransferPair], path: str | Path) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for p in pairs:
            f.write(json.dumps({"text": p.text, "spans": [list(s) for s in p.spans], "origin": p.origin}) + "\n")


def read_pairs(path: str | Path) -> list[TransferPair]:
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return [TransferPair(r["text"], tuple(tuple(s) for s in r["spans"]), r["origin"]) for r in rows]
