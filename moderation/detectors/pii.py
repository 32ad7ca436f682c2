"""Personal identifying information (the ``doxing`` category), found by rules.

Kinds: ``phone``, ``email``, ``card``, ``ssn``, ``ni`` (UK National Insurance), ``iban``,
``ip``, ``address`` and ``plate``. Each finding starts from a base score for its kind, raised
to ~0.9 by doxing context nearby ("lives at", "his cell", "call her") and lowered to ~0.25
by benign context (a box office, a helpline, a toll-free number, a role address like press@).
Years, prices, times, dates, percentages and sports scores produce no finding at all.

Everything that needs a digit is skipped by one cheap search when the text has none, which
keeps a typical digit-free comment in the low microseconds.
"""

from __future__ import annotations

from moderation.detectors._address import find_addresses
from moderation.detectors._contact import find_emails, find_phones
from moderation.detectors._ids import (
    find_cards,
    find_ibans,
    find_ips,
    find_national_ids,
    find_plates,
)
from moderation.detectors.base import Finding, Prepared, prepare

__all__ = ["find_contacts", "find_pii", "pii_findings"]

# When two findings overlap, the one whose kind comes first here wins (a validated card
# number beats a phone-shaped run of its digits; an email beats the IP in its domain).
_PRIORITY: dict[str, int] = {
    kind: i
    for i, kind in enumerate(
        ("card", "iban", "ssn", "ni", "email", "ip", "phone", "plate", "address")
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
    if p.digits:
        found += find_phones(p)
        found += find_cards(p)
        found += find_national_ids(p)
        found += find_ibans(p)
        found += find_ips(p)
        found += find_addresses(p)
        found += find_plates(p)
    return _resolve_overlaps(found) if len(found) > 1 else found


def find_pii(text: str) -> list[Finding]:
    """All PII findings in ``text`` (category ``doxing``), sorted by start offset."""
    return pii_findings(prepare(text))
