"""Numbers with a checkable structure: payment cards, SSNs, UK NI numbers, IBANs, IPs, plates.

Every pattern is anchored on digits or a context word and uses bounded quantifiers, and every
candidate is validated (Luhn, mod-97, SSN area rules, octet ranges) before it becomes a
finding, so look-alikes such as order numbers or version strings stay out.
"""

from __future__ import annotations

import ipaddress
import re
from itertools import islice

from moderation.detectors import _context as ctx
from moderation.detectors.base import MAX_PER_KIND, Finding, Prepared, collect, make_finding

__all__ = ["find_cards", "find_ibans", "find_ips", "find_national_ids", "find_plates", "luhn_ok"]

CARD_BASE = 0.9
SSN_BASE = 0.9
NI_BASE = 0.85  # labelled: "NI number", "national insurance", "NINO"
# The NI shape (two letters, six digits, a letter) is also the shape of booking and order
# codes: unlabelled, it is held for a person (flag), not removed.
NI_UNLABELLED = 0.6
_NI_LABEL_WINDOW = 40  # "national insurance" and up to 20 characters more
_NI_LABEL = re.compile(r"\b(?:national\s+insurance|ni|nino|nin)\b[^.\n]{0,20}\Z")
IBAN_BASE = 0.9
IP_BASE = 0.5
PLATE_BASE = 0.6
#: Candidates of one kind examined per comment (bounds the work on pathological input).
MAX_CANDIDATES = 500


# --- payment cards -----------------------------------------------------------------------

# Regexes start with a character class (not a lookbehind) so the engine can skip ahead to
# candidate characters; left boundaries are a lookbehind right after that first character.
_CARD = re.compile(r"[1-6](?<![\w.,-][1-6])[0-9]{3}(?:[ -]?[0-9]){9,15}(?![\w-]|[.,][0-9])")


def luhn_ok(digits: str) -> bool:
    """The Luhn (mod 10) checksum used by payment card numbers."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _card_prefix_ok(digits: str) -> bool:
    if digits[0] in "3456":
        return True
    return digits.startswith(("1800", "2131")) or "2221" <= digits[:4] <= "2720"


def find_cards(p: Prepared) -> list[Finding]:
    """13-19 digit card numbers (spaces or dashes allowed) that pass the Luhn check."""
    text = p.text
    findings: list[Finding] = []
    for m in islice(_CARD.finditer(text), MAX_CANDIDATES):
        raw = m.group()
        if ("-" in raw and " " in raw) or "  " in raw or "--" in raw:
            continue
        digits = raw.replace(" ", "").replace("-", "")
        if not (13 <= len(digits) <= 19 and _card_prefix_ok(digits) and luhn_ok(digits)):
            continue
        if ctx.is_reference_number(p, m.start()):
            continue
        if collect(findings, make_finding(text, "doxing", "card", m.start(), m.end(), CARD_BASE)):
            break
    return findings


# --- national IDs ------------------------------------------------------------------------

_SSN = re.compile(r"([0-9](?<![\w-][0-9])[0-9]{2})-([0-9]{2})-([0-9]{4})(?![\w-])")
_SSN_LABELLED = re.compile(
    r"\b(?:ssn|ss#|social(?:\s+security)?(?:\s+(?:number|no\.?|#))?)\s{0,3}(?:is|was|:|#)?\s{0,3}"
    r"(?P<n>(?P<a>[0-9]{3})[ -]?(?P<g>[0-9]{2})[ -]?(?P<s>[0-9]{4}))(?![\w-])"
)
_SSN_WORDS = frozenset({b"ssn", b"ss", b"social"})
_NI = re.compile(
    r"(?P<p>[A-CEGHJ-PR-TW-Z](?<![A-Za-z0-9][A-Z])[A-CEGHJ-NPR-TW-Z])"
    r" ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D](?![A-Za-z0-9])"
)
_NI_BAD_PREFIX = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


def _ssn_ok(area: str, group: str, serial: str) -> bool:
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


def find_national_ids(p: Prepared) -> list[Finding]:
    """US SSNs (ddd-dd-dddd, or labelled "SSN 123456789") and UK National Insurance numbers."""
    text = p.text
    findings: list[Finding] = []
    spans: set[int] = set()
    for m in islice(_SSN.finditer(text), MAX_CANDIDATES):
        if _ssn_ok(*m.groups()) and not ctx.is_reference_number(p, m.start()):
            f = make_finding(text, "doxing", "ssn", m.start(), m.end(), SSN_BASE)
            if f is not None:
                findings.append(f)
                spans.add(f.start)
    if not _SSN_WORDS.isdisjoint(p.word_set):
        for m in islice(_SSN_LABELLED.finditer(p.low), MAX_CANDIDATES):
            if m.start("n") not in spans and _ssn_ok(m["a"], m["g"], m["s"]):
                f = make_finding(text, "doxing", "ssn", m.start("n"), m.end("n"), SSN_BASE)
                if f is not None:
                    findings.append(f)
    for m in islice(_NI.finditer(text), MAX_CANDIDATES):
        if m["p"] in _NI_BAD_PREFIX or ctx.is_reference_number(p, m.start()):
            continue
        labelled = ctx.labelled(p, m.start(), _NI_LABEL, _NI_LABEL_WINDOW)
        base = NI_BASE if labelled else NI_UNLABELLED
        score = ctx.score_in_context(p, m.start(), m.end(), base)
        f = make_finding(text, "doxing", "ni", m.start(), m.end(), score)
        if f is not None:
            findings.append(f)
    return findings[:MAX_PER_KIND]


# --- IBAN --------------------------------------------------------------------------------

_IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BR": 29, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20,
    "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18,
    "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IS": 26, "IT": 27, "JO": 30,
    "KW": 30, "KZ": 20, "LB": 28, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24,
    "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28,
    "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SE": 24, "SI": 19, "SK": 24,
    "SM": 27, "TN": 24, "TR": 26, "UA": 29, "VG": 24, "XK": 20,
}  # fmt: skip
_IBAN_START = re.compile(r"([A-Z](?<![A-Za-z0-9][A-Z])[A-Z])([0-9]{2})(?= ?[A-Z0-9])")


def iban_ok(iban: str) -> bool:
    """ISO 13616 mod-97 check of a compact (no spaces) IBAN."""
    rearranged = iban[4:] + iban[:4]
    try:
        as_int = int("".join(str(int(c, 36)) for c in rearranged))
    except ValueError:
        return False
    return as_int % 97 == 1


def find_ibans(p: Prepared) -> list[Finding]:
    """IBANs, compact or in groups of four, with a known country length and a mod-97 check."""
    text = p.text
    findings: list[Finding] = []
    for m in islice(_IBAN_START.finditer(text), MAX_CANDIDATES):
        length = _IBAN_LENGTHS.get(m.group(1))
        if length is None:
            continue
        chars = [m.group(1), m.group(2)]
        i, n = m.end(), 4
        while n < length and i < len(text):
            c = text[i]
            if c == " " and i + 1 < len(text) and text[i + 1] != " ":
                i += 1
                continue
            if not (c.isascii() and (c.isdigit() or c.isupper())):
                break
            chars.append(c)
            n += 1
            i += 1
        if n != length or (i < len(text) and text[i].isascii() and text[i].isalnum()):
            continue
        if iban_ok("".join(chars)) and collect(
            findings, make_finding(text, "doxing", "iban", m.start(), i, IBAN_BASE)
        ):
            break
    return findings


# --- IP addresses ------------------------------------------------------------------------

_IPV4 = re.compile(r"[0-9](?<![\w.][0-9])[0-9]{0,2}(?:\.[0-9]{1,3}){3}(?![\w]|\.[0-9])")
_IPV6 = re.compile(r"[0-9A-Fa-f:](?<![\w:][0-9A-Fa-f:])[0-9A-Fa-f:]{2,38}(?![\w:])")
_VERSION_CONTEXT = re.compile(
    r"\b(?:v|ver|version|build|release|firmware|ios|android|update)\.?\s*\Z"
)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _ip_score(p: Prepared, start: int, end: int, addr: IPAddress) -> float:
    private = addr.is_private or addr.is_loopback or addr.is_reserved or addr.is_link_local
    return ctx.score_in_context(p, start, end, IP_BASE, ctx.BENIGN_IP, not_personal=private)


def _octets_ok(raw: str) -> bool:
    parts = raw.split(".")
    return all(int(x) <= 255 and (x == "0" or x[0] != "0") for x in parts) and parts[0] != "0"


def find_ips(p: Prepared) -> list[Finding]:
    """IPv4 (valid octets, not version strings) and IPv6 addresses."""
    text = p.text
    findings: list[Finding] = []
    for m in islice(_IPV4.finditer(text), MAX_CANDIDATES):
        raw = m.group()
        if not _octets_ok(raw) or _VERSION_CONTEXT.search(p.low, max(0, m.start() - 12), m.start()):
            continue
        score = _ip_score(p, m.start(), m.end(), ipaddress.IPv4Address(raw))
        f = make_finding(text, "doxing", "ip", m.start(), m.end(), score)
        if f is not None:
            findings.append(f)
    if text.count(":") >= 2:
        for m in islice(_IPV6.finditer(text), MAX_CANDIDATES):
            raw = m.group()
            if raw.count(":") < 3 or ("::" not in raw and not any(c.isalpha() for c in raw)):
                continue
            try:
                addr6 = ipaddress.IPv6Address(raw)
            except ValueError:
                continue
            score = _ip_score(p, m.start(), m.end(), addr6)
            f = make_finding(text, "doxing", "ip", m.start(), m.end(), score)
            if f is not None:
                findings.append(f)
    return findings[:MAX_PER_KIND]


# --- licence plates ----------------------------------------------------------------------

_PLATE = re.compile(
    r"\b(?:licen[cs]e\s+plates?|number\s+plates?|plates?|licen[cs]e|reg(?:istration)?|tags?)\b"
    r"(?:\s{1,3}(?:number|no\.?|nr\.?|#|is|was|reads|read|says|of|:|=|-)){0,3}\s{0,3}[:#=\"'“]?\s{0,2}"
    r"(?P<plate>[A-Za-z0-9]{1,4}(?:[ -]?[A-Za-z0-9]{1,4}){1,2}|[A-Za-z0-9]{4,8})(?![\w-])",
    re.IGNORECASE,
)
_PLATE_GROUP = re.compile(r"[A-Za-z0-9]+")
_PLATE_WORDS = frozenset(b"plate plates license licence reg registration tag tags".split())


def _plate_ok(plate: str) -> bool:
    compact = plate.replace(" ", "").replace("-", "")
    if not 4 <= len(compact) <= 8:
        return False
    digits = sum(c.isdigit() for c in compact)
    letters = len(compact) - digits
    if digits == 0:
        return False
    if letters == 0:
        return digits >= 5
    if compact.isupper():
        return True
    # Lowercase only as one mixed token ("7xyz123"), never "in 2019".
    return compact.islower() and plate == compact


def find_plates(p: Prepared) -> list[Finding]:
    """Licence/registration plates, only right after a context word ("plate", "reg", ...)."""
    if _PLATE_WORDS.isdisjoint(p.word_set):
        return []
    text = p.text
    findings: list[Finding] = []
    for m in islice(_PLATE.finditer(text), MAX_CANDIDATES):
        s = m.start("plate")
        # The regex takes up to three groups greedily ("KV13 EJC if"): keep the longest
        # leading run of groups that is a plate.
        ends = [t.end() for t in _PLATE_GROUP.finditer(m["plate"])]
        end = next((s + e for e in reversed(ends) if _plate_ok(m["plate"][:e])), None)
        if end is not None:
            score = ctx.score_in_context(p, s, end, PLATE_BASE)
            if collect(findings, make_finding(text, "doxing", "plate", s, end, score)):
                break
    return findings
