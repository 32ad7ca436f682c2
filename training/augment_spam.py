"""Comment-spam augmentation: the spam news sites get, written as a grammar, for training only.

The public spam data is SMS (sms_spam) and YouTube comments (youtube_spam): "FREE entry",
"txt WIN to 80082", "check out my channel". The spam under a news article is different: a
stock compliment wrapped round a link, a loan testimonial naming a lender, a crypto "recovery
expert" with a Gmail address, SEO lines for a plumber in Dallas, a Telegram handle for betting
tips. The model had never seen one, so it left them to the rules, which can only see the link
or the number. This grammar crosses pitches (what is sold or promised) with openers (stock
praise, agreement, a personal story), ways to reach the spammer (links, bare and obfuscated
domains, messenger handles, emails, phone numbers) and closers, with names, places, amounts and
domains drawn from a seeded Faker, so the words around a pitch vary as they do in the wild.

Beside the spam, `civil_lookalikes` are readers' comments on the same subjects (a scam warning,
a loan that went wrong, working from home, a citation link, a local business in the news),
labelled clean in every category: the model must learn the pitch, not the topic.

The wording is ours and was written without copying any evaluation set: a test checks that no
sentence shares a five-word phrase with `training/eval/spam*.jsonl` (the evaluation sets, which
stay held out). Every row is added to the training split only.
"""

from __future__ import annotations

import pandas as pd

from moderation.categories import CATEGORIES
from training.spam_pitches import ASSETS, PITCHES
from training.spam_slots import CLOSERS, OPENERS, Draw

SOURCE = "spam_grammar"
SEED = 2026


def _civil(d: Draw) -> str:
    """A reader talking about the same subjects without selling anything."""
    kind = d.rng.randrange(9)
    if kind == 0:
        return (
            f"My {d.pick(('dad', 'aunt', 'neighbour'))} lost {d.money(500, 20000)} to a "
            f"{d.pick(('crypto', 'loan', 'romance', 'lottery'))} scam last year, tell your "
            f"parents to ignore messages like this."
        )
    if kind == 1:
        return (
            f"The full {d.pick(('council', 'ministry', 'regulator'))} report has the numbers "
            f"behind this: https://www.{d.pick(('gov.uk', 'canada.ca', 'usa.gov'))}/"
            f"{d.pick(('report', 'statistics', 'housing'))}"
        )
    if kind == 2:
        return (
            f"I {d.pick(('work from home', 'run a small bakery', 'drive for a living'))} and "
            f"{d.money(30, 400)} a week more in {d.pick(('fuel', 'rent', 'energy'))} is a lot."
        )
    if kind == 3:
        return (
            f"{d.fake.company()} in {d.fake.city()} has been {d.pick(('hiring', 'closing'))} "
            f"all year, the article barely mentions it."
        )
    if kind == 4:
        return (
            f"{d.pick(ASSETS).capitalize()} went from {d.money(100, 900)} to "
            f"{d.money(1000, 9000)} and back, nobody should treat it as savings."
        )
    if kind == 5:
        return (
            f"The fundraiser for the {d.pick(('food bank', 'library', 'school roof'))} is on "
            f"Saturday at the {d.pick(('town hall', 'church hall', 'community centre'))}."
        )
    if kind == 6:
        return f"Great article. {d.pick(OPENERS) or 'Thanks.'} The interviews were the best part."
    if kind == 7:  # a public number passed on to someone in need: the commonest civil contact
        line = d.pick(
            (
                "988, the crisis line", "116 123 for the Samaritans", "311 for the city",
                "the helpline on 0808 800 5000", "Crimestoppers on 0800 555 111",
                "the council on 0300 123 4567",
            )
        )  # fmt: skip
        return (
            f"{d.pick(('If this story hit close to home,', 'For anyone affected,', 'Please,'))} "
            f"{d.pick(('call or text', 'ring', 'you can reach'))} {line}. "
            f"{d.pick(('They helped my brother.', 'You are not alone.', 'It is free.', ''))}"
        ).strip()
    return (
        f"A loan at {d.rng.randrange(2, 30)}% is still a loan, the government should fix "
        f"{d.pick(('wages', 'rents', 'student debt'))} instead."
    )


def spam_sentences(n: int = 3000, *, seed: int = SEED) -> list[str]:
    """`n` distinct spam comments: pitches with openers and closers, in varied casing."""
    d = Draw(seed)
    out: dict[str, None] = {}
    while len(out) < n:
        pitch = d.rng.choice(PITCHES)(d)
        text = " ".join(p for p in (d.pick(OPENERS), pitch, d.pick(CLOSERS)) if p)
        if d.rng.random() < 0.08:
            text = text.upper()
        out[" ".join(text.split())] = None
    return list(out)


def civil_lookalikes(n: int = 1000, *, seed: int = SEED + 1) -> list[str]:
    """`n` distinct clean comments on the subjects spam is about."""
    d = Draw(seed)
    out: dict[str, None] = {}
    for _ in range(50 * n):
        if len(out) >= n:
            break
        out[_civil(d)] = None
    return list(out)


def spam_frame(*, spam: int = 3000, civil: int = 1000) -> pd.DataFrame:
    """The augmentation rows in the loaders' format: spam rows spam 1, everything else 0."""
    texts = spam_sentences(spam)
    clean = civil_lookalikes(civil)
    frame = pd.DataFrame(
        {
            "text": texts + clean,
            "source": SOURCE,
            "group": [f"{SOURCE}:{t}" for t in texts + clean],
        }
    )
    for category in CATEGORIES:
        frame[category] = 0.0
    frame.loc[: len(texts) - 1, "spam"] = 1.0
    return frame
