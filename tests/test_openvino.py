import dataclasses
import math
import shutil

import pytest
import torch

from newsstance.backends.openvino import OpenVinoStanceModel, openvino_available
from newsstance.classifier import StanceClassifier
from newsstance.modeling import INPUT_NAMES
from newsstance.settings import ModelSettings
from newsstance.stance import LABELS, Stance

# not pytest.importorskip: a plain `import openvino` would report to OpenVINO's telemetry
pytestmark = pytest.mark.skipif(not openvino_available(), reason="needs the openvino extra")

TEXT = "the minister said ruiz was wrong, and ruiz said the party was wrong."
ITEMS = [
    (TEXT, "ruiz"),
    ("the party said ruiz won.", "party"),  # shorter: padded in a batch with the others
    (TEXT, [(18, 22)]),
    ("ruiz won.", "ruiz"),
]


@pytest.fixture
def model_dir(tiny_model_dir, tmp_path):
    path = tmp_path / "m"
    shutil.copytree(tiny_model_dir, path)
    return path


def test_openvino_keeps_the_contract(model_dir):
    ref = StanceClassifier.from_pretrained(model_dir, backend="torch")
    fast = StanceClassifier.from_pretrained(model_dir, backend="openvino-int8", threads=1)
    assert fast.backend == "openvino-int8" and isinstance(fast.model, OpenVinoStanceModel)
    assert fast.model.precision == "int8"
    got, want = fast.classify_many(ITEMS, batch_size=3), ref.classify_many(ITEMS)
    for a, b in zip(got, want):
        assert isinstance(a, Stance) and set(a.probs) == set(LABELS)
        assert math.isclose(sum(a.probs.values()), 1.0, rel_tol=1e-5)
        assert a.probs == pytest.approx(b.probs, abs=0.05)  # int8 rounds the linear layers
    with pytest.raises(ValueError, match="cannot save"):
        fast.save_pretrained(model_dir.parent / "copy")
    with pytest.raises(ValueError, match="CPU only"):
        fast.model.to("cuda")


def test_quantize_weights_stores_every_linear_layer_in_int8(model_dir):
    from newsstance.backends.openvino import _convert, quantize_weights
    from newsstance.encoding import example_batch

    clf = StanceClassifier.from_pretrained(model_dir, backend="torch")
    example = example_batch(clf.tokenizer, clf.encoding)
    converted = _convert(clf.model, {k: v for k, v in example.items() if k in INPUT_NAMES})
    # the encoder's pooler is unused (the head reads the hidden states), so the graph drops it
    linear = sum(isinstance(m, torch.nn.Linear) for n, m in clf.model.named_modules() if "pooler" not in n)
    assert quantize_weights(converted) == linear
    constants = [n for n in converted.get_ordered_ops() if n.get_type_name() == "Constant"]
    assert sum(n.get_element_type().get_type_name() == "i8" for n in constants) == linear
    assert quantize_weights(converted) == 0  # nothing left to store


@pytest.mark.parametrize("native_bf16", [True, False])
def test_distill_labels_with_openvino_in_bf16_or_f32(model_dir, tmp_path, monkeypatch, native_bf16):
    from newsstance.training.distill import teacher_probabilities

    monkeypatch.setattr("newsstance.backends.cpu.bf16_native", lambda flags=None: native_bf16)
    items = [(TEXT, [(18, 22)]), ("the party said ruiz won.", [(15, 19)])]
    want = teacher_probabilities(model_dir, items, tmp_path / "torch.jsonl", "torch")
    got = teacher_probabilities(model_dir, items, tmp_path / "ov.jsonl", "openvino-bf16")
    for a, b in zip(got, want):
        # float32 OpenVINO matches PyTorch closely; bf16 rounds the arithmetic
        assert a == pytest.approx(b, abs=0.05 if native_bf16 else 1e-4)
    with pytest.raises(ValueError, match="choose torch or openvino-bf16"):
        teacher_probabilities(model_dir, items, tmp_path / "x.jsonl", "openvino-int8")


def test_auto_uses_openvino_only_when_checked_and_installed(model_dir, monkeypatch, int8_cpu):
    settings = ModelSettings.load(model_dir)
    assert StanceClassifier.from_pretrained(model_dir, device="cpu").backend == "torch"  # nothing recorded
    dataclasses.replace(settings, backends={"openvino-int8": {"passed": True}}).save(model_dir)
    assert StanceClassifier.from_pretrained(model_dir, device="cpu").backend == "openvino-int8"
    monkeypatch.setattr("newsstance.backends.cpu.cpu_flags", lambda: frozenset({"avx2"}))
    assert StanceClassifier.from_pretrained(model_dir, device="cpu").backend == "torch"  # no int8 instructions
    monkeypatch.setattr("newsstance.backends.cpu.cpu_flags", lambda: frozenset({"avx_vnni"}))
    monkeypatch.setattr("newsstance.backends.openvino.openvino_available", lambda: False)
    assert StanceClassifier.from_pretrained(model_dir, device="cpu").backend == "torch"  # not installed
    monkeypatch.undo()
    dataclasses.replace(settings, backends={"openvino-int8": {"passed": False}}).save(model_dir)
    assert StanceClassifier.from_pretrained(model_dir, device="cpu").backend == "torch"  # failed the check
