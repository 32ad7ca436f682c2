"""Shared building blocks for the rule-based detectors.

`Finding` is the unit of evidence every detector returns; the helpers here keep the offset
invariant (``text[f.start:f.end] == f.text``) true by construction and give the detectors a
lowercased copy of the text whose offsets still line up with the original.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import NamedTuple

from moderation.categories import Category

__all__ = [
    "Finding",
    "Prepared",
    "collect",
    "lower_aligned",
    "make_finding",
    "noisy_or",
    "prepare",
    "words",
]

#: Upper bound on findings of one kind kept per comment, so pathological input (10k links)
#: cannot produce unbounded evidence lists.
MAX_PER_KIND = 100


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of rule-based evidence found in the original comment text."""

    category: Category
    kind: str
    start: int
    end: int
    text: str
    score: float

    @property
    def source(self) -> str:
        """Evidence source label: ``pii:<kind>`` for doxing, ``spam:<kind>`` for spam and
        ``rule:<kind>`` for a rule of any other category."""
        if self.category == "doxing":
            return f"pii:{self.kind}"
        if self.category == "spam":
            return f"spam:{self.kind}"
        return f"rule:{self.kind}"


def collect(findings: list[Finding], finding: Finding | None) -> bool:
    """Keep `finding` (when there is one); True once `findings` holds MAX_PER_KIND."""
    if finding is not None:
        findings.append(finding)
    return len(findings) >= MAX_PER_KIND


def make_finding(
    text: str, category: Category, kind: str, start: int, end: int, score: float
) -> Finding | None:
    """Build a finding whose ``text`` is sliced from ``text``; ``None`` for an empty span."""
    start = max(0, start)
    end = min(len(text), end)
    if start >= end:
        return None
    return Finding(category, kind, start, end, text[start:end], min(1.0, max(0.0, score)))


def noisy_or(scores: list[float], cap: float = 0.99) -> float:
    """Combine independent evidence: ``1 - prod(1 - s)``, capped at ``cap``."""
    remaining = 1.0
    for s in scores:
        remaining *= 1.0 - s
    return min(cap, 1.0 - remaining)


def lower_aligned(text: str) -> str:
    """``text.lower()`` with the same length as ``text`` (offsets stay valid).

    A handful of characters (e.g. U+0130) lowercase to two code points; those are kept as
    they are so every index in the result refers to the same character in ``text``.
    """
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(lc := c.lower()) != 1 else lc for c in text)


def words(spaced: str) -> frozenset[str]:
    """The set of whitespace-separated words in ``spaced`` (for readable word-list constants)."""
    return frozenset(spaced.split())


_TO_SPACE = bytes.maketrans(
    (string.punctuation + "\t\n\r\x0b\x0c").encode(), b" " * (len(string.punctuation) + 5)
)


class Prepared(NamedTuple):
    """Views of one comment computed once and shared by all detectors.

    ``low`` is the lowercased text with the same offsets; ``words`` are its words as UTF-8
    bytes, split at ASCII punctuation and whitespace (cheap C operations, used to gate the
    phrase rules); ``digits`` tells whether the text has any ASCII digit.
    """

    text: str
    low: str
    words: list[bytes]
    word_set: set[bytes]
    digits: bool


_DIGITS = b"0123456789"


def prepare(text: str) -> Prepared:
    """Compute the shared views of ``text`` (a few C-level passes over it)."""
    low = text.lower()
    if len(low) != len(text):
        low = lower_aligned(text)
    raw = low.encode("utf-8", "replace")
    digits = len(raw.translate(None, _DIGITS)) != len(raw)
    words = raw.translate(_TO_SPACE).split()
    return Prepared(text, low, words, set(words), digits)
