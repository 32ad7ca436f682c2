"""Rule-based detectors where rules beat statistics: PII (``doxing``), spam and threat
phrasing (``violence``).

The PII and spam rules read a light view of the comment (NFKC, invisible format characters
removed: ``view.py``) and the threat rule the fully normalised text; every finding is mapped
back, so its offsets are exact in what the user typed: ``text[f.start:f.end] == f.text``.
They are pure functions (no I/O).

>>> [f.source for f in detect("call him at (555) 867-5309, he lives at 42 Elm Street")]
['pii:phone', 'pii:address']
"""

from __future__ import annotations

from moderation.categories import Category
from moderation.detectors.base import Finding, noisy_or, prepare
from moderation.detectors.pii import find_pii, pii_findings, with_deobfuscated
from moderation.detectors.spam import find_spam, spam_findings
from moderation.detectors.threats import find_threats
from moderation.detectors.view import light_view, to_original

__all__ = ["Finding", "category_scores", "detect", "find_pii", "find_spam", "find_threats"]

#: A phone/email that the comment itself advertises ("WhatsApp me on ...") is a spam signal,
#: not someone else's private data: its doxing score is capped here unless doxing context
#: ("call HIM at") already raised it.
SELF_PROMOTED_CONTACT_CAP = 0.3
_RAISED = 0.9


def _by_position(f: Finding) -> tuple[int, int]:
    return f.start, f.end


def detect(text: str, normalized: str | None = None) -> list[Finding]:
    """Run every detector on ``text``; findings sorted by start offset. ``normalized`` is
    ``normalize(text)`` when the caller already has it (the threat rule reads it)."""
    view, sources = light_view(text)
    prepared = prepare(view)
    pii = pii_findings(prepared)
    spam = spam_findings(prepared, pii)
    pii, spam = to_original(pii, text, sources), to_original(spam, text, sources)
    pii = with_deobfuscated(text, pii, prepared)  # "42 3lm 5tr33t", "j0hn@9m4il.c0m"
    threats = find_threats(text, normalized)
    if not pii and not threats:
        return spam
    promoted = {(f.start, f.end) for f in spam if f.kind == "contact"}
    if promoted:
        pii = [
            Finding(f.category, f.kind, f.start, f.end, f.text, SELF_PROMOTED_CONTACT_CAP)
            if (f.start, f.end) in promoted and f.score < _RAISED
            else f
            for f in pii
        ]
    findings = pii + spam + threats
    findings.sort(key=_by_position)
    return findings


def category_scores(findings: list[Finding]) -> dict[Category, float]:
    """Noisy-or of the finding scores per category (capped at 0.99); only categories seen."""
    grouped: dict[Category, list[float]] = {}
    for f in findings:
        grouped.setdefault(f.category, []).append(f.score)
    return {category: noisy_or(scores) for category, scores in grouped.items()}
