"""Article analysis with the real spaCy pipeline and a tiny random classifier."""

import warnings

import pytest

pytest.importorskip("spacy")

from newsstance.articles.analysis import ArticleAnalysis  # noqa: E402
from newsstance.stance import LABELS  # noqa: E402

ARTICLE = (
    "Mayor Sarah Mitchell opened the new bridge on Monday.\n\n"
    "Critics of Mitchell said the bridge cost too much. Mitchell's office rejected that. "
    "The Harbour Council (HC) backed the mayor.\n\n"
    "Later, HC members met Tomas Berg of the Green Party."
)


def test_analyze_finds_actors_and_scores_every_level(tiny_classifier):
    a = tiny_classifier.analyze(ARTICLE)
    assert isinstance(a, ArticleAnalysis)
    assert len(a.passages) == 3
    names = [x.name for x in a.actors]
    assert "Sarah Mitchell" in names and "Tomas Berg" in names
    ruiz = next(x for x in a.actors if x.name == "Sarah Mitchell")
    # "the mayor" is the actor introduced as "Mayor Sarah Mitchell" (a role noun, linked by coreference)
    assert [ARTICLE[s:e] for s, e in ruiz.mentions] == ["Sarah Mitchell", "Mitchell", "Mitchell", "the mayor"]
    assert ruiz.mention_types == ("name", "name", "name", "nominal")
    assert ruiz.type == "PERSON"
    # one classification per actor per sentence: three mentions, three sentences in passage 1
    ruiz_p1 = next(p for p in a.passage_stances if p.actor == "Sarah Mitchell" and p.passage_index == 1)
    assert (ruiz_p1.mentions, ruiz_p1.sentences) == (3, 3)
    article = next(s for s in a.article_stances if s.actor == "Sarah Mitchell")
    assert article.mentions == 4 and article.sentences == 4
    assert article.stance.label in LABELS
    mean = {
        k: sum(p.stance.probs[k] * p.sentences for p in a.passage_stances if p.actor == "Sarah Mitchell") / 4
        for k in LABELS
    }
    assert article.stance.probs == pytest.approx(mean)
    assert a.stance_of("Sarah Mitchell") == article.stance
    with pytest.raises(KeyError, match="no actor"):
        a.stance_of("Nobody")


def test_records_at_each_level(tiny_classifier):
    a = tiny_classifier.analyze(ARTICLE)
    base = {"actor", "actor_type", "label", "score", "p_negative", "p_neutral", "p_positive", "mentions"}
    for level in ("article", "passage", "mention"):
        rows = a.to_records(level)
        assert rows and all(base <= set(r) for r in rows)
    assert {"passage_index", "start", "end"} <= set(a.to_records("passage")[0])
    mention_rows = a.to_records("mention")
    assert all(ARTICLE[r["start"] : r["end"]] for r in mention_rows)
    assert len(mention_rows) == sum(len(x.mentions) for x in a.actors)
    with pytest.raises(ValueError, match="choose one of"):
        a.to_records("sentence")
    pd = pytest.importorskip("pandas")
    assert isinstance(a.to_dataframe("passage"), pd.DataFrame)


def test_given_actors_only(tiny_classifier):
    a = tiny_classifier.analyze(ARTICLE, actors=["Sarah Mitchell", {"name": "Harbour Council", "aliases": ["HC"]}])
    assert [x.name for x in a.actors] == ["Sarah Mitchell", "Harbour Council"]
    assert [ARTICLE[s:e] for s, e in a.actors[1].mentions] == ["Harbour Council", "HC", "HC"]


def test_analyze_many_matches_analyze(tiny_classifier):
    texts = [ARTICLE, "", "Tomas Berg resigned."]
    many = tiny_classifier.analyze_many(texts, batch_size=4)
    assert [len(x.actors) for x in many] == [len(tiny_classifier.analyze(t).actors) for t in texts]
    first = {r["actor"]: r["p_negative"] for r in many[0].to_records()}
    alone = {r["actor"]: r["p_negative"] for r in tiny_classifier.analyze(ARTICLE).to_records()}
    assert first == pytest.approx(alone, abs=1e-5)


def test_empty_text_gives_empty_analysis_and_non_strings_fail(tiny_classifier):
    for text in ("", "   \n\n "):
        a = tiny_classifier.analyze(text)
        assert a.passages == () and a.actors == () and a.article_stances == ()
    with pytest.raises(TypeError, match="text 0 must be a str"):
        tiny_classifier.analyze(b"bytes")
    with pytest.raises(TypeError, match="list of texts"):
        tiny_classifier.analyze_many("one text")


@pytest.mark.slow
def test_very_long_article(tiny_classifier):
    paragraph = "Sarah Mitchell met the council. " * 40
    text = "\n\n".join([paragraph] * 200)  # about 200,000 characters
    assert len(text) > 200_000
    a = tiny_classifier.analyze(text, batch_size=64)
    assert len(a.passages) == 200
    assert a.article_stances[0].mentions == 8000
    assert a.article_stances[0].sentences == 8000


@pytest.mark.slow
def test_one_long_paragraph_is_chunked(tiny_classifier):
    text = "Sarah Mitchell met the council. " * 3500  # one passage over spaCy's chunk size
    assert len(text) > 100_000
    a = tiny_classifier.analyze(text, batch_size=64)
    assert len(a.passages) == 1
    assert len(a.actors[0].mentions) == 3500


def test_coreference_seam(tiny_classifier):
    from newsstance.articles.coref import Link

    text = "Sarah Mitchell spoke. The crowd cheered. It was praised."

    def it_is_her(doc_text, actors, parse):
        i = doc_text.index("It")
        return [Link(0, i, i + 2, "pronoun")]

    a = tiny_classifier.analyze(text, coreference=it_is_her)
    assert [text[s:e] for s, e in a.actors[0].mentions] == ["Sarah Mitchell", "It"]
    assert a.article_stances[0].sentences == 2
    assert [r["mention_type"] for r in a.to_records("mention")] == ["name", "pronoun"]
    # the default resolver links "She"; None turns coreference off
    default = tiny_classifier.analyze("Sarah Mitchell spoke. She was praised.")
    assert default.actors[0].mention_types == ("name", "pronoun")
    assert tiny_classifier.analyze("Sarah Mitchell spoke. She was praised.", coreference=None).actors[0].mentions == (
        (0, 14),
    )


def test_repr_is_one_short_line_and_many_analyses_make_one_dataframe(tiny_classifier):
    texts = [ARTICLE * 20, "", "Tomas Berg resigned."]
    many = tiny_classifier.analyze_many(texts)
    line = repr(many[0])
    assert "\n" not in line and len(line) < 200 and ARTICLE[:20] not in line
    assert line.startswith(f"ArticleAnalysis(chars={len(texts[0])}, actors={len(many[0].article_stances)}: ")
    assert "…" in line and line.endswith(f"passages={len(many[0].passages)})")
    assert repr(many[1]) == "ArticleAnalysis(chars=0, actors=0, passages=0)"
    pd = pytest.importorskip("pandas")
    import newsstance

    frame = newsstance.to_dataframe(many, "passage")
    assert isinstance(frame, pd.DataFrame) and list(frame.columns)[:2] == ["id", "actor"]
    assert len(frame) == sum(len(a.to_records("passage")) for a in many)
    assert set(frame["id"]) == {0, 2}  # the empty text has no row
    named = newsstance.to_dataframe(many, ids=["x", "y", "z"])
    assert list(named[named["id"] == "z"]["actor"]) == [r["actor"] for r in many[2].to_records()]
    assert list(newsstance.to_dataframe([], "mention").columns) == ["id", *many[0].to_dataframe("mention").columns]
    with pytest.raises(ValueError, match="one id per analysis"):
        newsstance.to_dataframe(many, ids=["x"])
    with pytest.raises(TypeError, match="analysis.to_dataframe"):
        newsstance.to_dataframe(many[0])


PELOSI = "Critics attacked Pelosi on Tuesday. She said the bill would pass anyway, and her allies agreed."


@pytest.mark.parametrize("given", ["PERSON", "person", "Person"])
def test_a_given_type_in_any_case_is_a_person_whose_pronouns_link(tiny_classifier, given):
    a = tiny_classifier.analyze(PELOSI, actors=[{"name": "Pelosi", "type": given}])
    assert [(x.name, x.type, x.mention_types) for x in a.actors] == [
        ("Pelosi", "PERSON", ("name", "pronoun", "pronoun"))
    ]


def test_an_actor_given_by_name_alone_gets_the_mentions_and_type_the_text_gives(tiny_classifier):
    found = tiny_classifier.analyze(PELOSI)
    for actors in (["Pelosi"], [{"name": "Pelosi", "type": "PERSON"}], None):
        a = tiny_classifier.analyze(PELOSI, actors=actors)
        assert [(x.name, x.type, x.mentions) for x in a.actors] == [(y.name, y.type, y.mentions) for y in found.actors]
    assert [x.mention_types for x in found.actors] == [("name", "pronoun", "pronoun")]


def test_a_given_surname_takes_the_full_name_and_its_pronouns(tiny_classifier):
    text = "President Donald Trump spoke on Tuesday. Critics said Trump was wrong, and he answered them."
    (a,) = tiny_classifier.analyze(text, actors=["Trump"]).actors
    assert a.name == "Trump" and a.type == "PERSON"
    assert [text[s:e] for s, e in a.mentions] == ["Donald Trump", "Trump", "he"]


def test_a_lone_surname_ner_calls_an_organisation_is_a_person_by_its_pronoun(tiny_classifier):
    text = "Kushner used the private account through his first nine months in government service."
    (a,) = tiny_classifier.analyze(text, actors=["Kushner"]).actors
    assert a.type == "PERSON" and a.mention_types == ("name", "pronoun")
    (org,) = tiny_classifier.analyze("Google said its profits rose.", actors=["Google"]).actors
    assert org.type != "PERSON"


def test_one_person_given_twice_is_kept_apart_with_a_warning(tiny_classifier):
    from newsstance.articles.given import ActorWarning

    text = "Angela Merkel spoke on Tuesday. Merkel said she would stay."
    with pytest.warns(
        ActorWarning, match=r"'Merkel' and 'Angela Merkel' may be one person.*\"aliases\": \[\"Merkel\"\]"
    ):
        apart = tiny_classifier.analyze(text, actors=["Merkel", "Angela Merkel"])
    assert {a.name: len(a.mentions) for a in apart.actors} == {"Angela Merkel": 1, "Merkel": 2}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (one,) = tiny_classifier.analyze(text, actors=[{"name": "Angela Merkel", "aliases": ["Merkel"]}]).actors
    assert [text[s:e] for s, e in one.mentions] == ["Angela Merkel", "Merkel", "she"]


def test_a_bad_actor_spec_fails_before_any_text_is_read(tiny_classifier, monkeypatch):
    import newsstance.articles.analysis as analysis

    monkeypatch.setattr(analysis, "parse", lambda *a, **k: pytest.fail("parsed before checking the actors"))
    with pytest.raises(ValueError, match=r"'ALIEN'.*PERSON, ORG, GPE, NORP"):
        tiny_classifier.analyze_many([PELOSI, PELOSI], actors=[{"name": "Pelosi", "type": "ALIEN"}])


GERMAN = (
    "Die Bundesregierung hat am Dienstag neue Pläne für die Energiewende vorgestellt. Bundeskanzler Olaf Scholz "
    "sagte, die Kosten für Verbraucher würden sinken. Kritiker in der Opposition warfen ihm vor, die Industrie zu "
    "vernachlässigen, und forderten eine Debatte im Bundestag."
)
CHINESE = (
    "国务院总理周二在北京宣布了一项新的经济刺激计划。他表示，政府将加大对基础设施的投资，并降低中小企业的税收负担。"
)


def test_a_text_in_another_language_warns_and_carries_its_language(tiny_classifier):
    from newsstance.articles.language import LanguageWarning

    with pytest.warns(LanguageWarning, match=r"2 of 4 texts .*not English: text 0 \(de\), text 2 \(zh\).*languages="):
        many = tiny_classifier.analyze_many([GERMAN, ARTICLE, CHINESE, "Merkel trifft Macron"])
    assert [a.language for a in many] == ["de", "en", "zh", None]  # a headline is too short to tell


def test_english_text_does_not_warn_and_the_check_can_be_widened_or_turned_off(tiny_classifier, recwarn):
    assert tiny_classifier.analyze(ARTICLE).language == "en"
    assert tiny_classifier.analyze(GERMAN, languages=["en", "de"]).language == "de"
    assert tiny_classifier.analyze(GERMAN, languages=None).language is None  # not detected at all
    assert not recwarn.list
    with pytest.raises(TypeError, match="list of ISO 639-1 codes"):
        tiny_classifier.analyze(ARTICLE, languages="en")
    with pytest.raises(ValueError, match="'english'.*ISO 639-1"):
        tiny_classifier.analyze(ARTICLE, languages=["english"])


def _long_article(paragraphs: int) -> str:
    return "\n\n".join(
        f"Sarah Mitchell met the council on day {i}. Critics slammed David Miller." for i in range(paragraphs)
    )


def test_progress_reports_every_stage_in_order_up_to_its_total(tiny_classifier, capfd):
    events = []
    a = tiny_classifier.analyze(
        _long_article(40), batch_size=2, progress=lambda stage, done, total: events.append((stage, done, total))
    )
    assert [stage for stage in dict.fromkeys(s for s, _, _ in events)] == ["read", "classify"]
    pairs = sum(s.sentences for s in a.article_stances) + sum(e.attributions for e in a.edges)  # and each edge's
    for stage, unit_total in (("read", len(a.passages)), ("classify", pairs)):
        mine = [(done, total) for s, done, total in events if s == stage]
        assert {total for _, total in mine} == {unit_total}
        assert [done for done, _ in mine] == sorted({done for done, _ in mine})  # strictly increasing
        assert mine[-1] == (unit_total, unit_total) and len(mine) > 2
    assert capfd.readouterr().err == ""  # a callback prints nothing


def test_analysis_prints_nothing_unless_asked_and_bars_when_asked(tiny_classifier, capfd):
    text = _long_article(30)
    quiet = tiny_classifier.analyze(text)
    assert capfd.readouterr().err == ""
    loud = tiny_classifier.analyze(text, show_progress_bar=True)
    err = capfd.readouterr().err
    assert "read" in err and "passage" in err and "classify" in err
    assert loud.to_records() == quiet.to_records()  # the bars change nothing


def test_a_language_split_between_close_ones_is_told_and_a_list_of_names_is_not():
    from newsstance.articles.language import detect_language

    # short Chinese: zh, wuu and yue share the probability, none reaches 0.9, English is near 0
    assert detect_language("萨拉·米切尔周二宣布举行新的选举。批评者指责她失败了。") == "zh"
    assert detect_language("Paul Manafort, Donald Trump, Jared Kushner, Michael Cohen, and Don McGahn.") is None
    assert detect_language("Facebook Twitter Pinterest Nicolas Cage.") is None
    german = "Sarah Mitchell hat am Dienstag neue Wahlen angekündigt, nachdem die Koalition zerbrochen war."
    assert detect_language(german) == "de"  # its nouns are left out with the names; the rest is German
    assert detect_language("Critics attacked Pelosi on Tuesday. She said the bill would pass anyway.") == "en"


def test_language_detection_loads_and_runs_without_the_network():
    import subprocess
    import sys

    code = (
        "import socket\n"
        "def refuse(*a, **k): raise RuntimeError('network')\n"
        "socket.socket.connect = socket.create_connection = socket.getaddrinfo = refuse\n"
        "from newsstance.articles.language import detect_language\n"
        f"print([detect_language(t) for t in ({GERMAN!r}, {ARTICLE!r}, {GERMAN!r})])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['de', 'en', 'de']"


def test_the_subject_of_the_headline_is_more_salient_than_a_passing_name(tiny_classifier):
    from newsstance.articles.salience import WEIGHTS

    text = (
        "Sarah Mitchell wins the city vote\n\n"
        "Sarah Mitchell won the vote on Tuesday. She thanked her staff.\n\n"
        "The count was slow. Mitchell said the result was clear.\n\n"
        "Officials praised the work of David Miller, a clerk."
    )
    a = tiny_classifier.analyze(text)
    salience = {x.name: x.salience for x in a.actors}
    assert salience["Sarah Mitchell"] > salience["David Miller"] > 0
    assert salience["Sarah Mitchell"] >= WEIGHTS["mentions"] + WEIGHTS["lead"]  # the most mentioned, in the lead
    assert salience["David Miller"] < WEIGHTS["lead"]  # one mention, after the lead, not a subject
    rows = {r["actor"]: r["salience"] for r in a.to_records("article")}
    assert rows == salience and all(0 <= v <= 1 for v in rows.values())
    assert "salience" not in a.to_records("passage")[0]


def test_it_and_they_take_an_organisation_or_group_subject_and_nothing_else(tiny_classifier):
    def mentions(text):
        return {a.name: [text[s:e] for s, e in a.mentions] for a in tiny_classifier.analyze(text).actors}

    text = "The Coastal Freight Authority said on Monday that it would raise its fees."
    assert mentions(text)["Coastal Freight Authority"] == ["Coastal Freight Authority", "it", "its"]
    text = "Republicans said they would vote against the bill."
    assert mentions(text)["Republicans"] == ["Republicans", "they"]
    text = "The Coastal Freight Authority said the plan was late, but said it would pass."
    assert mentions(text)["Coastal Freight Authority"] == ["Coastal Freight Authority"]  # "the plan" stands between
    text = "The talks with Germany stalled because they lacked a mandate."
    assert mentions(text)["Germany"] == ["Germany"]  # the subject is no actor
