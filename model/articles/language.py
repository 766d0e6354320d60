"""Which language an article is written in. newsstance reads English: its tagger, its name rules
and its model are English, so on other text they find actors and stances with no meaning.

Detection is py3langid's (langid.py's naive Bayes over byte n-grams, 140 languages; BSD-3-Clause).
Its model ships inside the wheel and is loaded once per process, on first use; nothing is
downloaded. It is deterministic. Measured in ``docs/articles.md`` ("Language").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any

ENGLISH = ("en",)
"""The languages newsstance reads, as ISO 639 codes (639-1 where there is one: "en", "de", "zh"; else
639-3: "pcm")."""

NO_LANGUAGE = "zxx"
"""The detector's code for text with no language in it (numbers, markup): unknown here."""

MIN_LETTERS = 20
"""Fewer letters than this (a headline, a caption) cannot be told apart: the language is unknown."""

MIN_CONFIDENCE = 0.9
"""How sure the detector must be: English when English is at least this probable; another language
when English is less probable than ``1 - MIN_CONFIDENCE`` (the other languages' share is then at
least this; it may be split between close ones, as Chinese is between zh, wuu and yue); in between
(short or mixed text, names more than words), unknown."""

SAMPLE_CHARS = 10_000
"""Only the start of an article is read (an article's language does not change; the cost stays small)."""

__all__ = ["ENGLISH", "LanguageWarning", "check_languages", "detect_language"]


_WORD = re.compile(r"\w+")


def _without_names(text: str) -> str:
    """``text`` less its capitalised words: names say little about the language around them (a list
    of names reads as German to the detector), and German nouns go too, but not its other words."""
    return _WORD.sub(lambda m: "" if m.group()[0].isupper() else m.group(), text)


class LanguageWarning(UserWarning):
    """Texts that are not in a language newsstance reads: their actors and stances are unreliable.
    ``warnings.simplefilter("error", LanguageWarning)`` makes it an error."""


@functools.lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str | None:
    """The ISO 639 code of the language ``text`` is written in ("en", "de", "zh", ...), or None
    when it cannot be told: fewer than :data:`MIN_LETTERS` letters outside capitalised words,
    English neither probable nor improbable enough (:data:`MIN_CONFIDENCE`), or no language at
    all. Another language is the most probable one."""
    sample = _without_names(text[:SAMPLE_CHARS])
    if sum(c.isalpha() for c in sample) < MIN_LETTERS:
        return None
    ranked = _identifier().rank(sample)
    english = next((p for code, p in ranked if code == "en"), 0.0)
    if english >= MIN_CONFIDENCE:
        return "en"
    language = ranked[0][0]
    return language if english < 1 - MIN_CONFIDENCE and language != NO_LANGUAGE else None


def check_languages(languages: Sequence[str] | None) -> tuple[str, ...] | None:
    """``languages`` as a tuple of lower-case codes that the detector knows (None: no check)."""
    if languages is None:
        return None
    if isinstance(languages, str) or not all(isinstance(code, str) for code in languages):
        raise TypeError(f"languages must be a list of ISO 639-1 codes such as ['en'], or None; got {languages!r:.80}")
    codes = tuple(code.strip().lower() for code in languages)
    known = set(_identifier().nb_classes)
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise ValueError(
            f"unknown language code {', '.join(map(repr, unknown))}; give ISO 639-1 codes such as 'en', 'de', 'fr' "
            "(639-3 where a language has no 639-1 code)"
        )
    return codes


def other_languages(other: list[tuple[int, str]], n: int, accepted: tuple[str, ...]) -> str:
    """The warning for texts ``other`` (index, code) of ``n`` that are not in ``accepted``."""
    shown = ", ".join(f"text {i} ({code})" for i, code in other[:5]) + (", …" if len(other) > 5 else "")
    wanted = "English" if accepted == ENGLISH else f"in {', '.join(accepted)}"
    return (
        f"{len(other)} of {n} texts {'is' if len(other) == 1 else 'are'} not {wanted}: {shown}; newsstance reads "
        f"English, so their actors and stances are unreliable. Pass languages=None (or the languages you accept, "
        f"e.g. languages=['en', '{other[0][1]}']) to analyse them without this warning"
    )
