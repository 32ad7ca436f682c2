"""Obfuscations a commenter uses to get a word past a filter, as pure seeded functions.

Each perturbation rewrites the *content words* of a comment (letters only, three or more, not a
stop word): every such word, since we cannot know which one the model relies on, which makes
the suite a stress test rather than a simulation of one careful evader. The random choices are
seeded by the perturbation's name and the text, so a comment always gets the same rewrite.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable

WORD_RE = re.compile(r"[A-Za-z]+")
_STOP = (
    "the and you your are for was were with that this they them their there his her him she "
    "its our out all not but can has have had who what when where why how too very just from "
    "into over than then here been being will would should could off any"
)
STOPWORDS = frozenset(_STOP.split())

LEET = {
    "a": "4@",
    "e": "3",
    "i": "1!",
    "o": "0",
    "s": "5$",
    "t": "7",
    "l": "1",
    "g": "9",
    "b": "8",
    "u": "v",
    "c": "(",
}
# Latin letter -> Cyrillic or Greek letter drawn the same in common fonts.
CONFUSABLES = {
    "a": "\u0430", "c": "\u0441", "e": "\u0435", "i": "\u0456", "j": "\u0458", "o": "\u043e",
    "p": "\u0440", "s": "\u0455", "x": "\u0445", "y": "\u0443", "k": "\u03ba", "u": "\u03c5",
    "v": "\u03bd", "h": "\u04bb", "A": "\u0391", "B": "\u0392", "C": "\u0421", "E": "\u0395",
    "H": "\u041d", "I": "\u0399", "K": "\u039a", "M": "\u041c", "N": "\u039d", "O": "\u039f",
    "P": "\u0420", "T": "\u0422", "X": "\u03a7", "Y": "\u03a5",
}  # fmt: skip
ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
VOWELS = "aeiouAEIOU"

WordFn = Callable[[str, random.Random], str]


def _rng(name: str, text: str) -> random.Random:
    return random.Random(hashlib.sha256(f"{name}|{text}".encode()).digest())


def content_words(text: str) -> list[re.Match[str]]:
    """The words a perturbation rewrites; the longest word when none qualifies."""
    words = list(WORD_RE.finditer(text))
    chosen = [m for m in words if len(m[0]) >= 3 and m[0].lower() not in STOPWORDS]
    if not chosen and words:
        chosen = [max(words, key=lambda m: len(m[0]))]
    return chosen


def _positions(word: str, letters: str | dict[str, str], rng: random.Random) -> list[int]:
    """One or two positions of `word` whose letter is in `letters`, chosen with `rng`."""
    candidates = [i for i, ch in enumerate(word) if ch in letters]
    if not candidates:
        return []
    return sorted(rng.sample(candidates, k=min(len(candidates), rng.choice((1, 2)))))


def leetspeak(word: str, rng: random.Random) -> str:
    chars = list(word)
    for i in _positions(word.lower(), LEET, rng):
        chars[i] = rng.choice(LEET[word[i].lower()])
    return "".join(chars)


def spacing(word: str, rng: random.Random) -> str:  # noqa: ARG001 - one signature for all
    return " ".join(word)


def punctuation(word: str, rng: random.Random) -> str:
    """`f.u.c.k` / `f-u-c-k` (a separator between letters) or `f*ck` (inner vowels masked)."""
    inner = [i for i in range(1, len(word) - 1) if word[i] in VOWELS]
    if inner and rng.random() < 0.5:
        return "".join("*" if i in inner[:1] else ch for i, ch in enumerate(word))
    return rng.choice(".-_*").join(word)


def repeated_letters(word: str, rng: random.Random) -> str:
    vowels = [i for i, ch in enumerate(word) if ch in VOWELS]
    i = rng.choice(vowels or range(len(word)))
    return word[:i] + word[i] * rng.randint(3, 6) + word[i + 1 :]


def confusables(word: str, rng: random.Random) -> str:
    chars = list(word)
    for i in _positions(word, CONFUSABLES, rng):
        chars[i] = CONFUSABLES[word[i]]
    return "".join(chars)


def zero_width(word: str, rng: random.Random) -> str:
    gaps = rng.sample(range(1, len(word)), k=min(len(word) - 1, rng.choice((1, 2))))
    out = word
    for gap in sorted(gaps, reverse=True):
        out = out[:gap] + rng.choice(ZERO_WIDTH) + out[gap:]
    return out


def mixed_case(word: str, rng: random.Random) -> str:
    flipped = "".join(ch.upper() if rng.random() < 0.5 else ch.lower() for ch in word)
    if flipped == word:  # make sure something changes: flip the second letter
        flipped = word[0] + word[1].swapcase() + word[2:]
    return flipped


PERTURBATIONS: dict[str, WordFn] = {
    "leetspeak": leetspeak,
    "spacing": spacing,
    "punctuation": punctuation,
    "repeated_letters": repeated_letters,
    "confusables": confusables,
    "zero_width": zero_width,
    "mixed_case": mixed_case,
}


def perturb(text: str, name: str) -> str:
    """`text` with every content word rewritten by perturbation `name` (seeded by the text)."""
    rewrite = PERTURBATIONS[name]
    rng = _rng(name, text)
    out, last = [], 0
    for match in content_words(text):
        out += [text[last : match.start()], rewrite(match[0], rng)]
        last = match.end()
    return "".join([*out, text[last:]])
