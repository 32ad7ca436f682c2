"""A named person's workplace or home street, when no house number gives an address away.

- ``workplace``: a person's name (or he/she in a comment that names someone), a verb of work
  and a place: "Jane Miller works at the Target on 5th Ave", "Tom Reed is a cashier at St.
  Mary's Hospital in York", "you can find Ann Lee at Harlow Logistics". The span is the place
  with its location, without the article ("Target on 5th Ave").
- ``address`` (street only): a person, a word of residence and a street name: "Jane's house is
  the blue one at the end of Maple Drive", "he lives on Oak Street". The span is the street.

Someone introduced by a public title ("Mayor Jane Ortiz works at City Hall") and first-person
sentences ("I work at the Target on 5th Ave") are left alone. Both rules need a capitalised
word after a cue word, so they cost one cheap gate on comments without those words.
"""

from __future__ import annotations

import re

from moderation.detectors import _context as ctx
from moderation.detectors._address import STREET_SUFFIXES, trim_full_stop
from moderation.detectors.base import Finding, Prepared, collect, make_finding, words

__all__ = ["find_places"]

WORKPLACE_BASE = 0.6
STREET_BASE = 0.6

_NAME = r"[A-Z][a-z]+(?:['’-][A-Z]?[a-z]+)?(?:\s[A-Z][a-z]+(?:['’-][A-Z]?[a-z]+)?){1,2}"
_TITLE = re.compile(
    r"(?:Mayor|Senator|Sen\.|Governor|Gov\.|President|Minister|Premier|Councillor|Councilor"
    r"|Councilman|Councilwoman|Alderman|Rep\.|Representative|Congressman|Congresswoman|Judge"
    r"|Justice|Sheriff|Chief|Commissioner|Superintendent|CEO|Chairman|Chairwoman|Dr\.|Prof\."
    r"|Professor|Coach|Bishop|Pastor|Rabbi|Imam|Reverend|Rev\.|MP|MLA|MEP)\s+(?:\Z|(?=[A-Z]))"
)
_JOB_WORDS = (
    "cashier nurse receptionist clerk manager teacher waiter waitress cook chef driver assistant"
    " bartender barista cleaner janitor secretary accountant mechanic technician pharmacist"
    " doctor dentist vet lawyer paralegal engineer developer supervisor guard librarian server"
    " student intern volunteer employee worker carer caretaker porter dispatcher agent"
    " administrator coordinator hairdresser stylist baker butcher plumber electrician tutor"
    " lecturer analyst consultant salesman saleswoman associate"
)
_JOBS = "(?:" + "|".join(_JOB_WORDS.split()) + ")"
_WORK = (
    r"(?i:works?(?:\s+(?:the\s+)?(?:night|day|early|late|morning|evening|weekend|graveyard)"
    r"\s+shifts?)?\s+(?:at|for)"
    rf"|is\s+(?:a|an|the)\s+(?:[a-z-]+\s+){{0,2}}?{_JOBS}s?\s+(?:at|for)"
    r"|(?:teaches|manages|runs|owns|cleans|bartends|volunteers|clocks\s+in|is\s+employed)"
    r"\s+(?:at|for|by)?)"
)
# A name of a shop, firm or school ("Tim Hortons", "St. Mary's Hospital", "7-Eleven") and its
# location ("on 5th Ave", "in Leeds", "off Route 9"); a word ending in "." ends it.
_PLACE_NAME = r"(?:[A-Z][a-z]{0,2}\.\s)?[A-Z0-9][\w'’&-]*(?:\s(?:&\s)?[A-Z][\w'’&-]*){0,4}"
_LOCATION = (
    r"(?:[A-Z][a-z]{0,2}\.\s)?[A-Z0-9][\w'’&-]*(?:\s(?:[A-Z][\w'’&-]*|[0-9]{1,4}\b)){0,3}\.?"
)
_PLACE = (
    rf"(?:the\s+)?(?P<place>{_PLACE_NAME}"
    rf"(?:\s(?:on|in|at|off|near|by)\s(?:the\s)?{_LOCATION})?)"
)
_WORKPLACE = re.compile(
    rf"(?:(?P<person>{_NAME}|\b(?:[Hh]e|[Ss]he))\s+{_WORK}"
    rf"|(?i:\b(?:find|catch|see|visit)\s+)(?P<person2>{_NAME})\s+at)\s+{_PLACE}"
)
_WORK_WORDS = frozenset(
    w.encode()
    for w in words(
        "works work teaches manages runs owns cleans bartends volunteers clocks employed find"
        " catch see visit " + _JOB_WORDS + " " + " ".join(w + "s" for w in _JOB_WORDS.split())
    )
)
_FULL_NAME = re.compile(_NAME)

_STREET = (
    rf"(?:[A-Z][a-z]+\s){{1,3}}(?:{STREET_SUFFIXES})\b\.?"
    rf"|[0-9]{{1,3}}(?:st|nd|rd|th)\s(?:{STREET_SUFFIXES})\b\.?"
)
_HOME_STREET = re.compile(
    r"(?i:\b(?:lives?|living|resides?|house|home|place|flat|apartment|condo|bungalow)\b)"
    r"[^.!?\n]{0,45}?"
    r"(?i:\b(?:on|off|along|down|at\s+the\s+(?:end|top|bottom|corner)\s+of))\s"
    rf"(?P<street>{_STREET})"
)
_HOME_WORDS = frozenset(
    w.encode() for w in words("lives live living resides reside house home place flat apartment")
)
# Someone other than the writer: a pronoun, a possessive or a full name (checked in the
# sentence before the residence word).
_THIRD_PERSON = re.compile(r"\b(?:he|she|they|his|her|their|him|them)\b|['’]s\b", re.I)
_SENTENCE_START = re.compile(r"[.!?\n][^.!?\n]*\Z")


def _place_end(text: str, m: re.Match[str]) -> int:
    return trim_full_stop(text, m.end("place"))


def _workplaces(p: Prepared) -> list[Finding]:
    text = p.text
    findings: list[Finding] = []
    named = None
    for m in _WORKPLACE.finditer(text):
        person = m.group("person") or m.group("person2")
        start = m.start("person") if m.group("person") else m.start("person2")
        if _TITLE.search(text, max(0, start - 16), start) or _TITLE.match(person + " "):
            continue  # a public role: "Mayor Jane Ortiz works at City Hall"
        if person.lower() in ("he", "she"):
            named = named if named is not None else bool(_FULL_NAME.search(text))
            if not named:
                continue
        s, e = m.start("place"), _place_end(text, m)
        score = ctx.score_in_context(p, s, e, WORKPLACE_BASE)
        if collect(findings, make_finding(text, "doxing", "workplace", s, e, score)):
            break
    return findings


def _home_streets(p: Prepared) -> list[Finding]:
    text = p.text
    findings: list[Finding] = []
    for m in _HOME_STREET.finditer(text):
        sentence = _SENTENCE_START.search(text, 0, m.start())
        before = text[sentence.start() + 1 if sentence else 0 : m.start()]
        if not (_THIRD_PERSON.search(before) or _FULL_NAME.search(before)):
            continue
        s = m.start("street")
        e = trim_full_stop(text, m.end("street"))
        score = ctx.score_in_context(p, s, e, STREET_BASE)
        if collect(findings, make_finding(text, "doxing", "address", s, e, score)):
            break
    return findings


def find_places(p: Prepared) -> list[Finding]:
    """Workplaces and home streets tied to a person (rules in the module docstring)."""
    found: list[Finding] = []
    if not _WORK_WORDS.isdisjoint(p.word_set):
        found += _workplaces(p)
    if not _HOME_WORDS.isdisjoint(p.word_set):
        found += _home_streets(p)
    return found
