"""Links in a comment: URLs, bare domains ("example.com/x", "bit.ly/abc") and obfuscated ones
("example dot com", "example(.)com").

Returns spans only; :mod:`moderation.detectors.spam` turns them into scored findings.
"""

from __future__ import annotations

import re

from moderation.detectors.base import Prepared, words

__all__ = [
    "PLATFORMS",
    "REFERENCE_DOMAINS",
    "SHORTENERS",
    "TWEET_WRAPPER",
    "find_link_spans",
    "is_reference_domain",
    "registrable_domain",
]

SHORTENERS = words(
    "bit.ly bitly.com tinyurl.com t.co goo.gl ow.ly is.gd buff.ly rebrand.ly cutt.ly"
    " shorturl.at tiny.cc rb.gy t.ly bl.ink lnkd.in s.id v.gd x.co shorte.st adf.ly tiny.one"
    " dlvr.it soo.gd clck.ru qr.ae po.st wa.me t.me linktr.ee"
)
#: Twitter wraps every link of a tweet in t.co: in a pasted tweet, nobody chose the shortener.
TWEET_WRAPPER = "t.co"
_MAX_SPANS = 1_000
# Sites a news commenter cites (encyclopedias, wire services, major newspapers and broadcasters,
# journals, official bodies): a link to one is a citation, never a link drop or a campaign.
# Government, education and international-organisation suffixes count too (_REFERENCE_SUFFIXES).
REFERENCE_DOMAINS = words(
    "wikipedia.org wikimedia.org wiktionary.org archive.org doi.org arxiv.org ssrn.com"
    " nature.com science.org sciencedirect.com thelancet.com bmj.com"
    " nejm.org jstor.org reuters.com apnews.com afp.com bbc.co.uk bbc.com theguardian.com"
    " nytimes.com washingtonpost.com wsj.com ft.com economist.com bloomberg.com npr.org pbs.org"
    " cnn.com cbc.ca abc.net.au aljazeera.com politico.com politico.eu theatlantic.com"
    " latimes.com usatoday.com independent.co.uk telegraph.co.uk thetimes.co.uk"
    " sky.com channel4.com itv.com lemonde.fr spiegel.de dw.com france24.com euronews.com"
    " theglobeandmail.com nationalpost.com thestar.com smh.com.au propublica.org factcheck.org"
    " snopes.com fullfact.org politifact.com statista.com ourworldindata.org imf.org"
    " worldbank.org oecd.org un.org who.int europa.eu nhs.uk"
)
# Big platforms whose bare links readers share (a video, a post): no link drop on their own.
PLATFORMS = words(
    "youtube.com youtu.be facebook.com fb.com twitter.com x.com instagram.com reddit.com"
    " tiktok.com vimeo.com twimg.com imgur.com giphy.com medium.com substack.com google.com"
    " linkedin.com flickr.com soundcloud.com spotify.com"
)
_REFERENCE_SUFFIXES = (".gov", ".mil", ".edu", ".int", ".gov.uk", ".ac.uk", ".nhs.uk",
                       ".police.uk", ".parliament.uk", ".gc.ca", ".gov.au", ".edu.au",
                       ".govt.nz", ".gouv.fr", ".bund.de", ".europa.eu")  # fmt: skip
# Second-level labels under which a registration sits one level deeper ("bbc.co.uk").
_SECOND_LEVEL = words("co com net org ac gov edu gob govt ne or go mil nic ltd plc sch nhs")

# Square brackets end a URL: BBCode (`[url=...]text[/url]`) and Markdown wrap links in them.
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'`{}|\\^\[\]]{1,2000}")
_STRONG_TLDS = (
    "com|net|org|info|biz|io|ly|xyz|ru|cn|uk|de|fr|ca|au|online|site|top|club|shop|store|app"
    "|dev|ai|gl|gg|tv|cc|ws|live|news|link|click|pro|co|edu|gov|nl|es|pl|br|jp|ch|se|eu|mobi"
    "|tk|ml|ga|cf|gq|vip|win|bid|loan|today|world|space|website|tech|life|icu|buzz|ly|gd|ee"
)
_WEAK_TLDS = words("me be to it in is us at so no my am do go id ae st one ink")
_TLD_HIT = re.compile(rf"\.(?:{_STRONG_TLDS}|{'|'.join(sorted(_WEAK_TLDS))})(?![A-Za-z0-9-])")
_DOMAIN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.")
_PATH = re.compile(r"/[^\s<>\"'`{}|\\^]{0,500}")
_OBFUSCATED = re.compile(
    r"(?<![\w.@-])([a-z0-9][a-z0-9-]{1,62})\s{0,3}"
    r"(?:\(\s?\.\s?\)|\[\s?\.\s?\]|\{\s?\.\s?\}|\(\s?dot\s?\)|\[\s?dot\s?\]|\{\s?dot\s?\}"
    r"|\s{1,3}dot\s{1,3}|\s\.\s)\s{0,3}"
    rf"(?:{_STRONG_TLDS})(?![\w-])",
    re.IGNORECASE,
)
_NOT_A_LABEL = words(
    "the a an this that these those it its his her their our my your was is and or of to in"
)
_DOT_COM_PHRASE = re.compile(
    r"\s{1,3}(?:bubble|boom|bust|era|crash|compan(?:y|ies)|startups?|days|age|mania|years)\b",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?'\"”’)]}>*"


def _trim(text: str, start: int, end: int) -> int:
    """Drop trailing sentence punctuation from a URL (keep a balanced closing bracket)."""
    while end > start and text[end - 1] in _TRAILING:
        c = text[end - 1]
        if c == ")" and text.count("(", start, end) >= text.count(")", start, end):
            break
        end -= 1
    return end


def _urls(text: str, low: str) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    for m in _URL.finditer(low):
        if len(spans) >= _MAX_SPANS:
            break
        if m.start() > 0 and (low[m.start() - 1].isalnum() or low[m.start() - 1] in "@."):
            continue
        end = _trim(text, m.start(), m.end())
        host = re.sub(r"^(?:https?://)?(?:www\.)?", "", low[m.start() : end]).split("/", 1)[0]
        if end - m.start() > 8 or "." in host:
            spans.append((m.start(), end, host.split(":", 1)[0]))
    return spans


def _bare_domains(text: str, taken: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    if _TLD_HIT.search(text) is None:  # the common case: no ".com" and the like at all
        return []
    spans: list[tuple[int, int, str]] = []
    covered_until = -1
    taken_iter = iter(taken)
    nxt = next(taken_iter, None)
    for m in _TLD_HIT.finditer(text):
        if len(spans) >= _MAX_SPANS:
            break
        dot = m.start()
        while nxt is not None and nxt[1] <= dot:
            nxt = next(taken_iter, None)
        if (nxt is not None and nxt[0] <= dot) or dot < covered_until:
            continue
        start = dot
        while start > 0 and dot - start < 253 and text[start - 1] in _DOMAIN_CHARS:
            start -= 1
        while start < dot and text[start] in ".-":
            start += 1
        if start == dot or (start > 0 and text[start - 1] in "@/\\_:"):
            continue  # email domain, path segment, or nothing before the dot
        end = m.end()
        while (more := _TLD_HIT.match(text, end)) is not None:  # "bbc.co.uk", "abc.net.au"
            end = more.end()
        host = text[start:end]
        labels = host.split(".")
        if any(not lab or len(lab) > 63 or lab[0] == "-" or lab[-1] == "-" for lab in labels):
            continue
        if not any(c.isalpha() for c in labels[-2]):
            continue  # "3.com", decimals
        host_low = host.lower()
        path = _PATH.match(text, end)
        if path is not None:
            end = _trim(text, end, path.end())
        elif labels[-1] in _WEAK_TLDS and host_low not in SHORTENERS:
            continue  # "it.is", "go.to" -- a missing space, not a link
        spans.append((start, end, host_low))
        covered_until = end
    return spans


def _may_be_obfuscated(p: Prepared) -> bool:
    text = p.text
    return b"dot" in p.word_set or "(.)" in text or "[.]" in text or " . " in text


def _obfuscated(text: str) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    for m in _OBFUSCATED.finditer(text):
        if len(spans) >= _MAX_SPANS:
            break
        if " dot " in m.group().lower() and (
            m.group(1).lower() in _NOT_A_LABEL or _DOT_COM_PHRASE.match(text, m.end())
        ):
            continue  # "this dot com bubble", "the dot com era"
        host = re.sub(r"[^a-z0-9.-]", "", re.sub(r"dot|\.", ".", m.group().lower()))
        spans.append((m.start(), m.end(), re.sub(r"\.+", ".", host)))
    return spans


def find_link_spans(p: Prepared) -> list[tuple[int, int, str]]:
    """``(start, end, host)`` for every link in the prepared comment, sorted."""
    text, low = p.text, p.low
    spans = _urls(text, low) if ("://" in text or "www." in low) else []
    spans += _bare_domains(text, spans)
    if _may_be_obfuscated(p):
        obf = _obfuscated(text)
        spans += [s for s in obf if all(s[1] <= t[0] or s[0] >= t[1] for t in spans)]
    if len(spans) > 1:
        spans.sort()
    return spans


def registrable_domain(host: str) -> str:
    """The domain someone registered: ``www.news.example.co.uk`` -> ``example.co.uk``.

    A heuristic (no public-suffix list): the last two labels, or three when the second-last is
    a common second-level label under a two-letter country code (``co.uk``, ``com.au``).
    """
    labels = [label for label in host.lower().strip(".").split(".") if label]
    if len(labels) <= 2:
        return ".".join(labels)
    if len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def is_reference_domain(host: str, trusted: frozenset[str] = frozenset()) -> bool:
    """Whether a link to ``host`` is a citation: a reference site, an official suffix
    (``.gov``, ``.ac.uk`` ...), or one of the site's ``trusted`` domains (registrable form)."""
    host = host.lower().strip(".")
    domain = registrable_domain(host)
    if domain in REFERENCE_DOMAINS or domain in trusted:
        return True
    return ("." + host).endswith(_REFERENCE_SUFFIXES)
