"""Context words around a PII finding that raise or lower its doxing score.

The window is ~40 characters either side of the finding. Doxing context ("lives at", "his
cell", "call her", "go visit") raises a finding to :data:`RAISED`; benign context ("box
office", "customer service", a role address) lowers it to :data:`LOWERED`. Patterns run on
the lowercased text (same offsets as the original), except the case-sensitive "Name lives".
"""

from __future__ import annotations

import re

from moderation.detectors.base import Prepared

__all__ = [
    "BENIGN_ADDRESS",
    "BENIGN_EMAIL",
    "BENIGN_IP",
    "BENIGN_PHONE",
    "LOWERED",
    "RAISED",
    "WINDOW",
    "has_doxing_context",
    "is_reference_number",
    "score_in_context",
]

WINDOW = 40
RAISED = 0.9
LOWERED = 0.25

_PRONOUN = r"(?:him|her|them|this guy|this woman|this man|that guy|that woman)"
_POSSESSIVE = r"(?:his|her|their|the guy'?s|this guy'?s|that guy'?s|the woman'?s|my neighbou?r'?s)"
_PERSONAL = (
    r"(?:home|house|cell|cellphone|cell phone|mobile|phone|number|address|email|e-mail"
    r"|apartment|flat|plate|licen[cs]e|car|ssn|social|ip|card|bank|account|iban)"
)

# Cues (on lowercased text) that someone is publishing another person's details.
_DOXING_RE = re.compile(
    r"\b(?:"
    r"lives?\s+(?:at|on|in|near|by|here)|living\s+at|resides?\s+(?:at|on|in)"
    rf"|{_POSSESSIVE}\s+(?:new\s+|real\s+|private\s+|personal\s+)?{_PERSONAL}"
    rf"|(?:call|text|phone|ring|email|find|visit|message|spam|harass|flood)\s+{_PRONOUN}"
    rf"|pay\s+{_PRONOUN}\s+a\s+visit|let'?s\s+(?:go\s+)?(?:visit|find)"
    r"|home\s+address|here\s+is\s+where|here'?s\s+where|this\s+is\s+where|go\s+visit"
    r"|show\s+up\s+at|knock\s+on|where\s+(?:he|she|they)\s+lives?"
    r"|(?:he|she|they)\s+lives?|dox+(?:ed|ing)?"
    r")\b"
)
# "Maria lives ..." -- a capitalised name followed by a verb of residence (original case).
_NAME_LIVES_RE = re.compile(r"[A-Z](?<![\w'][A-Z])[a-z]{1,20}\s+(?:lives|resides|stays)\b")

BENIGN_PHONE = re.compile(
    r"\b(?:office|hotline|help\s?line|helpdesk|help\s+desk|customer\s+(?:service|support|care)"
    r"|call\s+us|contact\s+us|reach\s+us|text\s+us|toll[\s-]?free|for\s+tickets|tickets?\s+line"
    r"|box\s+office|press\s+office|reservations?|booking|info\s?line|tip\s?line|crisis\s+line"
    r"|lifeline|business\s+hours|switchboard|reception|headquarters|campaign|fax)\b"
)
BENIGN_EMAIL = re.compile(
    r"\b(?:contact\s+us|email\s+us|e-mail\s+us|write\s+to\s+us|send\s+(?:us\s+)?(?:your\s+)?tips"
    r"|letters\s+to|press\s+office|newsroom|editor|customer\s+(?:service|support)"
    r"|support\s+team)\b"
)
BENIGN_IP = re.compile(
    r"\b(?:server|dns|router|gateway|localhost|subnet|netmask|default|proxy|example|docs?"
    r"|documentation|resolver|nameserver|ping)\b"
)
BENIGN_ADDRESS = re.compile(
    r"\b(?:office|offices|store|shop|restaurant|cafe|bar|museum|headquarters|hq|stadium|arena"
    r"|theat(?:er|re)|church|station|school|hospital|library|venue|gallery|hotel|embassy"
    r"|city\s+hall|town\s+hall|courthouse|located\s+at|opening|opens|open\s+at)\b"
)

# A number introduced as an order/invoice/tracking/case/ticket reference is not personal data.
_REFERENCE_RE = re.compile(
    r"\b(?:order|invoice|tracking|case|ticket|reference|ref|confirmation|booking|receipt"
    r"|transaction|account|acct|policy|claim|serial|model|part|item|sku|isbn|flight|bill)s?"
    r"(?:\s*(?:number|num|no\.?|nr\.?|id|code))?\s*(?:is|was)?\s*[:#=.-]?\s*#?\s*\Z"
)


def _around(low: str, start: int, end: int, window: int) -> tuple[str, str]:
    return low[max(0, start - window) : start], low[end : end + window]


def has_doxing_context(p: Prepared, start: int, end: int, window: int = WINDOW) -> bool:
    """True when a doxing cue occurs within ``window`` characters of ``[start, end)``."""
    before, after = _around(p.low, start, end, window)
    if _DOXING_RE.search(before) or _DOXING_RE.search(after):
        return True
    before, after = _around(p.text, start, end, window)
    return bool(_NAME_LIVES_RE.search(before) or _NAME_LIVES_RE.search(after))


def score_in_context(
    p: Prepared,
    start: int,
    end: int,
    base: float,
    benign: re.Pattern[str] | None = None,
    *,
    benign_hint: bool = False,
) -> float:
    """Score a finding from its base score and the words around it.

    Doxing context wins over benign context ("call him at his office ..."): the harm of
    publishing a person's number does not depend on which phone it rings.
    """
    if has_doxing_context(p, start, end):
        return max(base, RAISED)
    if benign_hint:
        return min(base, LOWERED)
    if benign is not None:
        before, after = _around(p.low, start, end, WINDOW)
        if benign.search(before) or benign.search(after):
            return min(base, LOWERED)
    return base


def is_reference_number(p: Prepared, start: int) -> bool:
    """True when the number at ``start`` is labelled as an order/ticket/case/... reference."""
    return bool(_REFERENCE_RE.search(p.low, max(0, start - 30), start))
