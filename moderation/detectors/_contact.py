"""Phone numbers and email addresses: the PII kinds that also feed spam's "contact" rule.

Phone numbers come from :class:`phonenumbers.PhoneNumberMatcher` (region US, so any North
American number and any ``+`` international number, ``Leniency.VALID``); a digit run it does
not accept is then tried as a national number of each region in :data:`REGIONS` ("07700
900123", "030 1234567", "(11) 91234-5678") with the regions' own metadata: a cheap match of the
region's general pattern first, then ``is_valid_number_for_region``. The library only ever sees
small windows around a run of at least seven digits that a cheap regex found first, so
digit-free comments cost nothing. Emails are found by scanning for ``@`` and by one regex for
spelled-out forms (``john dot smith at gmail dot com``, ``john[at]gmail[dot]com``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumber

from moderation.detectors import _context as ctx
from moderation.detectors.base import MAX_PER_KIND, Finding, Prepared, make_finding, words

__all__ = ["find_emails", "find_phones"]

PHONE_BASE = 0.6
PHONE_FORMAT_ONLY_BASE = 0.55
EMAIL_BASE = 0.55
REGION = "US"
#: Regions whose national formats (no country code) are recognised, besides North America.
#: Numbers written with ``+`` and a country code are recognised for every region.
REGIONS = (
    "GB", "IE", "AU", "NZ", "IN", "ZA", "SG", "PH", "NG", "KE", "DE", "FR", "ES", "IT", "NL",
    "BE", "CH", "AT", "SE", "PT", "BR", "MX", "JP",
)  # fmt: skip
TOLL_FREE = frozenset({"800", "888", "877", "866", "855", "844", "833"})
_BUSINESS_TYPES = frozenset(
    {
        phonenumbers.PhoneNumberType.TOLL_FREE,
        phonenumbers.PhoneNumberType.PREMIUM_RATE,
        phonenumbers.PhoneNumberType.SHARED_COST,
        phonenumbers.PhoneNumberType.UAN,
    }
)

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
# A number labelled as someone's own line, right before or after it.
_PERSONAL_LABEL = r"(?:mobile|cell|cellphone|home|personal|private|whatsapp)"
_PERSONAL_BEFORE = re.compile(
    rf"\b{_PERSONAL_LABEL}(?:\s+(?:phone|number|no\.?|#))?\s*[:=-]?\s*\(?\Z"
)
_PERSONAL_AFTER = re.compile(rf"\s{{0,2}}[(\[]?{_PERSONAL_LABEL}\b")
# Candidates that are obviously not phone numbers, rejected before calling phonenumbers:
# dates (2024-01-15, 15/01/2024, 15.01.2024) and digit runs glued to a word or URL path.
_DATE = re.compile(
    r"[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}|[0-9]{1,2}[-/.][0-9]{1,2}[-/.](?:[0-9]{4}|[0-9]{2})"
)
_GLUE = frozenset("/=_&?#%@.")
# "2019-2020", "1998/99": a range of years, not a phone number.
_DECIMAL = re.compile(r"[0-9]+\.[0-9]+")  # "22236.3895": a decimal number, not a phone
_SSN_SHAPE = re.compile(r"[0-9]{3}-[0-9]{2}-[0-9]{4}")  # the SSN rule's, valid or not
_YEAR_RANGE = re.compile(r"(?:19|20)[0-9]{2}\s?[-/–]\s?(?:19|20)?[0-9]{2}")
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


def _phone_finding(
    p: Prepared, start: int, end: int, base: float, business: bool
) -> Finding | None:
    """A phone finding; a business number (toll-free, shared cost) scores low unless doxing
    context says it is someone's ("reach him at 0901 ...")."""
    labelled = _PERSONAL_BEFORE.search(p.low, max(0, start - 24), start) or _PERSONAL_AFTER.match(
        p.low, end
    )
    benign = None if labelled else ctx.BENIGN_PHONE  # "office ... fax ... 0770 mobile"
    score = ctx.score_in_context(p, start, end, base, benign, benign_hint=business)
    return make_finding(p.text, "doxing", "phone", start, end, score)


def _is_business(number: PhoneNumber) -> bool:
    """Toll-free, shared-cost, premium and universal access numbers belong to organisations."""
    return phonenumbers.number_type(number) in _BUSINESS_TYPES


def _match_window(text: str, w0: int, w1: int) -> list[tuple[int, int, bool]]:
    """(start, end, business number) of the numbers phonenumbers validates."""
    matcher = phonenumbers.PhoneNumberMatcher(
        text[w0:w1], REGION, leniency=phonenumbers.Leniency.VALID, max_tries=8
    )
    return [(w0 + m.start, w0 + m.end, _is_business(m.number)) for m in matcher]


@functools.cache
def _national_plans() -> tuple[tuple[str, int, str, bool, re.Pattern[str]], ...]:
    """Per region of REGIONS: (region, country code, trunk prefix, whether the national format
    starts with the trunk prefix, general number pattern), read from phonenumbers' metadata."""
    plans = []
    for region in REGIONS:
        meta = PhoneMetadata.metadata_for_region(region)
        example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
        if meta is None or meta.general_desc is None or meta.country_code is None or not example:
            continue
        trunk = meta.national_prefix or ""
        national = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
        needs_trunk = bool(trunk) and national.lstrip("(").startswith(trunk)
        pattern = re.compile(meta.general_desc.national_number_pattern or r"\d+")
        plans.append((region, meta.country_code, trunk, needs_trunk, pattern))
    return tuple(plans)


def national_regions(digits: str) -> Iterator[str]:
    """The regions of REGIONS in whose national format ``digits`` is a valid number."""
    for region, code, trunk, needs_trunk, pattern in _national_plans():
        nsn = digits
        if trunk and digits.startswith(trunk):
            nsn = digits[len(trunk) :]
        elif needs_trunk:
            continue
        if not nsn or not pattern.fullmatch(nsn):
            continue
        number = PhoneNumber(country_code=code, national_number=int(nsn))
        zeros = len(nsn) - len(nsn.lstrip("0"))
        if zeros:
            number.italian_leading_zero = True
            number.number_of_leading_zeros = zeros
        if phonenumbers.is_valid_number(number):  # any region of the code: 07911 is Jersey
            yield region


def _national_span(text: str, s: int, e: int) -> list[tuple[int, int, bool]]:
    """The candidate ``text[s:e]`` as a national number of some region, written with a
    grouping of digits that region uses ("07700 900123", "(11) 91234-5678"; not a list such
    as "3 23 30 42 45 49"), as phonenumbers' ``STRICT_GROUPING`` judges it."""
    w0, w1 = max(0, s - 2), min(len(text), e + 2)
    found: list[tuple[int, int, bool]] = []
    for region in national_regions(_NON_DIGIT.sub("", text[s:e])):
        matcher = phonenumbers.PhoneNumberMatcher(
            text[w0:w1], region, leniency=phonenumbers.Leniency.STRICT_GROUPING, max_tries=4
        )
        found += [
            (w0 + m.start, w0 + m.end, _is_business(m.number))
            for m in matcher
            if w0 + m.start <= s and w0 + m.end >= e
        ]
        if found and not found[-1][2]:
            break  # a personal reading: "0901..." is a British premium line, a Japanese mobile
    if not found:
        return []
    start, end, _ = found[-1]
    return [(start, end, found[0][2])]  # the first region's reading decides


def _national_plausible(p: Prepared, raw: str, s: int, e: int) -> bool:
    """A bare run of digits without a trunk "0" ("1334936874" is a Unix time more often than
    a Brazilian number) counts as a national number only next to a person or doxing cue."""
    if not raw.isdigit() or raw.startswith("0"):
        return True
    if _PERSONAL_BEFORE.search(p.low, max(0, s - 24), s) or _PERSONAL_AFTER.match(p.low, e):
        return True
    return ctx.has_doxing_context(p, s, e) or ctx.names_person(p, s, e, window=20)


def _formatted_only(p: Prepared, w0: int, w1: int) -> list[tuple[int, int, bool]]:
    """Phone-formatted numbers phonenumbers rejects as unallocated (fictional 555 numbers),
    and seven-digit local numbers next to doxing context."""
    fm = _NANP_FORMAT.search(p.text, w0, w1)
    if fm is None:
        fm = _LOCAL7.search(p.text, w0, w1)
        if fm is None or not ctx.has_doxing_context(p, fm.start(), fm.end()):
            return []
    digits = _NON_DIGIT.sub("", fm.group())
    national = digits[1:] if len(digits) == 11 and digits.startswith("1") else digits
    return [(fm.start(), fm.end(), len(national) == 10 and national[:3] in TOLL_FREE)]


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
        if any(rule.fullmatch(cand.group()) for rule in (_YEAR_RANGE, _DECIMAL, _SSN_SHAPE)):
            continue
        if ctx.is_reference_number(p, s):
            continue
        w0, w1 = max(0, s - 6), min(n, e + 12)
        spans, base = _match_window(text, w0, w1), PHONE_BASE
        if not spans and text[max(0, s - 2) : s].strip() not in ("+", "+("):
            spans = _national_span(text, s, e)
            if spans and not _national_plausible(p, cand.group(), s, e):
                spans = []
        if not spans:
            spans, base = _formatted_only(p, w0, w1), PHONE_FORMAT_ONLY_BASE
        for start, end, business in spans:
            if (start, end) in seen or not _plausible_span(p, start, end):
                continue
            seen.add((start, end))
            f = _phone_finding(p, start, end, base, business)
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
    " look you i we they there here up out back the this that a an my your our his their its"
    " at to of and or"
)
# Words near a spelled-out address that say it is one ("email him at ...", "her address is").
_EMAIL_CUE = re.compile(r"\b(?:e-?mail|mail|address|inbox|contact|write|reach)\b")
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
_AT_DOMAIN = re.compile(r"\sat\s{1,3}[a-z0-9-]{1,63}\.[a-z]{2}")


def _may_have_spelled_email(p: Prepared) -> bool:
    """Cheap gate: "dot", a bracketed "[at]", a plain " at " next to a mail provider or
    before a dotted domain ("at shaw.ca")."""
    if _HINT_WORDS.isdisjoint(p.word_set):
        return False
    if b"dot" in p.word_set:
        return True
    low = p.low
    if "at]" in low or "at)" in low or "at}" in low or "at>" in low:
        return True
    return not _PROVIDER_WORDS.isdisjoint(p.word_set) or bool(_AT_DOMAIN.search(low))


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


def _plain_at_ok(p: Prepared, start: int, local: str, first_label: str) -> bool:
    """A plain " at " joins an address when neither side is an ordinary word ("look at this
    dot com bubble", "signed in at gmail.com") and the domain is a mail provider, the local
    part looks like a handle (a digit, "." "_" or a spelled "dot"), or the words just before
    say it is an address ("email him at adavis at web dot de")."""
    if local in _STOP_LOCALS or first_label in _STOP_LOCALS:
        return False
    if first_label in _PROVIDERS or " dot " in local:
        return True
    if any(c.isdigit() or c in "._" for c in local):
        return True
    return bool(_EMAIL_CUE.search(p.low, max(0, start - 25), start))


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
        if not bracketed and not _plain_at_ok(p, m.start(), local, first_label):
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
