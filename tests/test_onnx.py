import dataclasses
import importlib.util
import logging
import os
import shutil
import subprocess
import sys

import pytest

from newsstance import backends
from newsstance.classifier import StanceClassifier
from newsstance.settings import ModelSettings
from newsstance.stance import LABELS, Stance

# found, not imported: a plain import of ONNX Runtime writes its telemetry id under HOME
if importlib.util.find_spec("onnxruntime") is None or importlib.util.find_spec("onnx_ir") is None:
    pytest.skip("needs the onnx extra", allow_module_level=True)

from newsstance.backends.onnx import ONNX_FILES, OnnxStanceModel, cache_dir, export_onnx  # noqa: E402
from newsstance.settings import file_sha256  # noqa: E402

TEXT = "the minister said ruiz was wrong, and ruiz said the party was wrong."


@pytest.fixture(scope="module")
def exported(tiny_model_dir, tmp_path_factory):
    path = tmp_path_factory.mktemp("onnx") / "m"
    shutil.copytree(tiny_model_dir, path)
    export_onnx(path)
    return path


def test_export_writes_a_fused_int8_file_that_keeps_the_contract(exported):
    import onnx

    ops = {node.op_type for node in onnx.load(str(exported / ONNX_FILES["onnx-int8"])).graph.node}
    assert {"Attention", "MatMulNBits", "DynamicQuantizeMatMul"} <= ops or {"QAttention", "MatMulNBits"} <= ops
    ref = StanceClassifier.from_pretrained(exported, backend="torch")
    fast = StanceClassifier.from_pretrained(exported, backend="onnx-int8", threads=1)
    assert fast.backend == "onnx-int8" and isinstance(fast.model, OnnxStanceModel)
    items = [(TEXT, "ruiz"), ("the party said ruiz won.", "party"), (TEXT, [(18, 22)])]
    got, want = fast.classify_many(items, batch_size=2), ref.classify_many(items)
    for a, b in zip(got, want):
        assert isinstance(a, Stance) and set(a.probs) == set(LABELS)
        assert a.probs == pytest.approx(b.probs, abs=0.05)
    with pytest.raises(ValueError, match="cannot save"):
        fast.save_pretrained(exported.parent / "copy")


def test_auto_never_takes_onnx_and_an_unchecked_file_is_warned_about(exported, monkeypatch, caplog, int8_cpu):
    settings = ModelSettings.load(exported)
    sha = file_sha256(exported / ONNX_FILES["onnx-int8"])

    def record(onnx_sha, backend="auto"):
        onnx = {"passed": True, "artefact": {"sha256": onnx_sha}}
        dataclasses.replace(settings, backends={"onnx-int8": onnx}).save(exported)
        return StanceClassifier.from_pretrained(exported, device="cpu", backend=backend).backend

    try:
        # its labels depend on the batch size, so a passed check is not enough for auto
        assert record(sha) == "torch"
        assert record(sha, "onnx-int8") == "onnx-int8"
        assert "differs from the file that passed" not in caplog.text
        assert record("0" * 64, "onnx-int8") == "onnx-int8"  # asked for by name: runs, with a warning
        assert "differs from the file that passed" in caplog.text
    finally:
        settings.save(exported)


def test_a_model_without_the_file_builds_it_once_into_the_cache(tiny_model_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSSTANCE_CACHE", str(tmp_path / "cache"))
    clf = StanceClassifier.from_pretrained(tiny_model_dir, backend="onnx-int8")
    built = cache_dir() / file_sha256(tiny_model_dir / "model.safetensors")[:16] / ONNX_FILES["onnx-int8"]
    assert clf.model.path == built and built.is_file()
    assert not (tiny_model_dir / ONNX_FILES["onnx-int8"]).exists()
    monkeypatch.setattr("newsstance.backends.onnx.export_onnx", lambda *a, **k: pytest.fail("built twice"))
    assert StanceClassifier.from_pretrained(tiny_model_dir, backend="onnx-int8").model.path == built


def test_onnx_backend_errors_name_the_fix(tmp_path):
    with pytest.raises(FileNotFoundError, match="newsstance export --model .* --backend onnx-int8"):
        OnnxStanceModel(tmp_path / "model.int8.onnx")
    with pytest.raises(ValueError, match="CPU only"):
        source = backends.ModelSource(ModelSettings(), None, backends.torch.device("cuda"))
        backends.candidates("onnx-int8", source)
    with pytest.raises(ValueError, match="unknown ONNX backend"):
        export_onnx(tmp_path, backend="onnx-fp8")


def test_cli_backend_choices_match_the_library():
    from newsstance.cli import BACKENDS

    assert BACKENDS == backends.BACKENDS


def test_exporting_logs_nothing_on_the_root_logger(tiny_model_dir, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="newsstance")
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    export_onnx(tiny_model_dir, out=tmp_path / "m.onnx")
    assert [r.getMessage() for r in caplog.records if r.name == "root"] == []
    assert root.handlers == handlers and root.level == level
    # ONNX Runtime's own lines are kept, for -v, on newsstance's logger at DEBUG
    assert any(r.name == "newsstance.backends.onnx" and "onnxruntime: " in r.getMessage() for r in caplog.records)


def test_exporting_leaves_an_unconfigured_root_logger_unconfigured(tiny_model_dir, tmp_path):
    """In a fresh process, where ONNX Runtime's quantiser is imported for the first time."""
    code = (
        "import logging, sys; from newsstance.backends.onnx import export_onnx; "
        "root = logging.getLogger(); before = (list(root.handlers), root.level); "
        "export_onnx(sys.argv[1], out=sys.argv[2]); "
        "assert (list(root.handlers), root.level) == before, (root.handlers, root.level); "
        "logging.getLogger('newsstance').info('not shown'); print('ok')"
    )
    env = os.environ | {"HF_HUB_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", code, str(tiny_model_dir), str(tmp_path / "m.onnx")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok" and "INFO" not in done.stderr and "get_tensor_type" not in done.stderr
