"""Rule-based detectors: PII (doxing) and in-comment spam.

Tables of positive and negative examples per kind with asserted offsets and score ranges,
the offset invariant as a hypothesis property, pathological inputs, and (when the shared
data is present) recall on the presidio synthetic PII sentences.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moderation.categories import CATEGORIES
from moderation.detectors import Finding, category_scores, detect, find_pii, find_spam
from moderation.detectors.spam import link_score
from training.data import default_data_dir


def _only(findings: list[Finding], kind: str) -> list[Finding]:
    return [f for f in findings if f.kind == kind]


def _assert_found(text: str, findings: list[Finding], kind: str, span: str) -> Finding:
    """Exactly one finding of ``kind`` covering ``span`` (its first occurrence) exactly."""
    start = text.index(span)
    hits = [f for f in _only(findings, kind) if (f.start, f.end) == (start, start + len(span))]
    assert len(hits) == 1, f"{kind} {span!r} not found in {findings}"
    assert hits[0].text == span
    return hits[0]


# --- PII ---------------------------------------------------------------------------------

# (text, kind, exact span, min score, max score)
PII_POSITIVES: list[tuple[str, str, str, float, float]] = [
    # phone
    ("call him at (555) 867-5309, he lives at 42 Elm Street", "phone", "(555) 867-5309", 0.85, 1),
    ("call him at (555) 867-5309, he lives at 42 Elm Street", "address", "42 Elm Street", 0.85, 1),
    ("For tickets call the box office at 1-800-555-0199", "phone", "1-800-555-0199", 0.15, 0.35),
    ("Customer service: (212) 555-0147", "phone", "(212) 555-0147", 0.15, 0.35),
    ("Call 1-866-555-0100 anytime", "phone", "1-866-555-0100", 0.15, 0.35),
    ("the number 415 555 2671 keeps texting", "phone", "415 555 2671", 0.5, 0.7),
    ("Reach her cell at 212-555-0147, she never answers", "phone", "212-555-0147", 0.85, 1),
    ("her number is +44 20 7946 0958", "phone", "+44 20 7946 0958", 0.85, 1),
    ("ring +41 44 668 18 00 about it", "phone", "+41 44 668 18 00", 0.5, 0.7),
    ("his number is 867-5309", "phone", "867-5309", 0.85, 1),
    ("tel:+1 202 555 0143", "phone", "+1 202 555 0143", 0.5, 0.7),
    # email
    ("mail jane_doe99@gmail.com today", "email", "jane_doe99@gmail.com", 0.5, 0.6),
    (
        "his email is bob.smith@corp.example.co.uk.",
        "email",
        "bob.smith@corp.example.co.uk",
        0.85,
        1,
    ),
    ("Send tips to tips@nytimes.com", "email", "tips@nytimes.com", 0.15, 0.35),
    ("write john dot smith at gmail dot com", "email", "john dot smith at gmail dot com", 0.5, 0.6),
    ("write john[at]gmail[dot]com", "email", "john[at]gmail[dot]com", 0.5, 0.6),
    (
        "reach me: jane (at) protonmail (dot) com",
        "email",
        "jane (at) protonmail (dot) com",
        0.5,
        0.6,
    ),
    ("try jsmith at yahoo.com", "email", "jsmith at yahoo.com", 0.5, 0.6),
    # card (Luhn-valid)
    ("card 4111 1111 1111 1111 exp 12/27", "card", "4111 1111 1111 1111", 0.85, 1),
    ("5500-0000-0000-0004 is hers", "card", "5500-0000-0000-0004", 0.85, 1),
    ("amex 378282246310005", "card", "378282246310005", 0.85, 1),
    # national IDs
    ("SSN 078-05-1120 leaked", "ssn", "078-05-1120", 0.85, 1),
    ("her social security number is 123456789", "ssn", "123456789", 0.85, 1),
    ("NI number AB123456C", "ni", "AB123456C", 0.8, 1),
    ("NI: JG 10 37 59 A", "ni", "JG 10 37 59 A", 0.8, 1),
    ("IBAN GB82 WEST 1234 5698 7654 32 please", "iban", "GB82 WEST 1234 5698 7654 32", 0.85, 1),
    ("pay DE89370400440532013000 now", "iban", "DE89370400440532013000", 0.85, 1),
    # IP
    ("posted from 81.2.69.160 again", "ip", "81.2.69.160", 0.45, 0.55),
    ("his IP is 81.2.69.160", "ip", "81.2.69.160", 0.85, 1),
    ("my router is 192.168.1.1", "ip", "192.168.1.1", 0.15, 0.35),
    ("from 2001:db8:85a3::8a2e:370:7334 hmm", "ip", "2001:db8:85a3::8a2e:370:7334", 0.15, 0.55),
    # street address
    ("I live at 10 Downing Street.", "address", "10 Downing Street", 0.85, 1),
    (
        "mail it to 1234 N Main St Apt 5, Springfield, IL 62704 ok",
        "address",
        "1234 N Main St Apt 5, Springfield, IL 62704",
        0.55,
        0.65,
    ),
    ("it's at 221B Baker Street", "address", "221B Baker Street", 0.55, 0.65),
    ("they moved to 5 W. 34th St. last year", "address", "5 W. 34th St.", 0.55, 0.65),
    ("The museum at 1000 Fifth Avenue opens at 10.", "address", "1000 Fifth Avenue", 0.15, 0.35),
    ("Maria lives on Via Roma 12 now", "address", "Via Roma 12", 0.85, 1),
    ("his house: Hauptstrasse 5", "address", "Hauptstrasse 5", 0.85, 1),
    # plates
    ("his plate number is 7XYZ123, go find him", "plate", "7XYZ123", 0.85, 1),
    ("licence plate: AB12 CDE", "plate", "AB12 CDE", 0.55, 0.65),
    ("reg ABC-1234", "plate", "ABC-1234", 0.55, 0.65),
]


@pytest.mark.parametrize(("text", "kind", "span", "lo", "hi"), PII_POSITIVES)
def test_pii_positive(text: str, kind: str, span: str, lo: float, hi: float) -> None:
    finding = _assert_found(text, find_pii(text), kind, span)
    assert finding.category == "doxing"
    assert finding.source == f"pii:{kind}"
    assert lo <= finding.score <= hi, finding


PII_NEGATIVES = [
    "The 2024 budget was $5.3 billion, up 12% since 1999",
    "Order #12345678 shipped",
    "Tracking number 9400111899223344556677 for your package.",
    "Ticket #4111111111111111 was closed.",
    "card 4111 1111 1111 1112",
    "The game ended 3-1 and kickoff was at 7:30pm on 2024-03-15.",
    "Prices rose 4.5% to $1,299.99 in Q3 2023, the 2nd time since 1987.",
    "Population 8,336,817 as of July 2023.",
    "It costs €1 234 567 or £7,654,321.",
    "On 12/03/2024 at 10:45 the vote was 52-48.",
    "Update to version 10.2.3.4 now. Python 3.11.7 is out.",
    "ssn 666-12-3456 and 000-12-3456 and 900-12-3456 are not valid",
    "GB82 WEST 1234 5698 7654 33",  # IBAN with a bad check digit
    "The 1.2.3 release and 999.1.1.1 are not addresses",
    "He got the reg in 2019, nice car.",
    "In 1999 Michael Jordan Way was named.",
    "The ruling in 2019 Supreme Court case was 5-4.",
    "We waited 3 Long Hours for nothing",
    "look at this dot com bubble",
    "I signed in at gmail.com",
    "Temperatures hit 104 degrees on 7/14; 2,345 people attended.",
    "Call 911 now",
    "Nothing personal here at all, just an opinion about the council.",
    "",
]


@pytest.mark.parametrize("text", PII_NEGATIVES)
def test_pii_negative(text: str) -> None:
    assert find_pii(text) == []


def test_phone_numbers_inside_urls_and_dates_are_ignored() -> None:
    assert find_pii("see https://example.com/story/2024-01-01/5551234567 ok") == []


def test_overlapping_pii_keeps_the_validated_kind() -> None:
    text = "card: 4111111111111111"
    assert [f.kind for f in find_pii(text)] == ["card"]


# --- spam --------------------------------------------------------------------------------


def test_one_source_link_is_low() -> None:
    text = "Great article, source: https://www.reuters.com/world/europe/some-story-2024-01-01/"
    findings = detect(text)
    assert [f.kind for f in findings] == ["link"]
    link = _assert_found(
        text, findings, "link", "https://www.reuters.com/world/europe/some-story-2024-01-01/"
    )
    assert link.source == "spam:link"
    assert 0.2 <= category_scores(findings)["spam"] <= 0.3


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        (
            "see (https://en.wikipedia.org/wiki/Foo_(bar)).",
            ["https://en.wikipedia.org/wiki/Foo_(bar)"],
        ),
        ("www.example.com, and more", ["www.example.com"]),
        ("per nytimes.com/2024/01/x and bbc.co.uk.", ["nytimes.com/2024/01/x", "bbc.co.uk"]),
        ("go to bit.ly/xyz now", ["bit.ly/xyz"]),
        (
            "example dot com or foo(.)com or bar[.]net",
            ["example dot com", "foo(.)com", "bar[.]net"],
        ),
    ],
)
def test_link_spans(text: str, spans: list[str]) -> None:
    # a bare link is a link drop: one finding on its span, whichever kind is stronger
    findings = [f for f in find_spam(text) if f.kind in ("link", "link_drop")]
    assert [f.text for f in findings] == spans
    for f in findings:
        assert text[f.start : f.end] == f.text


@pytest.mark.parametrize(
    "text",
    [
        "Node.js and ASP.NET are frameworks; e.g. this is fine. It.is a typo.",
        "The score was 3.5 and the file was report.pdf",
        "email me: jane@example.com",  # an email, not a link
        "write john dot smith at gmail dot com",
        "the dot com bubble burst in 2000",
    ],
)
def test_not_links(text: str) -> None:
    assert [f for f in find_spam(text) if f.kind in ("link", "link_drop")] == []


def test_link_count_and_shorteners_raise_the_spam_score() -> None:
    def links(text: str) -> float:  # the link findings only (words enough for no link drop)
        found = detect(f"{text} for the figures on the council budget")
        assert "link_drop" not in {f.kind for f in found}
        return category_scores([f for f in found if f.kind == "link"])["spam"]

    one = links("source: https://a.com/x")
    two = links("https://a.com/x and https://b.com/y")
    three = links("https://a.com https://b.com https://c.com")
    short = links("read this bit.ly/abc")
    assert one == pytest.approx(0.25)
    assert two == pytest.approx(0.5)
    assert 0.7 <= three <= 0.8
    assert 0.45 <= short <= 0.55
    assert link_score(0) == 0.0


def test_channel_promo_with_shortener_is_spam() -> None:
    text = "CHECK OUT MY CHANNEL!!! http://bit.ly/xyz subscribe"
    findings = detect(text)
    _assert_found(text, findings, "promo", "CHECK OUT MY CHANNEL")
    _assert_found(text, findings, "link", "http://bit.ly/xyz")
    assert category_scores(findings)["spam"] >= 0.8


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("I earn $500 per day from my laptop", "earn $500 per day"),
        ("Start working from home today", "working from home"),
        ("Get a FREE iPhone", "FREE iPhone"),
        ("Limited time offer", "Limited time offer"),
        ("Buy now, while stocks last", "Buy now"),
        ("dm me for details", "dm me"),
        ("WhatsApp me", "WhatsApp me"),
        ("join my telegram", "join my telegram"),
        ("WhatsApp: +234 800 000", "WhatsApp"),  # the number is evidence of its own
        ("Congratulations, you've won a free cruise", "Congratulations, you've won a"),
        ("ask about bitcoin investment", "bitcoin investment"),
        ("forex signals", "forex"),
        ("Guaranteed returns every week", "Guaranteed returns"),
        ("Call now!", "Call now"),
        ("click here for more", "click here"),
        ("visit my website", "visit my website"),
        ("please subscribe to my channel", "subscribe to my"),
    ],
)
def test_promo_phrases(text: str, span: str) -> None:
    findings = find_spam(text)
    promo = _assert_found(text, findings, "promo", span)
    assert 0.35 <= promo.score <= 0.45
    assert 0.35 <= category_scores(findings)["spam"] <= 0.45


@pytest.mark.parametrize(
    "text",
    [
        "I made the right call now that I think about it",
        "We checked out the new library; my kids loved it",
        "The subway is free on Sundays, everyone can visit",
        "He worked at home on the bill for months",
        "Free speech matters. The offer was rejected.",
        "That is a double standard and a waste of money",
        "He won the same way you won your battles. You won't get it back.",
        "Sending a telegram in 1913 was expensive; WhatsApp is owned by Meta.",
    ],
)
def test_promo_negatives(text: str) -> None:
    assert find_spam(text) == []


def test_promo_with_link_is_strong() -> None:
    text = "Earn money from home, click here www.easycash.biz"
    findings = detect(text)
    assert all(f.score >= 0.8 for f in _only(findings, "promo"))
    assert category_scores(findings)["spam"] >= 0.85


def test_contact_in_promo_comment() -> None:
    text = "Earn $500 per day working from home! WhatsApp me +1 202 555 0143"
    findings = detect(text)
    contact = _assert_found(text, findings, "contact", "+1 202 555 0143")
    assert contact.category == "spam"
    assert contact.score == pytest.approx(0.8)
    # The advertiser's own number is spam evidence, not someone else's private data.
    assert _assert_found(text, findings, "phone", "+1 202 555 0143").score <= 0.3
    assert category_scores(findings)["spam"] >= 0.9


def test_find_spam_alone_finds_contacts() -> None:
    text = "dm me or mail offers@example.com"
    assert [f.kind for f in find_spam(text)] == ["promo", "contact"]


def test_shouting_and_repetition_are_weak() -> None:
    shout = "WHY DOES NOBODY CARE ABOUT THIS ISSUE IN OUR TOWN ANYMORE"
    f = _assert_found(shout, find_spam(shout), "shouting", shout)
    assert f.score == pytest.approx(0.3)
    assert find_spam("SHORT CAPS ARE FINE") == []
    assert find_spam("NASA and the FBI met the CIA in DC today to talk about it") == []

    text = "Stop the madness! stop the madness, stop the madness stop the madness STOP THE MADNESS"
    rep = _only(find_spam(text), "repetition")
    assert len(rep) == 1 and rep[0].start == 0 and rep[0].end == len(text)
    assert _only(find_spam("buy buy buy buy buy"), "repetition")[0].score == pytest.approx(0.3)
    assert find_spam("This is terrible terrible terrible.") == []
    assert find_spam("a a a a a a") == []


# --- API ---------------------------------------------------------------------------------


def test_finding_is_frozen_and_has_a_source() -> None:
    f = Finding("doxing", "phone", 0, 3, "555", 0.6)
    assert f.source == "pii:phone"
    assert Finding("spam", "promo", 0, 3, "abc", 0.4).source == "spam:promo"
    assert Finding("violence", "threat", 0, 3, "abc", 0.4).source == "rule:threat"
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.score = 1.0  # type: ignore[misc]


def test_category_scores_noisy_or() -> None:
    assert category_scores([]) == {}
    findings = [
        Finding("spam", "link", 0, 1, "a", 0.5),
        Finding("spam", "promo", 1, 2, "b", 0.5),
        Finding("doxing", "card", 2, 3, "c", 0.9),
        Finding("doxing", "ssn", 3, 4, "d", 0.95),
    ]
    scores = category_scores(findings)
    assert set(scores) == {"spam", "doxing"}
    assert scores["spam"] == pytest.approx(0.75)
    assert scores["doxing"] == pytest.approx(0.99)  # capped


def test_detect_is_sorted_and_merges_both_detectors() -> None:
    text = "call him at (555) 867-5309, he lives at 42 Elm Street, see bit.ly/x"
    findings = detect(text)
    assert [f.source for f in findings] == ["pii:phone", "pii:address", "spam:link"]
    assert [f.start for f in findings] == sorted(f.start for f in findings)
    assert category_scores(findings)["doxing"] >= 0.95


# --- properties and robustness -----------------------------------------------------------

_PIECES = st.sampled_from(
    [*"0123456789 -().+/@:#$%€£xX.,;!?\n\t", "aE", "dot", " at ", "[at]", "(.)", "http://",
     "www.", ".com", " St", " Street", "plate ", "SSN ", "call him ", "İ", "ß", "\u200b", "١٢",
     "GB82", "Apt 4", "4111 1111", "bit.ly/", "FREE ", "now", "me"]
)  # fmt: skip
_TEXTS = st.one_of(st.text(max_size=300), st.lists(_PIECES, max_size=80).map("".join))


def _check_invariants(text: str, findings: list[Finding]) -> None:
    for f in findings:
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start : f.end] == f.text
        assert 0.0 <= f.score <= 1.0
        assert f.category in CATEGORIES
        assert f.category in ("doxing", "spam")
        assert f.source.split(":")[0] == ("pii" if f.category == "doxing" else "spam")


@given(_TEXTS)
@settings(max_examples=300, deadline=None)
def test_findings_are_exact_slices(text: str) -> None:
    findings = detect(text)
    _check_invariants(text, findings)
    assert [f.start for f in findings] == sorted(f.start for f in findings)
    for score in category_scores(findings).values():
        assert 0.0 < score <= 0.99


PATHOLOGICAL = {
    "100k digits": "7" * 100_000,
    "100k @": "@" * 100_000,
    "10k links": "http://a.co " * 10_000,
    "long local part": "a" * 100_000 + "@b.com",
    "dotted words": "a dot " * 20_000 + "com",
    "spaced digits": "1 " * 50_000,
    "dashed digits": "1-" * 50_000,
    "capitalised words": "12 " + "Main " * 20_000,
    "gate words": "now free home made check " * 5_000,
    "colons": "a:" * 50_000,
    "domains": "a." * 50_000,
    "repeated phrase": "buy now " * 20_000,
}


@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_pathological_inputs_are_bounded(name: str) -> None:
    text = PATHOLOGICAL[name]
    started = time.perf_counter()
    findings = detect(text)
    elapsed = time.perf_counter() - started
    assert elapsed < 5.0, f"{name}: {elapsed:.2f}s"
    assert len(findings) <= 1_000
    _check_invariants(text, findings)


# --- presidio synthetic PII (shared data, read at test time only) ------------------------

_PRESIDIO_KINDS = {
    "PHONE_NUMBER": ("phone", 0.25),
    "EMAIL_ADDRESS": ("email", 0.95),
    "CREDIT_CARD": ("card", 0.9),
    "US_SSN": ("ssn", 0.9),
    "IBAN_CODE": ("iban", 0.9),
    "STREET_ADDRESS": ("address", 0.2),
    "IP_ADDRESS": ("ip", 0.9),
}


def test_presidio_recall() -> None:
    root = default_data_dir()
    if root is None:
        pytest.skip("no public data (MODERATION_DATA_DIR or ../shared/data)")
    path = root / "raw" / "presidio_synth_pii" / "synth_dataset_v2.json"
    if not path.is_file():
        pytest.skip(f"{path} not present")
    rows = json.loads(path.read_text(encoding="utf-8"))
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for row in rows:
        text = row["full_text"]
        findings = find_pii(text)
        _check_invariants(text, findings)
        for span in row["spans"]:
            entity = span["entity_type"]
            if entity not in _PRESIDIO_KINDS:
                continue
            kind = _PRESIDIO_KINDS[entity][0]
            s, e = span["start_position"], span["end_position"]
            total[entity] += 1
            found[entity] += any(f.kind == kind and f.start < e and f.end > s for f in findings)
    for entity, (_, floor) in _PRESIDIO_KINDS.items():
        recall = found[entity] / total[entity]
        print(f"presidio {entity}: {found[entity]}/{total[entity]} = {recall:.2f}")
        assert recall >= floor, entity
