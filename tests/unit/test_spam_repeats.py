"""The pure half of cross-comment spam: fingerprints (canonical text, the information gate,
MinHash bands, links) and the scores that counts turn into. No Redis here."""

from __future__ import annotations

import pytest

from moderation.detectors.base import noisy_or
from moderation.policy import load_policy
from moderation.repeats import Counts, RepeatConfig, fingerprint, signal_findings
from moderation.repeats.fingerprint import BANDS
from moderation.repeats.signals import LONE_REPEAT_CAP, grow

BASE = "Earn $500/day at home, visit easyjobs-online.biz"
SHIPPED_SPAM_FLAG = load_policy().categories["spam"].flag


def _shared_bands(a: str, b: str) -> int:
    return len(set(fingerprint(a).bands) & set(fingerprint(b).bands))


@pytest.mark.parametrize(
    "variant",
    [
        "Earn $700/day at home, visit easyjobs-online.biz",  # another number
        "Earn $500/day at home, visit easyjobs-online.biz 🔥🔥",  # emoji
        "EARN $500/DAY AT HOME!!! visit easyjobs-online.biz",  # case and punctuation
        "Eаrn $500/day at hоme, visit easyjobs-online.biz",  # Cyrillic look-alikes
        "E a r n $500/day at home, visit easyjobs-online.biz",  # spaced letters
    ],
)
def test_cosmetic_changes_leave_the_exact_hash(variant: str) -> None:
    assert fingerprint(variant).exact == fingerprint(BASE).exact


def test_near_duplicates_share_bands_and_unrelated_comments_do_not() -> None:
    gift = (
        "Congrats to everyone reading this, Walmart is giving away $100 gift cards today only, "
        "claim yours at walmart-rewards-center.com"
    )
    near = (  # a few words changed: Jaccard 0.64 on character 4-grams
        "Congrats to all of you reading this, Walmart is handing out $100 gift cards today "
        "only, claim yours at walmart-rewards-center.com"
    )
    assert fingerprint(near).exact != fingerprint(gift).exact
    assert _shared_bands(gift, near) >= 1
    unrelated = "The council should publish the full costs of the bypass before the vote."
    assert _shared_bands(BASE, unrelated) == 0
    assert len(fingerprint(BASE).bands) == BANDS


@pytest.mark.parametrize(
    ("text", "counted"),
    [
        ("Thanks!", False),
        ("Great article, thanks for sharing.", False),
        ("Rest in peace. My thoughts are with his family and friends.", False),
        ("+1", False),
        (BASE, True),  # short, but it carries a link
        ("Senator Hale's jobs plan is exactly what this state needs, proud to support her", True),
    ],
)
def test_only_comments_that_say_something_are_counted(text: str, counted: bool) -> None:
    fp = fingerprint(text)
    assert fp.counted is counted
    assert bool(fp.bands) is counted


def test_citations_are_left_out_and_other_links_kept() -> None:
    a = fingerprint("Rents rose 8% in London: https://www.ons.gov.uk/economy/inflationandprices")
    b = fingerprint("Food inflation is at 9%: https://www.ons.gov.uk/economy/inflationandprices")
    assert "ons" not in a.canonical.split() and a.links == ()
    assert not set(a.bands) & set(b.bands)
    text = "Ｖisit ｃheap-pills.biz/buy now, see also https://bbc.co.uk/news"
    fp = fingerprint(text)
    assert [link.domain for link in fp.links] == ["cheap-pills.biz"]
    link = fp.links[0]
    assert text[link.start : link.end] == "ｃheap-pills.biz/buy"
    assert fingerprint(text, trusted=frozenset({"cheap-pills.biz"})).links == ()


def test_grow() -> None:
    assert grow(0, 0.6, 0.75) == 0.0
    assert grow(1, 0.6, 0.75) == pytest.approx(0.6)
    assert grow(2, 0.6, 0.75) == pytest.approx(0.9)
    assert grow(3, 0.6, 0.75) == pytest.approx(0.975)


def test_counts_become_findings_with_spans() -> None:
    text = "  Earn $500/day at home, visit easyjobs-online.biz  "
    fp = fingerprint(text)
    counts = Counts(exact_authors=2, near_authors=1, velocity=13, domains=((3, 1),))
    found = {f.kind: f for f in signal_findings(text, fp, counts, RepeatConfig())}
    assert set(found) == {"duplicate", "near_duplicate", "velocity", "link_campaign"}
    assert found["duplicate"].score == pytest.approx(0.9)
    assert found["near_duplicate"].score == pytest.approx(0.5)
    assert found["velocity"].score == pytest.approx(grow(3, 0.3, 0.3))
    assert found["duplicate"].text == text.strip()  # the whole comment, trimmed
    assert found["link_campaign"].text == "easyjobs-online.biz"
    assert all(f.source == f"spam:{f.kind}" and f.category == "spam" for f in found.values())
    assert signal_findings(text, fp, Counts(velocity=10), RepeatConfig()) == []


def test_own_copies_count_less_than_other_authors() -> None:
    fp = fingerprint(BASE)
    mine = signal_findings(BASE, fp, Counts(exact_self=1), RepeatConfig())[0]
    theirs = signal_findings(BASE, fp, Counts(exact_authors=1), RepeatConfig())[0]
    assert 0 < mine.score < theirs.score < SHIPPED_SPAM_FLAG


def test_reply_is_parsed() -> None:
    counts = Counts.from_reply([1, 2, 3, 4, 5, 6, 7, 8, 9])
    assert counts == Counts(1, 2, 3, 4, 5, ((6, 7), (8, 9)))


CONDOLENCE = "Rest in peace Officer Daniels, my thoughts are with his wife and two children."


@pytest.mark.parametrize("authors", [1, 2, 3, 10, 50])
def test_a_lone_repeat_never_rejects_however_many_authors(authors: int) -> None:
    """Readers post the same harmless text: with no channel, lure or velocity the repeat
    signals together stay below the shipped policy's spam flag threshold."""
    fp = fingerprint(CONDOLENCE)
    assert fp.counted and not fp.channel
    for counts in (
        Counts(exact_authors=authors),
        Counts(near_authors=authors),
        Counts(exact_authors=authors, near_authors=authors),
    ):
        found = signal_findings(CONDOLENCE, fp, counts, RepeatConfig())
        assert found and {f.kind for f in found} <= {"duplicate", "near_duplicate"}
        assert noisy_or([f.score for f in found]) <= LONE_REPEAT_CAP < SHIPPED_SPAM_FLAG
    one = signal_findings(CONDOLENCE, fp, Counts(exact_self=1), RepeatConfig())
    assert one[0].score == pytest.approx(0.4)  # below the cap: unchanged


@pytest.mark.parametrize(
    "text",
    [
        f"{CONDOLENCE} Details at helpthedaniels-fund.biz",  # a link
        f"{CONDOLENCE} Message @daniels_family_help",  # a handle
        f"{CONDOLENCE} Call 0800 555 0199",  # a phone number
        f"{CONDOLENCE} Write to danielsfund@gmail.com",  # an email
        "Rest in peace Officer Daniels, his family deserves to know the best online casino.",
    ],
)
def test_a_repeat_with_a_channel_or_lure_grows_as_before(text: str) -> None:
    fp = fingerprint(text)
    found = signal_findings(text, fp, Counts(exact_authors=2), RepeatConfig())
    assert {f.kind: f.score for f in found}["duplicate"] == pytest.approx(0.9)


def test_a_repeat_with_a_velocity_signal_grows_as_before() -> None:
    fp = fingerprint(CONDOLENCE)
    counts = Counts(exact_authors=2, velocity=RepeatConfig().velocity_limit + 1)
    found = {f.kind: f.score for f in signal_findings(CONDOLENCE, fp, counts, RepeatConfig())}
    assert found["duplicate"] == pytest.approx(0.9) and found["velocity"] > 0


def test_one_author_posting_one_text_again_and_again_is_flooding() -> None:
    fp = fingerprint(CONDOLENCE)
    double = signal_findings(CONDOLENCE, fp, Counts(exact_self=1), RepeatConfig())
    assert noisy_or([f.score for f in double]) <= LONE_REPEAT_CAP  # a double-click
    third = signal_findings(CONDOLENCE, fp, Counts(exact_self=2), RepeatConfig())
    assert noisy_or([f.score for f in third]) == pytest.approx(0.7)
    many = signal_findings(CONDOLENCE, fp, Counts(exact_authors=50, exact_self=2), RepeatConfig())
    assert noisy_or([f.score for f in many]) > LONE_REPEAT_CAP  # the cap is for other authors


def test_own_near_copies_are_capped_like_other_readers() -> None:
    """A reader reposting a corrected comment twice is no flood; only exact copies are."""
    fp = fingerprint(CONDOLENCE)
    found = signal_findings(CONDOLENCE, fp, Counts(near_self=3), RepeatConfig())
    assert noisy_or([f.score for f in found]) < SHIPPED_SPAM_FLAG


def test_a_messenger_username_is_a_channel() -> None:
    text = "hot girls near you are waiting for a chat tonight snap: kayla.xo99"
    assert fingerprint(text).channel
