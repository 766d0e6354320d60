"""The tests' own corpora in tests/resources: every line in its corpus's native format, every
offset on its mention, and readable by the one corpus reader."""

import json
from collections import Counter
from pathlib import Path

import pytest

from newsstance.eval.corpora import read_examples, read_sentences

RESOURCES = Path(__file__).resolve().parent / "resources"
NEWSMTSC = sorted((RESOURCES / "newsmtsc").glob("*.jsonl"))
NEWSTSC = sorted((RESOURCES / "newstsc").glob("*.jsonl"))
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def _objects(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_every_split_a_test_reads_is_there():
    splits = {"train.jsonl", "dev_rw.jsonl", "dev_mt.jsonl", "test_rw.jsonl", "test_mt.jsonl"}
    assert {p.name for p in NEWSMTSC} == splits
    assert {p.name for p in NEWSTSC} == {"train.jsonl", "test.jsonl"}


@pytest.mark.parametrize("path", NEWSMTSC, ids=lambda p: p.name)
def test_newsmtsc_lines_hold_their_mentions(path):
    objs = _objects(path)
    assert objs
    for n, obj in enumerate(objs, start=1):
        where = f"{path.name}:{n}"
        assert set(obj) == {"primary_gid", "sentence_normalized", "targets"}, where
        text = obj["sentence_normalized"]
        assert obj["primary_gid"] == obj["targets"][0]["Input.gid"], where
        for t in obj["targets"]:
            assert set(t) - {"further_mentions"} == {"Input.gid", "from", "to", "mention", "polarity"}, where
            assert t["polarity"] in (2.0, 4.0, 6.0), where
            assert text[t["from"] : t["to"]] == t["mention"], where
            for m in t.get("further_mentions", []):
                assert set(m) == {"from", "to", "mention"}, where
                assert text[m["from"] : m["to"]] == m["mention"], where
                assert not (t["from"] <= m["from"] < t["to"]), where  # another mention, not the first one again
    assert len(read_examples(path)) == sum(len(o["targets"]) for o in objs)


@pytest.mark.parametrize("path", NEWSTSC, ids=lambda p: p.name)
def test_newstsc_lines_hold_their_mentions(path):
    objs = _objects(path)
    assert objs
    for n, obj in enumerate(objs, start=1):
        where = f"{path.name}:{n}"
        assert set(obj) == {"label", "local_context", "target_local_from", "target_local_to", "target_mention"}
        assert obj["label"] in ("negative", "neutral", "positive"), where
        assert obj["local_context"][obj["target_local_from"] : obj["target_local_to"]] == obj["target_mention"], where
    assert len(read_examples(path)) == len(objs)
    assert sum(len(s.targets) for s in read_sentences(path)) == len(objs)


def test_training_files_have_every_label_pronouns_and_several_targets_per_sentence():
    train = read_examples(RESOURCES / "newsmtsc" / "train.jsonl")
    assert set(Counter(e.label for e in train)) == {"negative", "neutral", "positive"}
    further = {e.text[s:t] for e in train for s, t in e.spans[1:]}
    assert {"he", "she", "his", "her", "it", "its"} <= further
    assert all(len(o["targets"]) > 1 for o in _objects(RESOURCES / "newsmtsc" / "dev_mt.jsonl"))


@pytest.mark.parametrize("path", ["newsmtsc/train.jsonl", "newstsc/train.jsonl"])
def test_both_parts_of_a_split_training_file_hold_sentences(path):
    dev = read_examples(f"{RESOURCES / path}@dev")
    rest = read_examples(f"{RESOURCES / path}@train")
    assert dev and rest
    assert len(dev) + len(rest) == len(read_examples(RESOURCES / path))
    assert not {e.text for e in dev} & {e.text for e in rest}


@pytest.mark.skipif(not SHARED.is_dir(), reason="needs ../shared/data to compare against")
def test_no_resource_sentence_comes_from_the_real_corpora():
    ours = {e.text.casefold() for p in [*NEWSMTSC, *NEWSTSC] for e in read_examples(p)}
    theirs = {
        e.text.casefold() for folder in ("newsmtsc", "newstsc") for p in (SHARED / folder).glob("*.jsonl")
        for e in read_examples(p)
    }  # fmt: skip
    assert not ours & theirs


def test_every_span_of_the_identity_seed_gold_is_its_text():
    folder = Path(__file__).resolve().parents[1] / "seeds" / "identity"
    golds = sorted(folder.glob("*.gold.json"))
    assert len(golds) == 9
    for path in golds:
        gold = json.loads(path.read_text(encoding="utf-8"))
        text = (folder / gold["article"]).read_text(encoding="utf-8")
        spans = [(s, e, t) for a in gold["actors"] for s, e, t in a["names"]]
        spans += [(m["start"], m["end"], m["text"]) for a in gold["actors"] for m in a["mentions"]]
        spans += [(s, e, t) for s, e, t, *_ in gold["not_actors"] + gold["not_actor_pronouns"]]
        assert spans and all(text[s:e] == t for s, e, t in spans), path.name
        assert {a["type"] for a in gold["actors"]} <= {"PERSON", "ORG", "GPE", "NORP"}
