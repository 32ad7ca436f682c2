"""Slot values for the comment-spam grammar (`training.augment_spam`): openers, closers and
the ways spam gives to reach the spammer (links in many spellings, messenger handles, emails,
phone numbers in fictional ranges), drawn from one seeded `random.Random` and Faker."""

from __future__ import annotations

import random

OPENERS = (
    "", "", "", "Wow.", "Very true.", "Good points here.", "I totally agree with the writer.",
    "Well said!", "This article is spot on.", "Really enjoyed reading this.", "So sad.",
    "Honestly,", "Friends,", "Hello everyone,", "Hi all!", "Guys listen.",
    "Not to go off topic but", "Sorry to interrupt,", "For anyone reading this,",
    "Thank you author for this piece.",
    "Nice write up, keep it coming.", "I have been following this site for years.",
    "Same thing happened to my cousin.", "God bless you all.", "Great job on this one.",
)  # fmt: skip
CLOSERS = (
    "", "", "", "Thank me later.", "You won't regret it.", "Don't miss out!", "Limited spots.",
    "God bless.", "Act fast.", "100% legit.", "No scam.", "Trust me on this.", "Hurry!!",
    "Offer ends tonight.", "Message now.", "Only a few left.", "Best decision I ever made.",
    "Share with anyone who needs it.", "Serious people only.", "It works!!!",
)  # fmt: skip
MESSENGERS = ("WhatsApp", "Telegram", "Kik", "Snapchat", "Signal", "Viber", "WeChat", "Insta")
TLDS = (
    "com", "net", "info", "biz", "xyz", "online", "shop", "store", "site", "live", "club", "top",
    "win", "click", "io", "co", "app", "today", "link", "pro", "vip", "cc",
)  # fmt: skip
SLUG_WORDS = (
    "cash", "profit", "deal", "best", "fast", "easy", "win", "free", "hot", "secret", "pro",
    "smart", "legit", "daily", "king", "hub", "zone", "plus", "world", "gain", "rich", "cheap",
    "prime", "trade", "loan", "meet", "pills", "health", "lucky", "bonus", "crypto", "coin",
)  # fmt: skip


class Draw:
    """Slot values from one seeded `random.Random` and Faker (names, cities, numbers)."""

    def __init__(self, seed: int) -> None:
        from faker import Faker

        self.rng = random.Random(seed)
        self.fake = Faker(["en_US", "en_GB", "en_IN", "en_CA"])
        self.fake.seed_instance(seed)

    def pick(self, options: tuple[str, ...]) -> str:
        return self.rng.choice(options)

    def money(self, low: int, high: int) -> str:
        value = self.rng.randrange(low, high)
        step = 100 if value > 2000 else 10
        value = max(step, value // step * step)
        return self.rng.choice((f"${value:,}", f"${value}", f"{value} dollars", f"£{value:,}"))

    def domain(self) -> str:
        words = self.rng.sample(SLUG_WORDS, self.rng.choice((1, 2, 2, 3)))
        joiner = self.rng.choice(("", "-", ""))
        name = joiner.join(words) + self.rng.choice(("", "", "24", "4u", "365", "now", "hq"))
        return f"{name}.{self.pick(TLDS)}"

    def link(self) -> str:
        domain = self.domain()
        style = self.rng.randrange(8)
        if style == 0:
            return f"https://{domain}/{self.rng.choice(('offer', 'join', 'r', 'go', 'free'))}"
        if style == 1:
            return f"www.{domain}"
        if style == 2:
            name, tld = domain.rsplit(".", 1)
            return self.rng.choice((f"{name} dot {tld}", f"{name}(.){tld}", f"{name} [.] {tld}"))
        if style == 3:
            code = "".join(self.rng.choices("abcdefghkmnpqrstuvwxyz23456789", k=6))
            return f"{self.rng.choice(('bit.ly', 'tinyurl.com', 'cutt.ly', 'rb.gy'))}/{code}"
        if style == 4:
            anchor = " ".join(self.rng.sample(SLUG_WORDS, 2))
            return self.rng.choice(
                (f'<a href="http://{domain}">{anchor}</a>', f"[url=http://{domain}]{anchor}[/url]")
            )
        return domain if style < 6 else f"https://{domain}"

    def name(self) -> str:
        return f"{self.fake.first_name()} {self.fake.last_name()}"

    def handle(self) -> str:
        base = self.fake.user_name()
        return self.rng.choice((base, f"{base}_{self.rng.randrange(10, 99)}", f"official_{base}"))

    def email(self) -> str:
        host = self.rng.choice(("gmail.com", "yahoo.com", "outlook.com", "protonmail.com"))
        return f"{self.handle().replace('.', '')}@{host}"

    def phone(self) -> str:
        return self.rng.choice(
            (
                f"+1 ({self.rng.randrange(200, 999)}) 555-01{self.rng.randrange(10, 99)}",
                f"+44 7700 900{self.rng.randrange(100, 999)}",
                f"+234 80{self.rng.randrange(10, 99)} {self.rng.randrange(100, 999)} 4410",
                f"+91 98{self.rng.randrange(100, 999)} {self.rng.randrange(10000, 99999)}",
            )
        )

    def reach(self) -> str:
        """A way to reach the spammer, in one of many phrasings (or none: many pitches only
        name someone to look up, or nothing at all)."""
        kind = self.rng.randrange(9)
        if kind == 7:
            return self.rng.choice(
                (
                    "",
                    "",
                    f"Look up {self.name()} online.",
                    f"Search '{self.rng.choice(SLUG_WORDS)} {self.rng.choice(SLUG_WORDS)}'.",
                    "Contact him and thank me later.",
                    "She is real and honest.",
                    "Same name as here.",
                    "Ask me how.",
                )
            )
        if kind == 8:
            app = self.pick(MESSENGERS)
            return f"{app.lower()}: {self.handle()}"
        if kind == 0:
            return self.rng.choice(("Visit", "Go to", "Check", "Details at", "Sign up at")) + (
                f" {self.link()}"
            )
        if kind == 1:
            app = self.pick(MESSENGERS)
            return self.rng.choice((f"{app} me", f"Add me on {app}", f"Reach out on {app}")) + (
                f" {self.rng.choice(('@', ''))}{self.handle()}"
            )
        if kind == 2:
            return self.rng.choice(("Email", "Write to", "Contact")) + f" {self.email()}"
        if kind == 3:
            return self.rng.choice(("Call or text", "WhatsApp", "Call")) + f" {self.phone()}"
        if kind == 4:
            return self.rng.choice(("link in my bio", "DM me for the link", "inbox me for info"))
        if kind == 5:
            return f"{self.rng.choice(('more info', 'see', 'proof'))}: {self.link()}"
        return f"{self.link()}"
