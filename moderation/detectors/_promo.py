"""Promotional phrases ("check out my channel", "work from home", "guaranteed returns" ...).

Each rule is gated by whole words that any match must contain: the rule's regex only runs in
a small window around an occurrence of a gate word, so a comment without gate words costs a
few substring checks instead of dozens of regex scans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["find_promo_spans"]

_WINDOW_AFTER = 120
_MAX_TRIES = 1_000  # occurrences of one gate word examined per comment


@dataclass(frozen=True, slots=True)
class _Rule:
    gates: tuple[str, ...]  # whole words; every match contains one of them
    back: int  # how many characters before the gate word a match may start
    pattern: re.Pattern[str]
    requires: frozenset[bytes]  # if set, one of these words must occur too
    digit: bool  # the pattern needs a digit


def _rule(gates: str, back: int, pattern: str, requires: str = "", digit: bool = False) -> _Rule:
    # Word boundaries at both ends, except after a match that ends in punctuation ("whatsapp:").
    compiled = re.compile(rf"\b(?:{pattern})(?:(?<=\w)\b|(?<!\w))")
    return _Rule(tuple(gates.split()), back, compiled, frozenset(requires.encode().split()), digit)


_PLATFORMS = "instagram insta ig twitter tiktok youtube twitch"
_RULES: tuple[_Rule, ...] = (
    _rule("check", 0, r"check\s+(?:out\s+)?my\s+(?:new\s+)?(?:channel|page|profile|website|site"
          r"|blog|videos?|store|shop|links?|bio|stream|content|onlyfans|music|products?"
          r"|instagram|tiktok|youtube|twitch)", "my"),
    _rule("subscribe sub", 0, r"(?:subscribe|sub)\s+(?:to\s+)?(?:my|our)", "my our"),
    _rule("click", 0, r"click\s+(?:here|below|now|(?:on\s+)?(?:the|this|my)\s+link)",
          "here below now link"),
    _rule("visit", 0, r"visit\s+(?:my|our)\s+(?:channel|page|profile|web\s?site|site|blog|store"
          r"|shop|links?|bio)", "my our"),
    _rule("earn earns earning earned make makes making made", 0,
          r"(?:earn(?:s|ing|ed)?|mak(?:e|es|ing)|made)\s+(?:up\s+to\s+|over\s+|about\s+)?"
          r"(?:[$€£]\s?|usd\s?)?\d[\d,.]{0,9}\s?k?\s?(?:\$|usd|dollars|euros|pounds|bucks)?\s*"
          r"(?:per|a|an|each|every|/)\s*(?:hour|hr|day|week|month)", digit=True),
    _rule("home", 20, r"(?:work(?:ing)?|jobs?|earn(?:ing)?|money)\s+(?:from|at)\s+home",
          "from at"),
    _rule("free", 0, r"free\s+(?:gift|gifts|iphone|ipad|money|cash|bitcoin|btc|crypto|followers"
          r"|likes|giveaway|v-?bucks|robux|gift\s?cards?|vouchers?|prize)",
          "gift gifts iphone ipad money cash bitcoin btc crypto followers likes giveaway bucks"
          " vbucks robux giftcard giftcards voucher vouchers prize"),
    _rule("offer", 20, r"(?:limited(?:\s+time)?|exclusive|special)\s+offer",
          "limited exclusive special"),
    # "call" as a noun ("the right call now that ...") is no call to action.
    _rule("now", 20, r"(?<!the )(?<!a )(?<!right )(?<!good )(?<!bad )(?<!tough )(?<!wrong )"
          r"(?<!final )(?<!last )(?<!close )(?<!my )(?<!your )(?<!his )(?<!her )(?<!their )"
          r"(?<!our )(?<!that )(?<!this )"
          r"(?:buy|order|shop|call|act|apply|register|sign\s+up|download)\s+now"
          r"(?!\s+(?:that|is|was|seems|looks|makes|i\b|we\b|he\b|she\b|they\b))",
          "buy order shop call act apply register up download"),
    _rule("dm pm inbox whatsapp whats message", 0,
          r"(?:dm|pm|inbox|whats\s?app|message)\s+me|dm\s+(?:for|now)", "me for now"),
    # Messenger apps only as a contact channel ("join my telegram", "WhatsApp: +234...");
    # "sending a telegram" or "WhatsApp is owned by Meta" is news, not spam.
    _rule("whatsapp whats telegram", 30,
          r"(?:join|contact|message|text|add|reach|dm|chat\s+with|find)\s+(?:me|us|my|our)?\s*"
          r"(?:on|via|at)?\s*(?:whats\s?app|telegram)"
          # the app's name only: the handle or number after it is evidence of its own
          r"|(?:whats\s?app|telegram)(?=\s*(?:@|:|\+|[0-9]))"
          r"|(?:whats\s?app|telegram)\s*(?:me|us|number|channel|group|handle|username|id)"),
    _rule("bitcoin btc crypto cryptocurrency binary forex invest investment", 0,
          r"(?:bitcoin|btc|crypto(?:currency)?|binary\s+options?)\s+(?:investment|investing"
          r"|trading|mining|platform|signals?|expert|broker|account\s+manager)"
          r"|forex|invest(?:ment)?\s+(?:platform|plan|opportunity|manager)"),
    _rule("guarantee guaranteed", 0,
          r"guaranteed?\s+(?:returns?|profits?|income|payouts?|earnings)",
          "return returns profit profits income payout payouts earnings"),
    _rule("passive", 0, r"passive\s+income", "income"),
    _rule("double", 0, r"double\s+your\s+(?:money|bitcoin|btc|investment|income)", "your"),
    _rule("money", 10, r"mak(?:e|ing)\s+money\s+(?:online|fast|from\s+home|easily)|easy\s+money",
          "make making easy"),
    _rule("won selected claim", 30,
          r"(?:congratulations\W{1,3})?you(?:'ve|\s+have)\s+(?:won|been\s+selected)"
          r"\s+(?:a|an|the|our|free|[$€£0-9])|congratulations\W{1,3}you(?:'ve|\s+have)?\s+won"
          r"|claim\s+your\s+(?:free\s+)?(?:prize|reward|gift)", "you your"),
    _rule("code", 12, r"(?:promo|discount|coupon|referral)\s+code",
          "promo discount coupon referral"),
    _rule("follow", 0, rf"follow\s+me\s+on\s+(?:{_PLATFORMS.replace(' ', '|')})", _PLATFORMS),
    _rule("bio", 12, r"link\s+in\s+(?:my\s+)?bio", "link"),
    _rule("onlyfans", 0, r"onlyfans"),
    _rule("casino betting", 8, r"online\s+casino|casino\s+bonus|betting\s+tips",
          "online bonus tips"),
    _rule("singles", 8, r"(?:hot|lonely)\s+singles", "hot lonely"),
)  # fmt: skip

_RULES_BY_GATE: dict[bytes, tuple[tuple[str, _Rule], ...]] = {}
for _r in _RULES:
    for _g in _r.gates:
        _RULES_BY_GATE[_g.encode()] = (*_RULES_BY_GATE.get(_g.encode(), ()), (_g, _r))
_GATES: frozenset[bytes] = frozenset(_RULES_BY_GATE)


def _is_word_at(low: str, pos: int, length: int) -> bool:
    before = low[pos - 1] if pos > 0 else " "
    after = low[pos + length] if pos + length < len(low) else " "
    return not (before.isalnum() or after.isalnum())


def _match_around(rule: _Rule, low: str, pos: int, end: int) -> tuple[int, int] | None:
    """The rule's match that contains the gate word at ``pos``, if any."""
    if not rule.back:
        m = rule.pattern.match(low, pos, end)
        return m.span() if m is not None else None
    for m in rule.pattern.finditer(low, max(0, pos - rule.back), end):
        if m.start() > pos:
            break
        if pos < m.end():
            return m.span()
    return None


def find_promo_spans(
    low: str, word_set: set[bytes], digits: bool, limit: int
) -> list[tuple[int, int]]:
    """``(start, end)`` of promotional phrases in ``low`` (the lowercased comment), at most
    ``limit``; ``word_set`` holds the comment's words as bytes, ``digits`` whether it has a
    digit. Overlapping matches are merged into the first, longest one."""
    if _GATES.isdisjoint(word_set):
        return []
    spans: set[tuple[int, int]] = set()
    n = len(low)
    for gate_word in _GATES.intersection(word_set):
        for gate, rule in _RULES_BY_GATE[gate_word]:
            if (rule.digit and not digits) or (
                rule.requires and rule.requires.isdisjoint(word_set)
            ):
                continue
            pos, tries = low.find(gate), 0
            while pos != -1 and len(spans) < limit:
                if _is_word_at(low, pos, len(gate)):
                    span = _match_around(rule, low, pos, min(n, pos + len(gate) + _WINDOW_AFTER))
                    if span is not None:
                        spans.add(span)
                tries += 1
                pos = low.find(gate, pos + 1) if tries < _MAX_TRIES else -1
    kept: list[tuple[int, int]] = []
    for s, e in sorted(spans, key=lambda se: (se[0], -se[1])):
        if not kept or s >= kept[-1][1]:
            kept.append((s, e))
    return kept
