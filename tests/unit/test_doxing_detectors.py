"""The doxing detectors at full strength: phone numbers of many regions, validated national
IDs, full postal addresses, workplaces and home streets tied to a person, context that raises
or lowers a finding, and the de-obfuscated view ("42 3lm 5tr33t") with exact offsets.

Tables of (text, kind, exact span, score range), negatives that must stay silent, and
properties of the view's offset map.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moderation.detectors import Finding, detect, find_pii
from moderation.detectors._contact import national_regions
from moderation.detectors._deobfuscate import deobfuscated_view, needs_view
from moderation.detectors._national_ids import find_other_national_ids
from moderation.detectors.base import prepare

RAISED = (0.85, 1.0)
NAMED = (0.7, 0.8)
BASE = (0.5, 0.7)
LOW = (0.1, 0.2)


def _found(text: str, kind: str, span: str, findings: list[Finding]) -> Finding:
    start = text.index(span)
    hits = [
        f for f in findings if f.kind == kind and (f.start, f.end) == (start, start + len(span))
    ]
    assert len(hits) == 1, f"{kind} {span!r} not found exactly in {findings}"
    assert text[hits[0].start : hits[0].end] == hits[0].text
    return hits[0]


CASES: list[tuple[str, str, str, tuple[float, float]]] = [
    # phones in national formats of other regions, and E.164
    ("Text him at 0121 496 0734 and tell him", "phone", "0121 496 0734", RAISED),
    ("her cell is (11) 96123-4567, let her know", "phone", "(11) 96123-4567", RAISED),
    ("Ruth Baker, 030 1234567, drives a taxi", "phone", "030 1234567", NAMED),
    ("the number 0412 345 678 keeps ringing", "phone", "0412 345 678", BASE),
    ("his new number is 090-1234-5678", "phone", "090-1234-5678", RAISED),
    ("Nathan Ortiz, +61 4 1234 5678, owes me money", "phone", "+61 4 1234 5678", NAMED),
    ("Phone him: 06 23 45 67 89 (Julien Morel)", "phone", "06 23 45 67 89", RAISED),
    ("Ring +44 (0)20 7946 0958 about it", "phone", "+44 (0)20 7946 0958", BASE),
    # business numbers and service lines are low even with a person nearby
    ("Their phone lines open at 8am: 0345 600 3000.", "phone", "0345 600 3000", LOW),
    ("The library's phone number is 0161 496 0000.", "phone", "0161 496 0000", LOW),
    (
        "Crime Stoppers can be reached anonymously at (415) 296-2671.",
        "phone",
        "(415) 296-2671",
        LOW,
    ),
    ("Report potholes to the roads department on 0161 496 0123", "phone", "0161 496 0123", LOW),
    # emails spelled out with any domain when the local part is a handle or a cue precedes
    ("the troll: jlopez91 at live dot com", "email", "jlopez91 at live dot com", BASE),
    ("Email him at adavis at web dot de now", "email", "adavis at web dot de", RAISED),
    ("Her address is andrea88 at shaw.ca if", "email", "andrea88 at shaw.ca", RAISED),
    # national IDs with their check digits
    ("Someone posted her SIN on Facebook: 130-692-544", "sin", "130-692-544", RAISED),
    ("His aadhar card no is 2345 6789 0124", "aadhaar", "2345 6789 0124", RAISED),
    ("El DNI de Ana Ruiz: 12345678Z", "dni", "12345678Z", RAISED),
    ("CPF 111.444.777-35, Bruno Souza, Recife", "cpf", "111.444.777-35", RAISED),
    ("Mary Bean's social is 132 93 6617", "ssn", "132 93 6617", RAISED),
    # addresses with their unit and locality
    (
        "She can be found at 4371 W Pine Point, Apt 4B, Tulsa, OK 74101 most evenings.",
        "address",
        "4371 W Pine Point, Apt 4B, Tulsa, OK 74101",
        BASE,
    ),
    (
        "That's her, Flat 1, 68 Spring Crescent, Reading RG1 3AR",
        "address",
        "Flat 1, 68 Spring Crescent, Reading RG1 3AR",
        BASE,
    ),
    (
        "his mum is at 17/47 Oak Street, Parramatta NSW 2150, go",
        "address",
        "17/47 Oak Street, Parramatta NSW 2150",
        BASE,
    ),
    (
        "Kelly rents the flat at 5357 Elm Drive, Regina, SK S4P 3Y2 and",
        "address",
        "5357 Elm Drive, Regina, SK S4P 3Y2",
        BASE,
    ),
    (
        "Klaus, Schmiedeckedamm 107, 23089 Hamburg. Remember it.",
        "address",
        "Schmiedeckedamm 107, 23089 Hamburg",
        BASE,
    ),
    ("His home address is Hübelstr. 66, pay him a visit", "address", "Hübelstr. 66", RAISED),
    (
        "the driver lives at 54 rue Victor Hugo, 36002 Toulouse, drive by",
        "address",
        "54 rue Victor Hugo, 36002 Toulouse",
        RAISED,
    ),
    (
        "Aaron Ramirez, PO Box 543, Madison, WI 53701. Remember it.",
        "address",
        "PO Box 543, Madison, WI 53701",
        NAMED,
    ),
    ("I live on 5 Main St.", "address", "5 Main St", RAISED),
    ("they moved to 5 W. 34th St. last year", "address", "5 W. 34th St.", BASE),
    # a person's home street or workplace without a number
    (
        "Everybody knows Don Whitaker lives on Cedar Lane, the house with the flag.",
        "address",
        "Cedar Lane",
        RAISED,
    ),
    (
        "Richard Fox's house is the blue one at the end of Franklin Ave, can't miss it.",
        "address",
        "Franklin Ave",
        BASE,
    ),
    (
        "Kevin Brandt works at the Walmart on Route 9, tell him what you think.",
        "workplace",
        "Walmart on Route 9",
        NAMED,
    ),
    (
        "Julie Bruce is a cashier at St. Mary's Hospital in York.",
        "workplace",
        "St. Mary's Hospital in York",
        NAMED,
    ),
    (
        "Fun fact: Michael Dixon works at the Greggs on Mill Dr. Small town.",
        "workplace",
        "Greggs on Mill Dr",
        NAMED,
    ),
    # plates: the longest leading run of groups that is a plate
    ("Suzanne's number plate is KV13 EJC if anyone sees her", "plate", "KV13 EJC", NAMED),
    ("plate is HSA-333 if anyone sees it", "plate", "HSA-333", BASE),
]


@pytest.mark.parametrize(("text", "kind", "span", "bounds"), CASES)
def test_doxing_finding(text: str, kind: str, span: str, bounds: tuple[float, float]) -> None:
    finding = _found(text, kind, span, find_pii(text))
    assert finding.source == f"pii:{kind}"
    assert bounds[0] <= finding.score <= bounds[1], finding


NEGATIVES = [
    "Windows 10 build 22236.3895 broke my printer.",
    "Lotto numbers were 3 23 30 42 45 49. Not me again.",
    "The 2019-2020 season was a write-off.",
    "The bridge was built in 1998 and rebuilt in 2004.",
    "Ticket #5649247472 was marked resolved. It is not resolved.",
    "My claim number is 4455667788 and nobody calls back.",
    "ISBN 978-3-16-148410-0 if you want the book.",
    "Spring 2024 collection is out.",
    "Top 5 Things To Know Way before the vote",
    "I work at the Target on 5th Ave and we are short staffed.",
    "My daughter works at the Walmart in Leeds and loves it.",
    "Mayor Jane Ortiz works at City Hall like every mayor before.",
    "Tom Brady is a legend in New England.",
    "I grew up on Maple Drive, it used to be all fields.",
    "My house is on Oak Street.",
    "The new houses on Oak Street are ugly as sin.",
    "look at this dot com bubble",
    "we met at the dot com party",
    "I shop at amazon dot com",
    "He is a 3rd string QB in the 90s, born 1985.",
    "ssn 666-12-3456 and 000-12-3456 are not valid",
    "El DNI 12345678A no vale",  # wrong check letter
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_no_doxing_finding(text: str) -> None:
    assert [f for f in find_pii(text) if f.score >= 0.5] == []


@pytest.mark.parametrize(
    "text",
    [
        "The new bakery at 42 Elm Street opens Saturday.",
        "Vaccination centre is at 87 King Lane, walk-ins welcome.",
        "10 Downing Street said on Tuesday that talks would resume.",
        "The Toronto Star's newsroom is at 1 Yonge Street, not far from the lake.",
        "Try pinging 8.8.8.8 to see if it's your connection.",
        "For tickets call the box office on 0161 496 0999.",
        "Call 1-800-273-8255 if you are struggling, it's free.",
    ],
)
def test_public_places_and_services_score_low(text: str) -> None:
    findings = find_pii(text)
    assert findings and all(f.score <= 0.2 for f in findings), findings


def test_a_bare_digit_run_without_a_trunk_prefix_needs_a_person_or_a_cue() -> None:
    assert find_pii("see http://x.co/a 1334936874 lol") == []  # a Unix time
    assert _found(
        "his cell: 11961234567", "phone", "11961234567", find_pii("his cell: 11961234567")
    )


def test_national_regions_follow_the_metadata() -> None:
    assert "GB" in set(national_regions("07911123456"))  # Jersey mobiles share +44
    assert list(national_regions("12345")) == []


def test_other_national_ids_need_valid_check_digits() -> None:
    good = find_other_national_ids(prepare("SIN 130 692 544, Aadhaar 2345 6789 0124"))
    assert [f.kind for f in good] == ["sin", "aadhaar"]
    bad = find_other_national_ids(prepare("SIN 130 692 545, Aadhaar 2345 6789 0125"))
    assert bad == []


# --- the de-obfuscated view ------------------------------------------------------------

OBFUSCATED = [
    ("he l1v3s at 42 3lm 5tr33t", "address", "42 3lm 5tr33t"),
    ("she lives at 42 E l m S t r e e t now", "address", "42 E l m S t r e e t"),
    ("his email is j0hn@9m4il.c0m ok", "email", "j0hn@9m4il.c0m"),
    (
        "email is U s h u r m a D r a t c h e v@r h y t a.c o m. Is it",
        "email",
        "U s h u r m a D r a t c h e v@r h y t a.c o m",
    ),
    ("your email is Uѕhurmа@rhуta.com, right", "email", "Uѕhurmа@rhуta.com"),
    ("The address of Persint is 6750 K0sk1katu 25", "address", "K0sk1katu 25"),
    (
        "send it to 57 pIne pIke, MadiSOn, WI 53701 and",
        "address",
        "57 pIne pIke, MadiSOn, WI 53701",
    ),
    ("his place: 8 Str*et Roooad now", "address", "8 Str*et Roooad"),
    ("write to D_o_n_k_a@s*perrito.c_o_m please", "email", "D_o_n_k_a@s*perrito.c_o_m"),
]


@pytest.mark.parametrize(("text", "kind", "span"), OBFUSCATED)
def test_obfuscated_pii_is_found_with_exact_offsets(text: str, kind: str, span: str) -> None:
    _found(text, kind, span, detect(text))


def test_the_view_is_only_built_for_a_sign_of_obfuscation() -> None:
    for text in (
        "I think the council got this one wrong, 2019",
        "He is a 3rd string QB in the 90s",
        "my iPhone 12 broke",
        "see https://example.com/a1b2c3d4 for the 2nd part",
        "mirror at x/www.m1rr0r.net/a1b2 today",  # the whole token is a URL, not its tail
    ):
        assert not needs_view(text), text
    for text in ("42 3lm 5tr33t", "S.t.r.e.e.t", "e L m s T r E e T", "Streeeet", "Uѕhurma"):
        assert needs_view(text), text
    for text in ("write to j0hn/ops", "1d10+5h!7|\\/|0r0n" * 500):  # a "/" alone is no URL
        assert needs_view(text), text


_LONG_LEET = [
    "".join("0134578@$!|€£abcdefghst"[(k * 7 + k // 23) % 23] for k in range(10_000)),
    "a1" * 5000,
]


@pytest.mark.parametrize("junk", _LONG_LEET)
def test_long_leet_tokens_keep_exact_offsets(junk: str) -> None:
    # Tokens longer than any address are left out of the view (it stays linear on them),
    # while the obfuscated contact before them is still read.
    text = "email j0hn@9m4il.c0m " + junk
    view = deobfuscated_view(text)
    assert view.text.endswith(junk)
    findings = detect(text)
    _found(text, "email", "j0hn@9m4il.c0m", findings)
    for f in findings:
        assert text[f.start : f.end] == f.text
    for f in detect(junk):
        assert junk[f.start : f.end] == f.text


_PIECES = st.sampled_from(
    [
        "3lm",
        "5tr33t",
        " ",
        "a",
        "b",
        "E",
        "@",
        ".",
        "c0m",
        "*",
        "Str*et",
        "eee",
        "sTrEeT",
        "ѕ",
        "у",
        "\u200b",
        "ß",
        "İ",
        "42",
        ",",
        "\n",
        "j0hn",
        "1",
        "!",
        "(",
        "$",
        "Ｈ",
    ]
)


@given(st.lists(_PIECES, max_size=40).map("".join))
@settings(max_examples=300, deadline=None)
def test_the_view_maps_back_into_the_text(text: str) -> None:
    view = deobfuscated_view(text)
    assert len(view.text) == len(view.starts) == len(view.ends)
    for start, end in zip(view.starts, view.ends, strict=True):
        assert 0 <= start < end <= len(text)
    assert view.starts == sorted(view.starts)
    for f in detect(text):
        assert text[f.start : f.end] == f.text


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("Booking ref AB123456C, can anyone help me change the date?", None, None),
        ("Code AB123456C gave me 10% off", 0.5, 0.7),  # the NI shape alone: a person looks
        ("Her NI number is AB123456C", 0.85, 1.0),
        ("His national insurance no. is AB 12 34 56 C", 0.85, 1.0),
    ],
)
def test_ni_numbers_need_a_label_to_be_certain(
    text: str, low: float | None, high: float | None
) -> None:
    found = [f for f in find_pii(text) if f.kind == "ni"]
    if low is None:
        assert found == []
        return
    assert len(found) == 1 and text[found[0].start : found[0].end] == found[0].text
    assert low <= found[0].score <= (high or 1.0)
