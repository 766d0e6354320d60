"""Countries and their demonyms as ISO 3166-1 alpha-2 codes, from countryinfo's data.

countryinfo (MIT) holds, per country, its short name, its other spellings (official names,
"UK", "Holland", "Czechia") and its demonym. From them a form of a GPE or NORP mention maps to
a code: the name or a spelling ("Russian Federation" → RU), a dotted abbreviation ("U.S.",
"U.K."), an ISO code written in capitals ("USA"), the demonym and its plural ("Venezuelans",
"British" → VE, GB; article reading takes the plural only: :func:`country`). :data:`COLLOQUIAL`
adds the few forms of English news that the data lacks; ``newsstance bench countries`` measures
both against a hand-written gold (``eval/countries/gold.json``). A name that is also a US state
("Georgia") maps to nothing.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

COLLOQUIAL = {"america": "US", "britain": "GB", "britons": "GB", "brits": "GB"}
"""Forms of English news for two countries that countryinfo's data does not hold."""

AMBIGUOUS = frozenset({"georgia"})
"""Country names that US news uses as often for a US state: left unmapped."""

_DOTS = re.compile(r"(?<=\w)\.(?=\w|$)")


class Country(NamedTuple):
    code: str  # ISO 3166-1 alpha-2
    name: str  # the short English name: "United States", "Russia"


def _fold(text: str) -> str:
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(text.casefold().replace("’", "'").split())


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, str], dict[str, str], frozenset[str]]:
    """(folded form -> code, code or abbreviation in capitals -> code, code -> short name, the
    folded demonyms as adjectives: "german", "british")."""
    try:
        from countryinfo.countryinfo import load_countries
    except ImportError as err:  # pragma: no cover - a dependency of the ner extra
        raise ImportError("country names need countryinfo: pip install 'newsstance[ner]'") from err
    data = load_countries()
    forms: dict[str, str] = {}
    codes: dict[str, str] = {}
    names: dict[str, str] = {}
    adjectives: set[str] = set()
    # the most populous first, so that a shared demonym is the larger country's ("American" is
    # the United States', not the Northern Mariana Islands'); entries without a population last
    entries = sorted(data["countries"].items(), key=lambda kv: -(kv[1].get("population") or 0))
    for _, info in entries:
        iso = info.get("ISO") or {}
        code = iso.get("alpha2")
        if not code or not info.get("name"):
            continue
        if code in names:
            continue  # a part of a country already read (Wales after the United Kingdom)
        names[code] = info["name"].split(",")[0]  # "Palestine, State of" -> "Palestine"
        codes.setdefault(code, code)
        codes.setdefault(iso.get("alpha3", code), code)
        spellings = [info["name"], *info.get("altSpellings", [])]
        demonym = info.get("demonym") or ""
        if demonym:
            spellings += [demonym] if demonym.endswith(("sh", "ch", "ss", "ese")) else [demonym, demonym + "s"]
            adjectives.add(_fold(demonym))
        for form in spellings:
            if len(form) <= 3 and form.isupper():
                codes.setdefault(form, code)  # "UK": as capitals only, so that the word "us" is no country
            else:
                forms.setdefault(_fold(form), code)
    for form, code in COLLOQUIAL.items():
        forms.setdefault(form, code)
    for form in AMBIGUOUS:
        forms.pop(form, None)
    return forms, codes, names, frozenset(adjectives)


def country(form: str, adjectives: bool = True) -> Country | None:
    """The country ``form`` names, or None: "the U.S." is not asked (titles and "the" are cut off
    before), "U.S." and "USA" and "America" are US, "Venezuelans" is VE, "Georgia" is None.
    ``adjectives=False``: a demonym that is also the adjective ("German", "British") names none,
    so that "the German government" stays an actor of its own beside Germany."""
    forms, codes, names, demonyms = _tables()
    text = form.strip()
    if not adjectives and _fold(text) in demonyms:
        return None
    code = forms.get(_fold(text))
    if code is None:
        bare = _DOTS.sub("", text)
        if bare.isupper() and len(bare) in (2, 3):
            code = codes.get(bare)
        elif bare != text:
            code = forms.get(_fold(bare))
    return Country(code, names.get(code, code)) if code else None
