import json
from dataclasses import dataclass

import pytest
import torch
import torch.nn.functional as F

import newsstance
from newsstance.training import TrainConfig
from newsstance.training import distill as distill_module
from newsstance.training.distill import WORK_DIR, distill
from newsstance.training.distill_loss import distillation_loss
from newsstance.training.transfer import Sentence, build_transfer_set, replace_spans, whole_word_spans

# -- transfer set -----------------------------------------------------------------------------


@dataclass
class _Ent:
    text: str
    label_: str
    start_char: int
    end_char: int


class _FakeNLP:
    """Finds the entities it is told about, wherever they occur: a deterministic stand-in for spaCy."""

    def __init__(self, entities: dict[str, str]):
        self.entities = entities

    def pipe(self, texts, batch_size=256):
        for text in texts:
            ents = [_Ent(n, label, a, b) for n, label in self.entities.items() for a, b in whole_word_spans(text, n)]

            @dataclass
            class Doc:
                ents: list

            yield Doc(sorted(ents, key=lambda e: e.start_char))


def test_replace_spans_moves_every_span():
    text = "Ruiz said Ruiz and her aide met Lee."
    old = [(0, 4), (10, 14)]
    new_text, moved = replace_spans(text, old, "Alvarez", [*old, (19, 22), (32, 35)])
    assert new_text == "Alvarez said Alvarez and her aide met Lee."
    assert [new_text[a:b] for a, b in moved] == ["Alvarez", "Alvarez", "her", "Lee"]


def test_transfer_set_adds_other_actors_and_name_swaps_but_never_held_out_sentences():
    own = "Senator Ana Ruiz praised Mark Olsen of Acme Corp in Paris, and Olsen thanked her."
    held = "Ana Ruiz met Mark Olsen in Paris."
    ruiz = (own.index("Ana Ruiz"), own.index("Ana Ruiz") + len("Ana Ruiz"))
    her = (own.rindex("her"), own.rindex("her") + 3)
    people = {"Ana Ruiz": "PERSON", "Mark Olsen": "PERSON", "Olsen": "PERSON"}
    nlp = _FakeNLP({**people, "Acme Corp": "ORG", "Paris": "GPE"})
    sentences = [Sentence(own, ((ruiz, her),)), Sentence(held, (((0, 8),),))]
    pairs = build_transfer_set(sentences, nlp, held_out={held.casefold()}, seed=0)

    assert all(held not in p.text for p in pairs)
    actors = {tuple(p.text[a:b] for a, b in p.spans): p.origin for p in pairs if not p.origin.startswith("swap")}
    assert actors == {
        ("Mark Olsen",): "actor:PERSON",
        ("Olsen",): "actor:PERSON",
        ("Acme Corp",): "actor:ORG",
        ("Paris",): "actor:GPE",
    }
    swaps = [p for p in pairs if p.origin == "swap:PERSON"]
    assert len(swaps) == 1 and len([p for p in pairs if p.origin.startswith("swap")]) == 1
    swap = swaps[0]
    assert "Ana Ruiz" not in swap.text and swap.text.startswith("Senator Mark Olsen praised")
    assert [swap.text[a:b] for a, b in swap.spans] == ["Mark Olsen", "her"]


def test_name_swaps_stay_within_a_type():
    text = "The Harbour Board fined Acme Corp, and Acme Corp appealed."
    acme = [(24, 33), (39, 48)]
    other = "Critics said Zenith Ltd and the Harbour Board met in Oslo."
    nlp = _FakeNLP({"Acme Corp": "ORG", "Zenith Ltd": "ORG", "Harbour Board": "ORG", "Oslo": "GPE"})
    pairs = build_transfer_set([Sentence(text, (tuple(acme),)), Sentence(other, ())], nlp, held_out=set(), seed=0)
    swaps = [p for p in pairs if p.origin == "swap:ORG"]
    assert len(swaps) == 1
    swap = swaps[0]
    names = {swap.text[a:b] for a, b in swap.spans}
    assert len(names) == 1 and names <= {"Zenith Ltd", "Harbour Board"} and "Acme Corp" not in swap.text
    assert not [p for p in pairs if p.origin.startswith("swap") and "Oslo" in {p.text[a:b] for a, b in p.spans}]


def test_a_teacher_store_gives_back_its_probabilities_and_refuses_unknown_examples(tmp_path):
    from newsstance.training.teacher_store import TeacherStore

    items = [("Ana Ruiz won.", [(0, 8)]), ("Ana Ruiz won.", [(0, 3)]), ("Lee lost.", [(0, 3)])]
    probs = [[0.1, 0.2, 0.7], [0.3, 0.3, 0.4], [0.8, 0.15, 0.05]]
    path = TeacherStore.build(items, probs, {"recipe": "x"}).save(tmp_path / "t.npz")
    store = TeacherStore.load(path)
    assert store.meta == {"recipe": "x"} and store.probs.dtype.name == "float16"
    got = store.lookup([items[2], items[0]])
    assert got.tolist() == [pytest.approx(probs[2], abs=1e-3), pytest.approx(probs[0], abs=1e-3)]
    assert "Ana Ruiz won." not in path.read_bytes().decode("latin-1")  # keys and numbers, no text
    with pytest.raises(ValueError, match="no probabilities for 1 of 2"):
        store.lookup([items[1], ("Lee won.", [(0, 3)])])


# -- loss -------------------------------------------------------------------------------------


def test_distillation_loss_mixes_gold_and_teacher_terms():
    torch.manual_seed(0)
    logits = torch.randn(4, 3)
    labels = torch.tensor([0, 2, -1, -1])
    teacher = torch.softmax(torch.randn(4, 3), -1)
    ce = F.cross_entropy(logits, labels.clamp_min(0), reduction="none")
    kl = F.kl_div(F.log_softmax(logits, -1), teacher, reduction="none").sum(-1)

    got = distillation_loss(logits, labels, teacher, weight=0.0, temperature=1.0)
    assert torch.allclose(got, torch.cat([ce[:2], kl[2:]]).mean())
    got = distillation_loss(logits, labels, teacher, weight=0.25, temperature=1.0)
    assert torch.allclose(got, torch.cat([0.75 * ce[:2] + 0.25 * kl[:2], kl[2:]]).mean())
    # a student that matches the teacher at every temperature has no KL to pay
    assert distillation_loss(torch.log(teacher), torch.full((4,), -1), teacher, 1.0, 3.0).abs() < 1e-5


# -- end to end -------------------------------------------------------------------------------


def test_distill_trains_a_student_from_a_teacher_and_reuses_its_labels(
    tiny_config, tiny_model_dir, small_data, tmp_path, monkeypatch
):
    pytest.importorskip("spacy")
    config = tiny_config()
    out = tmp_path / "student"
    result = distill(config, [tiny_model_dir], small_data, out, max_pairs=15, device="cpu")
    assert set(result.dev) == {"dev_rw", "dev_mt"}
    work = out / WORK_DIR
    pairs = (work / "transfer.jsonl").read_text().splitlines()
    assert 0 < len(pairs) <= 15
    cached = next(work.glob("teacher_probs.*.jsonl")).read_text().splitlines()
    n_gold = sum(len(json.loads(line)["targets"]) for line in (small_data / "train.jsonl").read_text().splitlines())
    assert len(cached) == n_gold + len(pairs)
    assert all(abs(sum(json.loads(p)) - 1) < 1e-4 for p in cached)

    metrics = json.loads((out / "newsstance.json").read_text())["metrics"]
    assert metrics["distillation"]["transfer_pairs"] == len(pairs)
    assert metrics["distillation"]["gold_examples"] == n_gold
    assert "## Distillation" in (out / "README.md").read_text()
    # the saved student is the one whose dev figures the card records
    from newsstance.eval.predict import score
    from newsstance.training.data import load_examples

    student = newsstance.load(out, device="cpu", backend="torch")
    f1m = score(student, load_examples(small_data / "dev_rw.jsonl"), 8)[0]["f1m"]
    assert f1m == pytest.approx(metrics["dev"]["dev_rw"]["f1m"])

    # a second run reuses the transfer set and the teacher's labels instead of recomputing them
    def no_teacher(*args, **kwargs):
        raise AssertionError("the teacher ran again")

    class NoTeacher:
        from_pretrained = staticmethod(no_teacher)

    monkeypatch.setattr(distill_module, "StanceClassifier", NoTeacher)
    distill(config, [tiny_model_dir], small_data, tmp_path / "student", max_pairs=15, device="cpu")
    assert (work / "transfer.jsonl").read_text().splitlines() == pairs


def test_distill_refuses_a_dev_file_as_transfer_source(tiny_base, tiny_model_dir, small_data, tmp_path):
    config = TrainConfig(base_model=str(tiny_base), encoding={"max_length": 64})
    with pytest.raises(ValueError, match="training sentences only"):
        distill(config, [tiny_model_dir], small_data, tmp_path / "s", extra_sources=[small_data / "dev_rw.jsonl"])
    with pytest.raises(ValueError, match="at least one teacher"):
        distill(config, [], small_data, tmp_path / "s")


def test_a_recipe_may_train_on_part_of_a_file(tiny_config, tiny_model_dir, small_data, tmp_path):
    """``train.jsonl@train`` (a file less its held-out dev part) works wherever a file name does."""
    pytest.importorskip("spacy")
    from newsstance.eval.corpora import read_examples
    from newsstance.settings import file_sha256

    config = tiny_config(train_files=("train.jsonl@train",))
    out = tmp_path / "student"
    distill(config, [tiny_model_dir], small_data, out, max_pairs=5, device="cpu")
    settings = json.loads((out / "newsstance.json").read_text())
    assert settings["data"]["train.jsonl@train"] == file_sha256(small_data / "train.jsonl")
    assert settings["metrics"]["distillation"]["gold_examples"] == len(read_examples(small_data / "train.jsonl@train"))
    assert len(read_examples(small_data / "train.jsonl@train")) < len(read_examples(small_data / "train.jsonl"))
