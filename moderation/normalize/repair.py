"""Lexicon-guided repair of one obfuscated word: 'h4te', 'w@1k', 'fuuuuck', 'f*ck', 'hvrt'.

Owns :func:`repair`: for a token that is not an English word (see ``lexicon``) but whose
ambiguous characters can be read so that it becomes one, the most frequent such word, as
edits that keep the map to the original characters. The ambiguous characters:

- leet digits and symbols, each read as the letters it stands for ('1', '!' and '|' as i or
  l, '0' as o, '9' as g, '6' as g or b, '(' as c, '@' as a, ...);
- 'v' and 'u', read as each other ('hvrt');
- a run of three or more identical characters, read as one or two ('fuuuuck', 'killlll');
- one masked letter '*' inside a word, read as a vowel ('f*ck', 'id*ot').

Among the readings that are words, the most frequent wins, with two exceptions. A masked or
stretched word was self-censored or emphasised by its writer, so an offensive reading wins
('sh*t' is 'shit', not 'shut'; 'asssss' is 'ass', not 'as'). A run is read as two letters
when both readings are words ('soooon' is 'soon', not 'son') unless one letter is far more
common ('theeee' is 'the').

Guards keep ordinary text as it is: a token that is a word, is shorter than three chars or
has no letter is never touched, nor money and numbers with a unit ('$5m', '10am', '3rd');
digits, or a '(', at a token's edge are read as letters only when the reading is far more
common than the letters between them ('whit3' is 'white'; '(all' and 'top5' stay), is a
common word and has no more digits than letters ('8anned', not '0n3'); in a text that shows
leetspeak elsewhere (``LEET_EVIDENCE``), more common and one digit more suffice ('h4te
7rash'). A lone 'v' or 'u' is read only in a common word of four letters or more ('hvrt';
'tv', 'dvds' stay). At most ``BUDGET`` readings are tried per token and results are cached,
so hostile text costs linear time.
"""

from __future__ import annotations

import functools
import re
from itertools import groupby, islice, product

from moderation.normalize.lexicon import MAX_WORD, Lexicon, lexicon

#: (output char, first, stop): one output char and the input chars [first, stop) it covers.
Edit = tuple[str, int, int]

_OPTIONS = {
    "0": "o", "1": "il", "!": "il", "|": "li", "2": "z", "3": "e", "4": "a", "@": "a",
    "5": "s", "$": "s", "6": "gb", "7": "t", "8": "b", "9": "g", "(": "c", "€": "e", "£": "l",
    "v": "vu", "u": "uv", "y": "yu", "*": "aeiou",
}  # fmt: skip
_UNIT_CHARS = r"a-z0-9@$!|(€£*"
#: A token the repair considers: a maximal run of letters a-z, digits and leet symbols, not
#: next to another letter or digit ('sh1tя' is none); ``UNIT_RUN`` finds a superset, faster.
UNIT = re.compile(rf"(?<![\w@$!|(€£*])[{_UNIT_CHARS}]++(?![\w@$!|(€£*])")
UNIT_RUN = re.compile(rf"[{_UNIT_CHARS}]+")
# Left alone: '**' (too many readings), 'w*a*l*k' (letters split apart, not masked), money
# and a number with its unit ('$5m', '10am', '3rd', '90s', '5kg').
_KEEP = re.compile(
    r"\*\*|\*[^*]\*|^[$€£]\d|^\d*(?:1st|2nd|3rd|\dth)$|^\d+(?:s|am|pm|k|m|bn|b|g|x|d|p|h|kg|km"
    r"|mm|cm|ml|mg|mb|gb|tb|hz|mph|kph|hrs?|yrs?|yo|mins?|sec|ft|lbs?|oz|in)$"
)
#: A token that, once repaired, shows the text uses leetspeak: a digit or leet symbol.
LEET_EVIDENCE = re.compile(r"[0-9@$|€£]")
BUDGET = 96  # readings tried per token at most
# Letters read as one another only where the result is a common word: 'v' and 'u' (leet), and
# 'y' for 'u' (Cyrillic 'у', which the look-alike table maps to 'y': 'fуck').
_SWAPS = "uvy"
_EDGE_RATIO = 20
_EDGE_DIGIT_MIN_COUNT = 1_000
_SWAP_MIN_LETTERS, _SWAP_MIN_COUNT = 4, 1_000
_SHORTER_RATIO = 20


def repair(unit: str, *, relaxed: bool = False) -> tuple[Edit, ...] | None:
    """Edits (positions in ``unit``) turning part of a ``UNIT`` token into a word, or None.

    ``relaxed``: the text around shows leetspeak elsewhere, so digits at a token's edge are
    letters more readily (see :data:`LEET_EVIDENCE`).
    """
    if len(unit) <= 2 * MAX_WORD:  # the usual token: cached, with keys of bounded size
        return _repair_short(unit, relaxed=relaxed)
    return _repair(unit, relaxed=relaxed)


@functools.lru_cache(maxsize=65_536)
def _repair_short(unit: str, *, relaxed: bool) -> tuple[Edit, ...] | None:
    return _repair(unit, relaxed=relaxed)


def _repair(unit: str, *, relaxed: bool) -> tuple[Edit, ...] | None:
    start = len(unit) - len(unit.lstrip("*"))  # an edge '*' or a trailing '!' is punctuation
    core = unit[start : len(unit.rstrip("*!"))]
    if len(core) > 4 * MAX_WORD:
        return None
    compact, starts, ends = _compact(core)  # 'fuuuuuuuuuuuck' is read as 'fuuuck'
    if len(compact) > MAX_WORD:
        return None
    edits = _repair_core(compact, relaxed=relaxed)
    return edits and tuple((c, start + starts[a], start + ends[b - 1]) for c, a, b in edits)


def _compact(text: str) -> tuple[str, list[int], list[int]]:
    """``text`` with runs cut to three chars, and each kept char's span in ``text``."""
    if len(text) <= MAX_WORD:
        return text, list(range(len(text))), list(range(1, len(text) + 1))
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for char, group in groupby(text):
        size = len(list(group))
        keep = min(size, 3)
        chars.append(char * keep)
        starts += range(pos, pos + keep)
        ends += range(pos + 1, pos + keep)
        ends.append(pos + size)
        pos += size
    return "".join(chars), starts, ends


@functools.lru_cache(maxsize=65_536)  # keys are at most MAX_WORD chars: bounded memory
def _repair_core(core: str, *, relaxed: bool) -> tuple[Edit, ...] | None:
    lex = lexicon()
    letters = [i for i, ch in enumerate(core) if "a" <= ch <= "z"]
    if not letters or len(core) < 3 or core in lex or _KEEP.search(core):
        return None
    if "*" in core and len(letters) + core.count("*") < len(core):
        return None  # a mask beside other symbols ('f*!k'): no single masked letter
    first, stop = letters[0], letters[-1] + 1
    if not first and stop == len(core):
        return _best(core, lex, min_count=1, at=0)
    # Digits or symbols at an edge: leet only if the reading is far more common than the
    # letters between them ('whit3', not 'top5' or '(all'); edge digits and '(' moreover
    # only in a common word, not outnumbering the letters, when no leet is inside ('8anned',
    # not '0n3'). In a text with leetspeak elsewhere, more common and one digit more suffice.
    body = core[first:stop]
    ratio = 1 if relaxed else _EDGE_RATIO
    min_count = ratio * lex.counts.get(body, 0) + 1
    numeric = sum(ch.isdigit() or ch == "(" for ch in core[:first] + core[stop:])  # '(los'
    if numeric and body.isalpha():
        if numeric > len(letters) + relaxed:
            return None
        min_count = max(min_count, _EDGE_DIGIT_MIN_COUNT)
    edits = _best(core, lex, min_count=min_count, at=0)
    if edits is None and not numeric and body not in lex:  # the edges are punctuation
        edits = _best(body, lex, min_count=1, at=first)
    return edits


def _segments(text: str) -> tuple[list[tuple[list[str], int, int]], bool, int] | None:
    """Per position (or run of three or more identical chars): its readings and its span;
    whether ``text`` is marked (a masked letter or a repeated run: emphasis); and the count a
    reading needs at least.

    None when ``text`` has nothing to read otherwise, or only a 'v' or 'u' in a word of
    fewer than ``_SWAP_MIN_LETTERS`` letters ('tv', 'dvd' are no obfuscation); a reading of
    'v' and 'u' alone must be a common word ('dvds' is not 'duds').
    """
    segments: list[tuple[list[str], int, int]] = []
    swaps = others = 0
    marked = False
    pos = 0
    for char, group in groupby(text):
        size = len(list(group))
        options = _OPTIONS.get(char)
        if size >= 3:
            if char == "*":
                return None
            others += 1
            marked = True
            segments.append(([x * k for x in options or char for k in (1, 2)], pos, pos + size))
        else:
            if options is not None:
                swaps += size if char in _SWAPS else 0
                others += 0 if char in _SWAPS else size
                marked = marked or char == "*"
            segments += [(list(options or char), i, i + 1) for i in range(pos, pos + size)]
        pos += size
    if others:
        return segments, marked, 1
    if swaps and len(text) >= _SWAP_MIN_LETTERS:
        return segments, marked, _SWAP_MIN_COUNT
    return None


def _best(text: str, lex: Lexicon, *, min_count: int, at: int) -> tuple[Edit, ...] | None:
    """The best reading of ``text`` that is a word of at least ``min_count``, as edits with
    positions shifted by ``at``.

    Best: offensive first if ``text`` is marked (see ``_segments``); then the longest (runs
    read as two letters: 'soooon' is 'soon', not 'son') unless a shorter one is
    ``_SHORTER_RATIO`` times more frequent ('theeee' is 'the', not 'thee'); then the most
    frequent.
    """
    found = _segments(text)
    if found is None:
        return None
    segments, marked, least = found
    min_count = max(min_count, least)
    readings: list[tuple[str, int, tuple[str, ...]]] = []
    for choice in islice(product(*(options for options, _, _ in segments)), BUDGET):
        word = "".join(choice)
        count = lex.counts.get(word, 0)
        if count >= min_count and len(word) >= 2:
            readings.append((word, count, choice))
    if marked:  # offensive words first; masked, of four letters or more ('c*m' in a URL)
        shortest = 4 if "*" in text else 3
        readings = [r for r in readings if len(r[0]) >= shortest and r[0] in lex.offensive] or (
            readings
        )
    if not readings:
        return None
    top = max(count for _, count, _ in readings)
    _, _, best = max(
        (r for r in readings if r[1] * _SHORTER_RATIO >= top), key=lambda r: (len(r[0]), r[1])
    )
    edits: list[Edit] = []
    for (_, a, b), piece in zip(segments, best, strict=True):
        if len(piece) == 1:
            edits.append((piece, at + a, at + b))
        else:  # a run read as two letters: the first char, then the rest of the run
            edits += [(piece[0], at + a, at + a + 1), (piece[1], at + a + 1, at + b)]
    return tuple(edits)
