"""Single-comment spam rules: offers (a lure plus a way to take it up), link drops, keyword
stuffing and the citation/platform domain lists. Tables of behaviour: what must score, what
must not, and where the evidence sits."""

from __future__ import annotations

import pytest

from moderation.detectors import category_scores, detect, find_spam
from moderation.detectors._links import is_reference_domain, registrable_domain
from moderation.detectors._offers import OFFER_SCORES, find_offer
from moderation.detectors.base import prepare


def _kinds(text: str) -> dict[str, float]:
    return {f.kind: f.score for f in find_spam(text)}


def _spam(text: str) -> float:
    return category_scores(detect(text)).get("spam", 0.0)


@pytest.mark.parametrize(
    ("text", "lure"),
    [
        ("Buy Viagra online, no prescription needed: www.rx-pills-now.biz", "Viagra"),
        ("Lonely tonight? Hot singles near you, sign up at meet-singles.club", "Lonely tonight"),
        ("Spell caster Dr Obi brought back my ex in 2 days, WhatsApp him +234 803 555 0111",
         "Spell caster"),
        ("Forex account manager made me $4,000 this week, message her on telegram @fx_anna",
         "Forex"),
        ("Instant payday loans, no credit check, apply now at cash-today.biz", "payday loans"),
        ("Your account has been suspended, verify your identity at secure-bank-login.com",
         "account has been suspended"),
    ],
)  # fmt: skip
def test_a_lure_with_a_way_to_take_it_up_is_spam(text: str, lure: str) -> None:
    kinds = _kinds(text)
    assert kinds.get("offer", 0) >= OFFER_SCORES[4], kinds
    offer = next(f for f in find_spam(text) if f.kind == "offer")
    assert offer.text.lower() == lure.lower()
    assert text[offer.start : offer.end] == offer.text
    assert _spam(text) >= 0.85


@pytest.mark.parametrize(
    "text",
    [
        # a lure without a way or call to take it up is news talk
        "I lost $4,000 on crypto in 2022, nobody can guarantee returns.",
        "The online casino adverts during football matches should be banned.",
        "Payday loans should be banned outright, the interest rates are criminal.",
        "Bitcoin trading volumes fell by half last month according to the report.",
        # a way to reach someone without anything on offer
        "Anyone with information should call the police on 101.",
        "If you're struggling, the Samaritans are on 116 123, free, any time.",
        "Email the editor at letters@thenewspaper.co.uk if you want to complain.",
        # warnings use the words of a scam but offer nothing
        "Beware of texts saying your parcel couldn't be delivered, it's a scam.",
        # a reply on a social network mentions a handle without offering anything
        "@jsmith I agree, bitcoin is a bubble and the trading bots make it worse",
    ],
)
def test_no_offer_without_both_halves(text: str) -> None:
    assert "offer" not in _kinds(text) or _kinds(text)["offer"] < OFFER_SCORES[4]
    assert _spam(text) < 0.5


def test_lure_words_inside_a_url_count() -> None:
    offer = find_offer(
        prepare("apply here: quick-loans-247.net/apply"), links=1, strong_link=False, contacts=0
    )
    assert offer is not None and offer.points >= 4


@pytest.mark.parametrize(
    ("text", "span", "score"),
    [
        ("http://cheap-deals-outlet.biz", "http://cheap-deals-outlet.biz", 0.6),
        ("lol www.freemovies-hd.online", "www.freemovies-hd.online", 0.6),
        ("Great post! Visit https://www.top10reviews-hub.com for more",
         "https://www.top10reviews-hub.com", 0.85),
        ("Thanks for sharing, I wrote about this too at my-blog-site.net/posts/12",
         "my-blog-site.net/posts/12", 0.85),
    ],
)  # fmt: skip
def test_link_drops(text: str, span: str, score: float) -> None:
    drop = next(f for f in find_spam(text) if f.kind == "link_drop")
    assert (drop.text, drop.score) == (span, pytest.approx(score))


@pytest.mark.parametrize(
    "text",
    [
        "https://www.bbc.co.uk/news/uk-politics-65432109",  # a citation
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",  # a big platform
        "Source: https://a-small-site.com/report",  # labelled as a source
        "Here is the official timetable for the new trains: https://www.nationalrail.co.uk/",
        "Great article, the figures are on https://www.ons.gov.uk/economy",  # praise + citation
    ],
)
def test_not_link_drops(text: str) -> None:
    assert "link_drop" not in _kinds(text)


def test_keyword_stuffing() -> None:
    text = "payday loans online payday loans no credit check payday loans same day loans"
    assert _kinds(text)["stuffing"] == pytest.approx(0.85)
    calm = "Best team, best manager, best fans. What a season for the club!"
    assert "stuffing" not in _kinds(calm)
    long_rant = " ".join(["the council and the budget and the roads, cheap talk, best"] * 12)
    assert "stuffing" not in _kinds(long_rant)  # too long to be an SEO snippet


def test_offer_makes_the_phone_number_spam_evidence() -> None:
    text = "Cheap Xanax and Valium for sale, discreet shipping, text 555-201-3344"
    kinds = [f.kind for f in detect(text)]
    assert "offer" in kinds and "contact" in kinds


@pytest.mark.parametrize(
    ("host", "domain", "reference"),
    [
        ("www.news.example.co.uk", "example.co.uk", False),
        ("en.wikipedia.org", "wikipedia.org", True),
        ("www.manchester.gov.uk", "manchester.gov.uk", True),
        ("cdc.gov", "cdc.gov", True),
        ("data.worldbank.org", "worldbank.org", True),
        ("cheap-pills.biz", "cheap-pills.biz", False),
        ("t.co", "t.co", False),
    ],
)
def test_domains(host: str, domain: str, reference: bool) -> None:
    assert registrable_domain(host) == domain
    assert is_reference_domain(host) is reference


def test_trusted_domains_are_citations() -> None:
    assert is_reference_domain("blog.oursite.com", frozenset({"oursite.com"}))
    assert not is_reference_domain("blog.oursite.com")


def test_a_lure_inside_a_link_is_no_offer_and_the_link_counts_once() -> None:
    """'cheap' in the domain is the site's name: no offer; the bare link is one piece of
    evidence (the link drop), not a link and a link drop on the same span."""
    text = "My review: http://cheap-eats-denver.com"
    found = find_spam(text)
    assert [(f.kind, f.text) for f in found] == [("link_drop", "http://cheap-eats-denver.com")]
    assert category_scores(found)["spam"] == pytest.approx(0.6)


def test_a_lure_outside_the_link_still_makes_an_offer() -> None:
    found = {f.kind: f for f in find_spam("Cheap pills, order at cheap-pills.biz")}
    assert found["offer"].text == "Cheap"  # the lure in the text, not the one in the domain
    assert found["link"].text == "cheap-pills.biz"


def test_link_and_link_drop_never_share_a_span() -> None:
    for text in (
        "http://cheap-pills.biz",
        "Great post! Visit http://cheap-pills.biz",
        "see bit.ly/x",
    ):
        spans = [(f.start, f.end) for f in find_spam(text) if f.kind in ("link", "link_drop")]
        assert len(spans) == len(set(spans)) == 1, text


@pytest.mark.parametrize(
    ("text", "link"),
    [
        ('Agreed. <a href="http://cheap-jerseys-outlet.biz">jerseys</a>',
         "http://cheap-jerseys-outlet.biz"),
        ("[url=https://replica-watches.top/sale]replica watches[/url]",
         "https://replica-watches.top/sale"),
        ("nice <A HREF='www.pills-direct.shop'>pills</A>", "www.pills-direct.shop"),
    ],
)  # fmt: skip
def test_a_link_in_anchor_markup_is_strong_spam_evidence(text: str, link: str) -> None:
    links = [f for f in find_spam(text) if f.kind == "link"]
    assert [f.text for f in links] == [link]  # the URL only, never the BBCode after it
    assert links[0].score == pytest.approx(0.7)


@pytest.mark.parametrize(
    "text",
    [
        'Good analysis, the <a href="https://www.bbc.co.uk/news/uk-123">BBC report</a> agrees.',
        "Full report: [url=https://www.gov.uk/report]gov.uk[/url]",
    ],
)
def test_a_citation_in_markup_is_an_ordinary_link(text: str) -> None:
    assert all(f.kind == "link" and f.score < 0.5 for f in find_spam(text))


@pytest.mark.parametrize(
    "text", ["[url]http://replica-bags.top[/url]", '[url="http://replica-bags.top"]bags[/url]']
)
def test_other_bbcode_forms_are_markup(text: str) -> None:
    assert _kinds(text) == {"link": pytest.approx(0.7)}


def test_a_pasted_tweets_t_co_link_is_no_shortener() -> None:
    tweet = (
        "Ministers confirm the bridge reopens Monday, details from the council http://t.co/Ab3dE"
    )
    assert _kinds(tweet) == {"link": pytest.approx(0.25)}
    assert _kinds("Ministers confirm the bridge reopens Monday bit.ly/Ab3dE")["link"] >= 0.5


def test_a_markdown_link_ends_at_its_bracket() -> None:
    (link,) = find_spam("The figures are [in the report](https://www.gov.uk/x) for anyone asking")
    assert link.text == "https://www.gov.uk/x"


@pytest.mark.parametrize(
    ("text", "handle"),
    [
        ("my private vids are here if u want snap: kayla.xo99", "kayla.xo99"),
        ("Hey handsome, I'm new here. Add me on Kik: sweet_marina_91", "sweet_marina_91"),
        ("signals every day, telegram @fx_anna", "fx_anna"),
    ],
)
def test_a_messenger_username_is_spam_evidence(text: str, handle: str) -> None:
    found = [f for f in find_spam(text) if f.kind == "handle"]
    assert [f.text for f in found] == [handle] and found[0].score == pytest.approx(0.6)


@pytest.mark.parametrize(
    "text",
    [
        "There's a WhatsApp group for parents at the school where this came up.",
        "Scammers messaged my dad on WhatsApp pretending to be me.",
        "I use Signal at work: it is what the article recommends.",
        "Signal: johnsmith is not a username anyone would pick",
        "The line at walmart.com was long, the site crashed twice.",  # 'line' is a word
        "signal at st.johns was down all morning",
        "telegram: t.me/fx_signals",  # a link: the link rules score it
        "Kik: sweet.marina.com",
    ],
)
def test_messengers_named_without_a_username_are_not(text: str) -> None:
    assert "handle" not in _kinds(text)
