import pytest

from newsstance.encoding import (
    EncodingConfig,
    check_text,
    encode,
    encode_many,
    mark,
    merge_spans,
    resolve_target,
    target_name,
    window,
)

CFG = EncodingConfig(scheme="markers+pair", max_length=64)


def test_name_marks_every_occurrence_case_sensitive_first():
    text = "Ruiz spoke. Later ruiz and Ruiz left."
    assert resolve_target(text, "Ruiz") == ((0, 4), (27, 31))


def test_name_falls_back_to_case_insensitive():
    assert resolve_target("the mayor met RUIZ today", "Ruiz") == ((14, 18),)


def test_name_matches_whole_words_only():
    text = "Trump said the trumpet was loud."
    assert resolve_target(text, "Trump") == ((0, 5),)
    with pytest.raises(ValueError, match="does not occur"):
        resolve_target("A trumpet sounded.", "Trump")


def test_spans_are_sorted_and_overlaps_merged():
    text = "Ana Ruiz said her plan works."
    assert resolve_target(text, [(14, 17), (0, 8), (4, 8)]) == ((0, 8), (14, 17))
    assert merge_spans([(5, 9), (0, 3), (2, 4)]) == ((0, 4), (5, 9))


def test_single_span_and_list_of_lists():
    text = "Ana Ruiz won."
    assert resolve_target(text, (0, 8)) == ((0, 8),)
    assert resolve_target(text, [[0, 3]]) == ((0, 3),)


@pytest.mark.parametrize(
    ("text", "target", "error", "message"),
    [
        ("", "Ruiz", ValueError, "text is empty"),
        ("   \n", "Ruiz", ValueError, "text is empty"),
        (b"Ruiz won", "Ruiz", TypeError, "decode bytes"),
        (None, "Ruiz", TypeError, "text must be a str"),
        ("Ruiz won", "Lopez", ValueError, "does not occur"),
        ("Ruiz won", "  ", ValueError, "target name is empty"),
        ("Ruiz won", (0, 99), ValueError, "outside the text"),
        ("Ruiz won", (-1, 3), ValueError, "outside the text"),
        ("Ruiz won", (3, 3), ValueError, "empty or outside"),
        ("Ruiz  won", (4, 6), ValueError, "only whitespace"),
        ("Ruiz won", 7, TypeError, "target must be"),
        ("Ruiz won", [], TypeError, "target must be"),
        ("Ruiz won", [(0, 4), "x"], TypeError, "target must be"),
        ("Ruiz won", (True, 3), TypeError, "target must be"),
    ],
)
def test_bad_input_names_the_problem(text, target, error, message):
    with pytest.raises(error, match=message):
        resolve_target(text, target)


def test_check_text_returns_text():
    assert check_text("ok") == "ok"


def test_mark_wraps_mentions_and_reports_their_new_spans():
    text = "Ana Ruiz said her plan works."
    marked, spans = mark(text, [(0, 8), (14, 17)], CFG)
    assert marked == "[Ana Ruiz] said [her] plan works."
    assert [marked[s:e] for s, e in spans] == ["[Ana Ruiz]", "[her]"]


def test_target_name_prefers_the_longest_mention():
    assert target_name("He said Ana  Ruiz won", [(0, 2), (8, 17)]) == "Ana Ruiz"


@pytest.mark.parametrize("scheme", ["markers", "pair", "markers+pair"])
def test_encode_target_mask_covers_the_mentions(tokenizer, scheme):
    cfg = EncodingConfig(scheme=scheme, max_length=64)
    text = "the minister said ruiz was wrong"
    out = encode(tokenizer, text, [(18, 22)], cfg)
    tokens = tokenizer.convert_ids_to_tokens(out["input_ids"])
    masked = [t for t, m in zip(tokens, out["target_mask"]) if m]
    expected = ["[", "r", "##u", "##i", "##z", "]"] if cfg.uses_markers else ["r", "##u", "##i", "##z"]
    assert masked == expected
    assert len(out["target_mask"]) == len(out["input_ids"]) == len(out["attention_mask"])
    if cfg.uses_pair:
        assert out["input_ids"].count(tokenizer.sep_token_id) == 2
        assert tokens[-5:] == ["r", "##u", "##i", "##z", "[SEP]"]


def test_target_at_very_start_and_end(tokenizer):
    text = "ruiz"
    out = encode(tokenizer, text, [(0, 4)], CFG)
    assert sum(out["target_mask"]) == 6  # [ r ##u ##i ##z ]


def test_unicode_text_keeps_offsets(tokenizer):
    text = "Guaidó’s rival — Ruiz — said “no”."
    spans = resolve_target(text, "Ruiz")
    assert text[spans[0][0] : spans[0][1]] == "Ruiz"
    assert resolve_target(text, "Guaidó") == ((0, 6),)
    out = encode(tokenizer, text, spans, CFG)
    assert sum(out["target_mask"]) == 6


def test_long_text_keeps_a_window_around_a_late_target(tokenizer):
    words = [f"w{i % 10}" for i in range(5000)]
    words[4990] = "ruiz"
    text = " ".join(words)
    spans = resolve_target(text, "ruiz")
    cfg = EncodingConfig(max_length=128)
    short, kept = window(tokenizer, text, spans, cfg)
    assert len(short) < len(text)
    assert [short[s:e] for s, e in kept] == ["ruiz"]
    out = encode(tokenizer, text, spans, cfg)
    assert len(out["input_ids"]) <= 128
    tokens = tokenizer.convert_ids_to_tokens(out["input_ids"])
    assert [t for t, m in zip(tokens, out["target_mask"]) if m] == ["[", "r", "##u", "##i", "##z", "]"]


def test_window_keeps_the_largest_run_of_mentions_and_never_cuts_one(tokenizer):
    words = ["w1"] * 3000
    for i in (100, 2000, 2010, 2020):
        words[i] = "ruiz"
    text = " ".join(words)
    spans = resolve_target(text, "ruiz")
    short, kept = window(tokenizer, text, spans, EncodingConfig(max_length=128))
    assert len(kept) == 3
    assert all(short[s:e] == "ruiz" for s, e in kept)


def test_encode_many_equals_encode_one_by_one(tokenizer):
    long_text = " ".join(["w1"] * 400 + ["ruiz", "and", "bo"] + ["w2"] * 400 + ["bo"])
    long_name = " ".join("abcdefghij" * 4)  # 40 one-letter words
    items = [
        ("ruiz won", [(0, 4)]),
        (long_text, resolve_target(long_text, "bo")),  # windowed: the window drops the last "bo"
        (long_name + " won.", [(0, len(long_name))]),  # a name longer than a quarter of max_length: cut
        ("ruiz won", [(0, 4)]),  # a repeated name
    ]
    for scheme in ("markers+pair", "markers", "pair"):
        cfg = EncodingConfig(scheme=scheme, max_length=128)
        assert encode_many(tokenizer, items, cfg) == [encode(tokenizer, t, s, cfg) for t, s in items]
    assert encode_many(tokenizer, [], CFG) == []


def test_short_text_is_left_whole(tokenizer):
    text = "ruiz won"
    assert window(tokenizer, text, [(0, 4)], CFG) == (text, ((0, 4),))


def test_config_validates_and_round_trips():
    with pytest.raises(ValueError, match="choose one of"):
        EncodingConfig(scheme="brackets")
    with pytest.raises(ValueError, match="non-blank"):
        EncodingConfig(marker_start=" ")
    with pytest.raises(ValueError, match="at least 16"):
        EncodingConfig(max_length=4)
    assert EncodingConfig.from_dict(CFG.to_dict()) == CFG


def test_a_long_name_is_clipped_so_the_text_keeps_its_room(tokenizer):
    name = " ".join(["ruiz"] * 8)  # 32 tokens for the tiny tokenizer: too long to fit twice in 64
    text = "the minister met " + name + " today and " + "w1 " * 200
    spans = [(17, 17 + len(name))]
    out = encode(tokenizer, text, spans, CFG)
    assert len(out["input_ids"]) <= 64
    ids = out["input_ids"]
    second = ids[ids.index(tokenizer.sep_token_id) + 1 :]
    assert len(second) == 64 // 4 + 1  # the clipped name and its [SEP]
    assert sum(out["target_mask"]) == 34  # the whole mention and its two markers
