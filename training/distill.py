"""Distil one or more teachers into a student: build the transfer set, let the teachers label it, train.

Every step leaves its result in ``OUTPUT/distill/`` (``transfer.jsonl``,
``teacher_probs.<name>.jsonl``), so an interrupted run skips what is done and resumes training
from its checkpoint.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from newsstance import backends
from newsstance.backends import cpu
from newsstance.classifier import StanceClassifier
from newsstance.eval.corpora import source_exists, source_sha256
from newsstance.settings import ModelSettings

from .config import TrainConfig
from .data import load_newsmtsc
from .distill_loss import TeacherTargets
from .objectives import Distillation
from .runner import train
from .teacher_store import TeacherStore, is_store
from .trainer import TrainResult
from .transfer import (
    article_sentences,
    build_transfer_set,
    held_out_texts,
    is_articles,
    read_pairs,
    read_sentences,
    write_pairs,
)

logger = logging.getLogger(__name__)

TRANSFER_FILE = "transfer.jsonl"
WORK_DIR = "distill"  # transfer set and teacher probabilities: text from the training data, never shipped
HELD_OUT = ("dev_rw.jsonl", "dev_mt.jsonl", "test_rw.jsonl", "test_mt.jsonl", "../newstsc/test.jsonl")


def make_transfer_set(
    config: TrainConfig,
    data_dir: Path,
    extra_sources: Sequence[str | Path],
    output: Path,
    max_pairs: int | None,
    seed: int = 0,
) -> list:
    """Build (or reuse) ``output``: transfer pairs from the recipe's train files and ``extra_sources``."""
    if output.is_file():
        pairs = read_pairs(output)
        logger.info("transfer set: reusing %d pairs from %s", len(pairs), output)
        return pairs
    from newsstance.articles.nlp import load_pipeline

    sources = [data_dir / f for f in config.train_files] + [Path(p) for p in extra_sources]
    held_out_files = [data_dir / f for f in (*config.dev_files, *HELD_OUT) if source_exists(data_dir / f)]
    for source in sources:
        if source.resolve() in {p.resolve() for p in held_out_files}:
            raise ValueError(f"{source} is a dev or test file; the transfer set may use training sentences only")
    nlp = load_pipeline()
    sentences = [s for p in sources for s in (article_sentences(p, nlp) if is_articles(p) else read_sentences(p))]
    with nlp.select_pipes(enable=[p for p in ("tok2vec", "ner") if p in nlp.pipe_names]):
        pairs = build_transfer_set(sentences, nlp, held_out_texts(held_out_files), seed=seed)
    if max_pairs is not None and len(pairs) > max_pairs:
        rng = np.random.default_rng(seed)
        pairs = [pairs[i] for i in sorted(rng.choice(len(pairs), max_pairs, replace=False))]
    write_pairs(pairs, output)
    logger.info("transfer set: %d pairs from %d sentences, written to %s", len(pairs), len(sentences), output)
    return pairs


def teacher_probabilities(
    teacher_dir: Path,
    items: list[tuple[str, list[tuple[int, int]]]],
    cache: Path,
    backend: str,
    batch_size: int = 64,
) -> list[list[float]]:
    """The teacher's probabilities for ``items``, computed once and kept in ``cache``.

    ``backend``: ``torch``, or ``openvino-bf16``: the network compiled by OpenVINO without
    int8 weights, in bfloat16 where the CPU has it natively (see :mod:`newsstance.backends`).
    """
    if cache.is_file():
        probs = [json.loads(line) for line in cache.read_text(encoding="utf-8").splitlines()]
        if len(probs) == len(items):
            return probs
        logger.warning("%s holds %d rows for %d items; relabelling", cache, len(probs), len(items))
    if backend not in ("torch", "openvino-bf16"):
        raise ValueError(f"unknown teacher backend {backend!r}; choose torch or openvino-bf16")
    clf = StanceClassifier.from_pretrained(teacher_dir, backend=backend)
    logger.info("labelling %d examples with %s (backend %s)", len(items), teacher_dir, backend)
    stances = clf.classify_many(items, batch_size=batch_size, show_progress_bar=True)
    probs = [[s.probs[label] for label in clf.settings.labels] for s in stances]
    tmp = cache.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps(p) + "\n" for p in probs), encoding="utf-8")
    tmp.rename(cache)
    return probs


def distill(
    config: TrainConfig,
    teachers: Sequence[str | Path],
    data_dir: str | Path,
    output_dir: str | Path,
    extra_sources: Sequence[str | Path] = (),
    max_pairs: int | None = None,
    teacher_backend: str = "auto",
    device: str | None = None,
    test_files: tuple[str, ...] = (),
    save_teacher: str | Path | None = None,
) -> TrainResult:
    """Train the student ``config`` on gold labels plus the teachers' averaged probabilities.

    A teacher is a model directory, or a store of a teacher's probabilities (``.npz``, see
    :mod:`newsstance.training.teacher_store`); ``save_teacher`` writes such a store of the
    averaged probabilities of every example before training starts.

    ``teacher_backend="auto"`` labels with ``openvino-bf16`` where OpenVINO is installed and
    the CPU has native bf16 (a large teacher is slow in float32), else with ``torch``.
    """
    if not teachers:
        raise ValueError("give at least one teacher model directory (--teacher DIR)")
    data_dir, output_dir = Path(data_dir), Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    teacher_dirs = [Path(t) for t in teachers]
    # loaded first: fails early, naming the fix, for a directory that is not a model
    teacher_settings = [None if is_store(t) else ModelSettings.load(t) for t in teacher_dirs]
    if teacher_backend == "auto":
        fast = backends.installed("openvino-bf16") and cpu.bf16_native()
        teacher_backend = "openvino-bf16" if fast and device in (None, "cpu") else "torch"

    work = output_dir / WORK_DIR
    work.mkdir(exist_ok=True)
    pairs = make_transfer_set(config, data_dir, extra_sources, work / TRANSFER_FILE, max_pairs)
    gold = [load_newsmtsc(data_dir / f, config.further_mentions) for f in config.train_files]
    gold_items = [(t, [tuple(s) for s in spans]) for ds in gold for t, spans in zip(ds["text"], ds["spans"])]
    pair_items = [(p.text, list(p.spans)) for p in pairs]
    items = gold_items + pair_items

    per_teacher, described = [], []
    for n, (t, settings) in enumerate(zip(teacher_dirs, teacher_settings)):
        if settings is None:
            store = TeacherStore.load(t)
            probs = store.lookup(items)
            base_model, dev = store.meta.get("base_model", ""), store.meta.get("dev", {})
        else:
            cache = work / f"teacher_probs.{n}.{t.name}.jsonl"
            probs = np.asarray(teacher_probabilities(t, items, cache, teacher_backend))
            base_model, dev = (
                settings.base_model,
                {k: round(v["f1m"], 4) for k, v in settings.metrics.get("dev", {}).items()},
            )
        per_teacher.append(probs)
        described.append(
            {
                "path": t.name,
                "base_model": base_model,
                "dev": dev,
                "gold_train_agreement": float(
                    np.mean(probs[: len(gold_items)].argmax(-1) == np.concatenate([ds["label"] for ds in gold]))
                ),
            }
        )
    mean = np.mean(per_teacher, axis=0)
    sources = {
        f"{p.parent.name}/{p.name}": source_sha256(p) if not is_articles(p) else "articles"
        for p in [*(data_dir / f for f in config.train_files), *map(Path, extra_sources)]
    }
    if save_teacher is not None:
        meta = {
            "teachers": described,
            "base_model": described[0]["base_model"] if len(described) == 1 else "ensemble",
            "dev": described[0]["dev"] if len(described) == 1 else {},
            "recipes": [
                s.training if s is not None else {"store": t.name} for t, s in zip(teacher_dirs, teacher_settings)
            ],
            "sources": sources,
            "gold_examples": len(gold_items),
            "transfer_pairs": len(pair_items),
            "transfer_origins": dict(sorted(Counter(p.origin for p in pairs).items())),
            "max_pairs": max_pairs,
            "teacher_backend": teacher_backend,
        }
        TeacherStore.build(items, mean, meta).save(save_teacher)
        logger.info("teacher probabilities of %d examples stored in %s", len(items), save_teacher)
    targets = TeacherTargets(
        gold_probs=mean[: len(gold_items)].tolist(),
        pairs=pairs,
        pair_probs=mean[len(gold_items) :].tolist(),
        teachers=described,
        construction={
            "sources": sources,
            "max_pairs": max_pairs,
            "teacher_backend": teacher_backend,
            "distill_weight": config.distill_weight,
            "distill_temperature": config.distill_temperature,
        },
    )
    objective = Distillation(targets, config.distill_weight, config.distill_temperature, config.label_smoothing)
    return train(config, data_dir, output_dir, device=device, test_files=test_files, objective=objective)
