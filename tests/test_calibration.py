import json
import shutil

import numpy as np
import pytest

from newsstance.eval.calibrate import fit_temperature, main, nll
from newsstance.settings import ModelSettings


def test_the_fitted_temperature_is_the_one_the_labels_were_drawn_with():
    rng = np.random.default_rng(0)
    logits = rng.normal(scale=3.0, size=(20000, 3))
    p = np.exp(logits / 2.0)
    p /= p.sum(axis=1, keepdims=True)
    gold = np.array([rng.choice(3, p=row) for row in p])
    assert fit_temperature(logits, gold) == pytest.approx(2.0, rel=0.05)
    # log-softmax outputs give the same fit as the logits: they differ by a constant per row
    shifted = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    assert nll(shifted, gold, 1.7) == pytest.approx(nll(logits, gold, 1.7))
    with pytest.raises(ValueError, match="no dev examples"):
        fit_temperature(np.zeros((0, 3)), np.zeros(0, dtype=int))


@pytest.mark.parametrize("bad", [0, -1.0, float("nan"), True, "2"])
def test_a_temperature_must_be_a_positive_number(bad):
    with pytest.raises(ValueError, match="temperature must be a positive number"):
        ModelSettings(temperature=bad)


def test_the_temperature_flattens_probabilities_and_keeps_every_label(tiny_classifier):
    items = [("Critics slammed David Miller over the vote.", "David Miller"), ("Ana Ruiz won.", "Ana Ruiz")]
    before = tiny_classifier.classify_many(items)
    tiny_classifier.settings = ModelSettings(**{**tiny_classifier.settings.__dict__, "temperature": 3.0})
    after = tiny_classifier.classify_many(items)
    for b, a in zip(before, after):
        assert a.label == b.label
        expected = np.exp(np.log([b.probs[k] for k in b.probs]) / 3.0)
        expected /= expected.sum()
        assert [a.probs[k] for k in b.probs] == pytest.approx(expected.tolist(), abs=1e-5)
        assert max(a.probs.values()) <= max(b.probs.values())


def test_calibrate_fits_on_dev_writes_next_to_the_weights_and_refuses_test_sets(
    tiny_model_dir, small_data, tmp_path, capsys
):
    model = tmp_path / "model"
    shutil.copytree(tiny_model_dir, model)
    data = tmp_path / "data"
    data.mkdir()
    (data / "newsmtsc").symlink_to(small_data, target_is_directory=True)
    assert main(["--model", str(model), "--data-dir", str(data), "--write"]) == 0
    printed = capsys.readouterr().out
    result = json.loads(printed[: printed.rindex("}") + 1])
    assert result["fitted_on"] == ["newsmtsc-dev-rw", "newsmtsc-dev-mt"]  # NewsTSC dev absent here
    settings = ModelSettings.load(model)
    assert settings.temperature == result["temperature"] > 0
    assert settings.metrics["calibration"]["fitted_on"] == result["fitted_on"]
    dev = result["dev"]["newsmtsc-dev-rw"]
    assert dev["nll"]["fitted"] <= dev["nll"]["1.0"] + 1e-9 or result["temperature"] == 1.0
    with pytest.raises(SystemExit):
        main(["--model", str(model), "--data-dir", str(data), "--fit-on", "newsmtsc-test-rw"])
