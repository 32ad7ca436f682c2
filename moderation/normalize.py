"""Text normalisation that defeats obfuscation, with an exact map back to original offsets.

Owns the canonical form every comment is scored on: ``normalize`` (fast path, scoring) and
``normalize_with_offsets`` (same pipeline, plus for each normalised char the original span it
came from, for evidence). Steps: (1) per-character NFKC; (2) drop format chars (Cf: zero-width,
soft hyphen, bidi), Hangul fillers, combining marks (Mn; not the vowel and tone marks of Thai
and Indic scripts) and controls (whitespace controls become spaces); (3) Latin letters with
diacritics -> ASCII (``anyascii``), homoglyphs of Latin letters (``confusable-homoglyphs``) ->
Latin only in whitespace tokens that contain a Latin letter, or in any token if the text has
no other non-Latin letter, so real Cyrillic/Greek words are kept (no transliteration);
(4) casefold, whitespace runs -> one space, strip; (5) leetspeak inside words only; (6) join
>= 3 single letters split by one separator kind ('f.u.c.k'); (7) runs of >= 3 identical
letters -> 2, of ASCII punctuation -> 1. URLs and e-mails skip steps 5-7.
"""

from __future__ import annotations

import functools
import re
import string
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from anyascii import anyascii
from confusable_homoglyphs import confusables

__all__ = ["Normalized", "normalize", "normalize_with_offsets"]

_Spans = tuple[list[int], list[int]]
_Edit = Iterable[tuple[str, int, int]]  # (output char, first, last + 1) in intermediate indices

# Invisible letters that are not Cf/Mn: Hangul fillers (often abused as blank characters).
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0")
_HOMOGLYPH_SCRIPTS = (
    "GREEK", "CYRILLIC", "ARMENIAN", "CHEROKEE", "COPTIC", "LISU", "CANADIAN SYLLABICS",
    "DESERET", "OSAGE", "OLD ITALIC", "RUNIC",
)  # fmt: skip
# Common lower-case look-alikes the confusables data maps only to small capitals or kra.
_EXTRA_HOMOGLYPHS = {"к": "k", "м": "m", "т": "t", "κ": "k", "τ": "t", "η": "n"}


def _build_homoglyphs() -> dict[str, str]:
    """Map each non-Latin letter that looks like one ASCII letter to that letter."""
    table: dict[str, str] = {}
    for char, entries in confusables.confusables_data.items():
        if len(char) != 1 or not char.isalpha():
            continue
        if not unicodedata.name(char, "").startswith(_HOMOGLYPH_SCRIPTS):
            continue
        for entry in entries:
            target = entry["c"]
            if len(target) == 1 and target.isascii() and target.isalpha():
                # The data uses 'l' as the prototype of I/l; a capital looks like 'I'.
                table[char] = "I" if target == "l" and char.isupper() else target
                break
    table.update(_EXTRA_HOMOGLYPHS)
    return table


_HOMOGLYPHS = _build_homoglyphs()


def _homoglyph(char: str) -> str | None:
    """The Latin letter ``char`` looks like, also with diacritics ('ύ' -> 'u', 'ё' -> 'e')."""
    return _HOMOGLYPHS.get(char) or _HOMOGLYPHS.get(unicodedata.normalize("NFD", char)[0])


# Scripts whose combining marks are vowels and tones, part of the word rather than decoration:
# stripping them would turn Thai "เหยื่อ" (victim) into "เหยอ". Marks of any other script
# (the combining diacritics of strike-through or "zalgo" obfuscation above all) are dropped.
_MARK_SCRIPTS = (
    "THAI", "LAO", "TIBETAN", "MYANMAR", "KHMER", "DEVANAGARI", "BENGALI", "GURMUKHI",
    "GUJARATI", "ORIYA", "TAMIL", "TELUGU", "KANNADA", "MALAYALAM", "SINHALA",
)  # fmt: skip


def _dropped_mark(ch: str) -> bool:
    return unicodedata.category(ch) == "Mn" and not unicodedata.name(ch, "").startswith(
        _MARK_SCRIPTS
    )


def _fold(text: str) -> str:
    return "".join(ch for ch in text.casefold() if not _dropped_mark(ch))


def _char_info(char: str) -> tuple[str, str, str]:
    """Steps 1-4 for one character: (plain form, form with homoglyphs mapped, kind).

    kind: ' ' whitespace, 'N' has a non-Latin letter without look-alike, 'C' has a look-alike
    non-Latin letter, 'L' has a Latin letter, 'x' anything else.
    """
    plain: list[str] = []
    latin: list[str] = []
    has_latin = has_confusable = has_other = False
    for ch in unicodedata.normalize("NFKC", char):
        category = unicodedata.category(ch)
        if category == "Cf" or ch in _INVISIBLE or _dropped_mark(ch):
            continue
        if category == "Cc":
            plain.append(" " if ch.isspace() else "")
            latin.append(plain[-1])
            continue
        mapped = ch
        if category[0] == "L":
            if ch.isascii() or unicodedata.name(ch, "").startswith("LATIN"):
                has_latin = True
                ascii_form = anyascii(ch)
                if ascii_form.isascii() and ascii_form.isalpha():
                    ch = mapped = ascii_form
            elif look_alike := _homoglyph(ch):
                has_confusable = True
                mapped = look_alike
            else:
                has_other = True
        plain.append(ch)
        latin.append(mapped)
    flags = (char.isspace(), has_other, has_confusable, has_latin)
    kind = next((k for k, flag in zip(" NCL", flags, strict=True) if flag), "x")
    return _fold("".join(plain)), _fold("".join(latin)), kind


_TABLE_MAX = 65_536  # code points remembered per table; hostile text cannot grow it further


class _LazyTable(dict[int, str]):
    """``str.translate`` table filled on first sight of each code point, bounded in size."""

    def __init__(self, field: int) -> None:
        super().__init__()
        self._field = field

    def __missing__(self, key: int) -> str:
        value = _char_info(chr(key))[self._field]
        if len(self) >= _TABLE_MAX:
            self.clear()  # forget and refill: correctness never depends on the cache
        self[key] = value
        return value


_PLAIN, _LATIN, _KIND = _LazyTable(0), _LazyTable(1), _LazyTable(2)
_CONFUSABLE_TOKEN = re.compile(r"(?<![^ ])[^ C]*+C[^ ]*+")


@functools.cache
def _confusable_hints() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Prefilters for characters that are, or NFKC-decompose to, a look-alike letter.

    Built on first use. The BMP class is exact; astral characters are matched by one coarse
    range (sre is slow on classes with many astral members).
    """
    codes = {ord(char) for char in _HOMOGLYPHS}
    for code in range(0x80, 0x20000):  # no decomposition above this yields a look-alike
        char = chr(code)
        if unicodedata.decomposition(char) and any(
            _homoglyph(ch) for ch in unicodedata.normalize("NFKC", char)
        ):
            codes.add(code)
    bmp = "".join(chr(c) for c in sorted(codes) if c < 0x10000)
    astral = [c for c in codes if c >= 0x10000]
    return re.compile(f"[{bmp}]"), re.compile(f"[{chr(min(astral))}-{chr(max(astral))}]")


def _latin_ranges(text: str) -> list[tuple[int, int]]:
    """Whitespace-delimited tokens in which look-alike letters are mapped to Latin."""
    if text.isascii():
        return []
    bmp, astral = _confusable_hints()
    if bmp.search(text) is None and astral.search(text) is None:
        return []
    kinds = text.translate(_KIND)
    if "C" not in kinds:
        return []
    # Tokens made only of look-alikes ('ѕһіt') are mapped unless the text has real non-Latin
    # words, so that a Russian sentence keeps short words such as 'как' in Cyrillic.
    mixed_only = "N" in kinds
    return [m.span() for m in _CONFUSABLE_TOKEN.finditer(kinds) if "L" in m[0] or not mixed_only]


_LEET = str.maketrans("0134578@$!|€£", "oieastbasille")
# A leet char that could be converted: next to a letter, or a '!' that is not trailing.
_LEET_HINT = re.compile(
    r"[0134578@$!|€£](?:(?<=[^\W\d_][^!])|(?<!!)(?=[^\W\d_])|(?<=!)(?=[\w@$|€£]))"
)
_LEET_TOKEN = re.compile(r"(?<![\w@$!|€£])[^\W0134578]*+[0134578@$!|€£][\w@$!|€£]*+")
_LEET_RUN = re.compile(r"[0134578@$!|€£]+")
_INTERIOR_LEET = re.compile(r"[^\W\d_]+(?:[0134578@$!|€£]+[^\W\d_]+)+")  # 'sh1t', 'k!ll'
_SEP = "-.*+~/_ "
# Necessary for a join: an isolated letter between separators followed by another one.
_JOIN_HINT = re.compile(rf"[{_SEP}][^\W\d_][{_SEP}]{{1,3}}[^\W\d_](?![^\W_])")
_JOIN_HINT_ASCII = re.compile(rf"[{_SEP}][a-z][{_SEP}]{{1,3}}[a-z](?![a-z0-9])")  # faster
_JOIN = re.compile(
    r"(?<![^\W_])[^\W\d_](?P<sep> ?[-.*+~/_] ?| )[^\W\d_](?![^\W_])"
    r"(?:(?P=sep)(?<![^\W_])[^\W\d_](?![^\W_]))+"
)
_REPEAT = re.compile(r"(.)\1\1+", re.DOTALL)
_PUNCTUATION = frozenset(string.punctuation)
_WHITESPACE = re.compile(r"\s{2,}|[^\S ]")  # runs that " ".join(s.split()) changes
_PROTECTED = re.compile(r"(?:https?://|www\.)\S++|(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)++")


def _deleet_token(match: re.Match[str]) -> str:
    """Undo leetspeak in one token; a trailing '!' run is punctuation."""
    token = match[0]
    if _INTERIOR_LEET.fullmatch(token):
        return token.translate(_LEET)
    body = token.rstrip("!")
    size = len(body)
    runs = [m.span() for m in _LEET_RUN.finditer(body)]
    interior = any(a and b < size and body[a - 1].isalpha() and body[b].isalpha() for a, b in runs)
    parts: list[str] = []
    pos = 0
    for a, b in runs:
        before = body[a - 1].isalpha() if a else None
        after = body[b].isalpha() if b < size else None
        run = body[a:b]
        if not (before and after):
            if {before, after} != {True, None}:
                continue  # next to a digit or other symbol, or a token without letters
            # Edge run: digits only in an obvious leet word ('5h1t', not '10am' or 'mp3');
            # a leading run of '!' stays.
            if not (interior if any(ch.isdigit() for ch in run) else before or run.strip("!")):
                continue
        parts += (body[pos:a], run.translate(_LEET))
        pos = b
    if not parts:
        return token
    parts.append(token[pos:])
    return "".join(parts)


def _deleet(s: str) -> str:
    """Leetspeak step; maps one char to one char, so offsets are unchanged."""
    hint = _LEET_HINT.search(s)
    parts: list[str] = []
    pos = 0
    for _ in range(4):  # rewrite only the space-delimited chunks with a hint (tokens never
        if hint is None:  # span a space) while hints are few, then the whole rest at once
            parts.append(s[pos:])
            return "".join(parts)
        first = s.rfind(" ", 0, hint.start()) + 1
        stop = s.find(" ", hint.end())
        stop = len(s) if stop < 0 else stop
        parts += (s[pos:first], _LEET_TOKEN.sub(_deleet_token, s[first:stop]))
        pos = stop
        hint = _LEET_HINT.search(s, stop)
    parts.append(_LEET_TOKEN.sub(_deleet_token, s[pos:]))
    return "".join(parts)


def _repeat_fast(m: re.Match[str]) -> str:
    char = m[1]
    return char + char if char.isalpha() else char if char in _PUNCTUATION else m[0]


def _repeat_edit(m: re.Match[str]) -> _Edit:
    char, (a, b) = m[1], m.span()
    if char.isalpha():
        return ((char, a, a + 1), (char, a + 1, b))
    if char in _PUNCTUATION:
        return ((char, a, b),)
    return ((char, i, i + 1) for i in range(a, b))


def _join_edit(m: re.Match[str]) -> _Edit:
    step = 1 + len(m["sep"])
    return ((m.string[i], i, i + 1) for i in range(m.start(), m.end(), step))


def _apply(
    s: str,
    spans: _Spans | None,
    pattern: re.Pattern[str],
    edit: Callable[[re.Match[str]], _Edit],
    fast: Callable[[re.Match[str]], str],
) -> tuple[str, _Spans | None]:
    """Rewrite matches with ``fast`` or, tracking offsets, with the equivalent ``edit``."""
    return (pattern.sub(fast, s), None) if spans is None else _rewrite(s, spans, pattern, edit)


def _rewrite(
    s: str, spans: _Spans, pattern: re.Pattern[str], edit: Callable[[re.Match[str]], _Edit]
) -> tuple[str, _Spans]:
    """Apply ``edit`` to every match of ``pattern``; output chars cover their source spans."""
    starts, ends = spans
    out: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    pos = 0
    for m in pattern.finditer(s):
        out.append(s[pos : m.start()])
        new_starts += starts[pos : m.start()]
        new_ends += ends[pos : m.start()]
        for char, first, stop in edit(m):
            out.append(char)
            new_starts.append(starts[first])
            new_ends.append(ends[stop - 1])
        pos = m.end()
    out.append(s[pos:])
    return "".join(out), (new_starts + starts[pos:], new_ends + ends[pos:])


def _deobfuscate(s: str, spans: _Spans | None) -> tuple[str, _Spans | None]:
    """Steps 5-7 on text without URLs or e-mail addresses."""
    s = _deleet(s)  # one char for one char: offsets unchanged
    if (_JOIN_HINT_ASCII if s.isascii() else _JOIN_HINT).search(s):  # s is casefolded
        s, spans = _apply(s, spans, _JOIN, _join_edit, lambda m: m[0][:: 1 + len(m["sep"])])
    return _apply(s, spans, _REPEAT, _repeat_edit, _repeat_fast)


def _protected_steps(s: str, spans: _Spans | None) -> tuple[str, _Spans | None]:
    """Run steps 5-7 on the text between URLs and e-mail addresses."""
    if "@" not in s and "://" not in s and "www." not in s:
        return _deobfuscate(s, spans)
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for a, b in [*(m.span() for m in _PROTECTED.finditer(s)), (len(s), len(s))]:
        piece, piece_spans = _deobfuscate(s[pos:a], spans and (spans[0][pos:a], spans[1][pos:a]))
        out += (piece, s[a:b])
        if spans and piece_spans:
            starts += piece_spans[0] + spans[0][a:b]
            ends += piece_spans[1] + spans[1][a:b]
        pos = b
    return "".join(out), spans and (starts, ends)


def _map_chars(text: str) -> str:
    """Steps 1-4 (before whitespace) without offsets."""
    if text.isascii():
        text = text.lower()
        return text if text.isprintable() else text.translate(_PLAIN)
    parts: list[str] = []
    pos = 0
    for a, b in _latin_ranges(text):
        parts += (text[pos:a].translate(_PLAIN), text[a:b].translate(_LATIN))
        pos = b
    parts.append(text[pos:].translate(_PLAIN))
    return "".join(parts)


def _map_chars_tracked(text: str) -> tuple[str, _Spans]:
    """Steps 1-4 (before whitespace) with offsets."""
    if text.isascii() and text.isprintable():
        return text.lower(), (list(range(len(text))), list(range(1, len(text) + 1)))
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for a, b in [*_latin_ranges(text), (len(text), len(text))]:
        for table, first, stop in ((_PLAIN, pos, a), (_LATIN, a, b)):
            for i in range(first, stop):
                piece = table[ord(text[i])]
                if piece:
                    chars.append(piece)
                    starts.extend([i] * len(piece))
                    ends.extend([i + 1] * len(piece))
                elif ends and unicodedata.category(text[i]) == "Mn":
                    ends[-1] = i + 1  # a dropped combining mark belongs to the preceding char
        pos = b
    return "".join(chars), (starts, ends)


def normalize(text: str) -> str:
    """Return the canonical, de-obfuscated form of ``text`` used for scoring."""
    s = _map_chars(text)
    if not s.isprintable() or "  " in s or s[:1] == " " or s[-1:] == " ":
        s = " ".join(s.split())  # else the only whitespace is single inner spaces
    return _protected_steps(s, None)[0]


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
    s, spans = _map_chars_tracked(text)
    s, (starts, ends) = _rewrite(s, spans, _WHITESPACE, lambda m: ((" ", *m.span()),))
    first, stop = int(s[:1] == " "), len(s) - int(s[-1:] == " ")  # strip the single spaces
    s, tracked = _protected_steps(s[first:stop], (starts[first:stop], ends[first:stop]))
    assert tracked is not None
    return Normalized(text, s, tuple(tracked[0]), tuple(tracked[1]))


def warm_up() -> None:
    """Build the lazily made tables now (about 40 ms) instead of on the first non-ASCII
    comment; the API calls this at start-up."""
    _confusable_hints()
    normalize("Ｈｅｌｌｏ café fuсk \u200b")
