"""Fake but well-formed personal data for the doxing evaluation set (`make_doxing.py`).

Every value is what a real one looks like: phone numbers are valid for their region according
to `phonenumbers` (random digits on the region's example number, redrawn until valid) and
printed in the national, international and E.164 styles people type; card numbers pass Luhn;
ID numbers carry their real check digits (Aadhaar: Verhoeff, Canadian SIN: Luhn, Spanish DNI:
check letter, Brazilian CPF: two mod-11 digits); addresses follow each country's postal layout.
Names, postcodes, cards and IBANs come from Faker; everything is drawn from one seeded
`random.Random`, so the set is reproducible.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import phonenumbers
from faker import Faker
from phonenumbers import PhoneNumberFormat, PhoneNumberType
from stdnum import luhn, verhoeff
from stdnum.es import dni


@dataclass(frozen=True)
class Value:
    """One piece of PII as it appears in the comment, its kind and a format label."""

    text: str
    kind: str
    group: str


PHONE_REGIONS = (
    "US", "CA", "GB", "IE", "DE", "FR", "ES", "IT", "NL", "IN", "BR", "MX", "AU", "NZ", "JP",
    "ZA", "SG",
)  # fmt: skip
LOCALES = {
    "US": "en_US", "CA": "en_CA", "GB": "en_GB", "IE": "en_IE", "DE": "de_DE", "FR": "fr_FR",
    "ES": "es_ES", "IT": "it_IT", "NL": "nl_NL", "IN": "en_IN", "BR": "pt_BR", "MX": "es_MX",
    "AU": "en_AU", "NZ": "en_NZ", "JP": "ja_JP", "ZA": "en_US", "SG": "en_US",
}  # fmt: skip

CITIES = {
    "US": [("Springfield", "IL"), ("Austin", "TX"), ("Dayton", "OH"), ("Tacoma", "WA"),
           ("Fresno", "CA"), ("Boise", "ID"), ("Raleigh", "NC"), ("Tulsa", "OK"),
           ("Madison", "WI"), ("Scranton", "PA"), ("Mesa", "AZ"), ("Albany", "NY")],
    "GB": ["Reading", "Leeds", "Bristol", "Norwich", "Swindon", "Bolton", "York", "Derby"],
    "CA": [("Toronto", "ON"), ("Halifax", "NS"), ("Calgary", "AB"), ("Victoria", "BC"),
           ("Regina", "SK"), ("Winnipeg", "MB"), ("Hamilton", "ON")],
    "AU": [("Parramatta", "NSW"), ("Geelong", "VIC"), ("Toowoomba", "QLD"),
           ("Fremantle", "WA"), ("Glenelg", "SA"), ("Hobart", "TAS")],
    "DE": ["Berlin", "Hamburg", "Köln", "Leipzig", "Dortmund", "Bremen", "Kassel"],
    "FR": ["Paris", "Lyon", "Nantes", "Lille", "Rennes", "Toulouse"],
    "ES": ["Madrid", "Sevilla", "Valencia", "Zaragoza"],
    "IT": ["Roma", "Torino", "Bologna", "Verona"],
}  # fmt: skip
STREET_WORDS = (
    "Maple", "Oak", "Elm", "Cedar", "Pine", "Willow", "Chestnut", "Main", "Church", "Mill",
    "Park", "Lake", "Hill", "Station", "Victoria", "King", "Queen", "Highland", "Sunset",
    "Ridgeview", "Cherry", "Walnut", "Orchard", "Meadow", "Fairview", "Lincoln", "Jefferson",
    "Washington", "Franklin", "Madison", "Pleasant", "Spring", "Forest", "River",
)  # fmt: skip
US_SUFFIXES = (
    ["Street", "St", "Avenue", "Ave", "Road", "Rd", "Drive", "Dr", "Lane", "Ln", "Court",
     "Ct", "Place", "Boulevard", "Blvd", "Way", "Circle", "Terrace", "Parkway", "Trail"] * 3
    + ["Run", "Ridge", "Crossing", "Point", "Path", "Bend", "Cove", "Loop", "Pike", "Hollow"]
)  # fmt: skip
UK_SUFFIXES = (
    "Road", "Street", "Lane", "Close", "Avenue", "Drive", "Crescent", "Gardens", "Grove", "Way",
    "Terrace", "Place", "Mews", "Hill", "Walk", "Row", "Square", "Court", "Rise", "View",
)  # fmt: skip
DE_SUFFIXES = ("straße", "str.", "weg", "gasse", "allee", "platz", "ring", "damm")
NI_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
NI_SECOND = "ABCEGHJKLMNPRSTWXYZ"
NI_BAD = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


class Values:
    """Seeded generators of names and PII values."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.fakers: dict[str, Faker] = {}
        self.seed = seed

    def faker(self, locale: str) -> Faker:
        if locale not in self.fakers:
            fake = Faker(locale)
            fake.seed_instance(self.seed + len(self.fakers))
            self.fakers[locale] = fake
        return self.fakers[locale]

    # -- people ---------------------------------------------------------------------------

    def person(self, region: str = "US", *, female: bool) -> tuple[str, str]:
        """(first name, last name) of a person from `region`."""
        fake = self.faker(LOCALES.get(region, "en_US"))
        if region == "JP":
            first = (
                fake.first_romanized_name_female() if female else fake.first_romanized_name_male()
            )
            return first, fake.last_romanized_name()
        first = fake.first_name_female() if female else fake.first_name_male()
        return first.split()[0], fake.last_name().split()[0]

    # -- phones ---------------------------------------------------------------------------

    def phone(self, region: str, style: str, *, fixed: bool = False) -> Value:
        """A valid mobile or fixed-line number of `region` in `style`: national, international,
        e164, trunk ("+44 (0)20 ...") or plain (national digits, no spaces)."""
        kind = self.rng.choice((PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE))
        kind = PhoneNumberType.FIXED_LINE if fixed else kind
        example = phonenumbers.example_number_for_type(region, kind)
        digits = str(example.national_number)
        for _ in range(1000):
            keep = max(3, len(digits) - 6)
            candidate = digits[:keep] + "".join(
                self.rng.choice("0123456789") for _ in digits[keep:]
            )
            number = phonenumbers.parse(candidate, region)
            if phonenumbers.is_valid_number(number) and "555" not in candidate[3:6]:
                break
        else:  # pragma: no cover - every region above has valid random numbers
            number = example
        if style == "national":
            text = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
        elif style == "international":
            text = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
        elif style == "e164":
            text = phonenumbers.format_number(number, PhoneNumberFormat.E164)
        elif style == "trunk":
            national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
            text = f"+{number.country_code} (0){national.lstrip('0')}"
        else:  # plain national digits
            text = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
            text = "".join(c for c in text if c.isdigit())
        if region in ("US", "CA") and style == "national" and self.rng.random() < 0.5:
            sep = self.rng.choice(("-", "."))
            nsn = str(number.national_number)
            text = f"{nsn[:3]}{sep}{nsn[3:6]}{sep}{nsn[6:]}"
        return Value(text, "phone", f"phone:{region}:{style}")

    # -- emails ---------------------------------------------------------------------------

    def email(self, first: str, last: str, style: str) -> Value:
        """An address built from the person's name, plain or spelled out ("at", "[at]")."""
        f, la = _ascii(first).lower(), _ascii(last).lower()
        local = self.rng.choice(
            (f"{f}.{la}", f"{f[0]}{la}", f"{f}{la}{self.rng.randint(1, 99)}", f"{f}_{la}",
             f"{la}.{f}", f"{f}{self.rng.randint(70, 99)}")
        )  # fmt: skip
        domain = self.rng.choice(
            ("gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com", "aol.com",
             "protonmail.com", "yahoo.co.uk", "btinternet.com", "gmx.de", "web.de", "orange.fr",
             "comcast.net", "shaw.ca", "bigpond.com", "hotmail.co.uk", "live.com")
        )  # fmt: skip
        if style == "work":
            company = self.rng.choice(
                ("harlow-logistics.com", "brightwaterdental.com", "northfieldschools.org",
                 "kesslerandsons.co.uk", "metroplumbing.net", "oakridgerealty.com")
            )  # fmt: skip
            return Value(f"{local}@{company}", "email", "email:work")
        if style == "plain":
            return Value(f"{local}@{domain}", "email", "email:plain")
        name, _, tld = domain.partition(".")
        if style == "spelled":
            dots = local.replace(".", " dot ")
            return Value(
                f"{dots} at {name} dot {tld.replace('.', ' dot ')}", "email", "email:spelled"
            )
        if style == "bracket":
            at, dot = self.rng.choice((("[at]", "[dot]"), ("(at)", "(dot)"), (" [at] ", " [dot] ")))
            return Value(f"{local}{at}{name}{dot}{tld.replace('.', dot)}", "email", "email:bracket")
        if style == "upper":
            return Value(
                f"{local} AT {name} DOT {tld.replace('.', ' DOT ')}", "email", "email:spelled"
            )
        return Value(f"{local} at {domain}", "email", "email:at")

    # -- addresses ------------------------------------------------------------------------

    def street(self, country: str) -> str:
        word = self.rng.choice(STREET_WORDS)
        if country == "DE":
            base = self.faker("de_DE").last_name().split("-")[0]
            suffix = self.rng.choice(DE_SUFFIXES)
            return base + suffix
        if country == "GB":
            return f"{word} {self.rng.choice(UK_SUFFIXES)}"
        if country == "US" and self.rng.random() < 0.15:
            n = self.rng.randint(2, 48)
            word = f"{n}{_ordinal(n)}"
        return f"{word} {self.rng.choice(US_SUFFIXES)}"

    def house(self, country: str) -> str:
        r = self.rng.random()
        if country in ("GB", "DE", "FR", "ES", "IT") or r < 0.4:
            return str(self.rng.randint(1, 160))
        return str(self.rng.randint(100, 9999 if r < 0.9 else 29999))

    def address(self, country: str, style: str) -> Value:
        rng = self.rng
        group = f"address:{country}:{style}"
        if country == "US":
            city, state = rng.choice(CITIES["US"])
            zipc = self.faker("en_US").postcode()
            num, street = self.house("US"), self.street("US")
            if rng.random() < 0.2:
                street = f"{rng.choice(('N', 'S', 'E', 'W'))} {street}"
            unit = rng.choice(("Apt 4B", "Apt. 12", "Unit 7", "#305", "Suite 210", "Apt 2"))
            text = {
                "street": f"{num} {street}",
                "unit": f"{num} {street} {unit}",
                "full": f"{num} {street}, {city}, {state} {zipc}",
                "full_unit": f"{num} {street}, {unit}, {city}, {state} {zipc}",
                "city_state": f"{num} {street}, {city}, {state}",
                "po_box": f"PO Box {rng.randint(10, 9999)}, {city}, {state} {zipc}",
            }[style]
        elif country == "GB":
            city = rng.choice(CITIES["GB"])
            postcode = self.faker("en_GB").postcode()
            num, street = self.house("GB"), self.street("GB")
            flat = f"Flat {rng.randint(1, 12)}"
            text = {
                "street": f"{num} {street}",
                "full": f"{num} {street}, {city} {postcode}",
                "full_comma": f"{num} {street}, {city}, {postcode}",
                "flat": f"{flat}, {num} {street}, {city} {postcode}",
                "flat_street": f"{flat}, {num} {street}",
            }[style]
        elif country == "CA":
            city, prov = rng.choice(CITIES["CA"])
            post = self.faker("en_CA").postcode()
            post = post if " " in post else f"{post[:3]} {post[3:]}"
            num, street = self.house("CA"), self.street("CA")
            text = {
                "street": f"{num} {street}",
                "full": f"{num} {street}, {city}, {prov} {post}",
                "unit_hyphen": f"{rng.randint(1, 30)}-{num} {street}, {city}, {prov} {post}",
                "unit": f"Unit {rng.randint(1, 30)}, {num} {street}",
            }[style]
        elif country == "AU":
            city, state = rng.choice(CITIES["AU"])
            post = str(rng.randint(2000, 7999))
            num, street = str(rng.randint(1, 220)), self.street("AU")
            text = {
                "street": f"{num} {street}",
                "full": f"{num} {street}, {city} {state} {post}",
                "slash": f"{rng.randint(1, 20)}/{num} {street}, {city} {state} {post}",
                "unit": f"Unit {rng.randint(1, 20)}, {num} {street}",
                "po_box": f"PO Box {rng.randint(10, 999)}, {city} {state} {post}",
            }[style]
        elif country == "DE":
            city = rng.choice(CITIES["DE"])
            num = f"{rng.randint(1, 140)}{rng.choice(('', '', '', 'a', 'b'))}"
            street = self.street("DE")
            text = {
                "street": f"{street} {num}",
                "full": f"{street} {num}, {rng.randint(10000, 99999)} {city}",
            }[style]
        elif country == "FR":
            city = rng.choice(CITIES["FR"])
            name = self.faker("fr_FR").last_name()
            way = rng.choice(("rue", "avenue", "boulevard", "rue de la", "chemin", "allée"))
            way = (
                f"rue {rng.choice(('de la Paix', 'Victor Hugo', 'du Moulin', 'des Lilas'))}"
                if (way == "rue de la")
                else f"{way} {name}"
            )
            num = rng.randint(1, 120)
            text = {
                "street": f"{num} {way}",
                "full": f"{num} {way}, {rng.randint(10, 95):02d}{rng.randint(0, 999):03d} {city}",
            }[style]
        else:  # ES / IT: name first
            city = rng.choice(CITIES[country])
            way = "Calle" if country == "ES" else "Via"
            name = self.faker("es_ES" if country == "ES" else "it_IT").last_name()
            num = rng.randint(1, 140)
            text = {
                "street": f"{way} {name} {num}",
                "full": f"{way} {name} {num}, {rng.randint(10000, 52999):05d} {city}",
            }[style]
        return Value(text, "address", group)

    # -- cards, IDs, IBAN, IP, plates -----------------------------------------------------

    def card(self, style: str) -> Value:
        brand = self.rng.choice(("visa16", "mastercard", "amex", "discover", "visa16"))
        digits = self.faker("en_US").credit_card_number(brand)
        if style == "compact":
            text = digits
        elif brand == "amex":
            sep = self.rng.choice((" ", "-"))
            text = f"{digits[:4]}{sep}{digits[4:10]}{sep}{digits[10:]}"
        else:
            sep = " " if style == "spaced" else "-"
            text = sep.join(digits[i : i + 4] for i in range(0, len(digits), 4))
        return Value(text, "card", f"card:{style}")

    def ssn(self, style: str) -> Value:
        while True:
            area, group, serial = (self.rng.randint(1, 899), self.rng.randint(1, 99),
                                   self.rng.randint(1, 9999))  # fmt: skip
            if area != 666:
                break
        sep = {"dashed": "-", "spaced": " ", "compact": ""}[style]
        return Value(f"{area:03d}{sep}{group:02d}{sep}{serial:04d}", "ssn", f"ssn:{style}")

    def ni(self, style: str) -> Value:
        while True:
            prefix = self.rng.choice(NI_FIRST) + self.rng.choice(NI_SECOND)
            if prefix not in NI_BAD:
                break
        d = f"{self.rng.randint(0, 999999):06d}"
        suffix = self.rng.choice("ABCD")
        if style == "spaced":
            return Value(f"{prefix} {d[:2]} {d[2:4]} {d[4:]} {suffix}", "ni", "ni:spaced")
        return Value(f"{prefix}{d}{suffix}", "ni", "ni:compact")

    def sin(self) -> Value:
        body = str(self.rng.randint(1, 7)) + "".join(
            self.rng.choice("0123456789") for _ in range(7)
        )
        full = body + luhn.calc_check_digit(body)
        sep = self.rng.choice((" ", "-"))
        return Value(f"{full[:3]}{sep}{full[3:6]}{sep}{full[6:]}", "sin", "sin")

    def aadhaar(self) -> Value:
        while True:
            body = str(self.rng.randint(2, 9)) + "".join(
                self.rng.choice("0123456789") for _ in range(10)
            )
            full = body + verhoeff.calc_check_digit(body)
            if full != full[::-1]:
                break
        return Value(f"{full[:4]} {full[4:8]} {full[8:]}", "aadhaar", "aadhaar")

    def dni(self) -> Value:
        body = f"{self.rng.randint(1_000_000, 99_999_999):08d}"
        letter = dni.calc_check_digit(body)
        sep = self.rng.choice(("", "", "-"))
        return Value(f"{body}{sep}{letter}", "dni", "dni")

    def cpf(self) -> Value:
        body = "".join(self.rng.choice("0123456789") for _ in range(9))
        full = body + _cpf_check_digits(body)
        return Value(f"{full[:3]}.{full[3:6]}.{full[6:9]}-{full[9:]}", "cpf", "cpf")

    def iban(self) -> Value:
        locale = self.rng.choice(("de_DE", "en_GB", "fr_FR", "es_ES", "nl_NL", "it_IT"))
        raw = self.faker(locale).iban()
        if self.rng.random() < 0.5:
            raw = " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))
        return Value(raw, "iban", f"iban:{locale[-2:]}")

    def ip(self) -> Value:
        return Value(self.faker("en_US").ipv4_public(), "ip", "ip:v4")

    def plate(self, country: str) -> Value:
        rng = self.rng
        letters = "ABCDEFGHJKLMNPRSTVWXYZ"

        def pick(n: int) -> str:
            return "".join(rng.choice(letters) for _ in range(n))

        def num(n: int) -> str:
            return "".join(rng.choice("0123456789") for _ in range(n))

        text = {
            "US": lambda: rng.choice(
                (
                    f"{num(1)}{pick(3)}{num(3)}",
                    f"{pick(3)}-{num(4)}",
                    f"{pick(3)} {num(4)}",
                    f"{num(3)} {pick(3)}",
                )
            ),
            "GB": lambda: f"{pick(2)}{num(2)} {pick(3)}",
            "DE": lambda: f"{rng.choice(('B', 'M', 'HH', 'K', 'F', 'S', 'DO'))}-{pick(2)} {num(4)}",
            "FR": lambda: f"{pick(2)}-{num(3)}-{pick(2)}",
            "AU": lambda: rng.choice((f"{pick(3)}-{num(3)}", f"{num(1)}{pick(3)} {num(3)}")),
            "CA": lambda: f"{pick(4)} {num(3)}",
            "NL": lambda: f"{num(2)}-{pick(3)}-{num(1)}",
        }[country]()
        return Value(text, "plate", f"plate:{country}")


def _ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _ascii(name: str) -> str:
    import unicodedata

    return (
        "".join(c for c in unicodedata.normalize("NFKD", name) if c.isascii() and c.isalpha())
        or "user"
    )


def _cpf_check_digits(body: str) -> str:
    """The two mod-11 check digits of a Brazilian CPF (weights 10..2, then 11..2)."""
    digits = [int(c) for c in body]
    for weight in (10, 11):
        total = sum(d * w for d, w in zip(digits, range(weight, 1, -1), strict=False))
        digits.append(total * 10 % 11 % 10)
    return f"{digits[-2]}{digits[-1]}"
