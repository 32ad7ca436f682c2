"""Word-level span scores for Perspective's `spanAnnotations`.

Perspective scores each sentence of a comment on its own; we go one step finer, to words. A
word's score is the calibrated probability the model gives when that word's share of the
comment's evidence is all there is: `calibrate(intercept + share)`, where the shares are the
model's own attribution of the comment's logit to its words (`LinearScorer.token_contributions`,
the same numbers the `/v1/moderate` evidence is chosen by). So "idiot" in "What kind of idiot
name is foo?" scores high for INSULT and "name" scores what an empty comment would; and a word
means what it means in this comment, not alone (scored alone, a bare "you" looks like the start
of an insult). Detector findings (a phone number, a threat phrase) span several words; each word
a finding covers is merged with it as the whole comment is (`Moderator.combine_detectors`).
The site's term lists apply as they do to the summary: an allow-listed word adds nothing of
its own and hides detector findings inside it, and a word inside a deny term scores at least
the threshold of the term's action.

Words are read in the normalised text, so `f u c k` and `1d10t` are one word each, and mapped
back to what the author typed: `text[start:end]` is exactly the characters the word came from,
surrounding punctuation left out. `WordScore` offsets are code points (Python's `str`);
Perspective's `begin`/`end` count UTF-16 code units (its API description says so, and it is
how JavaScript indexes strings), which `utf16_offsets` converts to.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from moderation.categories import CATEGORIES, Category
from moderation.detectors import category_scores
from moderation.normalize import normalize_with_offsets
from moderation.policy import Action
from moderation.scoring import DOXING_MODEL_CAP, WORD_CORE, Moderator

_DOXING = CATEGORIES.index("doxing")


@dataclass(frozen=True, slots=True)
class WordScore:
    """One word of the original text, `[start, end)`, with its seven scores."""

    start: int
    end: int
    scores: dict[Category, float]


def word_scores(moderator: Moderator, text: str) -> list[WordScore]:
    """Every word of `text`, in order, with its seven scores (see the module docstring)."""
    normalized = normalize_with_offsets(text)
    scorer = moderator.scorer
    matches = moderator.match_terms(normalized.text)
    denied = [(*normalized.to_original(h.start, h.end), h) for h in matches.deny]
    findings = moderator.findings(text, normalized.text, matches)
    out: list[WordScore] = []
    for start, end, share in scorer.token_contributions(normalized.text, allowed=matches.allow):
        core = WORD_CORE.search(normalized.text, start, end)
        begin, stop = normalized.to_original(*(core.span() if core else (start, end)))
        if begin >= stop or (out and out[-1].start == begin and out[-1].end == stop):
            continue
        row = np.array(scorer.calibrate(scorer.intercept + share), dtype=np.float64)
        row[_DOXING] = min(float(row[_DOXING]), DOXING_MODEL_CAP)
        covering = [f for f in findings if f.start < stop and begin < f.end]
        if covering:
            Moderator.combine_detectors(row, category_scores(covering))
        floors: dict[Category, Action] = {}
        for a, b, hit in denied:
            if a < stop and begin < b and floors.get(hit.category) != "reject":
                floors[hit.category] = hit.action
        row = moderator.lifted(row, floors)
        scores = {c: round(float(s), 4) for c, s in zip(CATEGORIES, row, strict=True)}
        out.append(WordScore(begin, stop, scores))
    return out


def utf16_offsets(text: str) -> Callable[[int], int]:
    """Map a code point offset of `text` to its UTF-16 code unit offset: each character
    outside the Basic Multilingual Plane (most emoji) takes two units."""
    astral = [i for i, char in enumerate(text) if ord(char) > 0xFFFF]
    if not astral:
        return lambda offset: offset
    return lambda offset: offset + bisect_left(astral, offset)
