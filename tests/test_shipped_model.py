"""Integration tests with the shipped model, on text written by the project itself."""

import json
from pathlib import Path

import pytest
import torch

import newsstance

REPO = Path(__file__).resolve().parents[1]
SHARED_SEED = REPO.parent / "shared" / "seeds" / "venezuela_guaido_2019.txt"

pytestmark = pytest.mark.slow  # the shipped model

CLEAR = [
    (
        "Voters cheered Mayor Sarah Mitchell after she rebuilt the flooded school in record time.",
        "Sarah Mitchell",
        "positive",
    ),
    (
        "Economists praised Finance Minister David Okafor for a budget that cut the debt and protected pensions.",
        "David Okafor",
        "positive",
    ),
    (
        "The veterans' association honoured Senator Laura Brandt for twenty years of tireless work on their behalf.",
        "Laura Brandt",
        "positive",
    ),
    (
        "Prosecutors charged Governor Tom Walsh with bribery after auditors found millions missing.",
        "Tom Walsh",
        "negative",
    ),
    (
        "Critics slammed Minister Karen Holt for lying to parliament about the failed contract.",
        "Karen Holt",
        "negative",
    ),
    (
        "Protesters accused President Elias Romero of rigging the election and jailing journalists.",
        "Elias Romero",
        "negative",
    ),
    ("Governor Tom Walsh will travel to Ottawa on Tuesday for a two-day trade meeting.", "Tom Walsh", "neutral"),
    ("Senator Laura Brandt was born in Ohio and studied law in Chicago.", "Laura Brandt", "neutral"),
    ("Minister Karen Holt said the committee would publish its report in March.", "Karen Holt", "neutral"),
    (
        "Voters rewarded Anna Weiss with a landslide while punishing her rival Mark Hale for the scandal.",
        "Anna Weiss",
        "positive",
    ),
    (
        "Voters rewarded Anna Weiss with a landslide while punishing her rival Mark Hale for the scandal.",
        "Mark Hale",
        "negative",
    ),
    ("Observers praised the Green Party for publishing every donation online.", "Green Party", "positive"),
]


@pytest.fixture(scope="module")
def clf():
    if not (newsstance.default_model_path() / "model.safetensors").is_file():
        pytest.fail("the shipped model is missing from model/default; see README 'Retrain'")
    return newsstance.load(device="cpu")


def test_shipped_model_is_small_and_describes_itself(clf):
    weights = newsstance.default_model_path() / "model.safetensors"
    assert weights.stat().st_size < 50_000_000
    assert clf.settings.base_model == "sentence-transformers/all-MiniLM-L6-v2"
    assert (newsstance.default_model_path() / "README.md").is_file()
    fp32 = newsstance.load(device="cpu", backend="torch")
    assert all(p.dtype == torch.float32 for p in fp32.model.parameters())  # fp16 on disk, float32 in memory
    # `auto` only ever picks a backend whose accuracy check is recorded as passed
    assert clf.backend == "torch" or clf.settings.backends[clf.backend]["passed"]


@pytest.mark.parametrize(("text", "target", "label"), CLEAR, ids=[f"{t}-{lab}" for _, t, lab in CLEAR])
def test_clear_sentences(clf, text, target, label):
    assert clf.classify(text, target).label == label


def test_a_late_target_in_a_5000_word_text(clf):
    filler = " ".join(["The committee met again on Monday."] * 840)
    text = filler + " Critics slammed Minister Karen Holt for lying to parliament about the failed contract."
    assert len(text.split()) > 5000
    assert clf.classify(text, "Karen Holt").label == "negative"


# Clear gold labels the shipped model gets wrong, kept visible instead of deleted: the test
# fails (strict xfail) once a model gets them right, so the list stays true. Helena Quist
# (harbour_strike) was one while her own statements counted for her portrayal; with speakers
# apart from their own words (newsstance.articles.voices) she is labelled as the gold has her.
KNOWN_MISSES: dict[tuple[str, str], str] = {}


# The seeds whose article-level gold these tests hold the shipped model to, actor by actor. The
# other seeds (gold per passage too) form the `seeds` article benchmark of `newsstance evaluate`,
# which measures rather than asserts.
REGRESSION_SEEDS = ("clinic_funding", "harbour_strike", "venezuela_2019_retold")


def _gold_files():
    return [REPO / "seeds" / f"{stem}.gold.json" for stem in REGRESSION_SEEDS]


def _clear_cases():
    for gold_file in _gold_files():
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        for actor in gold["actors"]:
            if actor["clear"]:
                reason = KNOWN_MISSES.get((gold["article"], actor["name"]))
                marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
                yield pytest.param(
                    gold["article"], actor["name"], actor["label"], marks=marks, id=f"{gold['article']}-{actor['name']}"
                )


@pytest.fixture(scope="module")
def seed_analyses(clf):
    articles = [json.loads(f.read_text(encoding="utf-8"))["article"] for f in _gold_files()]
    texts = [(REPO / "seeds" / a).read_text(encoding="utf-8") for a in articles]
    return dict(zip(articles, clf.analyze_many(texts)))


@pytest.mark.parametrize("gold_file", _gold_files(), ids=lambda p: p.stem)
def test_seed_actors_are_found_once(seed_analyses, gold_file):
    gold = json.loads(gold_file.read_text(encoding="utf-8"))
    names = [a.name for a in seed_analyses[gold["article"]].actors]
    for actor in gold["actors"]:
        assert names.count(actor["name"]) == 1, f"{actor['name']} found {names.count(actor['name'])} times in {names}"


@pytest.mark.parametrize(("article", "actor", "label"), list(_clear_cases()))
def test_seed_clear_labels(seed_analyses, article, actor, label):
    assert seed_analyses[article].stance_of(actor).label == label


@pytest.mark.skipif(not SHARED_SEED.is_file(), reason="needs ../shared/seeds")
def test_reference_seed_article(clf):
    analysis = clf.analyze(SHARED_SEED.read_text(encoding="utf-8"))
    names = [a.name for a in analysis.actors]
    for name in ("Juan Guaido", "Nicolas Maduro", "Carlos Vecchio", "Craig Faller", "Trump", "United States"):
        assert names.count(name) == 1, f"{name} in {names}"
    assert analysis.stance_of("Nicolas Maduro").label == "negative"


def test_default_names_the_shipped_model_in_python_as_on_the_command_line(clf, tmp_path, monkeypatch):
    from newsstance.settings import default_model_path

    assert newsstance.load("default", backend="torch").model_dir == default_model_path()
    (tmp_path / "default").mkdir()
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError):  # a folder of that name is what the caller means
        newsstance.load("default")
