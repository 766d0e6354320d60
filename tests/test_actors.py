"""Actor rules, on hand-made entity lists (no spaCy needed)."""

import pytest

from newsstance.articles.actors import build_actors, clean_span, find_mentions, fold
from newsstance.articles.given import given_actors
from newsstance.articles.passages import chunk, split_passages


def _ents(text, *forms_labels):
    out, pos = [], 0
    for form, label in forms_labels:
        start = text.index(form, pos)
        out.append((start, start + len(form), label))
        pos = start + len(form)
    return out


def _actors(text, *ents):
    actors = build_actors(text, _ents(text, *ents))
    find_mentions(text, actors, [clean_span(text, s, e) for s, e, _ in _ents(text, *ents)])
    return {a.name: [text[m.start : m.end] for m in a.mentions] for a in actors}, actors


def test_full_name_surname_and_possessive_merge():
    text = "Nicolas Maduro spoke. Maduro's rivals met. Later Maduro left."
    found, actors = _actors(text, ("Nicolas Maduro", "PERSON"), ("Maduro's", "ORG"), ("Maduro", "PERSON"))
    assert found == {"Nicolas Maduro": ["Nicolas Maduro", "Maduro", "Maduro"]}
    assert actors[0].type == "PERSON"


def test_titles_are_dropped():
    text = "President Trump spoke to Admiral Craig Faller. Faller agreed, and Adm. Faller left."
    found, _ = _actors(text, ("President Trump", "PERSON"), ("Admiral Craig Faller", "PERSON"), ("Faller", "PERSON"))
    assert found == {"Trump": ["Trump"], "Craig Faller": ["Craig Faller", "Faller", "Faller"]}


def test_accents_and_case_fold():
    text = "Juan Guaidó spoke. Guaido answered. GUAIDO's aides cheered."
    found, _ = _actors(text, ("Juan Guaidó", "PERSON"), ("Guaido", "PERSON"))
    assert list(found) == ["Juan Guaidó"]
    assert found["Juan Guaidó"] == ["Juan Guaidó", "Guaido"]  # search is case-sensitive: GUAIDO is not a form seen
    assert fold("Guaidó  Márquez") == "guaido marquez"


def test_country_aliases_share_one_actor():
    text = "The US said so. The United States, or America, agreed with the U.S. Senate."
    found, actors = _actors(text, ("US", "GPE"), ("United States", "GPE"), ("America", "GPE"), ("U.S. Senate", "ORG"))
    assert found["United States"] == ["US", "United States", "America"]
    assert found["U.S. Senate"] == ["U.S. Senate"]


def test_introduced_alias_joins_its_actor_and_search_respects_longer_entities():
    text = "A letter went to US Southern Command or SouthCom. Later SouthCom replied; the US agreed."
    found, _ = _actors(text, ("US Southern Command", "ORG"), ("SouthCom", "ORG"), ("US", "GPE"))
    assert found["US Southern Command"] == ["US Southern Command", "SouthCom", "SouthCom"]
    assert found["United States"] == ["US"]  # not the "US" inside "US Southern Command"


def test_parenthesised_alias():
    text = "The Coastal Freight Authority (CFA) warned. CFA officials left."
    found, _ = _actors(text, ("The Coastal Freight Authority", "ORG"))
    assert found == {"Coastal Freight Authority": ["Coastal Freight Authority", "CFA", "CFA"]}


def test_possessive_noun_phrase_counts_for_the_possessor():
    text = "Maduro's government fell. Nicolas Maduro fled."
    found, _ = _actors(text, ("Maduro's government", "ORG"), ("Nicolas Maduro", "PERSON"))
    assert found == {"Nicolas Maduro": ["Maduro", "Nicolas Maduro"]}


def test_given_actors_match_surname_possessive_and_aliases():
    text = "Benjamin Koellmann spoke. Koellmann's plan, says the KBA, is weak. Koellmannia is a town."
    actors = given_actors(["Benjamin Koellmann", {"name": "Koellmann Bau AG", "aliases": ["KBA"]}])
    find_mentions(text, actors)
    assert [text[m.start : m.end] for m in actors[0].mentions] == ["Benjamin Koellmann", "Koellmann"]
    assert [text[m.start : m.end] for m in actors[1].mentions] == ["KBA"]


@pytest.mark.parametrize("bad", ["Maduro", {"name": "Maduro"}])
def test_given_actors_must_be_a_list(bad):
    with pytest.raises(TypeError, match="list of names"):
        given_actors(bad)


def test_given_actor_errors():
    with pytest.raises(TypeError, match="must be a name or a dict"):
        given_actors([{"aliases": ["x"]}])
    with pytest.raises(ValueError, match="empty name"):
        given_actors([" "])


def test_passages_split_on_blank_lines_then_single_newlines():
    text = "  First para.\nsame para.\n\n \nSecond para.  \n\nThird."
    spans = split_passages(text)
    assert [text[s:e] for s, e in spans] == ["First para.\nsame para.", "Second para.", "Third."]
    single = "One.\nTwo.\n"
    assert [single[s:e] for s, e in split_passages(single)] == ["One.", "Two."]
    assert split_passages("No newline at all.") == [(0, 18)]
    assert split_passages("   \n\n  ") == []


def test_chunk_cuts_long_passages_at_spaces():
    text = "word " * 100
    pieces = chunk(text, (0, len(text)), 42)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(e - s <= 42 for s, e in pieces)
    assert all(text[s] == " " for s, _ in pieces[1:])


def test_a_name_after_a_title_is_a_person_even_when_the_tagger_misses_it():
    text = "Transport Minister Ilse Marant spoke. Marant's plan failed, and Marant resigned."
    found, actors = _actors(text, ("Transport", "ORG"))
    assert found["Ilse Marant"] == ["Ilse Marant", "Marant", "Marant"]
    assert next(a for a in actors if a.name == "Ilse Marant").type == "PERSON"


def test_leading_function_words_are_dropped_and_an_org_keeps_its_short_name():
    text = "The Hearthline Health Trust paid. Without Hearthline, clinics close."
    found, _ = _actors(text, ("The Hearthline Health Trust", "ORG"), ("Without Hearthline", "PERSON"))
    assert found == {"Hearthline Health Trust": ["Hearthline Health Trust", "Hearthline"]}


def test_a_countrys_people_are_the_country():
    text = "Venezuelans marched. The Venezuelan government spoke. Venezuela said no."
    found, actors = _actors(text, ("Venezuelans", "NORP"), ("Venezuelan", "NORP"), ("Venezuela", "GPE"))
    # the adjective is not the country: "the Venezuelan government" is an actor of its own
    assert found == {"Venezuela": ["Venezuelans", "Venezuela"], "Venezuelan": ["Venezuelan"]}
    assert actors[0].type == "GPE" and actors[0].country == "VE"


def test_persons_the_tagger_misses_are_proposed_by_news_patterns():
    from newsstance.articles.names import missed_persons

    def found(text, entities=()):
        return [text[s:e] for s, e, _ in missed_persons(text, list(entities))]

    assert found("Reed also said the plan would pass.") == ["Reed"]
    assert found('"It will pass," said Grimes.') == ["Grimes"]
    assert found("Officials said the plan would pass. Critics told reporters otherwise.") == []
    text = "The race is between Ossoff and Handel."
    assert found(text, [(text.index("Ossoff"), text.index("Ossoff") + 6, "PERSON")]) == ["Handel"]
    assert found("MORGAN: Yes, we were there.\nUPDATE: the vote was delayed.") == ["MORGAN"]
    assert found("Reed said so.", [(0, 4, "ORG")]) == []  # an entity already stands there
    assert found("A statement by Grant Hayes was read out.") == ["Grant Hayes"]  # "grant" is a first name
    assert found("Lauten, 41, lives on a quiet street.") == ["Lauten"]
    assert found("Coburn, a physician, said so.") == ["Coburn"]


def test_markup_is_cut_from_a_mention():
    text = "Voters met <b>Sarah Mitchell</b> today."
    start, end = text.index("<b>"), text.index("</b>") + 4
    assert text[slice(*clean_span(text, start, end))] == "Sarah Mitchell"


def _doc(words, tags, deps, heads, ents=()):
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import Doc

    return Doc(spacy.blank("en").vocab, words=words, tags=tags, deps=deps, heads=heads, ents=list(ents) or None)


def test_a_lone_proper_noun_in_a_persons_role_is_a_person_on_the_parse():
    from newsstance.articles.names import parsed_persons

    def found(doc, entities=(), offset=0):
        return [(s, e) for s, e, _ in parsed_persons([(offset, doc)], list(entities))]

    words = ["Lofchie", "objected", "to", "the", "appointment", "."]
    tags, deps, heads = (
        ["NNP", "VBD", "IN", "DT", "NN", "."],
        ["nsubj", "ROOT", "prep", "det", "pobj", "punct"],
        [1, 1, 1, 4, 2, 1],
    )
    assert found(_doc(words, tags, deps, heads)) == [(0, 7)]
    assert found(_doc(words, tags, deps, heads), offset=100) == [(100, 107)]  # offsets into the article
    assert found(_doc(words, tags, deps, heads), [(0, 7, "ORG")]) == []  # an entity stands there already
    assert found(_doc(words, [""] * 6, deps, heads)) == []  # no tagger, no rule
    assert found(_doc(words, tags, deps, heads, ["B-PERSON", "O", "O", "O", "O", "O"])) == []
    assert found(_doc(words, tags, deps, heads, ["B-PRODUCT", "O", "O", "O", "O", "O"])) == [(0, 7)]  # a weak label

    # A determiner or "of" makes it a noun or a title; a neighbouring proper noun, a longer name.
    cabinet = _doc(
        ["The", "Cabinet", "objected", "."], ["DT", "NNP", "VBD", "."], ["det", "nsubj", "ROOT", "punct"], [1, 2, 2, 2]
    )
    assert found(cabinet) == []
    head = _doc(["Head", "of", "the", "academy", "said", "so"], ["NNP", "IN", "DT", "NN", "VBD", "RB"],
                ["nsubj", "prep", "det", "pobj", "ROOT", "advmod"], [4, 0, 3, 1, 4, 4])  # fmt: skip
    assert found(head) == []
    senator = _doc(["Senator", "objected", "."], ["NNP", "VBD", "."], ["nsubj", "ROOT", "punct"], [1, 1, 1])
    assert found(senator) == []  # a title alone
    # A headline capitalises every word, so capitals say nothing there.
    headline = _doc(["Carson", "Takes", "Lead", "From", "Trump"], ["NNP", "VBZ", "NNP", "IN", "NNP"],
                    ["nsubj", "ROOT", "dobj", "prep", "pobj"], [1, 1, 1, 2, 3])  # fmt: skip
    assert found(headline) == []
    sentence = _doc(["Carson", "took", "the", "lead", "from", "Trump"], ["NNP", "VBD", "DT", "NN", "IN", "NNP"],
                    ["nsubj", "ROOT", "det", "dobj", "prep", "pobj"], [1, 1, 3, 1, 3, 4])  # fmt: skip
    assert found(sentence) == [(0, 6), (26, 31)]


def test_a_person_after_town_of_is_a_place():
    from newsstance.articles.actors import place_if_named_so

    text = "She grew up in the fishing town of Orlen and met Vera Holm there."
    orlen, holm = text.index("Orlen"), text.index("Vera Holm")
    assert place_if_named_so(text, (orlen, orlen + 5, "PERSON")) == (orlen, orlen + 5, "GPE")
    assert place_if_named_so(text, (holm, holm + 9, "PERSON")) == (holm, holm + 9, "PERSON")
    assert place_if_named_so(text, (orlen, orlen + 5, "ORG")) == (orlen, orlen + 5, "ORG")  # only persons move
    text = "Secretary of State Mike Pompeo spoke."
    assert place_if_named_so(text, (19, 30, "PERSON"))[2] == "PERSON"


def test_a_given_type_is_case_folded_to_one_of_the_actor_types():
    (actor,) = given_actors([{"name": "Nancy Pelosi", "type": " person "}])
    assert actor.given_type == "PERSON" and actor.type == "PERSON" and actor.is_person()
    assert given_actors([{"name": "Harbour Council", "type": "org"}])[0].type == "ORG"
    with pytest.raises(ValueError, match=r"'ALIEN'.*PERSON, ORG, GPE, NORP"):
        given_actors([{"name": "Zorg", "type": "ALIEN"}])
    with pytest.raises(TypeError, match=r"type.*5.*PERSON, ORG, GPE, NORP"):
        given_actors([{"name": "Zorg", "type": 5}])


@pytest.mark.parametrize(
    ("spec", "error", "message"),
    [
        ({"name": 5}, TypeError, r"'name' must be a non-empty string, got int 5"),
        ({"name": ""}, ValueError, r"empty name"),
        ({"name": "Ana Ruiz", "aliases": 5}, TypeError, r"'aliases' must be a list of strings, got int"),
        ({"name": "Ana Ruiz", "aliases": ["Ruiz", 7]}, TypeError, r"alias 1 .* got int 7"),
        ({"name": "Ana Ruiz", "aliases": [" "]}, ValueError, r"empty .*alias"),
        ({"name": "Ana Ruiz", "alias": ["Ruiz"]}, ValueError, r"unknown key 'alias'.*'name', 'aliases', 'type'"),
        (5, TypeError, r"must be a name or a dict"),
    ],
)
def test_every_field_of_a_given_actor_is_checked(spec, error, message):
    with pytest.raises(error, match=message):
        given_actors([spec])


def test_a_name_with_a_particle_stays_one_person_and_its_short_forms_join_it():
    text = (
        "Ursula von der Leyen spoke in Brussels. Von der Leyen said von der Leyen would stay. "
        "Luiz Inacio Lula da Silva replied, and Lula left."
    )
    found, actors = _actors(
        text,
        ("Ursula von der", "PERSON"),
        ("Leyen", "GPE"),
        ("Brussels", "GPE"),
        ("Von der Leyen", "ORG"),
        ("Luiz Inacio Lula da Silva", "PERSON"),
        ("Lula", "PERSON"),
    )
    assert found["Ursula von der Leyen"] == ["Ursula von der Leyen", "Von der Leyen", "von der Leyen"]
    assert found["Luiz Inacio Lula da Silva"] == ["Luiz Inacio Lula da Silva", "Lula"]
    assert {a.name: a.type for a in actors}["Ursula von der Leyen"] == "PERSON"


def test_a_particle_inside_an_organisation_name_leaves_it_an_organisation():
    text = "Banco do Brasil raised its rates."
    found, actors = _actors(text, ("Banco do Brasil", "ORG"))
    assert found == {"Banco do Brasil": ["Banco do Brasil"]} and actors[0].type == "ORG"


def test_a_dateline_is_not_an_actor():
    text = (
        "WASHINGTON — The Senate met. Critics in Washington said the Senate was slow.\n\n"
        "RIO DE JANEIRO, March 3 — Rain."
    )
    found, _ = _actors(text, ("WASHINGTON", "GPE"), ("Senate", "ORG"), ("Washington", "GPE"), ("RIO DE JANEIRO", "GPE"))
    assert found == {"Senate": ["Senate", "Senate"], "Washington": ["Washington"]}


def test_a_nationality_said_of_things_is_not_an_actor_but_a_government_is():
    spacy = pytest.importorskip("spacy")
    from newsstance.articles.names import adjective_groups
    from newsstance.articles.nlp import load_pipeline

    text = "The German government said European cars and American officials were late."
    doc = load_pipeline()(text)
    norp = [(e.start_char, e.end_char, "NORP") for e in doc.ents if e.label_ == "NORP"]
    assert {text[s:e] for s, e, _ in norp} == {"German", "European", "American"}, "the tagger changed"
    assert {text[s:e] for s, e in adjective_groups([(0, doc)], norp)} == {"European", "American"}
    assert spacy
