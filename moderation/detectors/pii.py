"""Personal identifying information (the ``doxing`` category), found by rules.

Kinds: ``phone`` (any region: `_contact`), ``email``, ``card``, ``ssn``, ``ni`` (UK National
Insurance), ``sin``, ``aadhaar``, ``dni``, ``cpf`` (validated national IDs:
`_national_ids`), ``iban``, ``ip``, ``address`` (a postal address, or a person's home street:
`_address`, `_places`), ``plate`` and ``workplace`` (a named person's place of work). Each
finding starts from a base score for its kind; the words around it raise it to 0.9 (doxing
context: "lives at", "his cell", "call her"), to 0.75 (a person named next to it) or lower it
to 0.15 (a helpline, a box office, a business number, a role address like press@): see
`_context`. Years, prices, times, dates, percentages, scores, versions and order numbers
produce no finding at all.

Obfuscated details ("42 3lm 5tr33t", "j0hn@9m4il.c0m", spaced or look-alike letters) are read
on a de-obfuscated view of the stretches around digits and "@" (`_deobfuscate`), with offsets
mapped back to what the author typed.

Everything that needs a digit is skipped by one cheap search when the text has none, which
keeps a typical digit-free comment in the low microseconds.
"""

from __future__ import annotations

import re

from moderation.detectors._address import find_addresses
from moderation.detectors._contact import find_emails, find_phones
from moderation.detectors._deobfuscate import deobfuscated_view, needs_view, view_to_original
from moderation.detectors._ids import (
    find_cards,
    find_ibans,
    find_ips,
    find_national_ids,
    find_plates,
)
from moderation.detectors._national_ids import find_other_national_ids
from moderation.detectors._places import find_places
from moderation.detectors.base import Finding, Prepared, prepare

__all__ = ["find_contacts", "find_pii", "pii_findings", "warm_up", "with_deobfuscated"]

#: Characters either side of a digit or "@" that the de-obfuscated view covers, and the most
#: characters of one comment it reads (bounds the cost on long comments).
VIEW_MARGIN = 80
MAX_VIEW_CHARS = 3_000
_ANCHOR = re.compile(r"[0-9@]+|\bdot\b", re.IGNORECASE)

# When two findings overlap, the one whose kind comes first here wins (a validated card
# number beats a phone-shaped run of its digits; an email beats the IP in its domain).
_PRIORITY: dict[str, int] = {
    kind: i
    for i, kind in enumerate(
        (
            "card",
            "iban",
            "ssn",
            "ni",
            "sin",
            "aadhaar",
            "dni",
            "cpf",
            "email",
            "ip",
            "phone",
            "plate",
            "address",
            "workplace",
        )
    )
}


def _resolve_overlaps(findings: list[Finding]) -> list[Finding]:
    ranked = sorted(findings, key=lambda f: (_PRIORITY.get(f.kind, 99), f.start, -f.end))
    kept: list[Finding] = []
    for f in ranked:
        if all(f.end <= k.start or f.start >= k.end for k in kept):
            kept.append(f)
    kept.sort(key=lambda f: (f.start, f.end))
    return kept


def find_contacts(p: Prepared) -> list[Finding]:
    """Only the phone numbers and email addresses (used by spam's contact rule)."""
    found = find_phones(p) if p.digits else []
    found += find_emails(p)
    return _resolve_overlaps(found) if len(found) > 1 else found


def pii_findings(p: Prepared) -> list[Finding]:
    """All PII findings of a prepared comment, sorted by start offset."""
    found = find_emails(p)
    found += find_places(p)
    if p.digits:
        found += find_phones(p)
        found += find_cards(p)
        found += find_national_ids(p)
        found += find_other_national_ids(p)
        found += find_ibans(p)
        found += find_ips(p)
        found += find_addresses(p)
        found += find_plates(p)
    return _resolve_overlaps(found) if len(found) > 1 else found


def _merge(found: list[Finding], extra: list[Finding]) -> list[Finding]:
    """``found`` plus the findings of ``extra`` that add to it: a span nothing covers, a
    longer span (which replaces what it covers), or the same span with a higher score."""
    out = list(found)
    for f in extra:
        overlapping = [g for g in out if g.start < f.end and f.start < g.end]
        if not overlapping:
            out.append(f)
        elif all(f.start <= g.start and g.end <= f.end for g in overlapping) and (
            any((g.start, g.end) != (f.start, f.end) or g.score < f.score for g in overlapping)
        ):
            out = [g for g in out if g not in overlapping] + [f]
    out.sort(key=lambda f: (f.start, f.end))
    return out


def _windows(text: str) -> list[tuple[int, int]]:
    """Stretches of ``text`` around its digits, "@" and spelled "dot"s (where PII can be),
    merged, widened to whitespace and bounded in number and total length."""
    spans: list[tuple[int, int]] = []
    total = 0
    for m in _ANCHOR.finditer(text):
        a, b = max(0, m.start() - VIEW_MARGIN), min(len(text), m.end() + VIEW_MARGIN)
        if spans and a <= spans[-1][1]:
            total -= spans[-1][1] - spans[-1][0]
            a = spans.pop()[0]
        a = max(0, text.rfind(" ", 0, a) + 1)
        end = text.find(" ", b)
        b = len(text) if end < 0 else end
        spans.append((a, b))
        total += b - a
        if total >= MAX_VIEW_CHARS:
            break
    return spans


def _blank(piece: str, offset: int, found: list[Finding]) -> str:
    """``piece`` (starting at ``offset`` of the comment) with what ``found`` already covers
    blanked out, so a plain email found as it is shows no sign of obfuscation."""
    inside = [f for f in found if f.start < offset + len(piece) and f.end > offset]
    for f in inside:
        s, e = max(0, f.start - offset), min(len(piece), f.end - offset)
        piece = piece[:s] + " " * (e - s) + piece[e:]
    return piece


def with_deobfuscated(
    text: str, found: list[Finding], prepared: Prepared | None = None
) -> list[Finding]:
    """``found`` (findings on ``text``) merged with the findings on the de-obfuscated view of
    ``text`` ("42 3lm 5tr33t", "j0hn@9m4il.c0m"). Only a comment that can hold such PII (a
    digit, an "@", a spelled "dot") pays for a look, and only the stretches around those
    that show a sign of obfuscation pay for the view; ``prepared`` is ``text``'s prepared
    form when the caller has it."""
    p = prepared or prepare(text)
    if not (p.digits or "@" in p.text or b"dot" in p.word_set):
        return found
    extra: list[Finding] = []
    for a, b in _windows(text):
        piece = text[a:b]
        if not needs_view(_blank(piece, a, found)):
            continue
        view = deobfuscated_view(piece)
        for f in view_to_original(pii_findings(prepare(view.text)), piece, view):
            extra.append(Finding(f.category, f.kind, a + f.start, a + f.end, f.text, f.score))
    return _merge(found, extra) if extra else found


def warm_up() -> None:
    """Load phonenumbers' metadata of every region in REGIONS now (about 0.1 s) instead of
    on the first comment with a foreign number; for servers, at start-up."""
    find_pii("call 07700 900123 or 030 1234567 or +33 1 23 45 67 89, j0hn@9m4il.c0m")


def find_pii(text: str) -> list[Finding]:
    """All PII findings in ``text`` (category ``doxing``), sorted by start offset."""
    p = prepare(text)
    return with_deobfuscated(text, pii_findings(p), p)
