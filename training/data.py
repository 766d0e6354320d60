"""Training examples as a `datasets` table, read by the one corpus reader
(:mod:`newsstance.eval.corpora`): one row per target."""

from __future__ import annotations

from pathlib import Path

from datasets import Dataset

from newsstance.eval.corpora import DATA_ENV, Example, read_examples, source_exists
from newsstance.stance import LABELS


def load_examples(path: str | Path, further_mentions: bool = True) -> list[Example]:
    """Every target of a NewsMTSC (or NewsTSC) file; a missing file names the ``--data-dir`` fix."""
    if not source_exists(path):
        raise FileNotFoundError(
            f"{path} not found; pass the folder holding newsmtsc/ with --data-dir (or set {DATA_ENV})"
        )
    return read_examples(path, further_mentions)


def load_newsmtsc(path: str | Path, further_mentions: bool = True) -> Dataset:
    """One row per target: ``text``, ``spans`` (every mention, sorted) and ``label`` (index into LABELS)."""
    examples = load_examples(path, further_mentions)
    return Dataset.from_dict(
        {
            "text": [e.text for e in examples],
            "spans": [[list(s) for s in e.spans] for e in examples],
            "label": [LABELS.index(e.label) for e in examples],
        }
    )


def label_names(dataset: Dataset) -> list[str]:
    return [LABELS[i] for i in dataset["label"]]
