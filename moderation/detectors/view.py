"""A lightly normalised view of a comment for the PII and spam rules, with a map back.

`555\u200b-867-5309`, fullwidth `５５５-８６７-５３０９` or `gm\u200bail.com` must not slip past a
regex. The view applies NFKC per character and drops format characters (Unicode category Cf:
zero-width spaces and joiners, direction marks, soft hyphens) but keeps case, digits and
punctuation, which the rules need. ASCII text is its own view.
"""

from __future__ import annotations

import unicodedata

from moderation.detectors.base import Finding


def light_view(text: str) -> tuple[str, list[int] | None]:
    """(view, source index of each view character); `None` when the view is `text` itself."""
    if text.isascii():
        return text, None
    chars: list[str] = []
    sources: list[int] = []
    for i, ch in enumerate(text):
        if ch.isascii():
            chars.append(ch)
            sources.append(i)
            continue
        if unicodedata.category(ch) == "Cf":
            continue
        for out in unicodedata.normalize("NFKC", ch):
            chars.append(out)
            sources.append(i)
    view = "".join(chars)
    return (text, None) if view == text else (view, sources)


def to_original(findings: list[Finding], text: str, sources: list[int] | None) -> list[Finding]:
    """Findings on the view re-anchored on the original text (`text[start:end] == f.text`)."""
    if sources is None:
        return findings
    mapped = []
    for f in findings:
        start, end = sources[f.start], sources[f.end - 1] + 1
        mapped.append(Finding(f.category, f.kind, start, end, text[start:end], f.score))
    return mapped
