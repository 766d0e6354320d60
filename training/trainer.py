"""Fine-tune a stance model, top to bottom: config, data, model, optimiser, resume, loop, dev
evaluation, checkpoint, final card.

The loss is passed in (:mod:`newsstance.training.objectives`): cross-entropy on the gold
labels by default, or a teacher's probabilities for distillation. Weight averaging over seeds
lives in :mod:`newsstance.training.soup`, the card text in :mod:`newsstance.training.model_card`.
"""

from __future__ import annotations

import json
import logging
import math
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.torch import load_file
from transformers import AutoTokenizer, get_linear_schedule_with_warmup, set_seed

from newsstance.classifier import StanceClassifier, resolve_device
from newsstance.encoding import encode_many, pad_batch
from newsstance.eval.corpora import source_name, source_sha256
from newsstance.eval.predict import score
from newsstance.modeling import WEIGHTS_FILE, StanceModel
from newsstance.settings import ModelSettings, library_versions

from .base_models import resolve_base_model
from .checkpoint import load_checkpoint, remove_checkpoint, save_checkpoint
from .config import TrainConfig
from .data import load_examples, load_newsmtsc
from .model_card import write_model_card
from .objectives import CrossEntropy, Objective

logger = logging.getLogger(__name__)

LOG_FILE = "train_log.jsonl"
_COLUMNS = ("input_ids", "token_type_ids", "attention_mask", "target_mask")


@dataclass(frozen=True)
class TrainResult:
    output_dir: Path
    best_epoch: int
    dev: dict[str, dict[str, Any]]
    train_seconds: float


def length_grouped_batches(lengths: list[int], batch_size: int, seed: int) -> list[list[int]]:
    """Shuffle, sort within chunks of 50 batches by length, then shuffle the batches.

    Similar lengths share a batch (little padding) while the order stays random; the same
    seed gives the same batches, which is what makes a resumed epoch identical.
    """
    rng = random.Random(seed)
    order = list(range(len(lengths)))
    rng.shuffle(order)
    chunk = batch_size * 50
    batches = []
    for c in range(0, len(order), chunk):
        part = sorted(order[c : c + chunk], key=lengths.__getitem__)
        batches += [part[i : i + batch_size] for i in range(0, len(part), batch_size)]
    rng.shuffle(batches)
    return batches


def encode_features(tokenizer: Any, dataset: Any, config: TrainConfig) -> list[dict[str, list[int]]]:
    """The model inputs of every row of ``dataset`` (``text``, ``spans``), through the one encoding."""

    def fn(batch: dict[str, list]) -> dict[str, list]:
        items = [(t, [tuple(s) for s in spans]) for t, spans in zip(batch["text"], batch["spans"])]
        rows = encode_many(tokenizer, items, config.encoding)
        return {c: [r[c] for r in rows] for c in rows[0]} if rows else {}

    encoded = dataset.map(fn, batched=True, keep_in_memory=True, desc="encode")
    columns = [c for c in _COLUMNS if c in encoded.column_names]
    return [{c: row[c] for c in columns} for row in encoded]


def _dev_summary(dev: dict[str, dict[str, Any]]) -> dict[str, dict[str, float]]:
    return {name: {"f1m": m["f1m"], "accuracy": m["accuracy"], "n": m["n"]} for name, m in dev.items()}


def train_one(
    config: TrainConfig,
    data_dir: str | Path,
    output_dir: str | Path,
    device: str | None = None,
    test_files: tuple[str, ...] = (),
    log_every: int = 50,
    max_steps: int | None = None,
    objective: Objective | None = None,
) -> TrainResult:
    """Train, keep the epoch with the best mean dev F1m, and save it to ``output_dir``.

    An interrupted run resumes from ``output_dir/checkpoint`` when started again with the same
    config. ``test_files`` (e.g. the test sets) are scored once on the final model for the
    model card; they never influence selection. ``max_steps`` stops early (smoke tests).
    ``objective``: the loss, and any extra examples it brings (default: cross-entropy).
    """
    data_dir, output_dir = Path(data_dir), Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    dev_device = resolve_device(device)
    objective = objective if objective is not None else CrossEntropy(config.label_smoothing)
    set_seed(config.seed)  # random, numpy and torch (CPU and CUDA)

    # -- data ------------------------------------------------------------------------------
    from datasets import concatenate_datasets

    base_path = resolve_base_model(config.base_model)
    tokenizer = AutoTokenizer.from_pretrained(base_path, local_files_only=True)
    train_set = concatenate_datasets([load_newsmtsc(data_dir / f, config.further_mentions) for f in config.train_files])
    dev_sets = {source_name(f): load_examples(data_dir / f, config.further_mentions) for f in config.dev_files}
    objective.check_gold(len(train_set))
    features = encode_features(tokenizer, train_set, config)
    features += [
        dict(r) for r in encode_many(tokenizer, [(p.text, list(p.spans)) for p in objective.extra], config.encoding)
    ]
    labels = [*train_set["label"], *[-1] * len(objective.extra)]  # -1: no gold label
    lengths = [len(f["input_ids"]) for f in features]
    data_hashes = {f: source_sha256(data_dir / f) for f in (*config.train_files, *config.dev_files, *test_files)}

    # -- model -----------------------------------------------------------------------------
    # The head starts from a fixed seed, so that every run of a recipe shares its starting point
    # (weight averaging across seeds needs it); the training seed drives data order and dropout.
    torch.manual_seed(0)
    model = StanceModel.from_base(base_path, config.pooling, config.classifier_dropout)
    if config.init_model:
        init = Path(config.init_model)
        if ModelSettings.load(init).pooling != config.pooling:
            raise ValueError(f"init_model {init} has another pooling than the recipe's {config.pooling!r}")
        model.load_state_dict(load_file(init / WEIGHTS_FILE))
        model.float()
    model = model.to(dev_device)
    torch.manual_seed(config.seed)
    settings = ModelSettings(
        encoding=config.encoding,
        pooling=config.pooling,
        base_model=config.base_model,
        training=config.to_dict(),
        data=data_hashes,
        versions=library_versions(),
    )
    clf = StanceClassifier(model, tokenizer, settings, device=dev_device, backend="torch")

    # -- optimiser -------------------------------------------------------------------------
    total_steps = math.ceil(len(features) / config.batch_size) * config.epochs
    decay = [p for n, p in model.named_parameters() if p.ndim > 1 and "LayerNorm" not in n]
    no_decay = [p for n, p in model.named_parameters() if not (p.ndim > 1 and "LayerNorm" not in n)]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": config.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
        lr=config.learning_rate,
    )
    scheduler = get_linear_schedule_with_warmup(optimizer, int(config.warmup_ratio * total_steps), total_steps)

    # -- resume ----------------------------------------------------------------------------
    state = {"epoch": 0, "step_in_epoch": 0, "global_step": 0, "best": -1.0, "best_epoch": -1, "history": []}
    state["seconds"] = 0.0
    saved = load_checkpoint(output_dir, model, optimizer, scheduler, config.to_dict(), dev_device)
    if saved is not None:
        state = saved
        logger.info("resuming from the checkpoint at epoch %d, step %d", state["epoch"] + 1, state["step_in_epoch"])

    def checkpoint() -> None:
        state["seconds"] = time.perf_counter() - started
        save_checkpoint(output_dir, model, optimizer, scheduler, config.to_dict(), state)

    # -- loop ------------------------------------------------------------------------------
    on_gpu = dev_device.type == "cuda"
    bf16 = on_gpu or config.precision == "bf16"
    autocast = torch.autocast(dev_device.type, dtype=torch.bfloat16, enabled=bf16)
    started = time.perf_counter() - state["seconds"]
    while state["epoch"] < config.epochs:
        epoch = state["epoch"]
        batches = length_grouped_batches(lengths, config.batch_size, config.seed + epoch)
        model.train()
        seen, tick = 0, time.perf_counter()
        for b in range(state["step_in_epoch"], len(batches)):
            idx = batches[b]
            batch = pad_batch([features[i] for i in idx], tokenizer.pad_token_id)
            target = torch.tensor([labels[i] for i in idx], device=dev_device)
            with autocast:
                logits = model(**{k: v.to(dev_device) for k, v in batch.items()})
            loss = objective.loss(logits.float(), target, idx)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), config.max_grad_norm)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            state["step_in_epoch"], state["global_step"] = b + 1, state["global_step"] + 1
            seen += len(idx)
            if state["global_step"] % log_every == 0:
                rate = seen / (time.perf_counter() - tick)
                logger.info(
                    "epoch %d step %d/%d loss %.4f %.1f examples/s", epoch + 1, b + 1, len(batches), loss.item(), rate
                )
            if max_steps is not None and state["global_step"] >= max_steps:
                break
            if state["global_step"] % config.checkpoint_every == 0:
                checkpoint()

        # -- dev evaluation: keep the best epoch -------------------------------------------
        dev = {name: score(clf, examples, config.eval_batch_size)[0] for name, examples in dev_sets.items()}
        mean_f1m = float(np.mean([m["f1m"] for m in dev.values()]))
        examples_per_s = seen / max(time.perf_counter() - tick, 1e-9)
        record = {"epoch": epoch + 1, "mean_dev_f1m": mean_f1m, "dev": _dev_summary(dev)}
        state["history"].append({**record, "examples_per_s": examples_per_s})
        logger.info(
            "epoch %d: mean dev F1m %.4f %s", epoch + 1, mean_f1m, {k: round(v["f1m"], 4) for k, v in dev.items()}
        )
        if config.keep_epochs:
            clf.save_pretrained(output_dir / f"epoch-{epoch + 1}", dtype=torch.float16)
        if mean_f1m > state["best"]:
            state["best"], state["best_epoch"] = mean_f1m, epoch + 1
            clf.save_pretrained(output_dir, dtype=torch.float16)
        state["epoch"], state["step_in_epoch"] = epoch + 1, 0
        if max_steps is not None and state["global_step"] >= max_steps:
            break
        checkpoint()

    # -- final: score the saved model, write the card --------------------------------------
    seconds = time.perf_counter() - started
    with open(output_dir / LOG_FILE, "w", encoding="utf-8") as f:
        for record in state["history"]:
            f.write(json.dumps(record) + "\n")
    metrics = {
        "best_epoch": state["best_epoch"],
        "history": state["history"],
        "train_seconds": round(seconds, 1),
        "train_device": str(dev_device),
    }
    if objective.describe() is not None:
        metrics["distillation"] = objective.describe()
    dev = finish(config, output_dir, data_dir, dev_device, test_files, data_hashes, metrics, objective.card())
    remove_checkpoint(output_dir)
    return TrainResult(output_dir, state["best_epoch"], dev, seconds)


def finish(
    config: TrainConfig,
    output_dir: Path,
    data_dir: Path,
    device: torch.device,
    test_files: tuple[str, ...],
    data_hashes: dict[str, str],
    metrics: dict[str, Any],
    card_extra: str = "",
) -> dict[str, dict[str, Any]]:
    """Score the saved model on dev (and the report files), then write its settings and card."""
    final = StanceClassifier.from_pretrained(output_dir, device=device, backend="torch")

    def split(name: str) -> dict[str, Any]:
        return score(final, load_examples(data_dir / name, config.further_mentions), config.eval_batch_size)[0]

    dev = {source_name(f): split(f) for f in config.dev_files}
    metrics = {**metrics, "dev": dev, "test": {source_name(f): split(f) for f in test_files}}
    settings = ModelSettings(
        encoding=config.encoding,
        pooling=config.pooling,
        base_model=config.base_model,
        training=config.to_dict(),
        data=data_hashes,
        metrics=metrics,
        versions=library_versions(),
    )
    settings.save(output_dir)
    write_model_card(output_dir, settings, extra=card_extra)
    return dev
