"""The grammatical gender a person's name suggests, for linking "he" and "she": from a title
(Mr, Mrs, Ms, ...) or from a first-name list.

The first-name list ships with the package (``data/first_names.tsv``, one ``name<TAB>m|f`` a
line). It is derived from the data file of ``nomquamgender`` 0.1.4 (Ian Van Buskirk, MIT licence,
``data/first_names.LICENSE``; name-gender frequencies pooled from many public sources) by
:func:`derive_first_names`: the names that are common and almost always of one gender. To
derive it again from a newer ``name_data.json``::

    python -c "from newsstance.articles.gender import write_first_names; write_first_names('name_data.json')"
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path

MALE_TITLES = ("mr", "sir", "lord", "king", "prince", "duke", "baron")
FEMALE_TITLES = ("mrs", "ms", "miss", "madam", "madame", "dame", "lady", "queen", "princess", "duchess", "baroness")
_TITLE_BEFORE = re.compile(r"\b(" + "|".join(MALE_TITLES + FEMALE_TITLES) + r")\.?\s+$", re.IGNORECASE)

FIRST_NAMES = Path(__file__).resolve().parent / "data" / "first_names.tsv"
MIN_COUNT = 1_000  # people with the name across the sources
MAX_UNCERTAINTY = 0.1  # p(female) at most this far from 0 or 1 (nomquamgender's own default)


def title_gender(text: str, start: int) -> str | None:
    """``"m"`` or ``"f"`` when a gendered title stands right before ``start`` ("Mrs. Ruiz")."""
    m = _TITLE_BEFORE.search(text[max(0, start - 12) : start])
    if not m:
        return None
    return "m" if m.group(1).lower() in MALE_TITLES else "f"


def name_title_gender(name: str) -> str | None:
    """``"m"`` or ``"f"`` when a name begins with a gendered title ("Ms. Lawson-Muhammad")."""
    return title_gender(name.split(" ", 1)[0] + " ", len(name.split(" ", 1)[0]) + 1)


def first_name_gender(name: str) -> str | None:
    """``"m"`` or ``"f"`` for a full name whose first name is almost always of one gender."""
    words = name.split()
    if len(words) < 2:
        return None  # a surname alone says nothing
    return first_names().get(_fold(words[0]))


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)).lower()


@functools.lru_cache(maxsize=1)
def first_names() -> dict[str, str]:
    """The first-name list: folded first name -> ``"m"`` or ``"f"`` (read once per process)."""
    names = {}
    with open(FIRST_NAMES, encoding="utf-8") as f:
        for line in f:
            name, gender = line.rstrip("\n").split("\t")
            names[name] = gender
    return names


def derive_first_names(name_data: Mapping[str, list]) -> dict[str, str]:
    """The first-name list from nomquamgender's ``name_data.json`` (name -> ``[_, count,
    p_female, ...]``): names of at least :data:`MIN_COUNT` people whose ``p_female`` lies within
    :data:`MAX_UNCERTAINTY` of 0 (``"m"``) or 1 (``"f"``)."""
    names = {}
    for name, (_, count, p_female, *_) in name_data.items():
        if count >= MIN_COUNT and name.isalpha():
            if p_female <= MAX_UNCERTAINTY:
                names[name] = "m"
            elif p_female >= 1 - MAX_UNCERTAINTY:
                names[name] = "f"
    return names


def write_first_names(name_data_json: str | Path, out: str | Path = FIRST_NAMES) -> Path:
    """Derive the first-name list from a ``name_data.json`` file and write it as ``out`` (sorted)."""
    names = derive_first_names(json.loads(Path(name_data_json).read_text(encoding="utf-8")))
    out = Path(out)
    out.write_text("".join(f"{name}\t{names[name]}\n" for name in sorted(names)), encoding="utf-8")
    first_names.cache_clear()
    return out
