"""Actors as identities: countries to ISO codes, known actors with ids, one identity per actor
across a corpus (score, to_dataframe, report)."""

import json

import pytest

from newsstance.articles.countries import country
from newsstance.articles.identity import actor_id, corpus_identities, settle
from newsstance.articles.known import KnownActors


def _codes(*forms):
    return {f: (c.code if (c := country(f)) else None) for f in forms}


def test_countries_and_their_people_map_to_iso_codes_and_look_alikes_do_not():
    assert _codes("U.S.", "USA", "America", "Americans", "United States") == dict.fromkeys(
        ("U.S.", "USA", "America", "Americans", "United States"), "US"
    )
    assert _codes("UK", "U.K.", "Britain", "Britons", "British") == dict.fromkeys(
        ("UK", "U.K.", "Britain", "Britons", "British"), "GB"
    )
    assert _codes("Russian Federation", "Venezuelans", "Iraqis", "Palestinians") == {
        "Russian Federation": "RU",
        "Venezuelans": "VE",
        "Iraqis": "IQ",
        "Palestinians": "PS",
    }
    # the word "us", a US state, a part of a country, a city, a body: no country
    assert _codes("us", "Georgia", "Wales", "Washington", "EU", "Europe") == dict.fromkeys(
        ("us", "Georgia", "Wales", "Washington", "EU", "Europe"), None
    )
    assert country("Palestine").name == "Palestine" and country("UK").name == "United Kingdom"


def test_an_actor_id_is_a_country_code_a_known_id_or_the_names_slug():
    known = KnownActors.of([{"name": "Nancy Pelosi", "aliases": ["Pelosi"], "id": "Q170581"}])
    assert actor_id("United States", "GPE") == "country:US"
    assert actor_id("Americans", "NORP") == "country:US"
    assert actor_id("Jordan", "PERSON") == "jordan"  # a person's name is no country
    assert actor_id("Nicolás Maduro", "PERSON") == "nicolas-maduro"
    assert actor_id("Pelosi", "UNKNOWN", known) == "Q170581"


def _rows(*items):
    return [(n, name, kind, None) for n, (name, kind) in enumerate(items)]


def test_a_corpus_joins_short_forms_to_the_one_full_name_they_stand_for():
    registry = corpus_identities(
        _rows(
            ("Donald Trump", "PERSON"),
            ("Donald J. Trump", "PERSON"),
            ("Donald J. Trump", "PERSON"),
            ("Trump", "PERSON"),
            ("Lula", "PERSON"),
            ("Luiz Inacio Lula da Silva", "PERSON"),
            ("U.S.", "GPE"),
            ("United States", "GPE"),
        )
    )
    trump = registry.resolve("trump")
    assert registry.resolve("donald-trump") == trump == registry.resolve("donald-j-trump")
    assert (trump.id, trump.name, trump.articles) == ("donald-j-trump", "Donald J. Trump", 4)
    assert registry.resolve("lula").name == "Luiz Inacio Lula da Silva"
    assert registry.resolve("country:US").name == "United States"
    assert not registry.kept_apart


def test_a_surname_two_people_share_stays_apart_and_is_said():
    registry = corpus_identities(
        _rows(("George W. Bush", "PERSON"), ("Jeb Bush", "PERSON"), ("Bush", "PERSON"), ("George H. W. Bush", "PERSON"))
    )
    assert registry.resolve("bush").id == "bush"
    assert registry.resolve("george-w-bush").id != registry.resolve("george-h-w-bush").id  # son and father
    assert registry.kept_apart["Bush"] == ("George H. W. Bush", "George W. Bush", "Jeb Bush")
    assert "'Bush' may be" in registry.summary()


def test_a_callers_id_is_kept_and_takes_the_lone_surname():
    rows = [(0, "Donald J. Trump", "PERSON", "Q22686"), (1, "Trump", "PERSON", None), (2, "Ivanka", "PERSON", None)]
    registry = corpus_identities(rows)
    assert registry.resolve("trump").id == "Q22686"
    assert registry.resolve("ivanka").id == "ivanka"


def test_settle_gives_every_row_its_corpus_identity():
    rows = [
        {"id": "a", "actor": "Donald Trump", "actor_type": "PERSON", "actor_id": "donald-trump"},
        {"id": "b", "actor": "Trump", "actor_type": "PERSON", "actor_id": "trump"},
        {"id": "c", "actor": "Sarah Mitchell", "actor_type": "PERSON", "actor_id": "S-1"},  # a caller's id
    ]
    settle(rows)
    assert [(r["actor_id"], r["canonical"]) for r in rows] == [
        ("donald-trump", "Donald Trump"),
        ("donald-trump", "Donald Trump"),
        ("S-1", "Sarah Mitchell"),
    ]


def test_known_actors_read_from_csv_and_jsonl(tmp_path):
    csv = tmp_path / "known.csv"
    csv.write_text("name,aliases,type,id\nNancy Pelosi,Pelosi;Speaker Pelosi,person,Q170581\nUnited States,,GPE,Q30\n")
    known = KnownActors.read(csv)
    assert [(a.name, a.aliases, a.type, a.id) for a in known.actors] == [
        ("Nancy Pelosi", ("Pelosi", "Speaker Pelosi"), "PERSON", "Q170581"),
        ("United States", (), "GPE", "Q30"),
    ]
    assert known.named("america").id == "Q30"  # a country goes by all its forms
    jsonl = tmp_path / "known.jsonl"
    jsonl.write_text(json.dumps({"name": "Nancy Pelosi", "aliases": ["Pelosi"], "id": "Q170581"}) + "\n")
    assert KnownActors.read(jsonl).named("Pelosi").id == "Q170581"


@pytest.mark.parametrize(
    "content, message",
    [
        ("name,aliases,id\nNancy Pelosi,Pelosi,Q1\nPaul Pelosi,Pelosi,Q2\n", "'Pelosi' names both"),
        ("name,id\nA,Q1\nB,Q1\n", "share the id 'Q1'"),
        ("name,wikidata\nA,Q1\n", "unknown columns ['wikidata']"),
        ("label,id\nA,Q1\n", "needs a header with a 'name' column"),
        ("name,type\nA,city\n", "unknown type 'city'"),
    ],
)
def test_a_bad_known_actors_file_says_what_to_fix(tmp_path, content, message):
    path = tmp_path / "known.csv"
    path.write_text(content)
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        KnownActors.read(path)


def test_a_missing_known_actors_file_is_named(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        KnownActors.read(tmp_path / "none.csv")


PELOSI = "Critics attacked Pelosi on Tuesday. She said the bill would pass anyway, and her allies agreed."


def test_a_known_actor_gives_a_found_actor_its_name_type_and_id(tiny_classifier):
    pytest.importorskip("spacy")
    known = [{"name": "Nancy Pelosi", "aliases": ["Pelosi"], "type": "PERSON", "id": "Q170581"}]
    analysis = tiny_classifier.analyze(PELOSI, known_actors=known)
    (actor,) = [a for a in analysis.actors if a.id == "Q170581"]
    assert (actor.name, actor.type) == ("Nancy Pelosi", "PERSON")
    assert [PELOSI[s:e] for s, e in actor.mentions] == ["Pelosi", "She", "her"]
    (row,) = [r for r in analysis.to_records("article") if r["actor_id"] == "Q170581"]
    assert (row["actor"], row["canonical"]) == ("Nancy Pelosi", "Nancy Pelosi")
    given = tiny_classifier.analyze(PELOSI, actors=[{"name": "Pelosi", "id": "P-1"}])
    assert [a.id for a in given.actors] == ["P-1"]


def test_to_dataframe_settles_identities_across_analyses(tiny_classifier):
    pytest.importorskip("spacy")
    pytest.importorskip("pandas")
    from newsstance import to_dataframe

    texts = [
        "Donald Trump spoke in Ohio on Monday.",
        "President Trump said the plan would fail.",
        "Trump said the plan would fail, and he left.",  # "Trump" ORG here, PERSON in the article before
        "The United States and America's allies met. The U.S. agreed.",
    ]
    frame = to_dataframe(tiny_classifier.analyze_many(texts))
    people = frame[frame["actor"].isin(["Donald Trump", "Trump"])]
    assert set(people["actor_id"]) == {"donald-trump"} and set(people["canonical"]) == {"Donald Trump"}
    countries = frame[frame["actor_id"] == "country:US"]
    assert set(countries["canonical"]) == {"United States"} and len(countries) == 1


CORPUS = [
    {"id": "a", "text": "Donald J. Trump spoke in Ohio on Monday. Critics in America were unmoved."},
    {"id": "b", "text": "President Trump met the press. The U.S. agreed."},
    {"id": "c", "text": "Donald Trump met Jeb Bush. Bush said little. George W. Bush stayed home."},
    {"id": "d", "text": "Bush called the plan a mistake, and Americans agreed."},
]


def _corpus(tmp_path):
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in CORPUS))
    return path


def _read(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("level", ["article", "mention"])
def test_score_settles_one_identity_per_actor_and_writes_them_out(tiny_classifier, tmp_path, level):
    pytest.importorskip("spacy")
    from newsstance.batch.scoring import score_files

    out = tmp_path / "out.jsonl"
    summary = score_files(tiny_classifier, [str(_corpus(tmp_path))], out, level=level, show_progress_bar=False)
    rows = _read(out)
    by_name = {(r["actor"], r["actor_id"], r["canonical"]) for r in rows}
    trump = {t for t in by_name if "Trump" in t[0]}
    assert trump == {
        ("Donald J. Trump", "donald-j-trump", "Donald J. Trump"),
        ("Trump", "donald-j-trump", "Donald J. Trump"),
        ("Donald Trump", "donald-j-trump", "Donald J. Trump"),
    }
    assert {t[1:] for t in by_name if t[0] in ("America", "U.S.", "United States", "Americans")} == {
        ("country:US", "United States")
    }
    assert {t[1] for t in by_name if t[0] == "Bush"} == {"bush"}  # George W. or Jeb: kept apart
    identities = _read(tmp_path / "out.jsonl.actors.jsonl")
    (bush,) = [i for i in identities if i["actor_id"] == "bush"]
    assert bush["may_be"] == ["George W. Bush", "Jeb Bush"]
    assert "short name kept apart: 'Bush' may be 'George W. Bush' or 'Jeb Bush'" in summary.line()
    # resuming a finished output settles it again to the same rows
    score_files(tiny_classifier, [str(_corpus(tmp_path))], out, level=level, resume=True, show_progress_bar=False)
    assert _read(out) == rows


@pytest.mark.parametrize("output", ["out.csv", "parts/"])
def test_csv_and_directory_outputs_are_settled_too(tiny_classifier, tmp_path, output):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("spacy")
    from newsstance.batch.scoring import score_files

    out = tmp_path / output
    score_files(tiny_classifier, [str(_corpus(tmp_path))], out, articles_per_batch=2, show_progress_bar=False)
    frame = pd.read_csv(out) if output.endswith(".csv") else pd.read_parquet(out)
    trump = frame[frame["actor"].str.contains("Trump")]
    assert set(trump["actor_id"]) == {"donald-j-trump"} and set(trump["canonical"]) == {"Donald J. Trump"}


def test_known_actors_name_the_rows_and_a_changed_list_is_not_resumed(tiny_classifier, tmp_path):
    pytest.importorskip("spacy")
    from newsstance.batch.scoring import UsageError, score_files

    known = tmp_path / "known.csv"
    known.write_text("name,aliases,type,id\nDonald J. Trump,Trump;Donald Trump,PERSON,Q22686\n")
    out = tmp_path / "out.jsonl"
    score_files(tiny_classifier, [str(_corpus(tmp_path))], out, known_actors=known, show_progress_bar=False)
    trump = {(r["actor"], r["actor_id"]) for r in _read(out) if "Trump" in r["actor"]}
    assert trump == {("Donald J. Trump", "Q22686")}
    known.write_text("name,aliases,type,id\nDonald J. Trump,Trump,PERSON,Q1\n")
    with pytest.raises(UsageError, match="known_actors"):
        score_files(tiny_classifier, [str(_corpus(tmp_path))], out, known_actors=known, resume=True)
    known.write_text("name,aliases,type,id\nA,X,PERSON,Q1\nB,X,PERSON,Q2\n")
    with pytest.raises(UsageError, match="--known-actors: .*'X' names both"):
        score_files(tiny_classifier, [str(_corpus(tmp_path))], tmp_path / "other.jsonl", known_actors=known)


def test_report_shows_one_row_per_identity(tiny_classifier, tmp_path):
    pytest.importorskip("pandas")
    pytest.importorskip("spacy")
    from newsstance.batch.scoring import score_files
    from newsstance.pages.read import read_scores

    out = tmp_path / "out.jsonl"
    score_files(tiny_classifier, [str(_corpus(tmp_path))], out, show_progress_bar=False)
    actors = set(read_scores([out]).frame["actor"])
    assert {"Donald J. Trump", "United States", "Bush", "Jeb Bush", "George W. Bush"} <= actors
    assert not actors & {"Trump", "Donald Trump", "U.S.", "America"}
    # rows without ids (a table of one's own) are grouped by the identities of their names
    bare = tmp_path / "bare.jsonl"
    bare.write_text(
        "".join(
            json.dumps({k: v for k, v in r.items() if k not in ("actor_id", "canonical")}) + "\n" for r in _read(out)
        )
    )
    assert set(read_scores([bare]).frame["actor"]) == actors
    known = tmp_path / "known.csv"
    known.write_text("name,aliases,type,id\nDonald J. Trump,Trump;Donald Trump,PERSON,Q22686\n")
    frame = read_scores([out], known_actors=known).frame
    assert set(frame.loc[frame["actor"] == "Donald J. Trump", "actor_id"]) == {"Q22686"}


def test_settle_frame_settles_a_computed_frame():
    pd = pytest.importorskip("pandas")
    from newsstance.articles.identity import settle_frame

    frame = pd.DataFrame(
        {
            "id": ["a", "b"],
            "actor": ["Donald Trump", "Trump"],
            "actor_id": ["donald-trump", "trump"],
            "canonical": ["Donald Trump", "Trump"],
            "actor_type": ["PERSON", "PERSON"],
        }
    )
    settled = settle_frame(frame)
    assert list(settled["actor_id"]) == ["donald-trump"] * 2 and list(settled["canonical"]) == ["Donald Trump"] * 2
    assert list(frame["actor_id"]) == ["donald-trump", "trump"]  # the frame given is left as it was
