"""Who says what about whom: attributions, the voice of each mention, speakers apart from their
own words, speaker → target edges, and `score --level edge`."""

import json

import pytest

pytest.importorskip("spacy")

from newsstance.articles.analysis import read_actors  # noqa: E402
from newsstance.articles.quotes import attributions  # noqa: E402


def _quotes(text):
    (parse,), (actors,) = read_actors([text])
    found = attributions(text, actors, parse)
    return [
        (
            q.kind,
            actors[q.actor].name if q.actor is not None else q.speaker,
            q.cue,
            text[q.content[0] : q.content[1]],
        )
        for q in found
    ]


def test_the_four_kinds_of_attribution_and_their_speakers():
    assert _quotes('"We will not yield to this pressure," Mayor Marta Vecchio said on Tuesday.') == [
        ("direct", "Marta Vecchio", "said", "We will not yield to this pressure,")
    ]
    assert _quotes("A senior aide said the governor had lied about the budget.") == [
        ("indirect", "A senior aide", "said", "the governor had lied about the budget")
    ]
    assert _quotes('Marta Vecchio said the plan was "a betrayal of every worker" in the port.') == [
        ("mixed", "Marta Vecchio", "said", 'the plan was "a betrayal of every worker" in the port')
    ]
    assert _quotes("According to officials, the deal collapsed after midnight.") == [
        ("according-to", "officials", "according to", "the deal collapsed after midnight")
    ]


def test_a_pronoun_speaker_is_the_actor_it_stands_for_and_a_targeting_verb_is_an_attribution():
    text = '"We will not yield," Mayor Marta Vecchio said on Tuesday. She added that the plan would fail.'
    assert _quotes(text)[1] == ("indirect", "Marta Vecchio", "added", "the plan would fail")
    assert _quotes("Critics accused Governor Tom Reed of lying about the budget.") == [
        ("indirect", "Critics", "accused", "Governor Tom Reed of lying about the budget")
    ]


def test_a_speaker_no_one_can_name_is_left_out():
    # a pronoun the resolver did not link, a definite description it cannot place, a dateline
    assert _quotes("He said the plan would fail.") == []
    assert _quotes("The company said it had won the contract fairly.") == []


def test_titles_in_quotes_and_unattributed_quotes_are_not_speech():
    assert _quotes('She read "The Grapes Of Wrath" last year.') == []
    assert _quotes('The so-called "peace dividend for the whole region" never came.') == []


HAWLEY = "Senator Josh Hawley praised President Trump for his leadership during the crisis."


def test_the_speaker_is_not_the_target_of_its_own_words(tiny_classifier):
    apart = tiny_classifier.analyze(HAWLEY)
    assert [s.actor for s in apart.article_stances] == ["Trump"]  # Hawley speaks; the sentence portrays Trump
    assert {a.name for a in apart.actors} == {"Josh Hawley", "Trump"}
    (said,) = apart.attributions
    assert (said.kind, said.speaker, said.cue, said.cue_label) == ("indirect", "Josh Hawley", "praised", "positive")
    (edge,) = apart.edges
    assert (edge.speaker, edge.speaker_type, edge.target, edge.attributions) == ("Josh Hawley", "PERSON", "Trump", 1)
    (row,) = apart.to_records("edge")
    assert list(row) == [
        "speaker", "speaker_id", "speaker_type", "target", "target_id", "target_type",
        "label", "score", "p_negative", "p_neutral", "p_positive", "attributions",
    ]  # fmt: skip
    together = tiny_classifier.analyze(HAWLEY, speakers_as_targets=True)
    assert [s.actor for s in together.article_stances] == ["Josh Hawley", "Trump"]


def test_every_mention_says_whose_voice_it_is_in(tiny_classifier):
    text = '"Mayor Lisa Park has failed this city," Governor Tom Reed said. Park did not reply.'
    a = tiny_classifier.analyze(text)
    voices = {(text[m.start : m.end], m.voice) for m in a.mentions}
    assert ("Lisa Park", "Tom Reed") in voices and ("Park", "author") in voices
    park = next(s for s in a.article_stances if s.actor == "Lisa Park")
    assert park.quoted == pytest.approx(0.5)  # one of its two sentences in a source's voice
    rows = a.to_records("mention")
    assert {r["voice"] for r in rows} == {"Tom Reed", "author"}
    assert next(r for r in a.to_records("article") if r["actor"] == "Lisa Park")["quoted"] == pytest.approx(0.5)


def test_score_writes_edge_rows(tiny_classifier, tmp_path):
    from newsstance.articles.rows import output_columns
    from newsstance.batch.scoring import score_files

    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"id": "a", "text": HAWLEY}) + "\n" + json.dumps({"id": "b", "text": "No one spoke."}) + "\n"
    )
    out = tmp_path / "edges.jsonl"
    summary = score_files(tiny_classifier, [str(src)], out, level="edge", show_progress_bar=False)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert summary.articles_scored == 2 and [r["id"] for r in rows] == ["a"]
    assert list(rows[0]) == output_columns("edge") and rows[0]["speaker"] == "Josh Hawley"
    assert not (tmp_path / "edges.jsonl.actors.jsonl").exists()  # edges keep their article's ids


def test_the_report_refuses_edge_rows_with_the_fix(tmp_path):
    pytest.importorskip("pandas")
    from newsstance.pages.read import read_scores

    path = tmp_path / "edges.jsonl"
    path.write_text(json.dumps({"id": "a", "speaker": "X", "target": "Y", "label": "neutral"}) + "\n")
    with pytest.raises(ValueError, match="--level edge"):
        read_scores([path])


def test_the_report_adds_who_speaks_of_whom_from_edge_rows(tiny_classifier, tmp_path):
    pytest.importorskip("pandas")
    from newsstance.batch.scoring import score_files
    from newsstance.pages import report_files

    texts = [HAWLEY, "Senator Josh Hawley praised President Donald Trump again.", "Josh Hawley met voters in Ohio."]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": f"a{i}", "text": t}) + "\n" for i, t in enumerate(texts)))
    score_files(tiny_classifier, [str(src)], tmp_path / "rows.jsonl", show_progress_bar=False)
    score_files(tiny_classifier, [str(src)], tmp_path / "edges.jsonl", level="edge", show_progress_bar=False)
    report_files([tmp_path / "rows.jsonl"], tmp_path / "r.html", edges=[tmp_path / "edges.jsonl"])
    page = (tmp_path / "r.html").read_text()
    assert "Who speaks of whom" in page
    # "Trump" and "Donald Trump" are one target; the one pair has two attributions, so it is among the strongest
    assert page.count('<tr class="edge"><td class=actor>Josh Hawley</td><td class=actor>Donald Trump</td>') == 1
    with pytest.raises(ValueError, match="--level edge"):
        report_files([tmp_path / "rows.jsonl"], tmp_path / "r2.html", edges=[tmp_path / "rows.jsonl"])
