"""The grammatical gender a person's name suggests, for linking "he" and "she": from a title
(Mr, Mrs, Ms, ...) or from a first-name list.

The first names come from the data file of the PyPI package ``nomquamgender`` (MIT licence;
name-gender frequencies pooled from many public sources), when it is installed: the file is read
directly (the package itself is never imported), once per process, keeping only the names that
are common and almost always of one gender. Without it, only titles and already linked pronouns
give a gender.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
import unicodedata
from pathlib import Path

MALE_TITLES = ("mr", "sir", "lord", "king", "prince", "duke", "baron")
FEMALE_TITLES = ("mrs", "ms", "miss", "madam", "madame", "dame", "lady", "queen", "princess", "duchess", "baroness")
_TITLE_BEFORE = re.compile(r"\b(" + "|".join(MALE_TITLES + FEMALE_TITLES) + r")\.?\s+$", re.IGNORECASE)

MIN_COUNT = 1_000  # people with the name across the sources
MAX_UNCERTAINTY = 0.1  # p(female) at most this far from 0 or 1 (the package's own default)


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
    """The first-name list: folded first name -> "m" or "f" (empty when the data is not installed)."""
    spec = importlib.util.find_spec("nomquamgender")
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = Path(next(iter(spec.submodule_search_locations))) / "name_data.json"
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    names = {}
    for name, (_, count, p_female, *_) in data.items():
        if count >= MIN_COUNT and name.isalpha():
            if p_female <= MAX_UNCERTAINTY:
                names[name] = "m"
            elif p_female >= 1 - MAX_UNCERTAINTY:
                names[name] = "f"
    return names
