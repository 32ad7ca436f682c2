"""Text normalisation that defeats obfuscation, with an exact map back to original offsets.

Owns the canonical form every comment is scored on: ``normalize`` (fast path, scoring) and
``normalize_with_offsets`` (same pipeline, plus for each normalised char the original span it
came from, for evidence). The steps, in order:

1-4. per character (``chars``): NFKC; drop invisible characters, decorative combining marks
     and controls; Latin letters with diacritics and look-alike letters -> ASCII (keeping
     real Cyrillic/Greek words); casefold. Then whitespace runs -> one space, strip.
5-8. per word (``words``; URLs and e-mail addresses skip them): lexicon repair of obfuscated
     words ('h4te', 'w@1k', 'fuuuuck', 'f*ck'; ``repair``, ``lexicon``); joining letters
     split apart ('f.u.c.k'), split into words when several were spaced out together
     ('s t u p i d i d i o t' -> 'stupid idiot'); leetspeak inside words; runs of >= 3
     identical letters -> 2, of punctuation -> 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from moderation.normalize.chars import confusable_hints, map_chars, map_chars_tracked
from moderation.normalize.lexicon import lexicon as _load_lexicon  # keeps .lexicon the module
from moderation.normalize.words import deobfuscate, splice

__all__ = ["Normalized", "normalize", "normalize_with_offsets", "warm_up"]

_WHITESPACE = re.compile(r"\s{2,}|[^\S ]")  # runs that " ".join(s.split()) changes


def normalize(text: str) -> str:
    """Return the canonical, de-obfuscated form of ``text`` used for scoring."""
    s = map_chars(text)
    if not s.isprintable() or "  " in s or s[:1] == " " or s[-1:] == " ":
        s = " ".join(s.split())  # else the only whitespace is single inner spaces
    return deobfuscate(s, None)[0]


@dataclass(frozen=True, slots=True)
class Normalized:
    """Normalised text plus, per normalised char, the original span ``[starts[i], ends[i])``."""

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalized span [start, end) to the original span covering every source char."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span [{start}, {end}) outside normalized text of {len(self.text)}")
        if start == end:  # an insertion point: before char ``start``, or after the last one
            pos = self.starts[start] if start < len(self.starts) else (self.ends or (0,))[-1]
            return pos, pos
        return self.starts[start], self.ends[end - 1]


def normalize_with_offsets(text: str) -> Normalized:
    """Normalise ``text`` like :func:`normalize`, keeping the map back to original offsets."""
    s, spans = map_chars_tracked(text)
    spaces = ((*m.span(), ((" ", *m.span()),)) for m in _WHITESPACE.finditer(s))
    s, tracked = splice(s, spans, spaces)
    assert tracked is not None
    starts, ends = tracked
    first, stop = int(s[:1] == " "), len(s) - int(s[-1:] == " ")  # strip the single spaces
    s, tracked = deobfuscate(s[first:stop], (starts[first:stop], ends[first:stop]))
    assert tracked is not None
    return Normalized(text, s, tuple(tracked[0]), tuple(tracked[1]))


def warm_up() -> None:
    """Build the lazily made tables and load the lexicon now (about 0.3 s) instead of on the
    first comment; the API calls this at start-up."""
    confusable_hints()
    _load_lexicon()
    normalize("Ｈｅｌｌｏ café fuсk \u200b h4te")
