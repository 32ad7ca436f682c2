"""Rule-based spam evidence within one comment (category ``spam``).

Kinds:
- ``link``: URLs, bare domains and obfuscated links. One link is normal on a news site
  (citing a source), so a lone link scores 0.25; the per-link score grows with the count so
  that the noisy-or category score is ~0.5 for two links and ~0.75 for three. URL shorteners
  and messenger links (bit.ly, t.co, wa.me ...) score at least 0.5 each.
- ``promo``: promotional phrases ("check out my channel", "work from home", "guaranteed
  returns" ...), 0.4 each, 0.8 when the comment also carries a link.
- ``contact``: a phone number or email in the same comment as a promo phrase, 0.8.
- ``shouting`` (> 70% capitals over >= 30 letters) and ``repetition`` (a word or phrase of
  up to six words repeated >= 5 times in a row): weak, 0.3.

Repeats across comments and authors need shared state and live elsewhere.
"""

from __future__ import annotations

import operator
import re

from moderation.detectors._links import SHORTENERS, find_link_spans
from moderation.detectors._promo import find_promo_spans
from moderation.detectors.base import (
    MAX_PER_KIND,
    Finding,
    Prepared,
    collect,
    make_finding,
    prepare,
)
from moderation.detectors.pii import find_contacts

__all__ = ["find_spam", "link_score", "spam_findings"]

SHORTENER_SCORE = 0.5
PROMO_SCORE = 0.4
PROMO_WITH_LINK_SCORE = 0.8
CONTACT_SCORE = 0.8
WEAK_SCORE = 0.3
REPEATS = 5
MAX_PHRASE_WORDS = 6
SHOUT_MIN_LETTERS = 30
SHOUT_RATIO = 0.7

_REPEAT = re.compile(
    rf"(?<!\w)(\w++(?:\W{{1,5}}+\w++){{0,{MAX_PHRASE_WORDS - 1}}}?)"
    rf"(?:\W{{1,5}}+\1(?!\w)){{{REPEATS - 1},100}}"
)
_UPPER_ASCII = bytes(range(65, 91))
_LOWER_ASCII = bytes(range(97, 123))


def link_score(n_links: int) -> float:
    """Per-link score so that the noisy-or over ``n_links`` links hits a count target.

    Targets: 1 link 0.25, 2 links 0.5, 3 links 0.75, then +0.05 per extra link up to 0.95.
    """
    if n_links <= 0:
        return 0.0
    target = min(0.95, 0.25 * n_links if n_links <= 3 else 0.75 + 0.05 * (n_links - 3))
    return float(1.0 - (1.0 - target) ** (1.0 / n_links))


def _links(p: Prepared, emails: list[Finding]) -> list[Finding]:
    text = p.text
    spans = find_link_spans(p)
    if not spans:
        return []
    if emails:  # "john dot smith at gmail dot com" is an email, not a link
        spans = [s for s in spans if all(s[1] <= e.start or s[0] >= e.end for e in emails)]
    per_link = link_score(len(spans))
    findings: list[Finding] = []
    for start, end, host in spans[:MAX_PER_KIND]:
        score = max(SHORTENER_SCORE, per_link) if host in SHORTENERS else per_link
        f = make_finding(text, "spam", "link", start, end, score)
        if f is not None:
            findings.append(f)
    return findings


def _shouting(text: str) -> list[Finding]:
    if len(text) < SHOUT_MIN_LETTERS:
        return []
    raw = text.encode("utf-8", "replace")
    upper = len(raw) - len(raw.translate(None, _UPPER_ASCII))
    if upper <= SHOUT_RATIO * SHOUT_MIN_LETTERS and text.isascii():
        return []  # too few capitals to be shouting (the common case)
    lower = len(raw) - len(raw.translate(None, _LOWER_ASCII))
    if upper + lower < SHOUT_MIN_LETTERS and not text.isascii():
        upper = sum(1 for c in text if c.isupper())
        lower = sum(1 for c in text if c.islower())
    letters = upper + lower
    if letters < SHOUT_MIN_LETTERS or upper <= SHOUT_RATIO * letters:
        return []
    start = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    f = make_finding(text, "spam", "shouting", start, end, WEAK_SCORE)
    return [f] if f is not None else []


def _may_repeat(p: Prepared) -> bool:
    """Cheap necessary condition for a phrase of k words repeated 5 times in a row: the word
    sequence equals itself shifted by k on 4k consecutive positions."""
    words = p.words
    duplicates = len(words) - len(p.word_set)
    for k in range(1, MAX_PHRASE_WORDS + 1):
        run = (REPEATS - 1) * k
        if duplicates < run:
            return False
        equal = bytes(map(operator.eq, words, words[k:]))
        if equal.count(1) >= run and b"\x01" * run in equal:
            return True
    return False


def _repetition(p: Prepared) -> list[Finding]:
    if not _may_repeat(p):
        return []
    findings: list[Finding] = []
    for m in _REPEAT.finditer(p.low):
        if len(m.group(1)) < 2:
            continue
        if collect(
            findings, make_finding(p.text, "spam", "repetition", m.start(), m.end(), WEAK_SCORE)
        ):
            break
    return findings


def _needs_contacts(p: Prepared) -> bool:
    return "@" in p.text or b"at" in p.word_set


def _by_position(f: Finding) -> tuple[int, int]:
    return f.start, f.end


def spam_findings(p: Prepared, pii: list[Finding] | None = None) -> list[Finding]:
    """Spam findings of a prepared comment, sorted by start offset.

    ``pii`` are the comment's PII findings if already computed; its phone numbers and emails
    become ``contact`` findings when the comment also promotes something.
    """
    text = p.text
    promo_spans = find_promo_spans(p.low, p.word_set, p.digits, MAX_PER_KIND)
    if pii is None:
        pii = find_contacts(p) if promo_spans or _needs_contacts(p) else []
    contacts = [f for f in pii if f.kind in ("phone", "email")] if pii else pii
    findings = _links(p, [c for c in contacts if c.kind == "email"] if contacts else contacts)
    if promo_spans:
        score = PROMO_WITH_LINK_SCORE if findings else PROMO_SCORE
        for s, e in promo_spans:
            f = make_finding(text, "spam", "promo", s, e, score)
            if f is not None:
                findings.append(f)
        for c in contacts:
            f = make_finding(text, "spam", "contact", c.start, c.end, CONTACT_SCORE)
            if f is not None:
                findings.append(f)
    if len(text) >= SHOUT_MIN_LETTERS:
        findings += _shouting(text)
    if len(p.words) >= REPEATS:
        findings += _repetition(p)
    if len(findings) > 1:
        findings.sort(key=_by_position)
    return findings


def find_spam(text: str, pii: list[Finding] | None = None) -> list[Finding]:
    """Spam findings in ``text``, sorted by start offset (``pii``: see :func:`spam_findings`)."""
    return spam_findings(prepare(text), pii)
