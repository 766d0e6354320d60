"""Training-step time in float32 and in bf16 autocast, on the same batches from the same start.

    newsstance bench train-step --base-model sentence-transformers/all-mpnet-base-v2 --steps 8

Each precision runs twice, alternating (fp32, bf16, fp32, bf16), so that a machine that warms up
or is shared part of the time shows in the spread; the first two steps of each run are not
timed. bf16 pays only where the CPU has AVX-512 BF16 or AMX (see ``newsstance bench speed``'s
flags line).
"""

from __future__ import annotations

import time
from pathlib import Path

import torch
import torch.nn.functional as F
from transformers import AutoTokenizer

from newsstance.encoding import EncodingConfig, encode_many, pad_batch
from newsstance.modeling import StanceModel

from .base_models import resolve_base_model
from .data import load_newsmtsc
from .trainer import length_grouped_batches

WARM_UP = 2


def step_times(base_model: str, train_file: str | Path, steps: int = 8, batch_size: int = 16) -> list[dict]:
    """Seconds per training step (forward, backward, AdamW) for each run, fp32 and bf16 alternating."""
    base = resolve_base_model(base_model)
    tokenizer = AutoTokenizer.from_pretrained(base, local_files_only=True)
    data = load_newsmtsc(train_file)
    data = data.select(range(min(len(data), 2000)))
    items = [(t, [tuple(s) for s in spans]) for t, spans in zip(data["text"], data["spans"])]
    features = [dict(r) for r in encode_many(tokenizer, items, EncodingConfig(max_length=256))]
    labels = data["label"]
    batches = length_grouped_batches([len(f["input_ids"]) for f in features], batch_size, 0)[: steps + WARM_UP]
    torch.manual_seed(0)
    start = StanceModel.from_base(base, "mean+target").state_dict()
    runs = []
    for precision in ("fp32", "bf16", "fp32", "bf16"):
        model = StanceModel.from_base(base, "mean+target")
        model.load_state_dict(start)
        model.train()
        optimizer = torch.optim.AdamW(model.parameters(), lr=3e-5)
        times = []
        for i, idx in enumerate(batches):
            batch = pad_batch([features[j] for j in idx], tokenizer.pad_token_id)
            began = time.perf_counter()
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=precision == "bf16"):
                logits = model(**batch)
            loss = F.cross_entropy(logits.float(), torch.tensor([labels[j] for j in idx]))
            loss.backward()
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            if i >= WARM_UP:
                times.append(time.perf_counter() - began)
        runs.append({"precision": precision, "s_per_step": sum(times) / len(times), "steps": len(times)})
    return runs
