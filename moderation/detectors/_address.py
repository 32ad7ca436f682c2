"""Postal addresses: a street core, widened to the unit before it and the locality after it.

Cores:

- number first: a house number ("42", "221B", "12-345" with a Canadian unit, "17/49" with an
  Australian one), one to four capitalised words and a street suffix ("42 Elm Street",
  "5 W. 34th St.", "7 Franklin Path"); French "33 rue de Provence";
- name first: "Via Roma 12", "Calle de Alcalá 45", "Rua Augusta 20";
- compound: one word ending in a street suffix, then the number ("Hauptstraße 5",
  "Hübelstr. 107a", "Mannerheimintie 3");
- a post office box ("PO Box 1234", "GPO Box 77").

A core is widened left by a unit ("Flat 3, ", "Unit 20, ") and right by a unit ("Apt 4B",
"Suite 210") and a locality: city with state/province and/or postcode in the US, Canadian,
Australian and UK layouts ("Springfield, IL 62704", "Toronto, ON M5V 2T6", "Parramatta NSW
2150", "Reading RG1 3AR") or a continental postcode and city (", 10115 Berlin"). Every core
pattern is gated by a word it needs, so comments without one skip the regexes. Addresses of
public places (a museum, "our store", "the clinic moved to") score low.
"""

from __future__ import annotations

import re

from moderation.detectors import _context as ctx
from moderation.detectors.base import Finding, Prepared, collect, make_finding, words

__all__ = ["STREET_SUFFIXES", "find_addresses", "trim_full_stop"]

ADDRESS_BASE = 0.6

STREET_SUFFIXES = (
    "Street|St|Avenue|Ave|Av|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl"
    "|Terrace|Ter|Terr|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Trail|Trl|Crescent|Cres"
    "|Close|Row|Alley|Plaza|Grove|Gardens|Heights|Loop|Pike|Mews|Walk|Hill|Run|Ridge|Crossing"
    "|Point|Path|Bend|Cove|Hollow|Rise|View|Vale|Parade|Esplanade|Promenade"
    "|Quay|Wharf|Landing|Commons|Creek|Knoll|Crest|Trace|Turnpike|Expressway|Freeway|Causeway"
    "|Wynd"
)
_WORD = r"(?:[A-Z][A-Za-z'’.-]{0,24}|\d{1,3}(?:st|nd|rd|th))"
_DIRECTION = r"(?:(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)\.?\s{1,3})"
# House number: "42", "221B", "12-345" (unit-house, Canada), "17/49" (unit/house, Australia).
_HOUSE = r"[0-9](?<![\w$€£.,/:#-][0-9])[0-9]{0,5}[A-Za-z]?(?:[-/][0-9]{1,5}[A-Za-z]?)?"
_NUMBER_CORE = re.compile(
    rf"(?P<num>{_HOUSE})\s{{1,3}}{_DIRECTION}?(?P<words>(?:{_WORD}\s{{1,3}}){{1,4}})"
    rf"(?:{STREET_SUFFIXES})\b\.?(?:\s{{1,3}}(?:NE|NW|SE|SW|N|S|E|W)\b\.?)?"
)
_SUFFIX_WORDS = frozenset(STREET_SUFFIXES.lower().encode().split(b"|"))
# Title-case function words never inside a street name ("5 Things To Know Way").
_FUNCTION_WORDS = words(
    "the of to and in for on at a an with by from is are or as my your our his her their"
    " this that these those it"
)

_NAME_FIRST = re.compile(
    r"(?:Rua|Rue|Via|Viale|Calle|Carrer|Avenida|Avda\.|Piazza|Praça|Paseo|ul\.|Ulica)"
    r"\s{1,3}(?:[\w'’.-]{1,30}\s{1,3}){0,4}?[0-9]{1,5}[a-z]?\b"
)
_NAME_FIRST_WORDS = frozenset(
    "rua rue via viale calle carrer avenida avda piazza praça paseo ul ulica".encode().split()
)
_NUMBER_FIRST = re.compile(
    r"[0-9](?<![\w.,/$€£:#-][0-9])[0-9]{0,4},?\s{1,3}"
    r"(?:rue|avenue|boulevard|bd|allée|chemin|impasse|quai|place)"
    r"\s{1,3}(?:(?:de\s+la|de|du|des|la|le)\s{1,3}|l'|d')?"
    r"[A-ZÀ-Þ][\w'’-]{1,30}(?:\s[A-ZÀ-Þ][\w'’-]{1,30}){0,2}"
)
_NUMBER_FIRST_WORDS = frozenset(
    "rue avenue boulevard bd allée chemin impasse quai place".encode().split()
)
# A capitalised (possibly hyphenated) word, one space and a house number: "Hauptstrasse 5".
_WORD_THEN_NUMBER = re.compile(
    r"[A-ZÀ-Þ][a-zà-ÿß]{1,40}(?:-[A-ZÀ-Þ][a-zà-ÿß]{1,40}){0,3}\.?[ \t]"
    r"(?P<num>[0-9]{1,5})[a-z]?\b"
)
_COMPOUND_SUFFIXES = (
    "straße", "strasse", "str.", "gasse", "weg", "allee", "platz", "damm", "ufer", "chaussee",
    "ring", "vej", "vägen", "gatan", "gata", "katu", "kuja", "tie", "laan", "straat", "gracht",
    "utca",
)  # fmt: skip
# English words that end like a compound street ("Spring 2024", "during 5 years").
_NOT_COMPOUND = frozenset(["spring", "string", "bring", "during", "offering", "gathering", "tie"])
_PO_BOX = re.compile(r"(?:P\.?\s?O\.?|GPO|Post\s+Office)\s{1,3}Box\s{1,3}[0-9]{1,6}\b", re.I)

_CITY_WORD = r"(?:[A-Z][a-z]{0,2}\.|[A-ZÀ-Þ][\w'’-]{1,24})"  # "St." "Ft." or a word
_CITY = rf"(?:{_CITY_WORD}(?:\s{_CITY_WORD}){{0,2}})"
_POSTCODE = (
    r"(?:[0-9]{5}(?:-[0-9]{4})?"  # US ZIP
    r"|[A-Z][0-9][A-Z]\s?[0-9][A-Z][0-9]"  # Canada
    r"|[A-Z]{1,2}[0-9][A-Z0-9]?\s?[0-9][A-Z]{2}"  # UK
    r"|[0-9]{4})"  # Australia and others
)
_STATE_NAMES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia"
    "|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland"
    "|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada"
    "|New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma"
    "|Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah"
    "|Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming|Ontario|Quebec|Alberta"
    "|British Columbia|Manitoba|Saskatchewan|Nova Scotia|New Brunswick|Newfoundland"
    "|New South Wales|Victoria|Queensland|Tasmania|Western Australia|South Australia"
)
_STATE = rf"(?:[A-Z]{{2,3}}|{_STATE_NAMES})"
_UNIT = (
    r"(?:,?\s{1,3}(?:Apt|Apartment|Unit|Suite|Ste|Flat|Floor|Fl|Room|Rm|#)\.?\s{0,2}"
    r"#?[A-Za-z0-9-]{1,6}\b)"
)
_TAIL = re.compile(
    rf"{_UNIT}?"
    rf"(?:,?\s{{1,3}}{_CITY},?\s{{1,3}}(?:{_STATE}\b(?:,?\s{{1,3}}{_POSTCODE}\b)?|{_POSTCODE}\b)"
    r"|,?\s{1,3}[0-9]{4,5}\s{1,3}" + _CITY + r"\b"
    r"|,?\s{1,3}[0-9]{5}\b)?"
)
_UNIT_BEFORE = re.compile(
    r"(?:Flat|Apartment|Apt|Unit|Suite|Ste)\.?\s{0,2}#?[A-Za-z0-9-]{1,5},?\s{1,3}\Z"
)

_ABBREVIATED = re.compile(
    r"(?:St|Ave|Av|Rd|Blvd|Ln|Dr|Ct|Pl|Ter|Terr|Cir|Pkwy|Hwy|Sq|Trl|Cres|N|S|E|W|str)\.\Z"
)
_YEAR_INTRO = re.compile(
    r"\b(?:in|since|by|from|until|till|of|the|year|circa|c\.|on|before|after)\s*\Z"
)
# "10 Downing Street said ...": an address standing for the institution in it.
_SPEAKS = re.compile(
    r"\s{0,3}(?:has\s+|have\s+|had\s+)?(?:said|says|announced|confirmed|denied|insisted"
    r"|declined|issued|refused|briefed|responded)\b"
)


def _number_spans(p: Prepared) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for m in _NUMBER_CORE.finditer(p.text):
        num = m.group("num")
        year_or_date = (num.isdigit() and 1900 <= int(num) <= 2099) or "/" in num
        if year_or_date and _YEAR_INTRO.search(p.low, max(0, m.start() - 12), m.start()):
            continue  # "in 2019 Main Street ...", "on 5/12 Supreme Court ..."
        if any(w.lower() in _FUNCTION_WORDS for w in m.group("words").split()):
            continue
        spans.append(m.span())
    return spans


def _compound_spans(text: str) -> list[tuple[int, int]]:
    """ "Hauptstrasse 5": a capitalised word ending in a street suffix, then a number."""
    spans: list[tuple[int, int]] = []
    for m in _WORD_THEN_NUMBER.finditer(text):
        word = m.group().split(None, 1)[0].lower()
        num = int(m.group("num"))
        if (
            word.endswith(_COMPOUND_SUFFIXES)
            and word not in _COMPOUND_SUFFIXES
            and word not in _NOT_COMPOUND
            and not (word.endswith("ring") and word[-5:-4] in "aeiou")  # gerunds: "Offering"
            and not 1900 <= num <= 2099
        ):
            spans.append(m.span())
    return spans


def _widen(p: Prepared, start: int, end: int) -> tuple[int, int]:
    """The core [start, end) with a unit before it and a unit and locality after it."""
    text = p.text
    unit = _UNIT_BEFORE.search(text, max(0, start - 16), start)
    if unit is not None:
        start = unit.start()
    tail = _TAIL.match(text, end)
    if tail is not None and tail.end() > end:
        end = tail.end()
    return start, trim_full_stop(text, end)


def trim_full_stop(text: str, end: int) -> int:
    """``end`` without a final full stop that ends the sentence: one after a full word, or
    after an abbreviation ("St.") at the end of the text or before a capital letter. The
    abbreviation keeps its stop inside a sentence ("5 W. 34th St. last year")."""
    if text[end - 1] != "." or (end < len(text) and text[end].isalnum()):
        return end
    if not _ABBREVIATED.search(text, max(0, end - 6), end):
        return end - 1
    rest = text[end : end + 3].lstrip()
    return end - 1 if not rest or rest[0].isupper() or rest[0] in "\n\"'" else end


def _cores(p: Prepared) -> list[tuple[int, int]]:
    text, words = p.text, p.word_set
    spans = [] if _SUFFIX_WORDS.isdisjoint(words) else _number_spans(p)
    if not _NAME_FIRST_WORDS.isdisjoint(words):
        spans += [m.span() for m in _NAME_FIRST.finditer(text)]
    if not _NUMBER_FIRST_WORDS.isdisjoint(words):
        spans += [m.span() for m in _NUMBER_FIRST.finditer(text)]
    if b"box" in words:
        spans += [m.span() for m in _PO_BOX.finditer(text)]
    spans += _compound_spans(text)
    return spans


def find_addresses(p: Prepared) -> list[Finding]:
    """Street addresses such as "42 Elm Street" or "Flat 3, 27 Kings Road, Reading RG1 3AR"."""
    text = p.text
    findings: list[Finding] = []
    for core_start, core_end in sorted(_cores(p), key=lambda se: (se[0], -se[1])):
        if core_start > 0 and text[core_start - 1].isalnum():
            continue
        start, end = _widen(p, core_start, core_end)
        if findings and start < findings[-1].end:
            continue  # overlaps an address already found
        speaks = bool(_SPEAKS.match(text, end))
        score = ctx.score_in_context(
            p, start, end, ADDRESS_BASE, ctx.BENIGN_ADDRESS, benign_hint=speaks
        )
        if collect(findings, make_finding(text, "doxing", "address", start, end, score)):
            break
    return findings
