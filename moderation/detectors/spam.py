"""Rule-based spam evidence within one comment (category ``spam``).

Kinds:
- ``link``: URLs, bare domains and obfuscated links. One link is normal on a news site
  (citing a source), so a lone link scores 0.25; the per-link score grows with the count so
  that the noisy-or category score is ~0.5 for two links and ~0.75 for three. URL shorteners
  and messenger links (bit.ly, wa.me ...) score at least 0.5 each, a link written to
  slip past filters ("example[dot]com", "site (.) net") 0.6: nobody citing a source hides
  the address. t.co is no shortener here: Twitter wraps every link of a pasted tweet in it.
  A link to a site that is no citation inside HTML or BBCode link markup (`<a href="...">`,
  `[url=...]`, `[url]...`) scores 0.7, a flag with nothing else: comment boxes mostly take
  plain text, and bots post one marked-up payload to every blog form; some comment systems
  pass readers' HTML on, so a citation in markup (the BBC, gov.uk) stays an ordinary link.
- ``promo``: promotional phrases ("check out my channel", "work from home", "guaranteed
  returns" ...), 0.4 each, 0.8 when the comment also carries a link, a phone number, an email
  or an @handle (a way to reach the promoter).
- ``contact``: a phone number or email in the same comment as a promo phrase, 0.8.
- ``offer``: something sold or promised plus a way to take it up (``_offers.py``: lure,
  contact, link, call to action and promise cues in points), 0.35 to 0.9, on the lure's span.
  A phone or email in a comment with an offer of 4+ points is a ``contact`` finding too.
- ``link_drop``: a link to a site that is neither a citation nor a big platform (YouTube,
  Facebook ...) with at most ``LINK_DROP_WORDS`` words around it, 0.6 on the link: people
  share bare links too, so it takes a lure in the comment (an offer cue outside the link: a
  lure in the domain itself, "cheap-eats-denver.com", is the site's name, not an offer) to
  make it spam. Wrapped in stock praise ("Great post! Visit ..."), 0.85. It replaces the
  link's ``link`` finding (one link, one piece of evidence: the stronger of the two).
- ``handle``: a username labelled with its messenger ("snap: kayla.xo99", "Kik: sweet_91",
  ``_handles.py``), 0.6: readers don't hand out Kik names under an article; spam moves the
  conversation where no moderator reads it.
- ``stuffing``: SEO keyword stuffing, commercial words with key words repeated densely
  ("cheap flights cheap hotels ... travel deals ... travel booking"), 0.85 on the comment.
- ``shouting`` (> 70% capitals over >= 30 letters) and ``repetition`` (a word or phrase of
  up to six words repeated >= 5 times in a row): weak, 0.3.

Repeats across comments and authors need shared state: ``moderation.repeats``.
"""

from __future__ import annotations

import operator
import re
from collections import Counter

from moderation.detectors._handles import find_messenger_handles
from moderation.detectors._links import (
    PLATFORMS,
    SHORTENERS,
    TWEET_WRAPPER,
    find_link_spans,
    is_reference_domain,
    registrable_domain,
)
from moderation.detectors._offers import find_offer
from moderation.detectors._promo import find_promo_spans
from moderation.detectors.base import (
    MAX_PER_KIND,
    Finding,
    Prepared,
    collect,
    make_finding,
    prepare,
    words,
)
from moderation.detectors.pii import find_contacts

__all__ = ["find_spam", "link_score", "spam_findings"]

SHORTENER_SCORE = 0.5
HANDLE_SCORE = 0.6
MARKUP_LINK_SCORE = 0.7
OBFUSCATED_LINK_SCORE = 0.6
PROMO_SCORE = 0.4
PROMO_WITH_LINK_SCORE = 0.8
CONTACT_SCORE = 0.8
WEAK_SCORE = 0.3
REPEATS = 5
MAX_PHRASE_WORDS = 6
SHOUT_MIN_LETTERS = 30
SHOUT_RATIO = 0.7
LINK_DROP_SCORE = 0.6
PRAISE_DROP_SCORE = 0.85
LINK_DROP_WORDS = 3
PRAISE_DROP_WORDS = 20
STUFFING_SCORE = 0.85
STUFFING_MIN_WORDS = 8
STUFFING_MAX_WORDS = 80
STUFFING_DENSITY = 0.25
OFFER_CONTACT_POINTS = 4

_REPEAT = re.compile(
    rf"(?<!\w)(\w++(?:\W{{1,5}}+\w++){{0,{MAX_PHRASE_WORDS - 1}}}?)"
    rf"(?:\W{{1,5}}+\1(?!\w)){{{REPEATS - 1},100}}"
)
# Stock praise that blog-comment spam wraps a link in.
_PRAISE = re.compile(
    r"\b(?:(?:very\s+)?(?:nice|great|good|amazing|awesome|excellent|informative|helpful|useful"
    r"|interesting|wonderful|cool|fantastic|brilliant)\s+(?:article|post|blog|content|read|info"
    r"|information|write-?up|share|piece|video|site|stuff)|thanks?\s+(?:you\s+)?for\s+(?:sharing"
    r"|the\s+(?:article|post|info)))\b"
)
# Link markup just before a link's span: `<a href="`, `[url=`.
_MARKUP = re.compile(r"(?:<a\s[^<>]{0,40}href\s*=\s*[\"']?|\[url(?:=[\"']?|\]))$")
_OBFUSCATED_DOT = re.compile(r"[(\[{]\s?(?:\.|dot)\s?[)\]}]|\sdot\s|\s\.\s")
_HANDLE = re.compile(r"(?<![\w.@])@[A-Za-z0-9_.]{3,30}(?![\w@])")
_CITATION_LABELS = words(
    "source sources via ref refs reference references citation cite cited study report paper"
    " data article"
)
_COMMERCIAL = frozenset(
    b"cheap cheapest best buy discount online services service sale deals price prices affordable"
    b" agency company instant order shop store outlet loans hire booking rental top".split()
)
_STOP = frozenset(
    b"the a an and or of to in on for with at by from is are was be it this that my your our"
    b" you we i".split()
)
_UPPER_ASCII = bytes(range(65, 91))
_LOWER_ASCII = bytes(range(97, 123))


def link_score(n_links: int) -> float:
    """Per-link score so that the noisy-or over ``n_links`` links hits a count target.

    Targets: 1 link 0.25, 2 links 0.5, 3 links 0.75, then +0.05 per extra link up to 0.95.
    """
    if n_links <= 0:
        return 0.0
    target = min(0.95, 0.25 * n_links if n_links <= 3 else 0.75 + 0.05 * (n_links - 3))
    return float(1.0 - (1.0 - target) ** (1.0 / n_links))


def _link_spans(p: Prepared, emails: list[Finding]) -> list[tuple[int, int, str]]:
    spans = find_link_spans(p)
    if spans and emails:  # "john dot smith at gmail dot com" is an email, not a link
        spans = [s for s in spans if all(s[1] <= e.start or s[0] >= e.end for e in emails)]
    return spans


def _is_obfuscated(low: str, start: int, end: int) -> bool:
    return _OBFUSCATED_DOT.search(low, start, end) is not None


def _in_markup(low: str, start: int) -> bool:
    return _MARKUP.search(low, max(0, start - 60), start) is not None


def _is_chosen_shortener(host: str) -> bool:
    """A shortener the poster chose: t.co wraps every link of a pasted tweet."""
    return host in SHORTENERS and host != TWEET_WRAPPER


def _links(p: Prepared, spans: list[tuple[int, int, str]]) -> list[Finding]:
    text = p.text
    per_link = link_score(len(spans))
    findings: list[Finding] = []
    for start, end, host in spans[:MAX_PER_KIND]:
        if _in_markup(p.low, start) and not is_reference_domain(host):
            score = max(MARKUP_LINK_SCORE, per_link)
        elif _is_obfuscated(p.low, start, end):  # written to slip past link filters
            score = max(OBFUSCATED_LINK_SCORE, per_link)
        elif _is_chosen_shortener(host):
            score = max(SHORTENER_SCORE, per_link)
        else:
            score = per_link
        f = make_finding(text, "spam", "link", start, end, score)
        if f is not None:
            findings.append(f)
    return findings


def _words_outside(low: str, spans: list[tuple[int, int, str]]) -> list[str]:
    """Words (runs of letters or digits) of `low` outside the link spans."""
    rest, last = [], 0
    for start, end, _host in spans:
        rest.append(low[last:start])
        last = max(last, end)
    rest.append(low[last:])
    return re.findall(r"[^\W_]+", " ".join(rest))


def _link_drop(p: Prepared, dropped: list[tuple[int, int, str]], words: list[str]) -> list[Finding]:
    """A link to an unknown site with (next to) nothing else, or with stock praise; a link
    labelled as a source ("Source: ...", "via ...") is a citation."""
    if len(words) <= PRAISE_DROP_WORDS and _PRAISE.search(p.low) is not None:
        score = PRAISE_DROP_SCORE
    elif len(words) <= LINK_DROP_WORDS and _CITATION_LABELS.isdisjoint(words):
        dropped = [s for s in dropped if registrable_domain(s[2]) not in PLATFORMS]
        score = LINK_DROP_SCORE
    else:
        return []
    if not dropped:
        return []
    start, end, _host = dropped[0]
    f = make_finding(p.text, "spam", "link_drop", start, end, score)
    return [f] if f is not None else []


def _stronger_on_span(links: list[Finding], drop: Finding) -> list[Finding]:
    """One link is one piece of evidence: of its ``link`` and ``link_drop`` findings keep the
    stronger (``link_drop`` on a tie)."""
    same = [f for f in links if (f.start, f.end) == (drop.start, drop.end)]
    if any(f.score > drop.score for f in same):
        return links
    return [f for f in links if (f.start, f.end) != (drop.start, drop.end)] + [drop]


def _stuffing(p: Prepared) -> list[Finding]:
    """Keyword stuffing: >= 2 commercial words, a key word thrice and another one twice."""
    words = p.words
    if len(words) < STUFFING_MIN_WORDS or len(_COMMERCIAL.intersection(p.word_set)) < 2:
        return []
    if len(words) > STUFFING_MAX_WORDS:
        return []
    counts = Counter(w for w in words if len(w) > 2 and w not in _STOP)
    top = counts.most_common(2)
    if len(top) < 2 or top[0][1] < 3 or top[1][1] < 2:
        return []
    if top[0][1] + top[1][1] < STUFFING_DENSITY * len(words):
        return []
    start = len(p.text) - len(p.text.lstrip())
    f = make_finding(p.text, "spam", "stuffing", start, len(p.text.rstrip()), STUFFING_SCORE)
    return [f] if f is not None else []


def _shouting(text: str) -> list[Finding]:
    if len(text) < SHOUT_MIN_LETTERS:
        return []
    raw = text.encode("utf-8", "replace")
    upper = len(raw) - len(raw.translate(None, _UPPER_ASCII))
    if upper <= SHOUT_RATIO * SHOUT_MIN_LETTERS and text.isascii():
        return []  # too few capitals to be shouting (the common case)
    lower = len(raw) - len(raw.translate(None, _LOWER_ASCII))
    if upper + lower < SHOUT_MIN_LETTERS and not text.isascii():
        upper = sum(1 for c in text if c.isupper())
        lower = sum(1 for c in text if c.islower())
    letters = upper + lower
    if letters < SHOUT_MIN_LETTERS or upper <= SHOUT_RATIO * letters:
        return []
    start = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    f = make_finding(text, "spam", "shouting", start, end, WEAK_SCORE)
    return [f] if f is not None else []


def _may_repeat(p: Prepared) -> bool:
    """Cheap necessary condition for a phrase of k words repeated 5 times in a row: the word
    sequence equals itself shifted by k on 4k consecutive positions."""
    words = p.words
    duplicates = len(words) - len(p.word_set)
    for k in range(1, MAX_PHRASE_WORDS + 1):
        run = (REPEATS - 1) * k
        if duplicates < run:
            return False
        equal = bytes(map(operator.eq, words, words[k:]))
        if equal.count(1) >= run and b"\x01" * run in equal:
            return True
    return False


def _repetition(p: Prepared) -> list[Finding]:
    if not _may_repeat(p):
        return []
    findings: list[Finding] = []
    for m in _REPEAT.finditer(p.low):
        if len(m.group(1)) < 2:
            continue
        if collect(
            findings, make_finding(p.text, "spam", "repetition", m.start(), m.end(), WEAK_SCORE)
        ):
            break
    return findings


def _needs_contacts(p: Prepared) -> bool:
    return "@" in p.text or b"at" in p.word_set


def _by_position(f: Finding) -> tuple[int, int]:
    return f.start, f.end


def spam_findings(p: Prepared, pii: list[Finding] | None = None) -> list[Finding]:
    """Spam findings of a prepared comment, sorted by start offset.

    ``pii`` are the comment's PII findings if already computed; its phone numbers and emails
    become ``contact`` findings when the comment also promotes something.
    """
    text = p.text
    promo_spans = find_promo_spans(p.low, p.word_set, p.digits, MAX_PER_KIND)
    if pii is None:
        pii = find_contacts(p) if promo_spans or _needs_contacts(p) else []
    contacts = [f for f in pii if f.kind in ("phone", "email")] if pii else pii
    spans = _link_spans(p, [c for c in contacts if c.kind == "email"] if contacts else contacts)
    findings = _links(p, spans) if spans else []
    dropped = [s for s in spans if not is_reference_domain(s[2])]
    drops = _link_drop(p, dropped, _words_outside(p.low, spans)) if dropped else []
    offer = find_offer(
        p,
        links=len(dropped) + len(drops),
        strong_link=any(
            _is_chosen_shortener(host) or _is_obfuscated(p.low, s, e) for s, e, host in dropped
        ),
        contacts=len(contacts),
        link_spans=[(s, e) for s, e, _host in spans],
    )
    if drops:
        findings = _stronger_on_span(findings, drops[0])
    if offer is not None:
        f = make_finding(text, "spam", "offer", offer.start, offer.end, offer.score)
        if f is not None:
            findings.append(f)
    if promo_spans:
        reachable = spans or contacts or ("@" in text and _HANDLE.search(text) is not None)
        score = PROMO_WITH_LINK_SCORE if reachable else PROMO_SCORE
        for s, e in promo_spans:
            f = make_finding(text, "spam", "promo", s, e, score)
            if f is not None:
                findings.append(f)
    if promo_spans or (offer is not None and offer.points >= OFFER_CONTACT_POINTS):
        for c in contacts:
            f = make_finding(text, "spam", "contact", c.start, c.end, CONTACT_SCORE)
            if f is not None:
                findings.append(f)
    for start, end in find_messenger_handles(text)[:MAX_PER_KIND]:
        if all(end <= a or start >= b for a, b, _host in spans):  # a link is no username
            collect(findings, make_finding(text, "spam", "handle", start, end, HANDLE_SCORE))
    findings += _stuffing(p)
    if len(text) >= SHOUT_MIN_LETTERS:
        findings += _shouting(text)
    if len(p.words) >= REPEATS:
        findings += _repetition(p)
    if len(findings) > 1:
        findings.sort(key=_by_position)
    return findings


def find_spam(text: str, pii: list[Finding] | None = None) -> list[Finding]:
    """Spam findings in ``text``, sorted by start offset (``pii``: see :func:`spam_findings`)."""
    return spam_findings(prepare(text), pii)
