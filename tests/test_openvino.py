import dataclasses
import json
import math
import shutil
import subprocess
import sys

import pytest

from newsstance.classifier import StanceClassifier
from newsstance.openvino_backend import OpenVinoStanceModel, openvino_available
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


@pytest.mark.parametrize("native_bf16", [True, False])
def test_openvino_keeps_the_contract(model_dir, monkeypatch, native_bf16):
    monkeypatch.setattr("newsstance.backends.bf16_native", lambda: native_bf16)
    ref = StanceClassifier.from_pretrained(model_dir, backend="torch")
    fast = StanceClassifier.from_pretrained(model_dir, backend="openvino-bf16", threads=1)
    assert fast.backend == "openvino-bf16" and isinstance(fast.model, OpenVinoStanceModel)
    assert fast.model.precision == ("bf16" if native_bf16 else "f32")
    got, want = fast.classify_many(ITEMS, batch_size=3), ref.classify_many(ITEMS)
    for a, b in zip(got, want):
        assert isinstance(a, Stance) and set(a.probs) == set(LABELS)
        assert math.isclose(sum(a.probs.values()), 1.0, rel_tol=1e-5)
        # float32 OpenVINO matches PyTorch closely; bf16 rounds the arithmetic
        assert a.probs == pytest.approx(b.probs, abs=0.05 if native_bf16 else 1e-4)
    with pytest.raises(ValueError, match="cannot save"):
        fast.save_pretrained(model_dir.parent / "copy")
    with pytest.raises(ValueError, match="CPU only"):
        fast.model.to("cuda")


def test_auto_uses_openvino_only_when_checked_installed_and_native(model_dir, monkeypatch):
    monkeypatch.setattr("newsstance.backends.bf16_native", lambda: True)
    settings = ModelSettings.load(model_dir)
    assert StanceClassifier.from_pretrained(model_dir, device="cpu").backend == "torch"  # nothing recorded
    dataclasses.replace(settings, backends={"openvino-bf16": {"passed": True}}).save(model_dir)
    assert StanceClassifier.from_pretrained(model_dir, device="cpu").backend == "openvino-bf16"
    monkeypatch.setattr("newsstance.backends.bf16_native", lambda: False)
    assert StanceClassifier.from_pretrained(model_dir, device="cpu").backend == "torch"  # float32 there: not faster
    monkeypatch.setattr("newsstance.backends.bf16_native", lambda: True)
    monkeypatch.setattr("newsstance.openvino_backend.openvino_available", lambda: False)
    assert StanceClassifier.from_pretrained(model_dir, device="cpu").backend == "torch"  # not installed
    monkeypatch.undo()
    dataclasses.replace(settings, backends={"openvino-bf16": {"passed": False}}).save(model_dir)
    assert StanceClassifier.from_pretrained(model_dir, device="cpu").backend == "torch"  # failed the check


def test_openvino_sends_no_telemetry(model_dir, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    code = (
        "import sys, newsstance; "
        f"clf = newsstance.load({str(model_dir)!r}, backend='openvino-bf16'); "
        "print(clf.classify('ruiz won.', 'ruiz').label, 'openvino_telemetry' in sys.modules)"
    )
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
    label, telemetry_loaded = out.split()
    assert label in LABELS and json.loads(telemetry_loaded.lower()) is False
    assert list(home.iterdir()) == []  # OpenVINO's telemetry would write ~/intel
