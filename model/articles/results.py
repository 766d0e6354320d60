"""The frozen results of article analysis, below the article: its passages, its actors, each
mention with its sentence's stance, and each actor's stance per passage and article."""

from __future__ import annotations

from dataclasses import dataclass

from ..encoding import Span
from ..stance import Stance
from .voices import AUTHOR


@dataclass(frozen=True)
class Passage:
    index: int
    start: int
    end: int
    sentences: tuple[Span, ...]


@dataclass(frozen=True)
class Actor:
    name: str
    type: str
    mentions: tuple[Span, ...]
    mention_types: tuple[str, ...]  # per mention: "name", "pronoun" or "nominal"
    salience: float = 0.0  # how central to the article, in [0, 1] (newsstance.articles.salience)
    id: str = ""  # a known actor's id, country:XX, or the name's slug (newsstance.articles.identity)


@dataclass(frozen=True)
class MentionStance:
    """One mention, with the stance of its sentence towards its actor."""

    actor: str
    actor_type: str
    passage_index: int
    start: int
    end: int
    sentence: Span
    stance: Stance
    mention_type: str = "name"  # or "pronoun", "nominal" (linked by coreference)
    actor_id: str = ""
    voice: str = AUTHOR  # whose words hold the mention: "author", or the speaker (newsstance.articles.voices)


@dataclass(frozen=True)
class ActorStance:
    """An actor's aggregated stance in one passage (``passage_index`` set) or the whole article."""

    actor: str
    actor_type: str
    stance: Stance
    mentions: int
    sentences: int
    passage_index: int | None = None
    start: int | None = None
    end: int | None = None
    salience: float | None = None  # the actor's salience in the article (article level only)
    actor_id: str = ""
    quoted: float = 0.0  # the share of the actor's sentences in a source's voice
