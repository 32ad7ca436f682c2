"""Threat phrasing: a speaker announcing or calling for harm to a person.

Public violence data is mostly group incitement; direct personal threats ("I will find where
you live and hurt you") are rare in it, while their grammar is regular: a first-person or
exhortative subject, a modal of intent, a harm verb and a personal target. This rule scores
that shape; the model still scores everything else. It matches on the normalised text (so
`k!ll` and `h u r t` count) and maps the match back to the characters the author typed.
"""

from __future__ import annotations

import re

from moderation.detectors.base import Finding, make_finding
from moderation.normalize import normalize, normalize_with_offsets

_SEVERE = (
    r"kill|murder|shoot|stab|strangle|hang|lynch|behead|decapitate|rape|execute|slaughter|"
    r"torture|burn|bomb|gut|skin|slit|bury|drown|run (?:you|him|her|them) over|"
    r"put a bullet in|blow (?:your|his|her|their) (?:head|brains) off"
)
_HARM = r"hurt|beat|punch|kick|smash|break|choke|attack|cut|bash|slap|batter|harm|end"
# A personal target: an object pronoun, or a possessive followed by the body or the family
# ("cut your losses" and "kick your butt in the finals" are not threats).
_TARGET = (
    r"(?:you|u|ya|yourself|him|her|them|y'all|this guy|"
    r"(?:your|his|her|their|ur) (?:family|kids|children|wife|husband|mother|mom|father|dad|"
    r"sister|brother|son|daughter|dog|face|head|throat|neck|skull|legs|arms|house|home))\b"
    # idioms and games that follow a harm verb harmlessly
    r"(?!\s+(?:at\b|(?:some )?slack\b|a break\b|off\b|in (?:paperwork|court|the polls|the "
    r"finals|the game|votes)\b))"
)
_PERSON = (
    r"judge|guy|man|woman|women|men|girl|boy|kid|child|children|lady|dude|person|people|family|"
    r"bitch|bastard|idiot|moron|fool|clown|jerk|loser|asshole|prick|scum|pigs?|thugs?|traitors?|"
    r"terrorists?|immigrants?|reporter|journalist|author|writer|editor|cop|officer|politician|"
    r"senator|mayor|president|governor|teacher|priest|imam|rabbi|doctor|nurse|liberals?|"
    r"conservatives?|protesters?"
)
_SUBJECT = r"i|we|someone|somebody|people|they|you|i'm|im|we're|i am|we are"
_INTENT = (
    r"will|shall|going to|gonna|should|needs? to|ought to|want to|wanna|would love to|"
    r"must|got to|gotta|coming to|hope (?:someone|somebody|they)(?: will)?"
)
_WILL = rf"(?:(?:{_SUBJECT})\s+(?:{_INTENT})|i'll|ill|we'll|i'd love to|id love to|ima|i'ma)"
_GAP = r"(?:\s+[^\s.!?;]+){0,6}?\s+"  # up to six words, within one sentence
# Verbs that hurt a person when their object is a person word: "shoot that judge" counts,
# "shoot this scene", "execute the plan" and "hang this painting" do not.
_BODILY = r"shoot|stab|hang|lynch|behead|rape|execute|strangle|murder|beat up|kill"
_PASSIVE = (
    r"killed|shot|hanged|hung|executed|lynched|beheaded|raped|burned alive|gassed|beaten|"
    r"stabbed|murdered|tortured|strung up|put down"
)

_PATTERNS: list[tuple[re.Pattern[str], float]] = [
    (re.compile(rf"\b{_WILL}{_GAP}(?:{_SEVERE})\w*\s+(?:\S+\s+)?{_TARGET}"), 0.9),
    (re.compile(rf"\b{_WILL}{_GAP}(?:{_HARM})\w*\s+(?:\S+\s+)?{_TARGET}"), 0.75),
    (
        re.compile(
            rf"\b{_WILL}{_GAP}(?:{_BODILY})\w*\s+(?:that|this|the|those|these|every)\s+"
            rf"(?:\w+\s+)?(?:{_PERSON})\b"
        ),
        0.85,
    ),
    (
        re.compile(
            rf"\b{_WILL}\s+(?:find|track|hunt)\s+(?:out\s+)?(?:where|down)\s+"
            r"(?:you|he|she|they|him|her|them)\b"
        ),
        0.75,
    ),
    (re.compile(r"\b(?:i|we) know where (?:you|he|she|they) (?:live|lives|work|works)\b"), 0.8),
    (
        re.compile(
            r"\b(?:i'll|i will|we'll|we will|i'm going to|gonna) (?:find|get) (?:you|him|her)\b"
            r"(?!\s+(?:a|an|the|some)\b)"
        ),
        0.6,
    ),
    (
        re.compile(
            rf"\b(?:deserves? to|should|ought to|needs? to) be (?:{_PASSIVE})\b|"
            r"\b(?:deserves? to|should|ought to) die\b"
        ),
        0.7,
    ),
    (re.compile(r"\b(?:kill|hang|shoot) (?:yourself|urself)\b|\bkys\b"), 0.85),
    (
        re.compile(
            r"\b(?:you're|you are|ur) (?:dead|going to die|gonna die)\b|\bwatch your back\b"
        ),
        0.7,
    ),
]
# Cheap gate: every pattern above needs one of these word starts. Patterns only run on text
# that has one (most comments have none), so a civil comment costs one scan, not seven.
_QUICK = re.compile(
    r"\b(?:kill|murder|shoot|stab|strangl|hang|lynch|behead|decapitat|rape|execut|slaughter|"
    r"tortur|burn|bomb|gut|skin|slit|bury|drown|run|put a bullet|blow|hurt|beat|punch|kick|"
    r"smash|break|chok|attack|cut|bash|slap|batter|harm|end|kys|watch your back|dead|die|"
    r"(?:know|find|track|hunt)\b)"
)


def find_threats(text: str, normalized: str | None = None) -> list[Finding]:
    """Threat findings (category `violence`, kind `threat`) with offsets into `text`;
    pass `normalized` when the caller already has `normalize(text)`."""
    normalized = normalize(text) if normalized is None else normalized
    if not _QUICK.search(normalized):
        return []
    hits = [(m.start(), m.end(), score) for p, score in _PATTERNS for m in p.finditer(normalized)]
    if not hits:
        return []
    mapped = normalize_with_offsets(text)
    findings: list[Finding] = []
    for start, end, score in sorted(hits, key=lambda h: (h[0], -h[1])):
        o_start, o_end = mapped.to_original(start, end)
        finding = make_finding(text, "violence", "threat", o_start, o_end, score)
        if finding is not None and not any(
            f.start <= finding.start and finding.end <= f.end for f in findings
        ):
            findings.append(finding)
    return findings
