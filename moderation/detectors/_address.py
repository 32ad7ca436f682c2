"""Street addresses: a house number, one to four capitalised words and a street suffix.

Optionally followed by a unit ("Apt 4B", "Suite 200", "#12") and a city with a US state
and/or ZIP code. Smaller patterns cover common continental European forms where the number
follows the street ("Via Roma 12", "Hauptstrasse 5", "Mannerheimintie 3") or the street type
is lowercase ("33 rue de Provence"). Every pattern is gated by a word it needs (a street
suffix, "via", "rue" ...), so comments without one skip the regexes. Addresses of public
places (a museum, a stadium, "our store") score low.
"""

from __future__ import annotations

import re

from moderation.detectors import _context as ctx
from moderation.detectors.base import Finding, Prepared, collect, make_finding

__all__ = ["find_addresses"]

ADDRESS_BASE = 0.6

_SUFFIXES = (
    "Street|St|Avenue|Ave|Av|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl"
    "|Terrace|Ter|Terr|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Trail|Trl|Crescent|Cres"
    "|Close|Row|Alley|Plaza|Grove|Gardens|Heights|Loop|Pike|Mews|Walk|Hill"
)
_WORD = r"(?:[A-Z][A-Za-z'’.-]{0,24}|\d{1,3}(?:st|nd|rd|th))"
_DIRECTION = r"(?:(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)\.?\s{1,3})"
_UNIT = (
    r"(?:,?\s{1,3}(?:Apt|Apartment|Unit|Suite|Ste|Flat|Floor|Fl|Room|Rm|#)\.?\s{0,2}"
    r"#?[A-Za-z0-9-]{1,6})"
)
_CITY = r"(?:[A-Z][A-Za-z.'’-]{1,24}(?:\s[A-Z][A-Za-z.'’-]{1,24}){0,2})"
_ZIP = r"(?:\d{5}(?:-\d{4})?)"
_STATE = r"(?:[A-Z]{2}|[A-Z][a-z]{3,13})"

_US_ADDRESS = re.compile(
    rf"(?P<num>[0-9](?<![\w$€£.,/:#-][0-9])[0-9]{{0,5}}[A-Za-z]?(?:-[0-9]{{1,4}})?)\s{{1,3}}"
    rf"{_DIRECTION}?"
    rf"(?:{_WORD}\s{{1,3}}){{1,4}}(?:{_SUFFIXES})\b\.?"
    r"(?:\s{1,3}(?:NE|NW|SE|SW|N|S|E|W)\b\.?)?"
    rf"{_UNIT}?"
    rf"(?:,?\s{{1,3}}{_CITY}(?:,?\s{{1,3}}{_STATE}\b(?:,?\s{{1,3}}{_ZIP})?|,?\s{{1,3}}{_ZIP}\b)"
    rf"|,?\s{{1,3}}{_ZIP}\b)?"
)
_US_WORDS = frozenset(_SUFFIXES.lower().encode().split(b"|"))

_NAME_FIRST = re.compile(
    r"(?:Rua|Rue|Via|Viale|Calle|Carrer|Avenida|Avda\.|Piazza|Praça|Paseo|ul\.|Ulica)"
    r"\s{1,3}(?:[\w'’.-]{1,30}\s{1,3}){0,4}?[0-9]{1,5}[a-z]?\b"
)
_NAME_FIRST_WORDS = frozenset(
    "rua rue via viale calle carrer avenida avda piazza praça paseo ul ulica".encode().split()
)
_NUMBER_FIRST = re.compile(
    r"[0-9](?<![\w.,/$€£:#-][0-9])[0-9]{0,4},?\s{1,3}"
    r"(?:rue|avenue|boulevard|bd|allée|chemin|impasse|quai)"
    r"\s{1,3}(?:(?:de|du|des|la|le)\s{1,3}|l'|d')?[A-ZÀ-Þ][\w'’-]{1,30}"
)
_NUMBER_FIRST_WORDS = frozenset(
    "rue avenue boulevard bd allée chemin impasse quai".encode().split()
)
# A capitalised word, one space and a house number: a candidate "Hauptstrasse 5".
_WORD_THEN_NUMBER = re.compile(r"[A-ZÀ-Þ][a-zà-ÿß]{1,40}[ \t][0-9]{1,5}[a-z]?\b")
_COMPOUND_SUFFIXES = (
    "straße", "strasse", "gasse", "weg", "allee", "platz", "vej", "vägen", "gatan", "gata",
    "katu", "kuja", "tie", "laan", "straat", "gracht", "utca",
)  # fmt: skip

_ABBREVIATED = re.compile(
    r"(?:St|Ave|Av|Rd|Blvd|Ln|Dr|Ct|Pl|Ter|Terr|Cir|Pkwy|Hwy|Sq|Trl|Cres|N|S|E|W)\.\Z"
)
_YEAR_INTRO = re.compile(r"\b(?:in|since|by|from|until|till|of|the|year|circa|c\.)\s*\Z")


def _us_spans(p: Prepared) -> list[tuple[int, int]]:
    text = p.text
    spans: list[tuple[int, int]] = []
    for m in _US_ADDRESS.finditer(text):
        num = m.group("num")
        if (
            num.isdigit()
            and 1900 <= int(num) <= 2099
            and _YEAR_INTRO.search(p.low, max(0, m.start() - 12), m.start())
        ):
            continue  # "in 2019 Main Street ..." reads as a year
        end = m.end()
        # Keep "St." but not a sentence-final full stop after a full suffix word.
        if (
            text[end - 1] == "."
            and (end == len(text) or not text[end].isalnum())
            and not _ABBREVIATED.search(m.group())
        ):
            end -= 1
        spans.append((m.start(), end))
    return spans


def _compound_spans(text: str) -> list[tuple[int, int]]:
    """ "Hauptstrasse 5": a capitalised word ending in a street suffix, then a number."""
    spans: list[tuple[int, int]] = []
    for m in _WORD_THEN_NUMBER.finditer(text):
        word = m.group().split(None, 1)[0].lower()
        if word.endswith(_COMPOUND_SUFFIXES) and word not in _COMPOUND_SUFFIXES:
            spans.append(m.span())
    return spans


def find_addresses(p: Prepared) -> list[Finding]:
    """Street addresses such as "42 Elm Street" or "1600 Pennsylvania Ave NW, Washington, DC"."""
    text, words = p.text, p.word_set
    spans = [] if _US_WORDS.isdisjoint(words) else _us_spans(p)
    if not _NAME_FIRST_WORDS.isdisjoint(words):
        spans += [m.span() for m in _NAME_FIRST.finditer(text)]
    if not _NUMBER_FIRST_WORDS.isdisjoint(words):
        spans += [m.span() for m in _NUMBER_FIRST.finditer(text)]
    spans += _compound_spans(text)
    findings: list[Finding] = []
    for start, end in sorted(spans, key=lambda se: (se[0], -se[1])):
        if start > 0 and text[start - 1].isalnum():
            continue
        if findings and start < findings[-1].end:
            continue  # overlaps an address already found
        score = ctx.score_in_context(p, start, end, ADDRESS_BASE, ctx.BENIGN_ADDRESS)
        if collect(findings, make_finding(text, "doxing", "address", start, end, score)):
            break
    return findings
