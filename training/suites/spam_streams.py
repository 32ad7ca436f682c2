"""Simulated comment streams for the spam suite: bot campaigns interleaved with civil traffic.

Campaigns are defined in `training/eval/spam_campaigns.json` (a list, one campaign a line; not
`.jsonl`, whose files are comment sets with a `text` each):
`{"name", "spam", "style", "authors", "posts", "minutes", "texts", "vary"}`. A template may
hold `[a|b|c]` (one alternative per post), `{n}` (a number), `{name}` (a first name),
`{handle}` (an @handle), `{path}` (a URL path) and `{emoji}` (0 to 2 emoji); `vary` lists
per-post edits (`case`, `punct`, `filler`, `typo`). Styles:

- `copy`: the same text every post (after `vary`), one post per author;
- `near`: each post expands the template afresh; posts go round-robin over the authors;
- `fast`: one author posts all of them, cycling through the texts;
- `link`, `many`: each post picks one of the texts at random, one post per author;
- `each`: post k is text k (cycling), one post per author (so with more posts than texts,
  several authors post each text: civil repeats such as condolences or a quoted line).

The civil background is every comment of `civil.jsonl` and `spam_civil.jsonl`, posted once
each by readers drawn from a pool, at uniform times over the stream. Everything is seeded.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EVAL_DIR = Path(__file__).resolve().parents[1] / "eval"
SEED = 29
STREAM_MINUTES = 180
READERS = 250

_NAMES = (
    "Anna", "James", "Maria", "Robert", "Linda", "David", "Sarah", "Michael", "Grace", "Daniel",
    "Emma", "Paul", "Olivia", "Mark", "Sophia", "Kevin", "Laura", "Brian", "Chloe", "Steven",
)  # fmt: skip
_EMOJI = ("🔥", "💰", "✅", "👉", "🚀", "💯", "😍", "⭐", "🙏", "‼️")
_SLUGS = (
    "deal", "offer", "news", "story", "report", "video", "best", "today", "secret", "guide",
    "free", "win", "top",
)  # fmt: skip
_FILLERS = ("Hi all, ", "Guys, ", "Honestly, ", "Wow. ", "Hey everyone! ", "Update: ", "")
_CHOICE = re.compile(r"\[([^\[\]]*\|[^\[\]]*)\]")


@dataclass(frozen=True)
class Event:
    """One comment in a stream, at `t` seconds after the stream starts."""

    t: float
    author: str
    comment_id: str
    text: str
    spam: bool
    campaign: str  # the campaign's name, or "civil" for the background


def load_campaigns(path: Path = EVAL_DIR / "spam_campaigns.json") -> list[dict[str, Any]]:
    campaigns: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return campaigns


def civil_background() -> list[str]:
    texts: list[str] = []
    for name in ("civil.jsonl", "spam_civil.jsonl"):
        lines = (EVAL_DIR / name).read_text(encoding="utf-8").splitlines()
        texts += [json.loads(line)["text"] for line in lines if line.strip()]
    return texts


def _number(rng: random.Random) -> str:
    return str(rng.choice((rng.randint(10, 99), rng.randint(100, 999), rng.randint(1000, 9999))))


def expand(template: str, rng: random.Random) -> str:
    """One post from a template (see the module docstring)."""
    text = _CHOICE.sub(lambda m: rng.choice(m.group(1).split("|")), template)
    fills = {
        "{n}": lambda: _number(rng),
        "{name}": lambda: rng.choice(_NAMES),
        "{handle}": lambda: f"@{rng.choice(_NAMES).lower()}_{rng.choice(('fx', 'invest', 'pro'))}",
        "{path}": lambda: (
            "/"
            + "-".join(rng.sample(_SLUGS, rng.randint(1, 2)))
            + (f"?id={rng.randint(100, 99999)}" if rng.random() < 0.5 else "")
        ),
        "{emoji}": lambda: "".join(rng.sample(_EMOJI, rng.randint(0, 2))),
    }
    for key, fill in fills.items():
        while key in text:
            text = text.replace(key, fill(), 1)
    return text.strip()


def vary(text: str, edits: list[str], rng: random.Random) -> str:
    """Per-post edits a bot makes to slip past exact matching."""
    for edit in edits:
        words = text.split(" ")
        if edit == "case" and rng.random() < 0.5:
            k = rng.randrange(len(words))
            words[k] = words[k].upper()
            text = " ".join(words)
        elif edit == "punct":
            text = text.rstrip(".!?") + rng.choice(("", ".", "!", "!!!", " !!", "..."))
        elif edit == "filler":
            text = rng.choice(_FILLERS) + text
        elif edit == "typo":
            long = [k for k, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
            if long:
                k = rng.choice(long)
                w = words[k]
                i = rng.randrange(len(w) - 1)
                words[k] = w[:i] + w[i + 1] + w[i] + w[i + 2 :]
                text = " ".join(words)
    return text


def _campaign_events(
    campaign: dict[str, Any], rng: random.Random, *, start: float
) -> list[tuple[float, str, str]]:
    """(time, author, text) of every post of one campaign."""
    name, style, texts = campaign["name"], campaign["style"], campaign["texts"]
    span = 60.0 * campaign["minutes"]
    times = sorted(start + rng.uniform(0, span) for _ in range(campaign["posts"]))
    authors = [f"{name}-{k}" for k in range(campaign["authors"])]
    edits = list(campaign.get("vary", []))
    out = []
    for k, t in enumerate(times):
        if style == "copy":
            text = texts[0]
        elif style in ("near", "each", "fast"):
            text = expand(texts[k % len(texts)], rng)
        else:  # link, many
            text = expand(rng.choice(texts), rng)
        out.append((t, authors[k % len(authors)], vary(text, edits, rng)))
    return out


def build_stream(
    campaigns: list[dict[str, Any]] | None = None,
    civil: list[str] | None = None,
    *,
    seed: int = SEED,
    minutes: int = STREAM_MINUTES,
) -> list[Event]:
    """The whole stream, in time order: every campaign at a random start, plus the civil
    background. Comment ids are unique; authors of different campaigns never coincide."""
    rng = random.Random(seed)
    campaigns = load_campaigns() if campaigns is None else campaigns
    civil = civil_background() if civil is None else civil
    total = 60.0 * minutes
    raw: list[tuple[float, str, str, bool, str]] = []
    for campaign in campaigns:
        start = rng.uniform(0, max(0.0, total - 60.0 * campaign["minutes"]))
        for t, author, text in _campaign_events(campaign, rng, start=start):
            raw.append((t, author, text, bool(campaign["spam"]), campaign["name"]))
    for text in civil:
        raw.append(
            (rng.uniform(0, total), f"reader-{rng.randrange(READERS)}", text, False, "civil")
        )
    raw.sort(key=lambda r: r[0])
    return [
        Event(t=round(t, 3), author=a, comment_id=f"s{k}", text=x, spam=s, campaign=c)
        for k, (t, a, x, s, c) in enumerate(raw)
    ]
