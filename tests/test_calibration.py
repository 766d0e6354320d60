import json
import shutil

import numpy as np
import pytest

from newsstance.cli import main
from newsstance.eval.calibrate import fit_temperature, nll
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


def test_the_fit_is_the_nll_minimum_and_stays_within_its_bounds():
    from newsstance.eval.calibrate import BOUNDS

    rng = np.random.default_rng(1)
    logits = rng.normal(scale=1.0, size=(20000, 3))
    p = np.exp(logits / 0.5)
    p /= p.sum(axis=1, keepdims=True)
    gold = np.array([rng.choice(3, p=row) for row in p])
    t = fit_temperature(logits, gold)
    assert t == pytest.approx(0.5, rel=0.05)
    assert nll(logits, gold, t) <= min(nll(logits, gold, t * 0.999), nll(logits, gold, t * 1.001))
    # a model that is always right wants T -> 0, one that is always wrong T -> infinity: the bounds hold
    assert fit_temperature(logits, logits.argmax(axis=1)) == pytest.approx(BOUNDS[0], rel=1e-3)
    assert fit_temperature(logits, logits.argmin(axis=1)) == pytest.approx(BOUNDS[1], rel=1e-3)


def test_logits_many_are_what_the_probabilities_come_from(tiny_classifier):
    from newsstance.stance import LABELS

    items = [("Critics slammed David Miller over the vote.", "David Miller"), ("Ana Ruiz won.", "Ana Ruiz")] * 3
    items.append(("the minister said ruiz was wrong about the party and the government " * 4, "ruiz"))
    logits = tiny_classifier.logits_many(items, batch_size=2)
    assert logits.shape == (len(items), 3) and logits.dtype == np.float32
    assert np.allclose(tiny_classifier.logits_many(items[::-1], batch_size=3), logits[::-1], atol=1e-5)
    assert tiny_classifier.logits_many([]).shape == (0, 3)
    tiny_classifier.settings = ModelSettings(**{**tiny_classifier.settings.__dict__, "temperature": 3.0})
    assert np.array_equal(tiny_classifier.logits_many(items, batch_size=2), logits)  # before the temperature
    z = np.exp(logits / 3.0)
    probs = [[s.probs[k] for k in LABELS] for s in tiny_classifier.classify_many(items)]
    assert np.allclose(probs, z / z.sum(axis=1, keepdims=True), atol=1e-6)
    with pytest.raises(ValueError, match="batch_size"):
        tiny_classifier.logits_many(items, batch_size=0)


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
    assert main(["calibrate", "--model", str(model), "--data-dir", str(data), "--write"]) == 0
    printed = capsys.readouterr().out
    result = json.loads(printed[: printed.rindex("}") + 1])
    assert result["fitted_on"] == ["newsmtsc-dev-rw", "newsmtsc-dev-mt"]  # NewsTSC dev absent here
    settings = ModelSettings.load(model)
    assert settings.temperature == result["temperature"] > 0
    assert settings.metrics["calibration"]["fitted_on"] == result["fitted_on"]
    dev = result["dev"]["newsmtsc-dev-rw"]
    assert dev["nll"]["fitted"] <= dev["nll"]["1.0"] + 1e-9 or result["temperature"] == 1.0
    assert main(["calibrate", "--model", str(model), "--data-dir", str(data), "--fit-on", "newsmtsc-test-rw"]) == 2
    assert "dev sets only" in capsys.readouterr().err
