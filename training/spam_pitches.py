"""The pitches of the comment-spam grammar (`training.augment_spam`): what spam under a news
article sells or promises, one function per genre, each drawing its slots from a `Draw`."""

from __future__ import annotations

from collections.abc import Callable

from training.spam_slots import Draw

_PRODUCTS = (
    ("a keto supplement", "lose 25 pounds in a month"),
    ("this herbal formula", "reverse type 2 diabetes"),
    ("a hair growth serum", "regrow a full head of hair"),
    ("these male enhancement gummies", "last all night"),
    ("a joint pain cream", "walk without a cane again"),
    ("an eye vitamin", "throw away your glasses"),
    ("a detox tea", "melt belly fat while you sleep"),
    ("a brain booster", "double your memory in weeks"),
    ("a CBD oil", "cure anxiety and insomnia"),
    ("a blood sugar tonic", "come off insulin for good"),
)
_PRIZES = (
    "an iPhone 16", "a PS5", "a $750 gift card", "a Walmart voucher", "free groceries for a year",
    "a brand new Tesla", "a Costco membership", "2 free flights", "a MacBook", "a $1000 Visa card",
)  # fmt: skip
_BRANDS = ("Amazon", "Walmart", "Apple", "Netflix", "Costco", "Tesco", "Aldi", "Target", "Lidl")
_SERVICES = (
    "plumbing", "roof repair", "carpet cleaning", "SEO services", "web design",
    "packers and movers", "dental implants", "car rental", "pest control", "wedding photography",
    "IELTS coaching",
    "digital marketing", "custom t-shirts", "essay writing", "tree removal", "locksmith services",
    "interior design", "payday loans", "laptop repair", "study visa consultancy",
)  # fmt: skip
_DOCUMENTS = (
    "passports", "driving licences", "ID cards", "residence permits", "diplomas", "visas",
    "bank statements", "work permits",
)  # fmt: skip
ASSETS = ("bitcoin", "BTC", "ethereum", "USDT", "crypto", "forex", "binary options", "gold")
_PARTNERS = ("husband", "wife", "ex boyfriend", "ex girlfriend", "lover", "fiance", "partner")
_JOBS = (
    "data entry", "online chat support", "product reviewer", "social media assistant",
    "typing from home", "survey taker", "remote customer service", "parcel reshipping",
)  # fmt: skip


def _earnings(d: Draw) -> str:
    who = d.pick(("I", "My sister", "My neighbour", "A friend of mine", "My mom", "My roommate"))
    verb = "earn" if who == "I" else "earns"
    return (
        f"{who} {verb} {d.money(150, 900)} {d.pick(('a day', 'every day', 'per day'))} "
        f"{d.pick(('from home', 'on my laptop', 'in my free time', 'with just a phone'))}, "
        f"{d.pick(('no skills required', 'no boss', 'only 2 hours a day', 'zero investment'))}. "
        f"{d.reach()}"
    )


def _investment(d: Draw) -> str:
    name = d.name()
    return (
        f"{d.pick(('I started', 'I invested', 'I put'))} {d.money(300, 3000)} in "
        f"{d.pick(ASSETS)} with {d.pick(('Mrs', 'Mr', 'expert', 'trader'))} {name} and "
        f"got back {d.money(8000, 60000)} in {d.rng.randrange(5, 30)} days. "
        f"{d.pick(('Her', 'His', 'The'))} strategy is real. {d.reach()}"
    )


def _recovery(d: Draw) -> str:
    team = f"{d.fake.last_name()} {d.pick(('Recovery', 'Cyber Unit', 'Hack Solutions'))}"
    return (
        f"{d.pick(('Lost', 'Got scammed out of', 'Had'))} {d.money(2000, 90000)} in "
        f"{d.pick(ASSETS)}{d.pick(('', ' to a fake broker', ' stolen'))}? {team} "
        f"{d.pick(('got every cent back for me', 'traced and returned my funds', 'helped me'))}. "
        f"{d.reach()}"
    )


def _loan(d: Draw) -> str:
    lender = f"{d.pick(('Mr', 'Mrs', 'Dr'))} {d.name()}"
    return (
        f"{d.pick(('Thanks to', 'All glory to', 'Big thanks to', 'I recommend'))} {lender} "
        f"{d.pick(('who gave me a loan of', 'for a quick loan of', 'for approving'))} "
        f"{d.money(5000, 80000)} at {d.rng.randrange(1, 4)}% "
        f"{d.pick(('interest', 'rate', 'when every bank said no'))}. {d.reach()}"
    )


def _spell(d: Draw) -> str:
    return (
        f"{d.pick(('Dr', 'Priest', 'Baba', 'Lady'))} {d.fake.first_name()} "
        f"{d.pick(('brought my', 'returned my', 'restored my marriage with my'))} "
        f"{d.pick(_PARTNERS)} {d.pick(('back', 'home', 'to me'))} in {d.rng.randrange(2, 9)} "
        f"days with a {d.pick(('love spell', 'powerful prayer', 'spell'))}. {d.reach()}"
    )


def _adult(d: Draw) -> str:
    return (
        f"{d.pick(('Lonely', 'Bored', 'Single', 'Naughty'))} "
        f"{d.pick(('tonight', 'this weekend', 'and looking'))}? "
        f"{d.pick(('Girls in', 'Hot singles near', 'Women from'))} {d.fake.city()} "
        f"{d.pick(('want to meet', 'are online now', 'want to chat'))} 😘 {d.reach()}"
    )


def _pharma(d: Draw) -> str:
    product, claim = d.pick(_PRODUCTS)  # type: ignore[arg-type]
    return (
        f"{d.pick(('Doctors hate this:', 'I used', 'Try'))} {product} to {claim}. "
        f"{d.pick(('Order today', 'Free trial', 'Buy 2 get 1 free', 'Discount for readers'))}, "
        f"{d.reach()}"
    )


def _seo(d: Draw) -> str:
    city = d.fake.city()
    return (
        f"{d.pick(('Thanks for the useful information.', 'Helpful blog.', 'Keep sharing.'))} "
        f"{d.pick(('We provide', 'Need', 'We are experts in', 'Get'))} "
        f"{d.pick(('top', 'budget', 'number one', 'certified'))} {d.pick(_SERVICES)} in "
        f"{city} {d.pick(('at low cost', 'near you', '24/7', 'with free quote'))}. {d.reach()}"
    )


def _giveaway(d: Draw) -> str:
    return (
        f"{d.pick(_BRANDS)} {d.pick(('is handing out', 'will send', 'now offers'))} "
        f"{d.pick(_PRIZES)} to {d.pick(('the first 300 people', 'every reader', 'all who'))} "
        f"{d.pick(('who answer a short survey', 'claiming today', 'register'))}. {d.reach()}"
    )


def _job(d: Draw) -> str:
    return (
        f"{d.pick(('Hiring now:', 'Urgent vacancy -', 'We need'))} {d.pick(_JOBS)}, "
        f"{d.money(500, 1500)} {d.pick(('weekly', 'per week', 'a week'))}, "
        f"{d.pick(('work from anywhere', 'flexible hours', 'no interview'))}. {d.reach()}"
    )


def _documents(d: Draw) -> str:
    return (
        f"{d.pick(('Buy', 'We sell', 'Get'))} {d.pick(('real', 'registered', 'genuine'))} "
        f"{d.pick(_DOCUMENTS)} {d.pick(('fast delivery', 'in 5 days', 'for all countries'))}. "
        f"{d.reach()}"
    )


def _betting(d: Draw) -> str:
    return (
        f"{d.pick(('Fixed matches', 'VIP betting tips', 'Sure odds', 'Casino bonus'))} "
        f"{d.pick(('with 95% accuracy', 'won me 4 slips in a row', 'every weekend'))}, "
        f"{d.pick(('join us', 'subscribe', 'join the group'))}. {d.reach()}"
    )


def _promo(d: Draw) -> str:
    return (
        f"{d.pick(('Subscribe to', 'Follow', 'Support', 'Please check'))} my "
        f"{d.pick(('channel', 'page', 'shop', 'podcast', 'TikTok', 'blog'))} "
        f"{d.pick(('for tips every day', 'for more truth', 'for discounts', ''))} {d.reach()}"
    )


def _link_drop(d: Draw) -> str:
    return f"{d.pick(('', 'see', 'look', 'full story', 'watch', 'lol', '>>>', '👉'))} {d.link()}"


def _advance_fee(d: Draw) -> str:
    return (
        f"{d.pick(('Greetings.', 'Dear friend,', 'ATTENTION:', 'Hello beneficiary,'))} "
        f"{d.pick(('My name is', 'This is'))} {d.pick(('Mrs.', 'Barrister', 'Captain', 'Prince'))} "
        f"{d.name()}, {d.pick(('a widow', 'a bank auditor', 'a soldier abroad', 'an heir'))}. "
        f"{d.pick(('An unclaimed fund of', 'A consignment worth', 'Your payment of'))} "
        f"{d.money(500000, 9000000)} {d.pick(('awaits you', 'has been approved', 'is ready'))}, "
        f"{d.pick(('send your full name and address', 'pay the clearance fee', 'reply now'))}. "
        f"{d.reach()}"
    )


def _clickbait(d: Draw) -> str:
    return (
        f"{d.pick(('SHOCKING:', 'Breaking!!', 'They tried to hide this.', 'Omg'))} "
        f"{d.pick(('the real footage', 'what this celebrity did', 'the leaked report'))} "
        f"{d.pick(('is going viral', 'will make you sick', 'changes everything'))}, "
        f"{d.pick(('watch it before they take it down', 'see it before the ban', 'full clip'))} "
        f"{d.pick(('on my page', '>>', 'here:', '👇'))} {d.rng.choice(('', d.link()))}"
    )


def _channel(d: Draw) -> str:
    return (
        f"{d.pick(('Just dropped', 'Check out', 'Listen to', 'Launching'))} my "
        f"{d.pick(('EP', 'mixtape', 'newsletter', 'stream', 'podcast', 'app', 'ebook'))} on "
        f"{d.pick(('Spotify', 'Twitch', 'Substack', 'YouTube', 'Etsy', 'Gumroad', 'Patreon'))}, "
        f"{d.pick(('search', 'look for', 'find'))} '{d.name()}' "
        f"{d.pick(('and subscribe', 'please share', 'every follow helps', ''))} {d.reach()}"
    )


def _token(d: Draw) -> str:
    ticker = "".join(d.rng.choices("ABCDEFGHKLMNPQRSTUVXYZ", k=d.rng.randrange(3, 6)))
    return (
        f"${ticker} {d.pick(('will 50x soon', 'will moon this week', 'just listed'))}, "
        f"{d.pick(('presale closes tomorrow', 'get in early', 'whales are buying'))}. {d.reach()}"
    )


def _selling(d: Draw) -> str:
    goods = (
        "concert tickets", "undetectable counterfeit notes", "Instagram followers",
        "YouTube views", "cloned cards", "exam answers", "essays and assignments",
        "verified accounts", "designer replicas",
    )  # fmt: skip
    return (
        f"{d.pick(('Selling', 'Buy', 'Cheap', 'We provide'))} {d.pick(goods)}, "
        f"{d.pick(('payment by gift card', 'fast and discreet', 'PayPal friends only'))}. "
        f"{d.reach()}"
    )


PITCHES: tuple[Callable[[Draw], str], ...] = (
    _earnings, _investment, _recovery, _loan, _spell, _adult, _pharma, _seo, _giveaway, _job,
    _documents, _betting, _promo, _link_drop, _advance_fee, _clickbait, _channel, _token,
    _selling,
)  # fmt: skip
