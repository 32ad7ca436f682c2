"""Context words around a PII finding that raise or lower its doxing score.

The window is ~40 characters either side of the finding. Four levels, the first that applies
wins:

1. doxing context ("lives at", "his cell", "call her", "the landlord's number", "go visit")
   raises a finding to :data:`RAISED` (the policy's reject range);
2. benign context lowers it to :data:`LOWERED`: a finding the caller marks as benign (a
   toll-free number, a role address like press@, a private IP) or an organisation or service
   right before it ("the council helpline on", "box office", "the library's number is");
3. a person named next to it ("Jane Miller, 07700 900123", "Mark's number") raises it to
   :data:`NAMED` (flag range, not reject: the name alone is not proof of intent);
4. otherwise the kind's base score.

Doxing context beats benign context ("call him at his office ...": the harm of publishing a
person's number does not depend on which phone it rings). Patterns run on the lowercased text
(same offsets as the original), except the name patterns, which need the original case.
"""

from __future__ import annotations

import re
from itertools import pairwise

from moderation.detectors.base import Prepared, words

__all__ = [
    "BENIGN_ADDRESS",
    "BENIGN_EMAIL",
    "BENIGN_IP",
    "BENIGN_PHONE",
    "LOWERED",
    "NAMED",
    "RAISED",
    "WINDOW",
    "has_doxing_context",
    "is_reference_number",
    "names_person",
    "score_in_context",
]

WINDOW = 40
RAISED = 0.9
NAMED = 0.75
# Low enough that the model's capped doxing score (0.35, scoring.DOXING_MODEL_CAP) cannot lift
# a finding in benign context over a flag threshold of 0.5: 1 - 0.65 * 0.85 < 0.45.
LOWERED = 0.15

# People a comment talks about by role rather than by name.
_PERSON_NOUN = (
    r"(?:guy|man|woman|lady|girl|boy|kid|dude|troll|landlord|landlady|neighbou?r|ex|wife|"
    r"husband|boyfriend|girlfriend|partner|boss|teacher|driver|owner|mum|mom|dad|mother|father|"
    r"brother|sister|son|daughter|cousin|uncle|aunt|friend|co-?worker|colleague|tenant|nanny|"
    r"coach|ref|referee|cop|officer|nurse|doctor|judge|reporter|scammer|creep|idiot|moron)"
)
_PRONOUN = rf"(?:him|her|them|(?:this|that|the)\s+{_PERSON_NOUN})"
_POSSESSIVE = (
    rf"(?:his|her|(?:the|that|this|my|your|our)\s+(?:\w+\s+)?{_PERSON_NOUN}'?s"
    r"|(?:his|her|their)\s+(?:mum|mom|dad|parents|wife|husband|girlfriend|boyfriend)'?s)"
)
# Details only a person has; "their" (a family, or an organisation) counts with these only.
_OWN = (
    r"(?:home|house|place|cell|cellphone|cell\s+phone|mobile|whatsapp|apartment|flat|plate|car"
    r"|ssn|sin|social|ni|national\s+insurance|aadhaa?r|dni|cpf|passport|ip|card|visa|bank|iban"
    r"|workplace|kids?|wife|husband)"
)
_PERSONAL = (
    rf"(?:{_OWN}|phone|number|digits|line|address|email|e-mail|inbox|reg|registration"
    r"|licen[cs]e|account|office|job|school|desk)"
)
_MODIFIER = r"(?:(?:new|real|private|personal|own|home|work|direct|mobile|cell)\s+)?"

# Cues (on lowercased text) that someone is publishing another person's details.
_DOXING_RE = re.compile(
    r"\b(?:"
    r"lives?\s+(?:at|on|in|near|by|here|off)|living\s+(?:at|on)|resides?\s+(?:at|on|in)"
    rf"|{_POSSESSIVE}\s+{_MODIFIER}{_PERSONAL}|their\s+{_MODIFIER}{_OWN}"
    rf"|(?:call|text|phone|ring|email|e-mail|mail|write\s+to|reach|find|visit|message|spam"
    rf"|harass|flood|dm|contact|knock\s+on)\s+{_PRONOUN}"
    rf"|pay\s+{_PRONOUN}\s+a\s+visit|let'?s\s+(?:go\s+)?(?:visit|find)"
    r"|(?:he|she|they)\s+(?:can\s+be\s+reached|picks?\s+up|answers)"
    r"|home\s+address|here\s+is\s+where|here'?s\s+where|this\s+is\s+where|go\s+visit"
    r"|show\s+up\s+at|knock\s+on|where\s+(?:he|she|they)\s+lives?|drive\s+by"
    r"|(?:he|she|they)\s+lives?|dox+(?:ed|ing)?|leak(?:ed|ing)?|spread\s+it|do\s+what\s+you\s+want"
    r"|posts?\s+from|posting\s+from|traced\s+(?:it\s+)?to"
    r")\b"
)
# A capitalised name followed by a verb of residence (original case): "Maria lives ...".
_NAME_LIVES_RE = re.compile(r"[A-Z](?<![\w'][A-Z])[a-z]{1,20}\s+(?:lives|resides|stays)\b")

# Words that make two capitalised words an organisation or a place, not a person.
_NOT_NAME = words(
    "street st avenue ave road rd lane drive court way place boulevard city county council"
    " department police hospital clinic school library office centre center services service"
    " bank airline company group museum university college church hall station stadium"
    " theatre theater store market news times post herald crime stoppers new north south east"
    " west the a an this that for tickets call report residents anyone everyone"
)
# "Jane Miller" / "Jane O'Neil-Smith" (two or three capitalised words), original case.
_FULL_NAME = re.compile(
    r"(?<![\w.])[A-Z][a-z]+(?:['’-][A-Z]?[a-z]+)?(?:\s[A-Z][a-z]+(?:['’-][A-Z]?[a-z]+)?){1,2}"
    r"(?![\w])"
)
_NAME_POSSESSIVE = re.compile(r"(?<![\w.])[A-Z][a-z]+['’]s\s+" + _MODIFIER + _PERSONAL, re.I)

# Organisations and public services introducing a number or address (lowercased text).
_ORGANISATION = (
    r"(?:council|city|county|borough|town|district|department|dept|agency|ministry|authority"
    r"|government|police|sheriff|fire\s+(?:service|department)|hospital|clinic|surgery"
    r"|practice|school|college|university|library|museum|charity|foundation|trust|nhs"
    r"|service|services|office|offices|centre|center|company|firm|business|airline|bank"
    r"|branch|store|shop|restaurant|bakery|cafe|pub|bar|hotel|venue|theat(?:re|er)|cinema"
    r"|stadium|arena|club|gym|church|mosque|synagogue|temple|embassy|consulate|campaign"
    r"|party|union|association|society|committee|commission|court|courthouse|station"
    r"|post\s+office|pharmacy|chemist|utility|provider|operator|insurer|newsroom|newspaper"
    r"|broadcaster|network|studio|building|tower|campus"
    r"|crime\s*stoppers|samaritans|red\s+cross|salvation\s+army)"
)
_SERVICE_LINE = (
    r"(?:hot\s?line|help\s?line|help\s?desk|helpdesk|advice\s+line|info(?:rmation)?\s+line"
    r"|tip\s?line|crisis\s+line|lifeline|switchboard|reception|front\s+desk|incident\s+room"
    r"|non-?emergency\s+(?:line|number)|emergency\s+line|enquir(?:y|ies)|inquir(?:y|ies)"
    r"|customer\s+(?:service|support|care|line)|box\s+office|press\s+office|newsroom"
    r"|(?:booking|reservations?|ticket|tickets|appointment|support|service|sales|office)\s+line)"
)
BENIGN_PHONE = re.compile(
    rf"\b(?:{_ORGANISATION}(?:'?s)?(?:\s+(?:phone\s+)?(?:number|line|hotline|helpline))?"
    rf"|{_SERVICE_LINE}|call\s+us|contact\s+us|reach\s+us|text\s+us|toll[\s-]?free|for\s+tickets"
    r"|business\s+hours|opening\s+hours|lines?\s+(?:are\s+)?open|weekdays|24/7|anonymously"
    r"|free\s+of\s+charge|fax"
    r"|to\s+(?:book|register|report|enquire|order|donate|volunteer)|residents\s+can|by\s+calling)\b"
)
BENIGN_EMAIL = re.compile(
    r"\b(?:contact\s+us|email\s+us|e-mail\s+us|write\s+to\s+us|send\s+(?:us\s+)?(?:your\s+)?tips"
    r"|letters\s+to|press\s+office|newsroom|editor|customer\s+(?:service|support)"
    rf"|support\s+team|consultation|enquiries|{_ORGANISATION})\b"
)
BENIGN_IP = re.compile(
    r"\b(?:server|dns|router|gateway|localhost|subnet|netmask|default|proxy|example|docs?"
    r"|documentation|resolver|nameserver|ping(?:s|ed|ing)?|traceroute|cloudflare|google)\b"
)
BENIGN_ADDRESS = re.compile(
    rf"\b(?:{_ORGANISATION}|headquarters|hq|gallery|pantry|food\s+bank|vaccination|polling"
    r"|warehouse|factory|plant|mall|dealership|salon|studio|offices|premises|unit\s+for\s+rent"
    r"|located\s+at|based\s+at|headquartered|opening|opens|open\s+at|walk-ins|drop-off"
    r"|reopen(?:s|ed)?|relocat(?:e|ed|ing)|moved\s+(?:its|their)|will\s+host|hosts?"
    r"|donat(?:e|es|ed|ing|ions?)|payable|cheques?|checks\s+to)\b"
)

# A number introduced as an order/invoice/tracking/case/ticket reference is not personal data.
_REFERENCE_RE = re.compile(
    r"\b(?:order|invoice|tracking|case|ticket|reference|ref|confirmation|booking|receipt"
    r"|transaction|account|acct|policy|claim|serial|model|part|item|sku|isbn|flight|bill"
    r"|parcel|package|shipment|application|permit|licence|license\s+application|patent)s?"
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


def _is_name(candidate: str) -> bool:
    """Two consecutive words of `candidate` that are neither places nor function words."""
    named = [word.lower().strip("'’") not in _NOT_NAME for word in candidate.split()]
    return any(a and b for a, b in pairwise(named))


def names_person(p: Prepared, start: int, end: int, window: int = WINDOW) -> bool:
    """True when a person's full name ("Jane Miller") or a name's possessive ("Mark's
    number") is within ``window`` characters of ``[start, end)``."""
    before, after = _around(p.text, start, end, window)
    for part in (before, after):
        if _NAME_POSSESSIVE.search(part):
            return True
        if any(_is_name(m.group()) for m in _FULL_NAME.finditer(part)):
            return True
    return False


def _benign_nearby(p: Prepared, start: int, end: int, benign: re.Pattern[str]) -> bool:
    before, after = _around(p.low, start, end, WINDOW)
    return bool(benign.search(before) or benign.search(after[: WINDOW // 2]))


def score_in_context(
    p: Prepared,
    start: int,
    end: int,
    base: float,
    benign: re.Pattern[str] | None = None,
    *,
    benign_hint: bool = False,
    not_personal: bool = False,
) -> float:
    """Score a finding from its base score and the words around it (levels in the module
    docstring). ``not_personal`` marks a value that cannot be one person's whatever the words
    around it say (a toll-free number, a private IP address): always :data:`LOWERED`."""
    if not_personal:
        return min(base, LOWERED)
    if has_doxing_context(p, start, end):
        return max(base, RAISED)
    if benign_hint or (benign is not None and _benign_nearby(p, start, end, benign)):
        return min(base, LOWERED)
    if names_person(p, start, end):
        return max(base, NAMED)
    return base


def labelled(p: Prepared, start: int, label: re.Pattern[str], window: int = 30) -> bool:
    """True when ``label`` (searched in the lowercased text) ends in the ``window`` characters
    before ``start``: "SIN 130-692-544", "NI number is AB123456C"."""
    return bool(label.search(p.low, max(0, start - window), start))


def is_reference_number(p: Prepared, start: int) -> bool:
    """True when the number at ``start`` is labelled as an order/ticket/case/... reference."""
    return bool(_REFERENCE_RE.search(p.low, max(0, start - 30), start))
