"""Offers: a comment that sells or promises something *and* tells the reader how to get it.

Spam in a comment section is an offer (pills, a loan, easy money, a date, a giveaway, a
"recovery expert") plus a way to take it up (a link, a handle, a phone number, "DM me", "link
in bio"). Either half alone is ordinary news talk: readers discuss bitcoin, prices and
casinos, cite links and name helplines. So cues are counted in points and only the
combination scores:

| cue | points | e.g. |
|---|---|---|
| strong lure | 2 (+1 for a second kind) | viagra, casino, nudes, forex, spell caster |
| weak lure | 1 | earn, profit, bitcoin, cheap, discount, bonus, prize |
| contact offered | 2 | a phone or email, an @handle, "WhatsApp me", "link in bio" |
| link | 1 (2 for a shortener or messenger link) | a non-citation URL or domain |
| call to action | 1 | click, order, apply now, sign up, claim, check it out |
| promise or urgency | 1 | guaranteed, 100%, no prescription, today only, changed my life |

A comment with a lure and a way or a call to take it up (contact, link or call to action)
scores ``OFFER_SCORES[points]`` (3: 0.35, 4: 0.8, 5: 0.9, 6+: 0.95).
A bare @mention is no contact (replies on social networks are full of them); a handle counts
after a platform name ("IG: @...", "telegram @..."). Cues are whole-word regexes, also across
the hyphens of a URL ("quick-loans-247.net"), each run only when one of its gate words is in
the comment. A lure inside a link ("http://cheap-eats-denver.com") does not count: the link is
already evidence of its own (``link``, ``link_drop``), and a domain's words are a name, not an
offer; so a link never serves as both the lure and the way to take it up.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from moderation.detectors.base import Prepared

__all__ = ["OFFER_SCORES", "Offer", "find_offer", "has_strong_lure"]

OFFER_SCORES = {3: 0.35, 4: 0.8, 5: 0.9}
OFFER_MAX_SCORE = 0.95


@dataclass(frozen=True, slots=True)
class _Cue:
    kind: str
    gates: frozenset[bytes]
    pattern: re.Pattern[str]


def _cue(kind: str, gates: str, pattern: str) -> _Cue:
    # Words may be joined by hyphens or underscores too, as in a domain or a handle.
    pattern = pattern.replace(r"\s+", r"[\s_-]+").replace(r"\s?", r"[\s_-]?")
    return _Cue(
        kind,
        frozenset(gates.encode().split()),
        re.compile(rf"(?<![\w@])(?:{pattern})(?![\w])"),
    )


_STRONG: tuple[_Cue, ...] = (
    _cue("pharma", "viagra cialis levitra tramadol xanax valium oxycodone oxycontin adderall "
         "ozempic wegovy phentermine kamagra sildenafil tadalafil erectile",
         r"viagra|cialis|levitra|tramadol|xanax|valium|oxycodone|oxycontin|adderall|ozempic"
         r"|wegovy|phentermine|kamagra|sildenafil|tadalafil|erectile"),
    _cue("pharma", "prescription pills pill supplement supplements cbd herbal keto enhancement "
         "lose",
         r"(?:no|without\s+(?:a\s+)?)\s*prescription|(?:diet|weight\s+loss|keto|slimming)\s+"
         r"(?:pills?|supplements?|gummies|tea)|cbd\s+(?:oil|gummies)|herbal\s+(?:medicine|remedy"
         r"|cure|supplements?|pills?)|male\s+enhancement|lose\s+\d+\s*(?:lbs?|pounds|kg|kilos)"),
    _cue("adult", "singles horny nudes nude sexy hookup hookups cams cam webcam xxx porn "
         "onlyfans uncensored escort escorts sugar affairs lonely leaked girls",
         r"(?:hot|lonely|local)\s+singles|horny|nudes?|sexy|hook\s?ups?|cam\s?girls?|live\s+cams?"
         r"|webcams?|xxx|porn|onlyfans|uncensored|escorts?|sugar\s+(?:daddy|baby|mummy|momma)"
         r"|discreet\s+(?:affairs?|dating|encounters?)|lonely\s+(?:tonight|women|girls)"
         r"|(?:girls|women)\s+(?:near\s+you|in\s+your\s+area)|private\s+(?:pics|photos|videos)"
         r"|leaked\s+(?:videos?|pics|photos|nudes)|18\s?\+"),
    _cue("gambling", "casino casinos spins jackpot betting odds matches bookie slots",
         r"(?:online\s+)?casinos?|free\s+spins|jackpot|betting\s+tips|fixed\s+(?:matches|games"
         r"|odds)|sure\s+odds|slots?\s+(?:bonus|games?)"),
    _cue("investment", "forex binary options manager trading airdrop double recover recovery "
         "bitcoin btc crypto eth usdt mining potential",
         r"forex|binary\s+options?|account\s+manager|(?:crypto|bitcoin|btc|eth|usdt)\s+(?:investment"
         r"|trading|mining|signals|giveaway|recovery|expert|platform|profits?)|trading\s+(?:expert"
         r"|signals|strategy|platform|bot)|airdrop|double\s+your\s+\w+|recover(?:y\s+of)?\s+"
         r"(?:your\s+|my\s+|all\s+my\s+)?(?:stolen|lost|scammed)\s+(?:funds|crypto|bitcoin|money)"
         r"|\d+\s?x\s+(?:potential|returns?|gains?)"),
    _cue("advance_fee", "kin beneficiary inheritance late deceased transfer barrister consignment "
         "fortune widow",
         r"next\s+of\s+kin|beneficiary|inheritance|(?:late|deceased)\s+(?:husband|father|client)"
         r"(?:'s)?\s+(?:fortune|funds|estate|money)|transfer\s+(?:of\s+)?(?:the\s+sum\s+of\s+)?"
         r"(?:[$€£]|usd\s?)?\d[\d.,]*\s*(?:million|m)|barrister|consignment"),
    _cue("service", "spell caster spells hacker hackers hack spy essay seo backlinks followers "
         "likes subscribers views bucks vbucks robux generator gift giftcard giftcards giveaway "
         "sweepstakes verified fake replica replicas",
         r"spell\s*caster|love\s+spells?|bring\s+back\s+your\s+ex|(?:hire\s+a|professional"
         r"|genuine|certified)\s+hackers?|hack(?:er)?\s+(?:into|whatsapp|facebook|instagram"
         r"|accounts?)|spy\s+on|essay\s+(?:writ(?:ing|er)s?|services?)|write\s+my\s+essay"
         r"|seo\s+(?:services?|agency|company|experts?)|backlinks?|(?:free|cheap|buy|real)\s+"
         r"(?:followers|likes|subscribers|views)|v-?bucks|robux|generator|gift\s?cards?"
         r"|giveaway|sweepstakes|verified\s+(?:paypal|bank|cash\s?app)\s+accounts?"
         r"|fake\s+(?:ids?|passports?|documents)|replicas?"),
    _cue("phishing", "verify update confirm account package parcel reschedule unusual subscription",
         r"verify\s+your\s+(?:identity|account|details|information|payment)|(?:update|confirm)\s+"
         r"your\s+(?:payment|billing|card|account)\s+(?:details|information|info)|account\s+"
         r"(?:has\s+been\s+|was\s+)?(?:limited|suspended|locked|compromised|restricted)"
         r"|(?:package|parcel)\s+(?:could\s+not|couldn'?t|was\s+not)\s+be\s+delivered"
         r"|reschedule\s+(?:your\s+)?delivery|unusual\s+(?:activity|sign[\s-]?in)"
         r"|subscription\s+has\s+expired"),
    _cue("prize", "win spin selected claim lucky collect redeem",
         r"win\s+(?:a|an)\s+(?:brand\s+new\s+|free\s+)?(?:car|iphone|ipad|laptop|tv|holiday|trip"
         r"|vacation|cruise|gift)|spin\s+the\s+wheel|you(?:'ve|\s+have)?\s+(?:been\s+)?selected"
         r"|(?:claim|collect|redeem)\s+your\s+(?:prize|reward|gift|free|winnings)"
         r"|lucky\s+(?:winner|visitor)"),
    _cue("job", "home online remote time hustle entry paid surveys survey experience",
         r"work(?:ing)?\s+(?:from|at)\s+home|(?:online|remote|part[\s-]time|home)\s+(?:jobs?|work"
         r"|business)|side\s+hustle|data\s+entry|get\s+paid\s+to|paid\s+surveys?|no\s+experience"
         r"\s+(?:needed|required)"),
    _cue("loan", "loan loans credit debt lender",
         r"(?:quick|fast|instant|easy|payday|personal|cash)\s+loans?|loans?\s+(?:offer|approved"
         r"|approval|lender)|(?:no|bad)\s+credit(?:\s+check)?|debt\s+(?:relief|free)|lender"),
)  # fmt: skip

_WEAK = _cue(
    "weak",
    "earn earned earning earnings income profit profits payout payouts cash bitcoin btc crypto "
    "cryptocurrency invest investing investment trading cheap cheapest discount discounts "
    "wholesale bonus reward rewards prize prizes won winner deals",
    r"earn(?:ed|ing|ings|s)?|income|profits?|payouts?|cash|bitcoin|btc|crypto(?:currency)?"
    r"|invest(?:ing|ment)?|trading|cheap(?:est)?|discounts?|wholesale|bonus|rewards?|prizes?"
    r"|you(?:'ve|\s+have)?\s+won|winner",
)
_CONTACT = _cue(
    "contact",
    "bio profile dm pm inbox message text whatsapp email contact call reach telegram kik snap "
    "snapchat signal wechat viber discord add ask reply send follow instagram insta ig twitter "
    "tiktok",
    r"link\s+in\s+(?:my\s+)?(?:bio|profile)|(?:check|visit|see)\s+(?:out\s+)?my\s+(?:profile"
    r"|page|bio)|(?:details|info)\s+(?:are\s+)?(?:in|on)\s+my\s+(?:profile|bio|page)"
    r"|(?:dm|pm|inbox|message|text|whats\s?app|email|contact|call|reach|add)\s+(?:me|us|him|her"
    r"|them)|dm\s+(?:for|now)|ask\s+me\s+how|reply\s+with\s+your|send\s+(?:me\s+|us\s+)?your"
    r"\s+(?:details|full\s+name|bank|account|address|phone)"
    r"|(?:on|via)\s+(?:whats\s?app|telegram|kik|snap(?:chat)?|signal|wechat|viber|discord)"
    r"|(?:whats\s?app|telegram|kik|snap(?:chat)?|wechat|viber|discord)\s*(?::|@|\+|\d)"
    r"|(?:instagram|insta|ig|twitter|tiktok)\s*:?\s*@|follow\s+(?:me|us)\s+(?:on|at|@)",
)
_CTA = _cue(
    "cta",
    "click visit order buy shop apply join sign register claim subscribe download check get try "
    "miss hurry act learn send reply see use verify confirm update log login reschedule",
    r"click|visit|order|buy|shop\s+now|apply|join|sign\s+up|register|claim|subscribe|download"
    r"|verify|confirm|update\s+your|log\s?in|reschedule"
    r"|check\s+(?:it\s+out|out\s+my|my|this\s+out)|get\s+(?:yours|it\s+now|started)|try\s+it"
    r"|don'?t\s+miss|hurry|act\s+now|learn\s+how|(?:send|reply)\s+(?:me|us|with\s+your)"
    r"|see\s+(?:here|more)|use\s+(?:my\s+)?(?:code|link)",
)
_PROMISE = _cue(
    "promise",
    "guaranteed guarantee 100 risk free limited today left hurry deleted gone banned changed "
    "weird trick doctors want experience investment credit prescription discreet discreetly "
    "secret off legit trustworthy made earned received make earn day week hour month paid sent "
    "gave",
    r"guaranteed?|100\s?%|risk[\s-]free|limited\s+(?:time|offer|spots)|today\s+only|only\s+\d+"
    r"\s+left|before\s+(?:it'?s|it\s+gets|they\s+get)\s+(?:gone|deleted|removed|banned)"
    r"|changed\s+my\s+life|one\s+(?:weird|simple)\s+trick|doctors\s+hate|don'?t\s+want\s+you"
    r"\s+to\s+know|no\s+(?:experience|investment|credit\s+check)\s+(?:needed|required)"
    r"|discreet(?:ly)?|\d+\s?%\s+off|free\s+(?:shipping|trial|bottle|gift)|legit|trustworthy"
    r"|(?:i|we)\s+(?:made|earned|received|got|make|earn)\s+(?:over\s+|about\s+|up\s+to\s+)?"
    r"(?:[$€£]|usd\s?)\s?\d|(?:paid|sent|gave)\s+me\s+[$€£]\s?\d|[$€£]\s?\d[\d,.]*\s?k?\s*(?:/|per|a|an|every)\s*(?:hour|hr|day|week"
    r"|month)",
)
_LURE_GATES = frozenset().union(*(c.gates for c in _STRONG), _WEAK.gates)


@dataclass(frozen=True, slots=True)
class Offer:
    """An offer's points, its score, and the span of its first lure (what is on offer)."""

    points: int
    score: float
    start: int
    end: int


def _search(cue: _Cue, p: Prepared) -> re.Match[str] | None:
    if cue.gates.isdisjoint(p.word_set):
        return None
    return cue.pattern.search(p.low)


def _search_lure(cue: _Cue, p: Prepared, links: Sequence[tuple[int, int]]) -> re.Match[str] | None:
    """The first match of a lure cue that overlaps no link span."""
    if not links:
        return _search(cue, p)
    if cue.gates.isdisjoint(p.word_set):
        return None
    for m in cue.pattern.finditer(p.low):
        if all(m.end() <= start or m.start() >= end for start, end in links):
            return m
    return None


def has_strong_lure(p: Prepared, links: Sequence[tuple[int, int]] = ()) -> bool:
    """Whether the comment names a strong lure (pills, casino, forex ...) outside ``links``."""
    if _LURE_GATES.isdisjoint(p.word_set):
        return False
    return any(_search_lure(cue, p, links) is not None for cue in _STRONG)


def find_offer(
    p: Prepared,
    *,
    links: int,
    strong_link: bool,
    contacts: int,
    link_spans: Sequence[tuple[int, int]] = (),
) -> Offer | None:
    """The comment's offer, if its cues add up to ``OFFER_SCORES``' lowest points.

    ``links``: non-citation links in the comment (``strong_link``: one is a shortener or a
    messenger link); ``contacts``: phone numbers and emails found in it; ``link_spans``: the
    ``(start, end)`` of every link, inside which lures do not count.
    """
    if _LURE_GATES.isdisjoint(p.word_set):
        return None
    found = [
        (cue.kind, m) for cue in _STRONG if (m := _search_lure(cue, p, link_spans)) is not None
    ]
    strong = [m for _, m in found]
    kinds = {kind for kind, _ in found}
    weak = _search_lure(_WEAK, p, link_spans)
    if not strong and weak is None:
        return None
    points = (2 + (len(kinds) > 1) if strong else 0) + (weak is not None)
    offered = contacts > 0 or _search(_CONTACT, p) is not None
    cta = _search(_CTA, p) is not None
    if not (offered or links or strong_link or cta):
        return None  # what is on offer, but no way or call to take it up: talk, not an offer
    points += 2 * offered + (2 if strong_link else min(links, 2))
    points += cta + (_search(_PROMISE, p) is not None)
    if points < min(OFFER_SCORES):
        return None
    lure = min([*strong, *([weak] if weak is not None else [])], key=lambda m: m.start())
    score = OFFER_SCORES.get(points, OFFER_MAX_SCORE)
    return Offer(points, score, lure.start(), lure.end())
