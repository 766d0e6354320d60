import json
import shutil
from pathlib import Path

import pytest
from safetensors.torch import load_file, save_file

import newsstance
from newsstance.training import TrainConfig, train
from newsstance.training import trainer as trainer_module
from newsstance.training.base_models import resolve_base_model
from newsstance.training.data import load_newsmtsc
from newsstance.training.soup import average_weights, soup


def test_reader_gives_one_row_per_target_with_all_mentions(small_data):
    ds = load_newsmtsc(small_data / "train.jsonl")
    raw = [json.loads(line) for line in (small_data / "train.jsonl").read_text().splitlines()]
    assert len(ds) == sum(len(r["targets"]) for r in raw)
    with_further = next(i for i, r in enumerate(ds) if len(r["spans"]) > 1)
    assert len(ds[with_further]["spans"]) > 1
    assert set(ds["label"]) <= {0, 1, 2}
    plain = load_newsmtsc(small_data / "train.jsonl", further_mentions=False)
    assert all(len(s) == 1 for s in plain["spans"])


def test_smoke_training_saves_a_loadable_model(tiny_config, small_data, tmp_path):
    result = train(tiny_config(), small_data, tmp_path / "out", device="cpu", max_steps=2, test_files=("dev_rw.jsonl",))
    out = tmp_path / "out"
    assert result.best_epoch == 1
    assert {"dev_rw", "dev_mt"} == set(result.dev)
    names = {p.name for p in out.iterdir()}
    assert {"config.json", "model.safetensors", "newsstance.json", "README.md", "tokenizer.json"} <= names
    assert "checkpoint" not in names
    settings = json.loads((out / "newsstance.json").read_text())
    assert settings["training"]["pooling"] == "mean+target"
    assert set(settings["data"]) == {"train.jsonl", "dev_rw.jsonl", "dev_mt.jsonl"}
    assert "dev_rw" in settings["metrics"]["test"]
    assert all(v.dtype.itemsize == 2 for v in load_file(out / "model.safetensors").values() if v.is_floating_point())
    clf = newsstance.load(out, device="cpu")
    assert clf.classify("the minister said ruiz was wrong", "ruiz").label in newsstance.LABELS
    assert "F1m" in (out / "README.md").read_text()


def test_interrupted_training_resumes_to_the_same_weights(tiny_config, small_data, tmp_path, monkeypatch):
    config = tiny_config(epochs=2, checkpoint_every=2)
    train(config, small_data, tmp_path / "straight", device="cpu")

    calls = {"n": 0}
    real = trainer_module.pad_batch

    def interrupt_after_five(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > 5:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(trainer_module, "pad_batch", interrupt_after_five)
    with pytest.raises(KeyboardInterrupt):
        train(config, small_data, tmp_path / "resumed", device="cpu")
    assert (tmp_path / "resumed" / "checkpoint").is_dir()
    monkeypatch.setattr(trainer_module, "pad_batch", real)
    train(config, small_data, tmp_path / "resumed", device="cpu")

    a = load_file(tmp_path / "straight" / "model.safetensors")
    b = load_file(tmp_path / "resumed" / "model.safetensors")
    assert all((a[k].float() - b[k].float()).abs().max() < 1e-3 for k in a)

    with pytest.raises(ValueError, match="different config"):
        (tmp_path / "resumed" / "checkpoint").mkdir()
        trainer_module.torch.save({"config": {}}, tmp_path / "resumed" / "checkpoint" / "trainer_state.pt")
        train(config, small_data, tmp_path / "resumed", device="cpu")


def test_soup_averages_seed_runs(tiny_config, small_data, tmp_path):
    config = tiny_config(soup_seeds=[1, 2])
    result = train(config, small_data, tmp_path / "soup", device="cpu", max_steps=2)
    runs = [tmp_path / "soup" / "runs" / f"seed{s}" for s in (1, 2)]
    mean = average_weights(runs)
    got = load_file(tmp_path / "soup" / "model.safetensors")
    assert all((got[k].float() - mean[k]).abs().max() < 1e-2 for k in mean)
    metrics = json.loads((tmp_path / "soup" / "newsstance.json").read_text())["metrics"]
    assert metrics["soup_of_seeds"] == [1, 2]
    assert set(metrics["seed_runs"]) == {"dev_rw", "dev_mt"}
    assert "mean ± sd" in (tmp_path / "soup" / "README.md").read_text()
    assert set(result.dev) == {"dev_rw", "dev_mt"}
    with pytest.raises(ValueError, match="at least one"):
        soup([], tmp_path / "x")


def test_config_validates_itself(tmp_path):
    with pytest.raises(ValueError, match="learning_rate"):
        TrainConfig(learning_rate=5)
    with pytest.raises(ValueError, match="epochs"):
        TrainConfig(epochs=0)
    with pytest.raises(ValueError, match="pooling"):
        TrainConfig(pooling="max")
    with pytest.raises(ValueError, match="soup_seeds"):
        TrainConfig(soup_seeds=[1])
    with pytest.raises(ValueError, match="unknown training settings \\['lr'\\]"):
        TrainConfig.from_dict({"lr": 1e-5})
    with pytest.raises(FileNotFoundError, match="training/configs"):
        TrainConfig.from_json(tmp_path / "missing.json")
    config = TrainConfig(soup_seeds=[1, 2])
    assert TrainConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config


def _holds(config: TrainConfig, settings: dict) -> bool:
    """Every setting of a recipe JSON is what the parsed config says."""
    parsed = config.to_dict()
    return all(parsed[k] == v for k, v in settings.items() if k not in ("name", "description"))


def test_committed_recipes_parse_to_what_they_say():
    paths = sorted((Path(__file__).parents[1] / "training" / "configs").glob("*.json"))
    assert len(paths) >= 5
    for path in paths:
        data = json.loads(path.read_text())
        if "variants" in data:
            base = TrainConfig.from_json(path.parent / data["base"]).replace(**data.get("common", {}))
            assert _holds(base, data.get("common", {})), path
            for name, overrides in data["variants"].items():
                assert _holds(base.replace(**overrides), overrides), f"{path}: {name}"
        else:
            assert _holds(TrainConfig.from_json(path), data), path


def test_base_model_resolution(tiny_base, tmp_path):
    assert resolve_base_model(str(tiny_base)) == tiny_base
    with pytest.raises(FileNotFoundError, match="no config.json"):
        resolve_base_model(str(tmp_path))
    with pytest.raises(FileNotFoundError, match="neither a local folder"):
        resolve_base_model("someone/unknown-model")


def test_assembled_base_models_resolve_from_the_bases_cache(tiny_base, tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSSTANCE_BASES", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="newsstance fetch-base"):
        resolve_base_model("sentence-transformers/all-mpnet-base-v2")
    (tmp_path / "all-mpnet-base-v2").symlink_to(tiny_base)
    assert resolve_base_model("sentence-transformers/all-mpnet-base-v2") == tmp_path / "all-mpnet-base-v2"


def test_missing_data_names_the_flag(tmp_path):
    with pytest.raises(FileNotFoundError, match="--data"):
        load_newsmtsc(tmp_path / "train.jsonl")


def test_init_model_starts_from_a_trained_model(tiny_config, tiny_model_dir, small_data, tmp_path):
    import shutil

    from safetensors.torch import save_file

    init = tmp_path / "init"
    shutil.copytree(tiny_model_dir, init)
    start = {k: v + 0.5 for k, v in load_file(init / "model.safetensors").items()}  # unlike any fresh start
    save_file(start, init / "model.safetensors")
    config = tiny_config(init_model=str(init), learning_rate=1e-12, warmup_ratio=0.0)
    train(config, small_data, tmp_path / "out", device="cpu", max_steps=1)
    got = load_file(tmp_path / "out" / "model.safetensors")
    assert all((start[k].float() - got[k].float()).abs().max() < 1e-2 for k in start)
    with pytest.raises(ValueError, match="another pooling"):
        train(config.replace(pooling="cls"), small_data, tmp_path / "cls", device="cpu", max_steps=1)


def test_soup_with_averages_a_trained_run_with_other_models(tiny_config, tiny_model_dir, small_data, tmp_path):
    result = train(tiny_config(soup_with=[str(tiny_model_dir)]), small_data, tmp_path / "s", device="cpu", max_steps=2)
    mean = average_weights([tmp_path / "s" / "runs" / "seed42", tiny_model_dir])
    got = load_file(tmp_path / "s" / "model.safetensors")
    assert all((got[k].float() - mean[k]).abs().max() < 1e-2 for k in mean)
    metrics = json.loads((tmp_path / "s" / "newsstance.json").read_text())["metrics"]
    assert metrics["soup_with"][0]["path"] == str(tiny_model_dir)
    assert "1 other trained model" in (tmp_path / "s" / "README.md").read_text()
    assert set(result.dev) == {"dev_rw", "dev_mt"}
    with pytest.raises(ValueError, match="another pooling"):
        train(tiny_config(soup_with=[str(tiny_model_dir)], pooling="cls"), small_data, tmp_path / "c", device="cpu")


def test_soup_with_weight_weighs_the_other_models(tiny_config, tiny_model_dir, small_data, tmp_path):
    shifted = tmp_path / "shifted"
    shutil.copytree(tiny_model_dir, shifted)
    start = load_file(tiny_model_dir / "model.safetensors")
    save_file({k: (v.float() + 1).to(v.dtype) for k, v in start.items()}, shifted / "model.safetensors")
    got = load_file(soup([tiny_model_dir, shifted], tmp_path / "mix", weights=[1, 3]) / "model.safetensors")
    assert all((got[k].float() - start[k].float() - 0.75).abs().max() < 1e-2 for k in start)

    train(
        tiny_config(soup_with=[str(shifted)], soup_with_weight=0.7),
        small_data,
        tmp_path / "s",
        device="cpu",
        max_steps=1,
    )
    settings = json.loads((tmp_path / "s" / "newsstance.json").read_text())
    assert settings["training"]["soup_with_weight"] == 0.7
    assert settings["metrics"]["soup_with"][0]["weight"] == 0.7
    assert "weight 0.70" in (tmp_path / "s" / "README.md").read_text()
    with pytest.raises(ValueError, match="needs soup_with"):
        tiny_config(soup_with_weight=0.5)
    with pytest.raises(ValueError, match=r"in \(0, 1\)"):
        tiny_config(soup_with=[str(tiny_model_dir)], soup_with_weight=1.0)


def test_mixing_weights_refuse_what_cannot_be_a_mix():
    from newsstance.training.soup import mixing_weights

    assert mixing_weights(2) == [0.5, 0.5]
    assert mixing_weights(2, [1, 3]) == [0.25, 0.75]
    for bad in ([1], [-1, 2], [0, 0], [float("nan"), 1]):
        with pytest.raises(ValueError):
            mixing_weights(2, bad)


def test_train_step_times_both_precisions_from_one_start(tiny_base, small_data):
    from newsstance.training.step_speed import step_times

    runs = step_times(str(tiny_base), small_data / "train.jsonl", steps=1, batch_size=4)
    assert [r["precision"] for r in runs] == ["fp32", "bf16", "fp32", "bf16"]
    assert all(r["s_per_step"] > 0 and r["steps"] == 1 for r in runs)
