"""Helpers for the view tests: a hand-built analysis, an HTML parser, a tiny score corpus, Chromium."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

from newsstance.articles.analysis import Actor, ActorStance, ArticleAnalysis, MentionStance, Passage
from newsstance.stance import Stance

INJECTION = (
    "Maria Lopez met the Lopez Party. <script>alert(1)</script><script>document.title='PWNED'</script> "
    "She said <img src=x onerror=\"document.body.setAttribute('data-pwned','1')\"> and "
    '<a href="javascript:alert(1)">x</a> &amp; <b onmouseover=alert(1)>bold</b>.\n\n'
    "Later, Maria Lopez spoke again."
)


def _span(text: str, word: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    return start, start + len(word)


def fake_analysis(text: str = INJECTION) -> ArticleAnalysis:
    """Two actors, three passages' worth of stances, a nested and an overlapping mention:
    "Lopez" (actor Lopez Party, second form) inside "Maria Lopez", and "Lopez met" across its end."""
    neg, pos, neu = (
        Stance.from_probs([0.8, 0.15, 0.05]),
        Stance.from_probs([0.1, 0.3, 0.6]),
        Stance.from_probs([0.3, 0.4, 0.3]),
    )
    cut = text.index("\n\n")
    passages = (Passage(0, 0, cut, ((0, cut),)), Passage(1, cut + 2, len(text), ((cut + 2, len(text)),)))
    maria = [_span(text, "Maria Lopez"), _span(text, "She"), _span(text, "Maria Lopez", 1)]
    party = [_span(text, "Lopez Party"), _span(text, "Lopez"), (maria[0][1] - 5, maria[0][1] + 4)]
    actors = (
        Actor("Maria Lopez", "PERSON", tuple(maria), ("name", "pronoun", "name")),
        Actor("Lopez Party <img src=x onerror=alert(2)>", "ORG", tuple(party), ("name", "name", "nominal")),
    )
    first, second = passages[0].sentences[0], passages[1].sentences[0]
    mentions = (
        MentionStance(actors[0].name, "PERSON", 0, *maria[0], first, neg, "name"),
        MentionStance(actors[0].name, "PERSON", 0, *maria[1], first, neg, "pronoun"),
        MentionStance(actors[0].name, "PERSON", 1, *maria[2], second, pos, "name"),
        MentionStance(actors[1].name, "ORG", 0, *party[0], first, neu, "name"),
        MentionStance(actors[1].name, "ORG", 0, *party[1], first, neu, "name"),
        MentionStance(actors[1].name, "ORG", 0, *party[2], first, pos, "nominal"),
    )
    mean = Stance.from_probs([(a + b) / 2 for a, b in zip(neg.probs.values(), pos.probs.values())])
    passage_stances = (
        ActorStance(actors[0].name, "PERSON", neg, 2, 1, 0, passages[0].start, passages[0].end),
        ActorStance(actors[1].name, "ORG", neu, 3, 1, 0, passages[0].start, passages[0].end),
        ActorStance(actors[0].name, "PERSON", pos, 1, 1, 1, passages[1].start, passages[1].end),
    )
    article_stances = (ActorStance(actors[0].name, "PERSON", mean, 3, 2), ActorStance(actors[1].name, "ORG", neu, 3, 1))
    return ArticleAnalysis(text, passages, actors, mentions, passage_stances, article_stances)


class Tags(HTMLParser):
    """Every start tag with its attributes, the text, and whether every element closed in order."""

    VOID = {"meta", "input", "br", "img", "rect", "path", "use", "link", "hr", "circle", "line", "polyline"}

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.stack: list[str] = []
        self.misnested = 0
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.misnested += 1
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)

    def find(self, tag: str, **having: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag and all(v in (a.get(k) or "") for k, v in having.items())]

    def executable(self) -> list[str]:
        """Script elements, on* handlers, javascript: URLs, frames and objects."""
        found = [t for t, _ in self.tags if t in ("script", "iframe", "object", "embed", "frame", "base")]
        for t, attrs in self.tags:
            found += [f"{t} {k}" for k in attrs if k.lower().startswith("on")]
            found += [f"{t} {k}={v}" for k, v in attrs.items() if (v or "").strip().lower().startswith("javascript:")]
        return found

    def remote(self) -> list[str]:
        """Attributes that would fetch something from outside the page."""
        return [
            f"{t} {k}={v}"
            for t, attrs in self.tags
            for k, v in attrs.items()
            if k in ("src", "href", "xlink:href", "srcset", "action", "poster", "data") and v and not v.startswith("#")
        ]


def score_rows(level: str = "article") -> list[dict]:
    """Nine rows: Ana (4 rows, 2 articles at mention level), Ben (3), <script> actor (2), with outlet and date."""
    base = [
        ("a1", "Ana", "PERSON", "negative", -0.6, 2, "Daily", "2020-01-01"),
        ("a1", "Ana", "PERSON", "negative", -0.4, 1, "Daily", "2020-01-01"),
        ("a2", "Ana", "PERSON", "positive", 0.5, 1, "Post", "2020-02-10"),
        ("a3", "Ana", "PERSON", "neutral", 0.1, 3, "Post", "2020-03-20"),
        ("a2", "Ben", "ORG", "positive", 0.8, 1, "Post", "2020-02-10"),
        ("a3", "Ben", "ORG", "positive", 0.6, 1, "Post", "2020-03-20"),
        ("a4", "Ben", "ORG", "neutral", 0.0, 1, "Daily", "2020-04-01"),
        ("a4", "<script>alert(1)</script>", "ORG", "neutral", 0.0, 1, "<img src=x onerror=alert(1)>", "2020-04-01"),
        ("a5", "<script>alert(1)</script>", "ORG", "negative", -0.2, 1, "Daily", "not a date"),
    ]
    rows = []
    for i, (aid, actor, kind, label, score, mentions, outlet, date) in enumerate(base):
        p_neg, p_pos = max(0.0, -score), max(0.0, score)
        row = {"id": aid, "actor": actor, "actor_type": kind, "label": label, "score": score, "p_negative": p_neg,
               "p_neutral": 1 - p_neg - p_pos, "p_positive": p_pos, "mentions": mentions}  # fmt: skip
        if level == "article":
            row |= {"sentences": 1, "salience": 0.5}
        elif level == "passage":
            row |= {"sentences": 1, "passage_index": i % 2, "start": 0, "end": 10}
        else:
            row |= {"mentions": 1, "passage_index": 0, "start": i, "end": i + 1, "mention_type": "name",
                    "sentence_start": 0, "sentence_end": 5}  # fmt: skip
        rows.append(row | {"outlet": outlet, "date": date})
    return rows


def write_rows(rows: list[dict], path: Path) -> Path:
    import pandas as pd

    if path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    elif path.suffix == ".csv":
        pd.DataFrame(rows).to_csv(path, index=False)
    else:
        pd.DataFrame(rows).to_parquet(path, index=False)
    return path


CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost",
    "--log-level=3",
]


def chromium() -> str | None:
    return shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


def browse(page: Path, tmp: Path, screenshot: Path | None = None, timeout: float = 30) -> str:
    """Load ``page`` in headless Chromium (offline flags, a fresh profile): its DOM after load,
    or, with ``screenshot``, a 1200×2000 PNG there. Chromium's HOME and XDG folders (its crash
    settings, its NSS and dconf databases) are inside the profile, so it writes nothing under HOME."""
    binary = chromium()
    assert binary, "no chromium"
    profile = tmp / f"profile-{page.stem}-{'shot' if screenshot else 'dom'}"
    profile.mkdir(parents=True, exist_ok=True)
    action = [f"--screenshot={screenshot}", "--window-size=1200,2000"] if screenshot else ["--dump-dom"]
    home = {"HOME": "home", "XDG_CONFIG_HOME": "config", "XDG_CACHE_HOME": "cache", "XDG_DATA_HOME": "data"}
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")} | {
        k: str(profile / v) for k, v in home.items()
    }
    done = subprocess.run(
        [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *action, page.resolve().as_uri()],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
        env=env,
    )
    return done.stdout
