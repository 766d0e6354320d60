"""Reference points every model is compared with."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from newsstance.encoding import Target, check_text
from newsstance.stance import LABELS, Stance

from .corpora import read_examples, resolve_data_dir

BASELINES = ("majority", "vader")


class MajorityBaseline:
    """Always the training set's most frequent class."""

    name = "majority"

    def __init__(self, label: str) -> None:
        self.label = label

    @classmethod
    def from_newsmtsc(cls, train_file: str | Path) -> MajorityBaseline:
        path = Path(train_file)
        if not path.is_file():
            raise FileNotFoundError(f"{path} not found; the majority baseline counts NewsMTSC's train labels")
        counts = Counter(e.label for e in read_examples(path))
        return cls(counts.most_common(1)[0][0])

    def classify_many(self, items: Iterable[tuple[str, Target]], batch_size: int = 32, **_) -> list[Stance]:
        probs = [1.0 if label == self.label else 0.0 for label in LABELS]
        return [Stance.from_probs(probs) for _ in items]


class VaderBaseline:
    """VADER's compound score of the whole text (±0.05 thresholds), blind to the target."""

    name = "vader"

    def __init__(self) -> None:
        try:
            from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
        except ImportError as err:
            raise ImportError("the vader baseline needs vaderSentiment: pip install 'newsstance[eval]'") from err
        self.analyzer = SentimentIntensityAnalyzer()

    def classify_many(self, items: Iterable[tuple[str, Target]], batch_size: int = 32, **_) -> list[Stance]:
        out = []
        for text, _target in items:
            compound = self.analyzer.polarity_scores(check_text(text))["compound"]
            label = "positive" if compound >= 0.05 else "negative" if compound <= -0.05 else "neutral"
            out.append(Stance.from_probs([1.0 if k == label else 0.0 for k in LABELS]))
        return out


def load_baseline(name: str, data_dir: str | Path | None = None):
    if name == "majority":
        return MajorityBaseline.from_newsmtsc(resolve_data_dir(data_dir) / "newsmtsc" / "train.jsonl")
    if name == "vader":
        return VaderBaseline()
    raise ValueError(f"unknown baseline {name!r}; choose from {BASELINES}")
