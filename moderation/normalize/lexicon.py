"""The English word list the normaliser repairs obfuscated words against, and word segmentation.

Owns :class:`Lexicon` (word -> count, the offensive subset) and :func:`lexicon`, which builds
it once on first use (about 0.3 s, a few MB), never at import and never from the network:

- pyspellchecker's English frequency list (a runtime dependency; MIT; counted by its author
  on OpenSubtitles 2018, about 160,000 words), of which the words made of the letters a-z are
  kept (about 128,000; it already has most profanity and slurs);
- ``lexicon.toml`` beside this module (written by hand, see its header): internet shorthand,
  apostrophe-less contractions and the profanity and slurs that list lacks, plus the offensive
  subset that a masked word (``sh*t``) prefers.

The list is independent of the model: retraining never changes it.
"""

from __future__ import annotations

import functools
import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

_SUPPLEMENT = Path(__file__).with_name("lexicon.toml")
MAX_WORD = 24  # longer tokens are never looked up or repaired (no English word is longer)
SEGMENT_MIN, SEGMENT_MAX = 4, 80  # length of a run of joined letters split into words
# A piece of a split is a known word; a short one must be common, as rare short words are
# what junk splits are made of ('lib tard', 'an si ed a de'); of one letter only a, i, u.
_MIN_COUNT = {1: 1, 2: 50_000, 3: 5_000}
_NOT_PIECES = frozenset("bcdefghjklmnopqrstvwxyz")
# A piece that is no known word, of five letters or more ('white ethnostate'), costs this
# much; shorter ones are never pieces, so 'libtard' or 'feminazi' is never cut up.
_UNKNOWN_MIN, _UNKNOWN_BASE, _UNKNOWN_PER_LETTER = 5, 10.0, 4.0
# Costs in nats per piece: prefer fewer, longer words, and more so over pieces of one or two
# letters ('you area fucking' rather than 'you are a fucking' is the price of 'antifa' never
# being 'ant if a').
_PIECE_PENALTY, _SHORT_PENALTY = 4.0, 6.0


@dataclass(frozen=True, slots=True, eq=False)
class Lexicon:
    """English words with their corpus counts; ``offensive`` is a subset of ``counts``."""

    counts: dict[str, int]
    offensive: frozenset[str]
    log_total: float  # log of the sum of the counts

    def __contains__(self, word: object) -> bool:
        return word in self.counts

    def segment(self, run: str) -> list[str] | None:
        """Split ``run`` (letters without spaces) into words, the most likely split.

        Unigram model: a known piece costs ``-log p(word)`` plus a penalty, more for one or
        two letters, which must moreover be common (``_MIN_COUNT``), so that a compound a
        site may list ('libtard') is never cut into rare short words ('lib tard'); a piece
        that is no known word costs a price per letter. None when the best split is the
        run itself, or the run is too short or too long. Cost: ``O(len(run) * MAX_WORD)``.
        """
        return _segment(self, run) if SEGMENT_MIN <= len(run) <= SEGMENT_MAX else None


@functools.lru_cache(maxsize=4096)
def _segment(lex: Lexicon, run: str) -> list[str] | None:
    size = len(run)
    best = [0.0] + [math.inf] * size
    back = [0] * (size + 1)
    for end in range(1, size + 1):
        for start in range(max(0, end - MAX_WORD), end):
            if best[start] == math.inf:
                continue
            piece = run[start:end]
            count = lex.counts.get(piece, 0)
            if count >= _MIN_COUNT.get(end - start, 1) and piece not in _NOT_PIECES:
                cost = lex.log_total - math.log(count)
                cost += _SHORT_PENALTY if end - start <= 2 else 0.0
            elif not count and end - start >= _UNKNOWN_MIN:
                cost = _UNKNOWN_BASE + _UNKNOWN_PER_LETTER * (end - start)
            else:
                continue
            cost += best[start] + _PIECE_PENALTY
            if cost < best[end]:
                best[end], back[end] = cost, start
    if best[size] == math.inf:
        return None
    pieces: list[str] = []
    end = size
    while end:
        pieces.append(run[back[end] : end])
        end = back[end]
    if len(pieces) == 1 or all(piece not in lex.counts for piece in pieces):
        return None
    return pieces[::-1]


def _load_supplement(path: Path) -> tuple[dict[str, int], frozenset[str]]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    added, offensive = data["added"], data["offensive"]
    words = dict.fromkeys(added["words"].split(), int(added["count"]))
    return words, frozenset(offensive["words"].split())


@functools.cache
def lexicon() -> Lexicon:
    """The lexicon, built on first call."""
    from spellchecker import SpellChecker  # imported here: loading the list costs ~0.3 s

    base = SpellChecker(language="en", distance=1).word_frequency.dictionary
    counts = {w: int(c) for w, c in base.items() if w.isascii() and w.isalpha()}
    added, offensive = _load_supplement(_SUPPLEMENT)
    for word, count in added.items():
        counts.setdefault(word, count)
    rarest = min(counts.values())
    for word in offensive:
        counts.setdefault(word, rarest)
    return Lexicon(counts, offensive, math.log(sum(counts.values())))
