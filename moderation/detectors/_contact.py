"""Phone numbers and email addresses: the PII kinds that also feed spam's "contact" rule.

Phone numbers come from :class:`phonenumbers.PhoneNumberMatcher` (region US plus any ``+``
international number, ``Leniency.VALID``), but the library only ever sees small windows
around a run of at least seven digits that a cheap regex found first, so digit-free comments
cost nothing. Emails are found by scanning for ``@`` and by one regex for spelled-out forms
(``john dot smith at gmail dot com``, ``john[at]gmail[dot]com``).
"""

from __future__ import annotations

import re

import phonenumbers

from moderation.detectors import _context as ctx
from moderation.detectors.base import MAX_PER_KIND, Finding, Prepared, make_finding, words

__all__ = ["find_emails", "find_phones"]

PHONE_BASE = 0.6
PHONE_FORMAT_ONLY_BASE = 0.55
EMAIL_BASE = 0.55
REGION = "US"
TOLL_FREE = frozenset({"800", "888", "877", "866", "855", "844", "833"})

# Seven to twenty digits, each separated by at most three separator characters.
_CANDIDATE = re.compile(r"\d(?:[ \t().\-/]{0,3}\d){6,19}")
# Clearly phone-formatted North American numbers, accepted even when the number is not
# allocated (e.g. the fictional 555 area code): "(555) 867-5309", "555-867-5309".
_NANP_FORMAT = re.compile(
    r"(?<![\w])(?:\+?1[ .-]?)?(?:\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![\w])"
)
# "867-5309": a seven-digit local number, accepted only with doxing context.
_LOCAL7 = re.compile(r"(?<![\w-])\d{3}[ .-]\d{4}(?![\w])")
_NON_DIGIT = re.compile(r"\D")
# Candidates that are obviously not phone numbers, rejected before calling phonenumbers:
# dates (2024-01-15, 15/01/2024, 15.01.2024) and digit runs glued to a word or URL path.
_DATE = re.compile(
    r"[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}|[0-9]{1,2}[-/.][0-9]{1,2}[-/.](?:[0-9]{4}|[0-9]{2})"
)
_GLUE = frozenset("/=_&?#%@.")
_MAX_CANDIDATES = 32
_CURRENCY = frozenset("$€£¥")


def _plausible_span(p: Prepared, start: int, end: int) -> bool:
    """Reject prices, percentages and labelled reference numbers."""
    text = p.text
    if any(c in _CURRENCY for c in text[max(0, start - 2) : start]):
        return False
    if text[end : end + 2].lstrip().startswith("%"):
        return False
    return not ctx.is_reference_number(p, start)


def _phone_finding(p: Prepared, start: int, end: int, base: float, nanp: str) -> Finding | None:
    national = nanp[1:] if len(nanp) == 11 and nanp.startswith("1") else nanp
    toll_free = len(national) == 10 and national[:3] in TOLL_FREE
    score = ctx.score_in_context(p, start, end, base, ctx.BENIGN_PHONE, benign_hint=toll_free)
    return make_finding(p.text, "doxing", "phone", start, end, score)


def _match_window(text: str, w0: int, w1: int) -> list[tuple[int, int, str]]:
    """(start, end, national number if +1 else "") of the numbers phonenumbers validates."""
    out: list[tuple[int, int, str]] = []
    matcher = phonenumbers.PhoneNumberMatcher(
        text[w0:w1], REGION, leniency=phonenumbers.Leniency.VALID, max_tries=8
    )
    for m in matcher:
        num = m.number
        nanp = str(num.national_number) if num.country_code == 1 else ""
        out.append((w0 + m.start, w0 + m.end, nanp))
    return out


def _formatted_only(p: Prepared, w0: int, w1: int) -> list[tuple[int, int, str]]:
    """Phone-formatted numbers phonenumbers rejects as unallocated (fictional 555 numbers),
    and seven-digit local numbers next to doxing context."""
    fm = _NANP_FORMAT.search(p.text, w0, w1)
    if fm is None:
        fm = _LOCAL7.search(p.text, w0, w1)
        if fm is None or not ctx.has_doxing_context(p, fm.start(), fm.end()):
            return []
    return [(fm.start(), fm.end(), _NON_DIGIT.sub("", fm.group()))]


def find_phones(p: Prepared) -> list[Finding]:
    """Phone numbers; toll-free and business-context numbers get a low score."""
    text = p.text
    findings: list[Finding] = []
    seen: set[tuple[int, int]] = set()
    n = len(text)
    for count, cand in enumerate(_CANDIDATE.finditer(text)):
        if count >= _MAX_CANDIDATES or len(findings) >= MAX_PER_KIND:
            break
        s, e = cand.span()
        if e < n and text[e].isdigit():  # part of an over-long digit run: not a phone
            continue
        before = text[s - 1] if s > 0 else " "
        if before.isalpha() or before in _GLUE or _DATE.fullmatch(cand.group()):
            continue
        w0, w1 = max(0, s - 6), min(n, e + 12)
        spans, base = _match_window(text, w0, w1), PHONE_BASE
        if not spans:
            spans, base = _formatted_only(p, w0, w1), PHONE_FORMAT_ONLY_BASE
        for start, end, nanp in spans:
            if (start, end) in seen or not _plausible_span(p, start, end):
                continue
            seen.add((start, end))
            f = _phone_finding(p, start, end, base, nanp)
            if f is not None:
                findings.append(f)
    return findings


# --- email -------------------------------------------------------------------------------

_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")
_DOMAIN = re.compile(
    r"@((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24})(?![A-Za-z0-9-])"
)
_ROLE_LOCALS = words(
    "info press news tips support contact letters editor editors help office admin sales media"
    " newsdesk noreply no-reply hello feedback webmaster team service inquiries"
)
_PROVIDERS = words(
    "gmail googlemail yahoo ymail hotmail outlook msn aol icloud protonmail proton gmx yandex"
    " zoho comcast verizon sbcglobal btinternet rocketmail fastmail tutanota mail"
)
_STOP_LOCALS = words(
    "in on me us him her them it is was be am are logged signed account address email mail"
    " look you i we they there here up out back"
)
_TLDS = (
    r"com|net|org|edu|gov|io|co|uk|us|ca|au|de|fr|es|it|nl|be|ch|at|se|no|dk|fi|ie|pl|ru|in"
    r"|info|biz|me|mx|br|jp|nz|za"
)
_AT_BRACKET = r"\s{0,3}[\[({<]\s{0,3}at\s{0,3}[\])}>]\s{0,3}"
_DOT_SEP = r"(?:\s{0,3}[\[({<]\s{0,3}dot\s{0,3}[\])}>]\s{0,3}|\s{1,3}dot\s{1,3}|\.)"
_SPELLED = re.compile(
    rf"(?<![\w.@])(?P<local>[a-z0-9][a-z0-9_%+-]{{0,63}}(?:{_DOT_SEP}[a-z0-9_%+-]{{1,63}}){{0,3}})"
    rf"(?P<at>{_AT_BRACKET}|\s{{1,3}}at\s{{1,3}})"
    rf"(?P<domain>[a-z0-9-]{{1,63}}(?:{_DOT_SEP}[a-z0-9-]{{1,63}}){{0,2}}{_DOT_SEP}(?:{_TLDS}))"
    r"(?![\w-])"
)
_FIRST_LABEL = re.compile(r"[a-z0-9-]+")
_PROVIDER_WORDS = frozenset(p.encode() for p in _PROVIDERS)
_HINT_WORDS = frozenset({b"dot", b"at"})


def _may_have_spelled_email(p: Prepared) -> bool:
    """Cheap gate: "dot", a bracketed "[at]", or a plain " at " next to a mail provider."""
    if _HINT_WORDS.isdisjoint(p.word_set):
        return False
    if b"dot" in p.word_set:
        return True
    low = p.low
    if "at]" in low or "at)" in low or "at}" in low or "at>" in low:
        return True
    return not _PROVIDER_WORDS.isdisjoint(p.word_set)


def _email_finding(p: Prepared, start: int, end: int, local: str) -> Finding | None:
    role = local.lower() in _ROLE_LOCALS
    score = ctx.score_in_context(p, start, end, EMAIL_BASE, ctx.BENIGN_EMAIL, benign_hint=role)
    return make_finding(p.text, "doxing", "email", start, end, score)


def _domain_length(domain: str) -> int:
    """Length of ``domain`` without a sentence glued on: "llrlaw.com.Attorney" -> "llrlaw.com"
    (a capitalised final label after lowercase ones is the next sentence, not a TLD)."""
    labels = domain.split(".")
    while len(labels) > 2 and not (labels[-1].islower() or labels[-1].isupper()):
        labels.pop()
    return len(".".join(labels))


def _plain_emails(p: Prepared) -> list[Finding]:
    text = p.text
    findings: list[Finding] = []
    pos = text.find("@")
    while pos != -1 and len(findings) < MAX_PER_KIND:
        m = _DOMAIN.match(text, pos)
        if m is not None:
            left = pos
            while left > 0 and pos - left < 64 and text[left - 1] in _LOCAL_CHARS:
                left -= 1
            while left < pos and text[left] == ".":
                left += 1
            if left < pos and text[pos - 1] != ".":
                f = _email_finding(p, left, pos + 1 + _domain_length(m.group(1)), text[left:pos])
                if f is not None:
                    findings.append(f)
                pos = m.end() - 1
        pos = text.find("@", pos + 1)
    return findings


def _spelled_emails(p: Prepared) -> list[Finding]:
    if not _may_have_spelled_email(p):
        return []
    findings: list[Finding] = []
    for m in _SPELLED.finditer(p.low):
        if len(findings) >= MAX_PER_KIND:
            break
        at, domain, local = m.group("at"), m.group("domain"), m.group("local")
        bracketed = at.strip() != "at"
        label = _FIRST_LABEL.match(domain)
        first_label = label.group() if label is not None else ""
        # Plain " at " needs a mail provider ("look at this dot com bubble" is no email) and
        # a local part that is not an ordinary word ("signed in at gmail.com").
        if not bracketed and (first_label not in _PROVIDERS or local in _STOP_LOCALS):
            continue
        f = _email_finding(p, m.start(), m.end(), local)
        if f is not None:
            findings.append(f)
    return findings


def find_emails(p: Prepared) -> list[Finding]:
    """Email addresses, plain and spelled out; role addresses (info@, press@) score low."""
    findings = _plain_emails(p) if "@" in p.text else []
    spelled = _spelled_emails(p)
    if not findings:
        return spelled
    taken = [(f.start, f.end) for f in findings]
    findings.extend(f for f in spelled if all(f.end <= s or f.start >= e for s, e in taken))
    return findings
