"""Fine-tune a stance model: config, data, model, loop, dev evaluation, checkpoint — top to bottom."""

from __future__ import annotations

import json
import logging
import math
import random
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from transformers import AutoTokenizer, get_linear_schedule_with_warmup

from newsstance.classifier import StanceClassifier, resolve_device
from newsstance.encoding import encode, pad_batch
from newsstance.eval.metrics import classification_metrics
from newsstance.modeling import WEIGHTS_FILE, StanceModel
from newsstance.settings import SETTINGS_FILE, ModelSettings, file_sha256, library_versions

from .base_models import resolve_base_model
from .config import TrainConfig
from .data import label_names, load_newsmtsc
from .distill_loss import TeacherTargets, distillation_loss
from .model_card import write_model_card

logger = logging.getLogger(__name__)

CHECKPOINT_DIR = "checkpoint"
LOG_FILE = "train_log.jsonl"


@dataclass(frozen=True)
class TrainResult:
    output_dir: Path
    best_epoch: int
    dev: dict[str, dict[str, Any]]
    train_seconds: float


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


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


def _encode_dataset(dataset, tokenizer, config: TrainConfig):
    def fn(row):
        return encode(tokenizer, row["text"], [tuple(s) for s in row["spans"]], config.encoding)

    return dataset.map(fn, keep_in_memory=True, desc="encode")


def evaluate_split(clf: StanceClassifier, dataset, batch_size: int) -> dict[str, Any]:
    items = [(t, [tuple(s) for s in spans]) for t, spans in zip(dataset["text"], dataset["spans"])]
    pred = [s.label for s in clf.classify_many(items, batch_size=batch_size)]
    return classification_metrics(label_names(dataset), pred)


def _summary(metrics: dict[str, dict[str, Any]]) -> dict[str, dict[str, float]]:
    return {name: {"f1m": m["f1m"], "accuracy": m["accuracy"], "n": m["n"]} for name, m in metrics.items()}


def train_one(
    config: TrainConfig,
    data_dir: str | Path,
    output_dir: str | Path,
    device: str | None = None,
    report_files: tuple[str, ...] = (),
    log_every: int = 50,
    max_steps: int | None = None,
    teacher: TeacherTargets | None = None,
) -> TrainResult:
    """Train, keep the epoch with the best mean dev F1m, and save it to ``output_dir``.

    An interrupted run resumes from ``output_dir/checkpoint`` when started again with the same
    config. ``report_files`` (e.g. the test sets) are scored once on the final model for the
    model card; they never influence selection. ``max_steps`` stops early (smoke tests).
    ``teacher`` turns the run into distillation: its transfer pairs join the training set and
    the loss follows the teacher's probabilities (see :mod:`newsstance.training.distill_loss`).
    """
    data_dir, output_dir = Path(data_dir), Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    dev_device = resolve_device(device)
    seed_everything(config.seed)

    # -- data ------------------------------------------------------------------------------
    base_path = resolve_base_model(config.base_model)
    tokenizer = AutoTokenizer.from_pretrained(base_path, local_files_only=True)
    train_paths = [data_dir / f for f in config.train_files]
    from datasets import concatenate_datasets

    train_set = concatenate_datasets([load_newsmtsc(p, config.further_mentions) for p in train_paths])
    dev_sets = {Path(f).stem: load_newsmtsc(data_dir / f, config.further_mentions) for f in config.dev_files}
    encoded = _encode_dataset(train_set, tokenizer, config)
    columns = [c for c in ("input_ids", "token_type_ids", "attention_mask", "target_mask") if c in encoded.column_names]
    features = [{c: row[c] for c in columns} for row in encoded]
    labels = train_set["label"]
    soft = None
    if teacher is not None:
        if len(teacher.gold_probs) != len(labels):
            raise ValueError(
                f"the teacher labelled {len(teacher.gold_probs)} gold examples but the training set has "
                f"{len(labels)}; relabel with the same train_files and further_mentions"
            )
        for pair in teacher.pairs:
            row = encode(tokenizer, pair.text, list(pair.spans), config.encoding)
            features.append({c: row[c] for c in columns})
        labels = [*labels, *[-1] * len(teacher.pairs)]
        soft = torch.tensor([*teacher.gold_probs, *teacher.pair_probs], dtype=torch.float32)
    lengths = [len(f["input_ids"]) for f in features]
    data_hashes = {f: file_sha256(data_dir / f) for f in (*config.train_files, *config.dev_files, *report_files)}

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
    clf = StanceClassifier(model, tokenizer, settings, device=dev_device)

    steps_per_epoch = math.ceil(len(features) / config.batch_size)
    total_steps = steps_per_epoch * config.epochs
    decay = [p for n, p in model.named_parameters() if p.ndim > 1 and "LayerNorm" not in n]
    no_decay = [p for n, p in model.named_parameters() if not (p.ndim > 1 and "LayerNorm" not in n)]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": config.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
        lr=config.learning_rate,
    )
    scheduler = get_linear_schedule_with_warmup(optimizer, int(config.warmup_ratio * total_steps), total_steps)
    loss_fn = torch.nn.CrossEntropyLoss(label_smoothing=config.label_smoothing)

    # -- resume ----------------------------------------------------------------------------
    state = {
        "epoch": 0,
        "step_in_epoch": 0,
        "global_step": 0,
        "best": -1.0,
        "best_epoch": -1,
        "history": [],
        "seconds": 0.0,
    }
    ckpt = output_dir / CHECKPOINT_DIR
    if (ckpt / "trainer_state.pt").is_file():
        saved = torch.load(ckpt / "trainer_state.pt", map_location="cpu", weights_only=False)
        if saved["config"] != config.to_dict():
            raise ValueError(
                f"{ckpt} was written by a different config; use another --output or delete {ckpt} to start over"
            )
        model.load_state_dict(load_file(ckpt / "model.safetensors", device=str(dev_device)))
        optimizer.load_state_dict(saved["optimizer"])
        scheduler.load_state_dict(saved["scheduler"])
        torch.set_rng_state(saved["torch_rng"])
        state = saved["state"]
        logger.info("resuming from %s at epoch %d, step %d", ckpt, state["epoch"] + 1, state["step_in_epoch"])

    def save_checkpoint() -> None:
        tmp = output_dir / (CHECKPOINT_DIR + ".tmp")
        tmp.mkdir(exist_ok=True)
        save_file({k: v.detach().contiguous().cpu() for k, v in model.state_dict().items()}, tmp / "model.safetensors")
        torch.save(
            {
                "config": config.to_dict(),
                "optimizer": optimizer.state_dict(),
                "scheduler": scheduler.state_dict(),
                "torch_rng": torch.get_rng_state(),
                "state": state,
            },
            tmp / "trainer_state.pt",
        )
        if ckpt.exists():
            shutil.rmtree(ckpt)
        tmp.rename(ckpt)

    # -- loop ------------------------------------------------------------------------------
    autocast = (
        torch.autocast("cuda", dtype=torch.bfloat16)
        if dev_device.type == "cuda"
        else torch.autocast("cpu", enabled=False)
    )
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
            if soft is None:
                loss = loss_fn(logits.float(), target)
            else:
                loss = distillation_loss(
                    logits.float(),
                    target,
                    soft[idx].to(dev_device),
                    config.distill_weight,
                    config.distill_temperature,
                    config.label_smoothing,
                )
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
                state["seconds"] = time.perf_counter() - started
                save_checkpoint()

        dev = {name: evaluate_split(clf, ds, config.eval_batch_size) for name, ds in dev_sets.items()}
        mean_f1m = float(np.mean([m["f1m"] for m in dev.values()]))
        record = {
            "epoch": epoch + 1,
            "mean_dev_f1m": mean_f1m,
            "dev": _summary(dev),
            "examples_per_s": seen / max(time.perf_counter() - tick, 1e-9),
        }
        state["history"].append(record)
        logger.info(
            "epoch %d: mean dev F1m %.4f %s", epoch + 1, mean_f1m, {k: round(v["f1m"], 4) for k, v in dev.items()}
        )
        if mean_f1m > state["best"]:
            state["best"], state["best_epoch"] = mean_f1m, epoch + 1
            clf.save_pretrained(output_dir, dtype=torch.float16)
        state["epoch"], state["step_in_epoch"] = epoch + 1, 0
        state["seconds"] = time.perf_counter() - started
        if max_steps is not None and state["global_step"] >= max_steps:
            break
        save_checkpoint()

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
    if teacher is not None:
        metrics["distillation"] = teacher.describe()
    dev = _finish(
        config,
        output_dir,
        data_dir,
        dev_device,
        report_files,
        data_hashes,
        metrics,
        card_extra=teacher.card() if teacher is not None else "",
    )
    if ckpt.exists():
        shutil.rmtree(ckpt)
    return TrainResult(output_dir, state["best_epoch"], dev, seconds)


def _finish(
    config: TrainConfig,
    output_dir: Path,
    data_dir: Path,
    device: torch.device,
    report_files: tuple[str, ...],
    data_hashes: dict[str, str],
    metrics: dict[str, Any],
    card_extra: str = "",
) -> dict[str, dict[str, Any]]:
    """Score the saved model on dev (and the report files), then write its settings and card."""
    final = StanceClassifier.from_pretrained(output_dir, device=device)

    def score(name: str) -> dict[str, Any]:
        dataset = load_newsmtsc(data_dir / name, config.further_mentions)
        return evaluate_split(final, dataset, config.eval_batch_size)

    dev = {Path(f).stem: score(f) for f in config.dev_files}
    metrics = {**metrics, "dev": dev, "test": {Path(f).stem: score(f) for f in report_files}}
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


def train(
    config: TrainConfig,
    data_dir: str | Path,
    output_dir: str | Path,
    device: str | None = None,
    report_files: tuple[str, ...] = (),
    log_every: int = 50,
    max_steps: int | None = None,
    teacher: TeacherTargets | None = None,
) -> TrainResult:
    """Train one model, or, when the recipe lists ``soup_seeds``, one per seed (in
    ``output_dir/runs/seedN``) and save the average of their weights to ``output_dir``;
    ``soup_with`` adds already trained models to that average.

    Finished seed runs are skipped and unfinished ones resume, so an interrupted soup
    continues where it stopped.
    """
    if not config.soup_seeds and not config.soup_with:
        return train_one(config, data_dir, output_dir, device, report_files, log_every, max_steps, teacher)
    from .soup import soup

    data_dir, output_dir = Path(data_dir), Path(output_dir)
    others = [Path(p) for p in config.soup_with]
    for other in others:
        if ModelSettings.load(other).pooling != config.pooling:
            raise ValueError(f"soup_with model {other} has another pooling than the recipe's {config.pooling!r}")
    seed_list = config.soup_seeds or (config.seed,)
    runs = []
    for seed in seed_list:
        run_dir = output_dir / "runs" / f"seed{seed}"
        if not (run_dir / SETTINGS_FILE).is_file() or (run_dir / CHECKPOINT_DIR).exists():
            logger.info("soup: training seed %d into %s", seed, run_dir)
            train_one(
                config.replace(seed=seed, soup_seeds=[], soup_with=[]),
                data_dir,
                run_dir,
                device,
                report_files,
                log_every,
                max_steps,
                teacher,
            )
        runs.append(run_dir)
    soup([*runs, *others], output_dir)
    seeds = [ModelSettings.load(r).metrics for r in runs]
    splits = [*seeds[0]["dev"], *seeds[0]["test"]]
    several = len(runs) > 1
    rows = [
        "| split | " + " | ".join(f"seed {s}" for s in seed_list) + (" | mean ± sd |" if several else " |"),
        "|---" * (len(runs) + 1 + several) + "|",
    ]
    spread = {}
    for split in splits:
        values = [m["dev"].get(split, m["test"].get(split, {})).get("f1m") for m in seeds]
        sd = float(np.std(values, ddof=1)) if len(values) > 1 else 0.0
        spread[split] = {"f1m": values, "mean": float(np.mean(values)), "sd": sd}
        spread_cell = f" | {np.mean(values):.4f} ± {sd:.4f} |" if several else " |"
        rows.append(f"| {split} | " + " | ".join(f"{v:.4f}" for v in values) + spread_cell)
    card = "## The runs behind the average (F1m of each run's own model)\n\n" + "\n".join(rows)
    soup_with = [{"path": str(o), "weights_sha256": file_sha256(o / WEIGHTS_FILE)} for o in others]
    if others:
        card += "\n\nAveraged with these trained models as well (same base model and head initialisation):\n\n" + (
            "\n".join(f"- `{o['path']}` (weights sha256 `{o['weights_sha256'][:12]}…`)" for o in soup_with)
        )
    seconds = sum(m["train_seconds"] for m in seeds)
    data_hashes = ModelSettings.load(runs[0]).data
    dev = _finish(
        config,
        output_dir,
        data_dir,
        resolve_device(device),
        report_files,
        data_hashes,
        {
            "soup_of_seeds": list(seed_list),
            **({"soup_with": soup_with} if soup_with else {}),
            "seed_runs": spread,
            "best_epoch": [m["best_epoch"] for m in seeds],
            "train_seconds": round(seconds, 1),
            "train_device": seeds[0]["train_device"],
            **({"distillation": teacher.describe()} if teacher is not None else {}),
        },
        card_extra=card + ("\n\n" + teacher.card() if teacher is not None else ""),
    )
    return TrainResult(output_dir, -1, dev, seconds)
