"""Turn (text, target mentions) into model input: the one encoding used by training and inference.

How a target is marked is part of the model, so the scheme lives in :class:`EncodingConfig`,
which is saved in every model directory and read back at load time.

Schemes:

* ``"markers"``: every mention of the target is wrapped in marker strings inside the text.
* ``"pair"``: the text is left as it is; the target's name is the second segment.
* ``"markers+pair"``: both.
"""

from __future__ import annotations

import numbers
import re
import weakref
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

Span = tuple[int, int]
Target = str | Span | Sequence[Span]

SCHEMES = ("markers", "pair", "markers+pair")

_OFFSETS_ONLY = {  # tokenizer arguments where only the tokens' character offsets are needed
    "add_special_tokens": False,
    "return_offsets_mapping": True,
    "return_token_type_ids": False,
    "return_attention_mask": False,
    "verbose": False,
}
_WINDOW_MARGIN = 4  # tokens kept free so that re-tokenising a window never overflows
_MAX_NAME_CHARS = 100


@dataclass(frozen=True)
class EncodingConfig:
    """How a (text, target) pair becomes model input."""

    scheme: str = "markers+pair"
    marker_start: str = "["
    marker_end: str = "]"
    max_length: int = 256

    def __post_init__(self) -> None:
        if self.scheme not in SCHEMES:
            raise ValueError(f"unknown encoding scheme {self.scheme!r}; choose one of {SCHEMES}")
        if self.uses_markers and not (self.marker_start.strip() and self.marker_end.strip()):
            raise ValueError("marker_start and marker_end must be non-blank strings for a markers scheme")
        if self.max_length < 16:
            raise ValueError(f"max_length must be at least 16 tokens, got {self.max_length}")

    @property
    def uses_markers(self) -> bool:
        return self.scheme in ("markers", "markers+pair")

    @property
    def uses_pair(self) -> bool:
        return self.scheme in ("pair", "markers+pair")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EncodingConfig:
        return cls(**data)


def check_text(text: object) -> str:
    """Return ``text`` if it is a non-empty string, else raise an error that names the fix."""
    if not isinstance(text, str):
        raise TypeError(
            f"text must be a str, got {type(text).__name__}; decode bytes first (e.g. data.decode('utf-8'))"
        )
    if not text.strip():
        raise ValueError("text is empty or only whitespace; pass the passage that mentions the target")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        raise ValueError(
            f"text holds a lone surrogate at index {err.start} ({text[err.start]!r}), which is not text; "
            "decode the source with errors='replace' or remove it"
        ) from None
    return text


def resolve_target(text: str, target: Target) -> tuple[Span, ...]:
    """Return the sorted, checked character spans of the target's mentions in ``text``.

    ``target`` is a name (every occurrence is marked: case-sensitive first, then
    case-insensitive; whole words only), one ``(start, end)`` span (end exclusive),
    or a sequence of spans (several mentions of the same actor); overlapping spans are merged.
    """
    check_text(text)
    if isinstance(target, str):
        return _find_name(text, target)
    if hasattr(target, "tolist") and not isinstance(target, (tuple, list)):
        target = target.tolist()  # a numpy array of spans, or one span
    if _is_span(target):
        spans = [target]
    elif isinstance(target, Sequence) and target and all(_is_span(s) for s in target):
        spans = list(target)
    else:
        raise TypeError(f"target must be a name (str), a (start, end) span or a list of spans, got {target!r}")
    return merge_spans([_check_span(text, (int(s), int(e))) for s, e in spans])


def merge_spans(spans: Sequence[Span]) -> tuple[Span, ...]:
    """Sort spans and merge any that overlap, so every character is marked at most once."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def _is_span(obj: object) -> bool:
    return (
        isinstance(obj, (tuple, list))
        and len(obj) == 2
        and all(isinstance(x, numbers.Integral) and not isinstance(x, bool) for x in obj)
    )


def _check_span(text: str, span: Span) -> Span:
    start, end = span
    if not 0 <= start < end <= len(text):
        raise ValueError(
            f"span {span} is empty or outside the text (length {len(text)}); "
            "spans are (start, end) character offsets with 0 <= start < end <= len(text)"
        )
    if not text[start:end].strip():
        raise ValueError(f"span {span} covers only whitespace ({text[start:end]!r}); point it at the mention")
    return span


def _find_name(text: str, name: str) -> tuple[Span, ...]:
    if not name.strip():
        raise ValueError("target name is empty; pass the actor's name as it appears in the text")
    left = r"(?<!\w)" if name[0].isalnum() else ""
    right = r"(?!\w)" if name[-1].isalnum() else ""
    for flags in (0, re.IGNORECASE):
        pattern = re.compile(left + re.escape(name) + right, flags)
        spans = tuple(m.span() for m in pattern.finditer(text))
        if spans:
            return spans
    raise ValueError(
        f"target {name!r} does not occur in the text; pass a name that appears in it or the mention's (start, end) span"
    )


def target_name(text: str, spans: Sequence[Span]) -> str:
    """The target's name for the pair segment: its longest mention (names beat pronouns)."""
    start, end = max(spans, key=lambda s: (s[1] - s[0], -s[0]))
    return " ".join(text[start:end].split())[:_MAX_NAME_CHARS]


def mark(text: str, spans: Sequence[Span], config: EncodingConfig) -> tuple[str, tuple[Span, ...]]:
    """Wrap every span of ``text`` in the config's markers.

    Returns the marked text and each mention's span in it, markers included.
    """
    pieces, marked, prev, pos = [], [], 0, 0
    for start, end in spans:
        before = text[prev:start]
        piece = config.marker_start + text[start:end] + config.marker_end
        pieces += [before, piece]
        marked.append((pos + len(before), pos + len(before) + len(piece)))
        pos += len(before) + len(piece)
        prev = end
    pieces.append(text[prev:])
    return "".join(pieces), tuple(marked)


def segments(text: str, spans: Sequence[Span], config: EncodingConfig) -> tuple[str, str | None, tuple[Span, ...]]:
    """The model's text segments for one target, before tokenisation, and the target's
    spans in the first segment."""
    first, first_spans = mark(text, spans, config) if config.uses_markers else (text, tuple(spans))
    second = target_name(text, spans) if config.uses_pair else None
    return first, second, first_spans


def window(tokenizer: Any, text: str, spans: Sequence[Span], config: EncodingConfig) -> tuple[str, tuple[Span, ...]]:
    """Cut ``text`` to a window around the mentions when it is longer than the model takes.

    Returns the (possibly shortened) text and the spans shifted into it. The window holds the
    largest run of consecutive mentions that fits; mentions outside it are dropped whole,
    never cut in half.
    """
    name_len = _clip_names(tokenizer, [target_name(text, spans)], config)[0][1] if config.uses_pair else 0
    marker_len = _marker_len(tokenizer, config)
    offsets = tokenizer(text, **_OFFSETS_ONLY)["offset_mapping"]
    return _window(text, spans, offsets, _text_budget(config, name_len, marker_len), marker_len)


def _text_budget(config: EncodingConfig, name_len: int, marker_len: int) -> int:
    """Tokens left for the first segment (markers included) once the name and specials have theirs."""
    special = 3 if config.uses_pair else 2
    fixed = config.max_length - special - name_len - _WINDOW_MARGIN
    if fixed - marker_len < 8:
        raise ValueError(f"max_length {config.max_length} leaves no room for the text; raise it")
    return fixed


def _window(
    text: str, spans: Sequence[Span], offsets: Sequence[tuple[int, int]], fixed: int, marker_len: int
) -> tuple[str, tuple[Span, ...]]:
    """:func:`window`, given the text's token offsets and the budget ``fixed``."""
    if len(offsets) + marker_len * len(spans) <= fixed:
        return text, tuple(spans)

    token_spans = [_token_span(offsets, s) for s in spans]
    # Longest run of consecutive mentions i..j whose tokens (and markers) fit the budget.
    best, j = (0, 0), 0
    for i in range(len(spans)):
        j = max(j, i)
        while j + 1 < len(spans) and _run_fits(token_spans, i, j + 1, marker_len, fixed):
            j += 1
        if not _run_fits(token_spans, i, j, marker_len, fixed):
            continue  # a single mention longer than the budget: skip it
        if j - i > best[1] - best[0] or not _run_fits(token_spans, *best, marker_len, fixed):
            best = (i, j)
    i, j = best
    if not _run_fits(token_spans, i, j, marker_len, fixed):
        raise ValueError("a target mention is longer than the model's max_length; shorten the span")
    budget = fixed - marker_len * (j - i + 1)
    lo_tok, hi_tok = token_spans[i][0], token_spans[j][1]
    slack = budget - (hi_tok - lo_tok + 1)
    lo = max(0, min(lo_tok - slack // 2, len(offsets) - budget))
    hi = min(len(offsets), lo + budget)
    char_lo, char_hi = offsets[lo][0], offsets[hi - 1][1]
    kept = tuple((s - char_lo, e - char_lo) for s, e in spans[i : j + 1] if char_lo <= s and e <= char_hi)
    return text[char_lo:char_hi], kept


def clip_name(tokenizer: Any, name: str, config: EncodingConfig) -> str:
    """The name, cut to at most a quarter of ``max_length`` tokens, so that the text keeps the room."""
    return _clip_names(tokenizer, [name], config)[0][0]


def _clip_names(tokenizer: Any, names: Sequence[str], config: EncodingConfig) -> list[tuple[str, int]]:
    """:func:`clip_name` for each name, with the clipped name's length in tokens: one batched
    tokenizer call for the distinct names (and one more for each name that is cut, tokenised
    again as the model will see it)."""
    limit = config.max_length // 4
    distinct = list(dict.fromkeys(names))
    offsets = tokenizer(distinct, **_OFFSETS_ONLY)["offset_mapping"]
    clipped = {}
    for name, offs in zip(distinct, offsets):
        if len(offs) <= limit:
            clipped[name] = (name, len(offs))
        else:
            cut = name[: offs[limit - 1][1]]
            clipped[name] = (cut, len(tokenizer.tokenize(cut)))
    return [clipped[name] for name in names]


_MARKER_LENGTHS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _marker_len(tokenizer: Any, config: EncodingConfig) -> int:
    """Tokens that the two markers add around one mention (0 without markers), computed once
    per tokenizer and marker pair."""
    if not config.uses_markers:
        return 0
    key = (config.marker_start, config.marker_end)
    try:
        known = _MARKER_LENGTHS.setdefault(tokenizer, {})
    except TypeError:  # a tokenizer that cannot be weakly referenced: no cache
        known = {}
    if key not in known:
        known[key] = len(tokenizer.tokenize(config.marker_start)) + len(tokenizer.tokenize(config.marker_end))
    return known[key]


def _token_span(offsets: Sequence[tuple[int, int]], span: Span) -> tuple[int, int]:
    start, end = span
    inside = [k for k, (a, b) in enumerate(offsets) if a < end and b > start]
    if not inside:  # a mention made only of characters the tokenizer drops
        nearest = min(range(len(offsets)), key=lambda k: abs(offsets[k][0] - start))
        return nearest, nearest
    return inside[0], inside[-1]


def _run_fits(token_spans: Sequence[tuple[int, int]], i: int, j: int, marker_len: int, fixed: int) -> bool:
    return token_spans[j][1] - token_spans[i][0] + 1 + marker_len * (j - i + 1) <= fixed


def encode(tokenizer: Any, text: str, spans: Sequence[Span], config: EncodingConfig) -> dict[str, list[int]]:
    """Model input for one (text, mention spans) pair, unpadded: the tokenizer's ids plus
    ``target_mask``, 1 on the tokens of the target's mentions (markers included)."""
    return encode_many(tokenizer, [(text, spans)], config)[0]


def encode_many(
    tokenizer: Any, items: Sequence[tuple[str, Sequence[Span]]], config: EncodingConfig
) -> list[dict[str, list[int]]]:
    """:func:`encode` for many pairs, with one batched tokenizer call per step (the names, the
    texts, the model's segments) instead of several calls per pair."""
    if not items:
        return []
    if config.uses_pair:
        names = _clip_names(tokenizer, [target_name(text, spans) for text, spans in items], config)
    else:
        names = [(None, 0)] * len(items)
    marker_len = _marker_len(tokenizer, config)
    texts = [text for text, _ in items]
    text_offsets = tokenizer(texts, **_OFFSETS_ONLY)
    firsts, seconds, target_spans = [], [], []
    for (text, spans), (name, name_len), offsets in zip(items, names, text_offsets["offset_mapping"]):
        cut, kept = _window(text, spans, offsets, _text_budget(config, name_len, marker_len), marker_len)
        first, second, first_spans = segments(cut, kept, config)
        if second is not None:  # the name again only if the window dropped mentions (its longest may have gone)
            second = name if (cut, kept) == (text, tuple(spans)) else clip_name(tokenizer, second, config)
        firsts.append(first)
        seconds.append(second)
        target_spans.append(first_spans)
    encoded = tokenizer(
        firsts,
        seconds if config.uses_pair else None,
        truncation="only_first",
        max_length=config.max_length,
        return_offsets_mapping=True,
    )
    out = []
    for n, spans in enumerate(target_spans):
        row = {key: list(value[n]) for key, value in encoded.items() if key != "offset_mapping"}
        row["target_mask"] = [
            int(seq == 0 and any(a < e and b > s for s, e in spans))
            for seq, (a, b) in zip(encoded.sequence_ids(n), encoded["offset_mapping"][n])
        ]
        out.append(row)
    return out


def pad_batch(features: Sequence[dict[str, list[int]]], pad_token_id: int) -> dict[str, Any]:
    """Right-pad encoded examples into tensors (input ids with ``pad_token_id``, the rest with 0)."""
    import torch

    width = max(len(f["input_ids"]) for f in features)
    return {
        key: torch.tensor(
            [f[key] + [pad_token_id if key == "input_ids" else 0] * (width - len(f[key])) for f in features],
            dtype=torch.long,
        )
        for key in features[0]
    }


def example_batch(tokenizer: Any, config: EncodingConfig) -> dict[str, Any]:
    """A small padded batch of two encoded examples, of different lengths, for tracing the
    network into another runtime (ONNX, OpenVINO)."""
    sample = [
        encode(tokenizer, "Critics said Ana Ruiz was wrong about the deal.", [(13, 21)], config),
        encode(tokenizer, "Bo Lee won.", [(0, 6)], config),
    ]
    return pad_batch(sample, tokenizer.pad_token_id)
