"""NewsMTSC's native JSONL, read through `datasets`, one example per target."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from datasets import Dataset, load_dataset

from newsstance.encoding import merge_spans
from newsstance.stance import LABELS

POLARITY_TO_LABEL = {2.0: 0, 4.0: 1, 6.0: 2}  # NewsMTSC: 2 negative, 4 neutral, 6 positive


def _explode(batch: dict[str, list[Any]], further_mentions: bool) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {"text": [], "spans": [], "label": []}
    for text, targets in zip(batch["sentence_normalized"], batch["targets"]):
        for target in targets:
            spans = [(target["from"], target["to"])]
            if further_mentions:
                spans += [(m["from"], m["to"]) for m in target.get("further_mentions") or []]
            out["text"].append(text)
            out["spans"].append([list(s) for s in merge_spans(spans)])
            out["label"].append(POLARITY_TO_LABEL[float(target["polarity"])])
    return out


def load_newsmtsc(path: str | Path, further_mentions: bool = True) -> Dataset:
    """One row per target: ``text``, ``spans`` (every mention, sorted) and ``label`` (index into LABELS)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} not found; pass the NewsMTSC folder with --data (e.g. ../shared/data/newsmtsc)"
        )
    raw = load_dataset("json", data_files=str(path), split="train", keep_in_memory=True)
    missing = {"sentence_normalized", "targets"} - set(raw.column_names)
    if missing:
        raise ValueError(f"{path} lacks the NewsMTSC fields {sorted(missing)}; is it NewsMTSC's native JSONL?")
    return raw.map(
        _explode,
        batched=True,
        remove_columns=raw.column_names,
        fn_kwargs={"further_mentions": further_mentions},
        keep_in_memory=True,
        desc=f"read {path.name}",
    )


def label_names(dataset: Dataset) -> list[str]:
    return [LABELS[i] for i in dataset["label"]]
