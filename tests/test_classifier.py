import dataclasses
import math

import pytest
import torch

import newsstance
from newsstance import LABELS, Stance, StanceClassifier
from newsstance.modeling import StanceModel
from newsstance.settings import SETTINGS_FILE, ModelSettings

TEXT = "the minister said ruiz was wrong, and ruiz said the minister lied."


def test_stance_is_frozen_and_scored():
    s = Stance.from_probs([0.2, 0.3, 0.5])
    assert s.label == "positive"
    assert s.score == pytest.approx(0.3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.label = "negative"
    with pytest.raises(ValueError, match="expected 3"):
        Stance.from_probs([1.0])
    with pytest.raises(ValueError, match="not one of"):
        Stance(label="good", probs=dict.fromkeys(LABELS, 1 / 3))


def test_classify_returns_a_stance_with_probabilities(tiny_classifier):
    s = tiny_classifier.classify(TEXT, "ruiz")
    assert isinstance(s, Stance)
    assert set(s.probs) == set(LABELS)
    assert math.isclose(sum(s.probs.values()), 1.0, rel_tol=1e-5)
    assert -1 <= s.score <= 1
    assert s.label == max(s.probs, key=s.probs.get)


def test_targets_as_name_span_and_spans_agree(tiny_classifier):
    spans = [(18, 22), (38, 42)]
    by_name = tiny_classifier.classify(TEXT, "ruiz")
    by_spans = tiny_classifier.classify(TEXT, spans)
    assert by_name.probs == pytest.approx(by_spans.probs)
    one = tiny_classifier.classify(TEXT, (18, 22))
    assert one.probs != pytest.approx(by_spans.probs)  # marking both mentions changes the input


def test_classify_many_keeps_order_and_matches_classify(tiny_classifier):
    items = [
        ("the minister said ruiz was wrong", "ruiz"),
        (TEXT, "minister"),
        ("ruiz", "ruiz"),
        ("a very long sentence about the party and the government and ruiz " * 5, "party"),
    ]
    many = tiny_classifier.classify_many(items, batch_size=2)
    single = [tiny_classifier.classify(t, g) for t, g in items]
    assert [m.probs for m in many] == [pytest.approx(s.probs, abs=1e-5) for s in single]
    assert tiny_classifier.classify_many([]) == []
    assert len(tiny_classifier.classify_many(iter(items), show_progress_bar=True)) == 4


def test_classify_many_errors_name_the_item(tiny_classifier):
    with pytest.raises(TypeError, match="item 1 must be a \\(text, target\\) pair"):
        tiny_classifier.classify_many([("ruiz won", "ruiz"), "ruiz won"])
    with pytest.raises(ValueError, match="batch_size"):
        tiny_classifier.classify_many([("ruiz won", "ruiz")], batch_size=0)
    with pytest.raises(ValueError, match="does not occur"):
        tiny_classifier.classify("ruiz won", "lopez")
    with pytest.raises(TypeError, match="text must be a str"):
        tiny_classifier.classify(42, "lopez")


def test_save_load_round_trip(tiny_classifier, tmp_path):
    before = tiny_classifier.classify(TEXT, "ruiz")
    tiny_classifier.save_pretrained(tmp_path / "m")
    names = {p.name for p in (tmp_path / "m").iterdir()}
    assert {"config.json", "model.safetensors", SETTINGS_FILE, "tokenizer.json"} <= names
    loaded = StanceClassifier.from_pretrained(tmp_path / "m", device="cpu")
    assert loaded.settings.encoding == tiny_classifier.settings.encoding
    assert loaded.settings.pooling == "mean+target"
    assert loaded.classify(TEXT, "ruiz").probs == pytest.approx(before.probs, abs=1e-6)
    via_load = newsstance.load(tmp_path / "m", device="cpu")
    assert via_load.classify(TEXT, "ruiz").probs == pytest.approx(before.probs, abs=1e-6)


def test_fp16_weights_load_as_float32(tiny_classifier, tmp_path):
    before = tiny_classifier.classify(TEXT, "ruiz")
    tiny_classifier.save_pretrained(tmp_path / "half", dtype=torch.float16)
    loaded = StanceClassifier.from_pretrained(tmp_path / "half")
    assert all(p.dtype == torch.float32 for p in loaded.model.parameters())
    assert loaded.classify(TEXT, "ruiz").probs == pytest.approx(before.probs, abs=1e-2)


def test_loading_errors_name_the_fix(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        StanceClassifier.from_pretrained(tmp_path / "nope")
    with pytest.raises(FileNotFoundError, match="not a newsstance model directory"):
        StanceClassifier.from_pretrained(tmp_path)
    with pytest.raises(ValueError, match="unknown device"):
        newsstance.classifier.resolve_device("gpu-please")


def test_settings_reject_other_labels_and_versions(tmp_path):
    with pytest.raises(ValueError, match="differ"):
        ModelSettings(labels=("bad", "neutral", "good"))
    ModelSettings().save(tmp_path)
    data = (tmp_path / SETTINGS_FILE).read_text().replace('"format_version": 1', '"format_version": 99')
    (tmp_path / SETTINGS_FILE).write_text(data)
    with pytest.raises(ValueError, match="format_version 99"):
        ModelSettings.load(tmp_path)


def test_model_rejects_unknown_pooling(tiny_base):
    with pytest.raises(ValueError, match="choose one of"):
        StanceModel.from_base(tiny_base, pooling="max")


def test_import_is_light():
    import subprocess
    import sys

    code = "import sys, newsstance; print('torch' in sys.modules, 'transformers' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_backend_errors_name_the_fix(tiny_classifier, tmp_path):
    tiny_classifier.save_pretrained(tmp_path / "m")
    with pytest.raises(ValueError, match="choose one of"):
        StanceClassifier.from_pretrained(tmp_path / "m", backend="torch-bf16")
    with pytest.raises(ValueError, match="choose one of"):
        StanceClassifier.from_pretrained(tmp_path / "m", backend="onnx")
    with pytest.raises(ValueError, match="threads"):
        StanceClassifier.from_pretrained(tmp_path / "m", threads=0)
