"""Fixtures: a tiny, randomly initialised BERT and its tokenizer, built offline."""

from __future__ import annotations

import copy
import json
import shutil
import string
from pathlib import Path

import pytest
import torch
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

from newsstance.classifier import StanceClassifier
from newsstance.encoding import EncodingConfig
from newsstance.modeling import StanceModel
from newsstance.settings import ModelSettings


def _vocab() -> list[str]:
    chars = string.ascii_lowercase + string.digits + string.punctuation
    words = ["the", "said", "president", "minister", "party", "government", "was", "and"]
    return ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars, *("##" + c for c in chars), *words]


def _tokenizer() -> PreTrainedTokenizerFast:
    vocab = {token: i for i, token in enumerate(_vocab())}
    tok = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])],
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
        model_max_length=512,
    )


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory) -> Path:
    """A tiny BERT encoder saved as a base-model folder (config, weights, tokenizer)."""
    path = tmp_path_factory.mktemp("tiny-bert")
    config = BertConfig(
        vocab_size=len(_vocab()),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=37,
        max_position_embeddings=512,
    )
    torch.manual_seed(0)
    BertModel(config).save_pretrained(path)
    _tokenizer().save_pretrained(path)
    return path


@pytest.fixture(scope="session")
def _tiny_classifier(tiny_base) -> StanceClassifier:
    torch.manual_seed(0)
    model = StanceModel.from_base(tiny_base, pooling="mean+target")
    settings = ModelSettings(encoding=EncodingConfig(max_length=64), pooling="mean+target", base_model=str(tiny_base))
    return StanceClassifier(model, _tokenizer(), settings, device="cpu")


@pytest.fixture
def tiny_classifier(_tiny_classifier) -> StanceClassifier:
    return copy.deepcopy(_tiny_classifier)


@pytest.fixture
def int8_cpu(monkeypatch):
    """This CPU, seen as one with int8 dot-product instructions (AVX-512 VNNI), where ``auto`` may pick int8."""
    monkeypatch.setattr("newsstance.backends.cpu.cpu_flags", lambda: frozenset({"avx2", "avx512f", "avx512_vnni"}))


@pytest.fixture(scope="session")
def tokenizer() -> PreTrainedTokenizerFast:
    return _tokenizer()


@pytest.fixture(scope="session")
def tiny_model_dir(_tiny_classifier, tmp_path_factory) -> Path:
    """The tiny classifier saved as a model directory, for the command line."""
    path = tmp_path_factory.mktemp("tiny-model")
    _tiny_classifier.save_pretrained(path)
    return path


@pytest.fixture
def tiny_config(tiny_base):
    """A training recipe for the tiny encoder: one short epoch; ``tiny_config(epochs=2)`` changes it."""
    from newsstance.training import TrainConfig

    base = TrainConfig(
        base_model=str(tiny_base),
        pooling="mean+target",
        epochs=1,
        batch_size=8,
        eval_batch_size=8,
        encoding={"max_length": 64},
    )
    return lambda **changes: base.replace(**changes) if changes else base


RESOURCES = Path(__file__).resolve().parent / "resources"
"""The tests' own corpora: invented sentences in NewsMTSC's and NewsTSC's native formats."""


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory) -> Path:
    """A data folder like ``--data-dir``'s, holding ``newsmtsc/`` and ``newstsc/``: a copy of
    ``tests/resources``, so that no test writes into the repository."""
    path = tmp_path_factory.mktemp("data") / "data"
    shutil.copytree(RESOURCES, path, ignore=shutil.ignore_patterns("*.md"))
    return path


@pytest.fixture(scope="session")
def small_data(data_dir) -> Path:
    """A NewsMTSC folder like ``--data``'s: train (30 sentences), dev_rw, dev_mt, test_rw, test_mt."""
    return data_dir / "newsmtsc"


GOOD = "Sarah Mitchell won the vote.\n\nCritics slammed David Miller."


@pytest.fixture
def inputs(tmp_path):
    """A folder of articles with every kind of bad record beside four good ones (a.txt, j1, j2, c1)."""
    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    (d / "a.txt").write_text(GOOD, encoding="utf-8")
    (d / "sub" / "bad.txt").write_bytes(b"\xff\xfe not utf-8")
    (d / "empty.txt").write_text("  \n", encoding="utf-8")
    (d / "ignored.md").write_text("not an input", encoding="utf-8")
    lines = [
        json.dumps({"id": "j1", "text": "David Miller praised Sarah Mitchell.", "src": "wire"}),
        "{not json",
        json.dumps({"text": 5}),
        json.dumps({"id": "j1", "text": "a second j1"}),
        json.dumps({"title": "no text"}),
        "",
        json.dumps({"id": "j2", "text": "Sarah Mitchell spoke. David Miller left.", "actors": ["Sarah Mitchell"]}),
    ]
    (d / "b.jsonl").write_bytes("\n".join(lines).encode() + b"\n" + b'{"id": "j3", "text": "\xff"}\n')
    (d / "c.csv").write_text('id,text\nc1,"David Miller met voters."\nc2,\n', encoding="utf-8")
    return d
