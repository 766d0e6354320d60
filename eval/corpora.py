"""The one reader of the stance corpora: NewsMTSC, NewsTSC and a flat JSONL format.

Training (:mod:`newsstance.training.data`, the transfer set), the benchmarks and the baselines
all read their files here, so that labels and spans are parsed one way only.

Formats, told apart line by line by their fields:

* **NewsMTSC** (``sentence_normalized``, ``targets``): one line per sentence, several targets,
  each with ``from``/``to``, ``polarity`` (2.0 negative, 4.0 neutral, 6.0 positive) and
  optional ``further_mentions`` of the same person;
* **NewsTSC** (``local_context``, ``target_local_from``/``_to``, ``label``): one line per target;
* **flat** (``text``, ``start``, ``end``, ``label``): a label name or -1/0/1.

A file name may end in ``@dev`` or ``@train``: the part of the file held out as a dev set, or the
rest (:data:`DEV_SHARE` of its sentences, chosen by a hash of the sentence, so that every target of
a sentence falls on one side and the split is the same on every machine). NewsTSC has no dev
split of its own; ``newstsc/train.jsonl@dev`` is the one the project selects on.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsstance.encoding import Span, merge_spans
from newsstance.stance import LABELS

POLARITY = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}
"""NewsMTSC's polarity codes."""
FLAT_LABELS = {"-1": "negative", "0": "neutral", "1": "positive", **{label: label for label in LABELS}}
DEV_SHARE = 15
"""Percent of a file's sentences in its ``@dev`` part."""
PARTS = ("dev", "train")
DATA_ENV = "NEWSSTANCE_DATA"
"""The environment variable naming the data folder (the one holding newsmtsc/ and newstsc/)."""
DEFAULT_DATA_DIR = Path("../shared/data")
"""The data folder when neither ``--data-dir`` nor :data:`DATA_ENV` names one."""


def resolve_data_dir(given: str | Path | None = None) -> Path:
    """The data folder: ``given`` when set, else ``$NEWSSTANCE_DATA``, else :data:`DEFAULT_DATA_DIR`."""
    if given is not None and str(given) != "":
        return Path(given)
    return Path(os.environ.get(DATA_ENV) or DEFAULT_DATA_DIR)


@dataclass(frozen=True)
class Example:
    """One target in one sentence: every mention's span (sorted, merged) and the gold label."""

    text: str
    spans: tuple[Span, ...]
    label: str

    @property
    def target(self) -> str:
        s, e = self.spans[0]
        return self.text[s:e]


@dataclass(frozen=True)
class Sentence:
    """A sentence and its gold targets: one tuple of mention spans and one label per target."""

    text: str
    targets: tuple[tuple[Span, ...], ...]
    labels: tuple[str, ...] = ()


def parse_line(obj: Any, where: str, further_mentions: bool = True) -> tuple[str, list[tuple[tuple[Span, ...], str]]]:
    """One JSON line as ``(text, [(spans, label), ...])``; ``where`` (``path:line``) names it in errors."""
    if not isinstance(obj, dict):
        raise ValueError(f"{where}: expected a JSON object, got {type(obj).__name__}")
    if "sentence_normalized" in obj:
        targets = []
        for t in obj["targets"]:
            spans = [(t["from"], t["to"])]
            if further_mentions:
                spans += [(m["from"], m["to"]) for m in t.get("further_mentions") or []]
            polarity = float(t["polarity"])
            if polarity not in POLARITY:
                raise ValueError(f"{where}: polarity {t['polarity']!r} is not one of {sorted(POLARITY)}")
            targets.append((merge_spans(spans), POLARITY[polarity]))
        return obj["sentence_normalized"], targets
    if "local_context" in obj:
        span = (obj["target_local_from"], obj["target_local_to"])
        return obj["local_context"], [((span,), _label(obj["label"], where))]
    if {"text", "start", "end", "label"} <= set(obj):
        span = (int(obj["start"]), int(obj["end"]))
        return obj["text"], [((span,), _label(obj["label"], where))]
    raise ValueError(
        f"{where}: unknown format; use NewsMTSC's or NewsTSC's native JSONL or {{text, start, end, label}} lines"
    )


def _label(value: Any, where: str) -> str:
    label = FLAT_LABELS.get(str(value).strip().lower())
    if label is None:
        raise ValueError(f"{where}: label {value!r} is not one of {LABELS} or -1/0/1")
    return label


def split_source(path: str | Path) -> tuple[Path, str | None]:
    """``(file, part)`` of a corpus path: ``"train.jsonl@dev"`` is ``(train.jsonl, "dev")``."""
    name = str(path)
    stem, at, part = name.rpartition("@")
    if not at or "/" in part:
        return Path(path), None
    if part not in PARTS:
        raise ValueError(f"{name}: unknown part @{part}; use @dev or @train (or the plain file)")
    return Path(stem), part


def source_name(path: str | Path) -> str:
    """A short name for a corpus path: the file's stem, or its folder and part ("newstsc_dev")."""
    file, part = split_source(path)
    return f"{file.parent.name}_{part}" if part else file.stem


def source_exists(path: str | Path) -> bool:
    return split_source(path)[0].is_file()


def source_sha256(path: str | Path) -> str:
    """The sha256 of the file behind a corpus path (the part, if any, is named in the key)."""
    from newsstance.settings import file_sha256

    return file_sha256(split_source(path)[0])


def in_dev_part(text: str) -> bool:
    key = " ".join(text.casefold().split()).encode("utf-8")
    return int(hashlib.sha256(key).hexdigest()[:8], 16) % 100 < DEV_SHARE


def _lines(path: str | Path) -> Iterator[tuple[str, Any]]:
    file, part = split_source(path)
    if not file.is_file():
        raise FileNotFoundError(f"{file} not found; pass the folder that holds the NewsMTSC/NewsTSC files")
    with open(file, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if line.strip():
                obj = json.loads(line)
                if part is not None and in_dev_part(_text_of(obj)) != (part == "dev"):
                    continue
                yield f"{file}:{number}", obj


def _text_of(obj: Any) -> str:
    if isinstance(obj, dict):
        for key in ("sentence_normalized", "local_context", "text"):
            if isinstance(obj.get(key), str):
                return obj[key]
    return json.dumps(obj, sort_keys=True)


def read_examples(path: str | Path, further_mentions: bool = True) -> list[Example]:
    """Every target of the file, in file order: one :class:`Example` each."""
    return [
        Example(text, spans, label)
        for where, obj in _lines(path)
        for text, targets in [parse_line(obj, where, further_mentions)]
        for spans, label in targets
    ]


def read_sentences(path: str | Path) -> list[Sentence]:
    """Every sentence of the file with all its targets: a NewsMTSC line is one sentence;
    NewsTSC's lines (one target each) are joined by their sentence."""
    out: list[Sentence] = []
    joined: dict[str, tuple[list[tuple[Span, ...]], list[str]]] = {}
    for where, obj in _lines(path):
        text, targets = parse_line(obj, where)
        if isinstance(obj, dict) and "sentence_normalized" in obj:
            out.append(Sentence(text, tuple(s for s, _ in targets), tuple(label for _, label in targets)))
            continue
        spans, labels = joined.setdefault(text, ([], []))
        spans += [s for s, _ in targets]
        labels += [label for _, label in targets]
    return out + [Sentence(text, tuple(spans), tuple(labels)) for text, (spans, labels) in joined.items()]
