"""Fixtures: a tiny, randomly initialised BERT and its tokenizer, built offline."""

from __future__ import annotations

import copy
import string
from pathlib import Path

import pytest
import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

from newsstance.classifier import StanceClassifier
from newsstance.encoding import EncodingConfig
from newsstance.settings import ModelSettings
from newsstance.stance import LABELS

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
NEWSMTSC = SHARED / "data" / "newsmtsc"


def _vocab() -> list[str]:
    chars = string.ascii_lowercase + string.digits + string.punctuation
    words = ["the", "said", "president", "minister", "party", "government", "was", "and"]
    return ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars, *("##" + c for c in chars), *words]


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory) -> Path:
    """A tiny BERT classifier saved as a base-model folder (config, weights, tokenizer)."""
    path = tmp_path_factory.mktemp("tiny-bert")
    (path / "vocab.txt").write_text("\n".join(_vocab()) + "\n", encoding="utf-8")
    tokenizer = BertTokenizerFast(vocab_file=str(path / "vocab.txt"), do_lower_case=True)
    tokenizer.model_max_length = 512
    config = BertConfig(
        vocab_size=len(_vocab()), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=37, max_position_embeddings=512, num_labels=len(LABELS),
        id2label=dict(enumerate(LABELS)), label2id={label: i for i, label in enumerate(LABELS)},
    )
    torch.manual_seed(0)
    BertForSequenceClassification(config).save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


@pytest.fixture(scope="session")
def _tiny_classifier(tiny_base) -> StanceClassifier:
    model = BertForSequenceClassification.from_pretrained(tiny_base)
    tokenizer = BertTokenizerFast.from_pretrained(tiny_base)
    settings = ModelSettings(encoding=EncodingConfig(max_length=64), base_model=str(tiny_base))
    return StanceClassifier(model, tokenizer, settings, device="cpu")


@pytest.fixture
def tiny_classifier(_tiny_classifier) -> StanceClassifier:
    return copy.deepcopy(_tiny_classifier)


@pytest.fixture(scope="session")
def tokenizer(tiny_base):
    return BertTokenizerFast.from_pretrained(tiny_base)
