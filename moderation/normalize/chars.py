"""Steps 1-4 of the normaliser: one character at a time, with the offset map.

Owns the character-level canonical form: (1) per-character NFKC; (2) drop format chars (Cf:
zero-width, soft hyphen, bidi), Hangul fillers, combining marks (Mn; not the vowel and tone
marks of Thai and Indic scripts) and controls (whitespace controls become spaces); (3) Latin
letters with diacritics -> ASCII (``anyascii``), homoglyphs of Latin letters
(``confusable-homoglyphs``) -> Latin only in whitespace tokens that contain a Latin letter, or
in any token if the text has no other non-Latin letter, so real Cyrillic/Greek words are kept
(no transliteration); (4) casefold. Whitespace runs are collapsed by the pipeline afterwards.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from anyascii import anyascii
from confusable_homoglyphs import confusables

Spans = tuple[list[int], list[int]]

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


def homoglyph(char: str) -> str | None:
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
            elif look_alike := homoglyph(ch):
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
def confusable_hints() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Prefilters for characters that are, or NFKC-decompose to, a look-alike letter.

    Built on first use. The BMP class is exact; astral characters are matched by one coarse
    range (sre is slow on classes with many astral members).
    """
    codes = {ord(char) for char in _HOMOGLYPHS}
    for code in range(0x80, 0x20000):  # no decomposition above this yields a look-alike
        char = chr(code)
        if unicodedata.decomposition(char) and any(
            homoglyph(ch) for ch in unicodedata.normalize("NFKC", char)
        ):
            codes.add(code)
    bmp = "".join(chr(c) for c in sorted(codes) if c < 0x10000)
    astral = [c for c in codes if c >= 0x10000]
    return re.compile(f"[{bmp}]"), re.compile(f"[{chr(min(astral))}-{chr(max(astral))}]")


def _latin_ranges(text: str) -> list[tuple[int, int]]:
    """Whitespace-delimited tokens in which look-alike letters are mapped to Latin."""
    if text.isascii():
        return []
    bmp, astral = confusable_hints()
    if bmp.search(text) is None and astral.search(text) is None:
        return []
    kinds = text.translate(_KIND)
    if "C" not in kinds:
        return []
    # Tokens made only of look-alikes ('ѕһіt') are mapped unless the text has real non-Latin
    # words, so that a Russian sentence keeps short words such as 'как' in Cyrillic.
    mixed_only = "N" in kinds
    return [m.span() for m in _CONFUSABLE_TOKEN.finditer(kinds) if "L" in m[0] or not mixed_only]


def map_chars(text: str) -> str:
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


def map_chars_tracked(text: str) -> tuple[str, Spans]:
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
