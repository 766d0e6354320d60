"""Article analysis with the real spaCy pipeline and a tiny random classifier."""

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
