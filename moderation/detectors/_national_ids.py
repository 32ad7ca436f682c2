"""National ID numbers of other countries, each validated by its check digits (`python-stdnum`).

- Canadian SIN (``046 454 286``, Luhn) and Indian Aadhaar (``2345 6789 0124``, Verhoeff): plain
  digit groups, so only when labelled ("SIN", "social insurance number", "Aadhaar") or in
  doxing context; one random number in ten passes either check.
- Spanish DNI (``12345678Z``) and NIE (``X1234567L``): the check letter fails 22 of 23 random
  candidates and the shape is distinctive, so found unlabelled at a base score.
- Brazilian CPF (``123.456.789-09``): two check digits; the dotted shape is found unlabelled,
  eleven bare digits only when labelled.

A label raises a finding to the doxing range; doxing context does too (`_context`). All
patterns need a digit, so `pii.py` only runs them on text that has one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import islice

from stdnum.br import cpf
from stdnum.ca import sin
from stdnum.es import dni, nie
from stdnum.in_ import aadhaar

from moderation.detectors import _context as ctx
from moderation.detectors.base import MAX_PER_KIND, Finding, Prepared, make_finding

__all__ = ["find_other_national_ids"]

LABELLED = 0.9
UNLABELLED = 0.6
MAX_CANDIDATES = 200
_LABEL_WINDOW = 30

_SIN = re.compile(r"[0-9](?<![\w.,-][0-9])[0-9]{2}([ -]?)[0-9]{3}\1[0-9]{3}(?![\w-]|[.,][0-9])")
_SIN_LABEL = re.compile(r"\b(?:sin|s\.i\.n\.|social\s+insurance)\b")
_AADHAAR = re.compile(r"[2-9](?<![\w.,-][2-9])[0-9]{3}([ -]?)[0-9]{4}\1[0-9]{4}(?![\w-]|[.,][0-9])")
_AADHAAR_LABEL = re.compile(r"\b(?:aadhaa?r|adhaar|uidai|uid)\b")
_DNI = re.compile(r"[0-9XYZ](?<![\w.,-][0-9XYZ])[0-9]{7,8}-?[A-Z](?![\w-])")
_DNI_LABEL = re.compile(r"\b(?:dni|nif|nie|documento)\b")
_CPF = re.compile(
    r"[0-9](?<![\w.,-][0-9])[0-9]{2}(\.?)[0-9]{3}\1[0-9]{3}[-.]?[0-9]{2}(?![\w-]|[.,][0-9])"
)
_CPF_LABEL = re.compile(r"\bcpf\b")
_WORDS = {
    "sin": frozenset({b"sin", b"social", b"s.i.n."}),
    "aadhaar": frozenset({b"aadhaar", b"aadhar", b"adhaar", b"uidai", b"uid"}),
    "cpf": frozenset({b"cpf"}),
}


def _scan(
    p: Prepared,
    kind: str,
    pattern: re.Pattern[str],
    valid: Callable[[str], bool],
    label: re.Pattern[str],
    *,
    needs_label: Callable[[str], bool],
) -> list[Finding]:
    findings: list[Finding] = []
    for m in islice(pattern.finditer(p.text), MAX_CANDIDATES):
        raw = m.group()
        if not valid(raw):
            continue
        start, end = m.span()
        if ctx.labelled(p, start, label, _LABEL_WINDOW):
            score = LABELLED
        elif needs_label(raw) and not ctx.has_doxing_context(p, start, end):
            continue
        else:
            score = ctx.score_in_context(p, start, end, UNLABELLED)
        f = make_finding(p.text, "doxing", kind, start, end, score)
        if f is not None:
            findings.append(f)
            if len(findings) >= MAX_PER_KIND:
                break
    return findings


def _always(_raw: str) -> bool:
    return True


def _dni_valid(raw: str) -> bool:
    return bool(nie.is_valid(raw) if raw[0] in "XYZ" else dni.is_valid(raw))


def _cpf_bare(raw: str) -> bool:
    return "." not in raw


def find_other_national_ids(p: Prepared) -> list[Finding]:
    """SIN, Aadhaar, DNI/NIE and CPF numbers that pass their checks (rules above)."""
    found: list[Finding] = []
    words = p.word_set
    if not _WORDS["sin"].isdisjoint(words):
        found += _scan(p, "sin", _SIN, sin.is_valid, _SIN_LABEL, needs_label=_always)
    if not _WORDS["aadhaar"].isdisjoint(words):
        found += _scan(
            p, "aadhaar", _AADHAAR, aadhaar.is_valid, _AADHAAR_LABEL, needs_label=_always
        )
    found += _scan(p, "dni", _DNI, _dni_valid, _DNI_LABEL, needs_label=lambda _raw: False)
    found += _scan(p, "cpf", _CPF, cpf.is_valid, _CPF_LABEL, needs_label=_cpf_bare)
    return found
