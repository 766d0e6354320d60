"""The rule-based coreference resolver on the real spaCy parse: each rule, and where it abstains."""

import pytest

pytest.importorskip("spacy")

from newsstance.articles.analysis import read_actors  # noqa: E402


def links(text, actors=None):
    """``{surface: actor}`` for every pronoun or role noun linked in ``text``, in order."""
    _, (found,) = read_actors([text], actors)
    out = []
    for actor in found:
        out += [(m.start, text[m.start : m.end], actor.name, m.kind) for m in actor.mentions if m.kind != "name"]
    return [(surface, name, kind) for _, surface, name, kind in sorted(out)]


def test_a_pronoun_links_to_the_only_person_in_reach():
    text = "Sarah Mitchell opened the bridge. She said it was built on time, and her office agreed."
    assert links(text) == [("She", "Sarah Mitchell", "pronoun"), ("her", "Sarah Mitchell", "pronoun")]


def test_gender_from_first_names_and_titles_rules_candidates_out():
    text = "Sarah Mitchell met David Okafor. He praised the plan."
    assert links(text) == [("He", "David Okafor", "pronoun")]
    assert links("Mrs. Lund met Mr. Okafor. She praised the plan.") == [("She", "Lund", "pronoun")]


FIRST_NAME_GENDERS = {
    "Sarah Mitchell": "f", "David Okafor": "m", "Elena Varga": "f", "Tomas Berg": "m", "Alex Kim": "m",
    "José Martí": "m", "Zoë Baird": "f", "Angela Merkel": "f", "Olaf Scholz": "m", "Marine Le Pen": "f",
    "Jordan Lee": None, "Taylor Swift": None, "Andrea Nahles": None, "Jean Castex": None, "Robin Hood": None,
    "Xi Jinping": None, "Ruiz": None,
}  # fmt: skip


def test_the_shipped_first_name_list_gives_the_known_answers():
    from newsstance.articles.gender import first_name_gender, first_names

    assert {name: first_name_gender(name) for name in FIRST_NAME_GENDERS} == FIRST_NAME_GENDERS
    names = first_names()
    assert len(names) == 14370 and sum(g == "f" for g in names.values()) == 8343


def test_the_first_name_list_is_what_nomquamgender_s_data_gives():
    import importlib.util
    import json
    from pathlib import Path

    from newsstance.articles.gender import derive_first_names, first_names

    spec = importlib.util.find_spec("nomquamgender")
    if spec is None:
        pytest.skip("needs nomquamgender installed (pip install --no-deps nomquamgender) to derive the list again")
    data = Path(next(iter(spec.submodule_search_locations))) / "name_data.json"
    assert derive_first_names(json.loads(data.read_text(encoding="utf-8"))) == first_names()


def test_two_candidates_of_one_gender_leave_the_pronoun_unlinked():
    text = "David Okafor met Tomas Berg on Monday. The talks went well. He called them useful."
    assert links(text) == []


def test_a_person_who_is_no_actor_still_competes():
    text = "Tomas Berg met Pavel Dorrin on Monday. Later he called the talks useful."
    assert links(text, actors=["Tomas Berg"]) == []


def test_binding_reflexives_and_object_pronouns():
    assert ("himself", "Tomas Berg", "pronoun") in links("Tomas Berg defended himself in parliament.")
    # "him" cannot be the subject of its own clause: with Berg ruled out, nobody is left
    assert links("Tomas Berg praised him.") == []


def test_a_pronoun_before_the_name_takes_its_sentences_subject():
    assert links("In her first speech, Sarah Mitchell promised cheaper buses.") == [
        ("her", "Sarah Mitchell", "pronoun")
    ]


def test_a_pronoun_in_a_quotation_is_not_given_to_its_speaker():
    text = '"I think he is wrong," said Tomas Berg.'
    assert links(text) == []


def test_reach_is_this_passage_and_the_one_before():
    near = "Tomas Berg resigned.\n\nHe gave no reason."
    far = "Tomas Berg resigned.\n\nThe weather was fine.\n\nHe gave no reason."
    assert links(near) == [("He", "Tomas Berg", "pronoun")]
    assert links(far) == []


def test_role_nouns_follow_titles_appositions_and_organisation_names():
    text = (
        "Transport Minister Ilse Marant defended the plan. The minister said it was fair.\n\n"
        "Tomas Berg, the mayor of Lindhaven, disagreed, and the mayor called for talks with the "
        "Coastal Freight Authority. The authority declined."
    )
    found = links(text)
    assert ("The minister", "Ilse Marant", "nominal") in found
    assert ("the mayor", "Tomas Berg", "nominal") in found
    assert ("The authority", "Coastal Freight Authority", "nominal") in found


def test_two_actors_with_one_role_leave_the_role_noun_unlinked():
    text = "Finance Minister Ana Ruiz met Trade Minister Ilse Marant. The minister left early."
    assert not [f for f in links(text) if f[0] == "The minister"]


def test_the_linking_evaluation_counts_gold_links_judged_links_and_name_recall(tmp_path):
    import json

    from newsstance.eval.linking import _sentences, name_recall, pronoun_links

    text = "Tomas Berg said he would resign. Critics praised Ana Ruiz."
    he = text.index("he")
    line = {
        "sentence_normalized": text,
        "targets": [
            {"from": 0, "to": 10, "polarity": 4.0, "further_mentions": [{"from": he, "to": he + 2, "mention": "he"}]},
            {"from": text.index("Ana"), "to": len(text) - 1, "polarity": 6.0},
            {"from": 0, "to": 10, "polarity": 4.0},  # the same target twice, as NewsMTSC sometimes has
        ],
    }
    path = tmp_path / "dev_rw.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    sentences = _sentences(path)
    assert [entry["name"] for _, entry in sentences[0]["targets"]] == ["Tomas Berg", "Ana Ruiz"]
    links = pronoun_links(sentences)
    assert (links["gold"], links["links"], links["in_gold"], links["recall"]) == (1, 1, 1, 1.0)
    assert links["not_adjudicated"] == 0 and links["precision"] == 1.0
    names = name_recall(sentences)
    assert (names["targets"], names["found"]) == (2, 2)
