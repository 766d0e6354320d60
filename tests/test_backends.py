"""The backend registry: what `auto` picks on which CPU, and the errors that name the fix."""

import dataclasses

import pytest
import torch

from newsstance import backends
from newsstance.backends import cpu
from newsstance.settings import ModelSettings

AVX2 = {"avx2", "fma"}  # AMD EPYC Zen 3 class: no int8 dot products
VNNI = {"avx2", "avx512f", "avx512_vnni"}
ALL_PASSED = {"openvino-int8": {"passed": True}, "onnx-int8": {"passed": True}}


def source(records=None, device="cpu", model_dir=None):
    settings = dataclasses.replace(ModelSettings(), backends=records or {})
    return backends.ModelSource(settings, None, torch.device(device), model_dir)


@pytest.fixture
def everything_installed(monkeypatch, tmp_path):
    monkeypatch.setattr("newsstance.backends.openvino.openvino_available", lambda: True)
    monkeypatch.setattr("newsstance.backends.onnx.onnx_available", lambda export=False: True)
    return tmp_path


def test_cpu_flags_decide_int8():
    assert not cpu.int8_dot_native(AVX2)
    assert cpu.int8_dot_native(VNNI) and cpu.int8_dot_native({"avx_vnni"}) and cpu.int8_dot_native({"amx_int8"})
    assert cpu.bf16_native({"avx512_bf16"}) and not cpu.bf16_native(VNNI)
    described = cpu.describe(VNNI | {"sse4_2"})
    assert described["int8_dot"] and not described["bf16"]
    assert described["flags"] == ["avx2", "avx512f", "avx512_vnni"]  # only the flags that decide speed
    assert described["cores"] >= 1


def test_auto_takes_int8_only_where_the_cpu_has_int8_dot_products(everything_installed):
    model_dir = everything_installed
    assert backends.candidates("auto", source(ALL_PASSED, model_dir=model_dir), AVX2) == ["torch"]
    assert backends.candidates("auto", source(ALL_PASSED, model_dir=model_dir), VNNI) == ["openvino-int8", "torch"]


def test_auto_needs_a_passed_check_and_never_picks_a_labelling_backend(everything_installed):
    model_dir = everything_installed
    failed = {"openvino-int8": {"passed": False}, "openvino-bf16": {"passed": True}}
    assert backends.candidates("auto", source(failed, model_dir=model_dir), VNNI) == ["torch"]
    # onnx-int8's labels depend on the batch size, so auto never takes it, even when checked
    only_onnx = {"onnx-int8": {"passed": True}}
    assert backends.candidates("auto", source(only_onnx, model_dir=model_dir), VNNI) == ["torch"]


def test_auto_off_the_cpu_is_torch_and_explicit_backends_are_taken_as_asked():
    assert backends.candidates("auto", source(ALL_PASSED, device="cuda"), VNNI) == ["torch"]
    assert backends.candidates("openvino-int8", source(), AVX2) == ["openvino-int8"]
    assert backends.candidates("openvino-bf16", source(), AVX2) == ["openvino-bf16"]
    with pytest.raises(ValueError, match="CPU only.*backend='torch'"):
        backends.candidates("openvino-int8", source(device="cuda"))
    with pytest.raises(ValueError, match="unknown backend 'gpu-int4'; choose one of"):
        backends.candidates("gpu-int4", source())


def test_every_offered_backend_is_registered():
    assert set(backends.BACKENDS) - {"auto"} | set(backends.LABELLING_BACKENDS) == set(backends.REGISTRY)
    assert all(backends.REGISTRY[name].int8 for name in backends.AUTO_ORDER)
    with pytest.raises(ValueError, match="unknown backend"):
        backends.installed("tpu")


def test_the_torch_backend_loads_an_in_memory_model(tiny_classifier):
    model = tiny_classifier.model
    given = backends.ModelSource(tiny_classifier.settings, tiny_classifier.tokenizer, torch.device("cpu"), None, model)
    name, runner = backends.load("auto", given, VNNI)  # nothing recorded: no int8 backend passed a check
    assert name == "torch" and runner is model
    with pytest.raises(ValueError, match="runs an exported file; load the model with from_pretrained"):
        backends.load("onnx-int8", given)
