"""Write `training/eval/doxing.jsonl`, the doxing suite's comments (seeded, reproducible).

    pip install -e '.[test]' && python training/eval/make_doxing.py

Each line: ``{"id", "text", "label": "doxing" | "benign", "group", "spans": [{"start", "end",
"kind"}]}``. Positives fill `doxing_templates` with values from `doxing_values` (valid phone
numbers of 17 regions in national, international and E.164 styles; emails plain and spelled
out; US, UK, Canadian, Australian, German, French, Spanish and Italian addresses with units and
PO boxes; Luhn-valid cards; SSN, NI, SIN, Aadhaar, DNI and CPF numbers with their check digits;
IBANs, IPs, plates; a named person's workplace or street). The span of a value is exactly the
value as written: an address from its first element (house number, flat, unit, PO Box) to its
postcode or city; a workplace from the place's name to its location, without the article.
Benign comments hold the look-alikes a detector must leave alone. The file is committed so the
suite is stable; rerun this script only to change the set on purpose.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

import doxing_templates as T
from doxing_values import CITIES, PHONE_REGIONS, Value, Values

SEED = 20261128
OUT = Path(__file__).resolve().parent / "doxing.jsonl"
_SLOT = re.compile(r"<<(\w+)>>|\{(\w+)\}")

STORES = (
    "Target", "Walmart", "Starbucks", "Home Depot", "Tesco", "Sainsbury's", "Aldi", "Costco",
    "McDonald's", "Kroger", "Tim Hortons", "Boots", "Woolworths", "Safeway", "Lidl",
    "Walgreens", "Dunkin'", "Greggs",
)  # fmt: skip
ORGS = (
    "Riverside Dental Clinic", "Lincoln Elementary School", "St. Mary's Hospital",
    "Harlow Logistics", "Kessler & Sons Garage", "Oakridge Realty", "Brightwater Vets",
    "Northfield Leisure Centre",
)  # fmt: skip
ROLE_EMAILS = (
    "letters@thestar.ca", "tips@dailyherald.com", "complaints@northfield.gov.uk",
    "consultation@springfield-il.gov", "info@riversidefoodbank.org", "press@cityofdayton.org",
    "enquiries@boltoncouncil.gov.uk", "newsdesk@leedsnews.co.uk", "letters@theage.com.au",
)  # fmt: skip


class Builder:
    """Fills templates, recording the exact span of every PII value."""

    def __init__(self, seed: int = SEED) -> None:
        self.values = Values(seed)
        self.rng = self.values.rng
        self.rows: list[dict[str, object]] = []
        self.seen: set[str] = set()

    def words(self, region: str = "US") -> dict[str, str]:
        female = self.rng.random() < 0.5
        first, last = self.values.person(region, female=female)
        he, him, his = ("she", "her", "her") if female else ("he", "him", "his")
        country = region if region in CITIES else "US"
        city = self.rng.choice(CITIES[country])
        words = {
            "name": f"{first} {last}", "first": first, "last": last, "he": he, "him": him,
            "his": his, "city": city if isinstance(city, str) else city[0],
            "street": self.values.street("GB" if region == "GB" else "US"),
        }  # fmt: skip
        for key in ("he", "him", "his"):
            words[key.capitalize()] = words[key].capitalize()
        return words

    def fill(
        self, template: str, values: dict[str, Value], words: dict[str, str]
    ) -> tuple[str, list[dict[str, object]]]:
        out: list[str] = []
        spans: list[dict[str, object]] = []
        pos = 0
        length = 0
        for m in _SLOT.finditer(template):
            piece = template[pos : m.start()]
            out.append(piece)
            length += len(piece)
            if m[1]:
                value = values[m[1]]
                spans.append({"start": length, "end": length + len(value.text), "kind": value.kind})
                out.append(value.text)
                length += len(value.text)
            else:
                word = words[m[2]]
                out.append(word)
                length += len(word)
            pos = m.end()
        out.append(template[pos:])
        return "".join(out), spans

    def add(
        self,
        templates: list[str],
        make: Callable[[dict[str, str]], dict[str, Value]],
        *,
        region: str = "US",
        extra: dict[str, str] | None = None,
    ) -> None:
        """One positive from a template (rotating through `templates`) and fresh values."""
        for _ in range(50):
            template = templates[len(self.rows) % len(templates)]
            template = self.rng.choice(templates) if self.rng.random() < 0.5 else template
            words = {**self.words(region), **(extra or {})}
            values = make(words)
            text, spans = self.fill(template, values, words)
            if text not in self.seen:
                break
        self.seen.add(text)
        group = next(iter(values.values())).group if len(values) == 1 else "multi"
        self.rows.append({"text": text, "label": "doxing", "group": group, "spans": spans})

    def benign(self, group: str, template: str, fillers: dict[str, Callable[[], str]]) -> None:
        for _ in range(50):
            words = {k: fn() for k, fn in fillers.items() if "{" + k + "}" in template}
            text, _ = self.fill(template, {}, words)
            if text not in self.seen:
                break
        self.seen.add(text)
        self.rows.append({"text": text, "label": "benign", "group": f"benign:{group}", "spans": []})


def positives(b: Builder) -> None:
    v, rng = b.values, b.rng
    styles = ("national", "international", "e164")
    for region in PHONE_REGIONS:
        extra = ["plain", "trunk"] if region in ("GB", "DE", "FR", "IE", "AU", "NL") else ["plain"]
        for style in (*styles, rng.choice(styles), rng.choice([*styles, *extra])):
            b.add(T.PHONE, lambda _w, r=region, s=style: {"v": v.phone(r, s)}, region=region)
    for region in ("US", "US", "US", "CA", "GB", "GB", "IN", "AU"):
        style = rng.choice(("national", "international"))
        b.add(T.PHONE, lambda _w, r=region, s=style: {"v": v.phone(r, s)}, region=region)
    email_styles = ["plain"] * 20 + ["spelled"] * 10 + ["bracket"] * 10 + ["at"] * 8
    for style in [*email_styles, "upper", "upper", "upper", "work", "work", "work", "work"]:
        b.add(T.EMAIL, lambda w, s=style: {"v": v.email(w["first"], w["last"], s)})
    address_plan = {
        "US": {"street": 6, "unit": 4, "full": 8, "full_unit": 4, "city_state": 4, "po_box": 4},
        "GB": {"street": 4, "full": 5, "full_comma": 3, "flat": 4, "flat_street": 2},
        "CA": {"street": 2, "full": 4, "unit_hyphen": 3, "unit": 2},
        "AU": {"street": 2, "full": 4, "slash": 3, "unit": 2, "po_box": 3},
        "DE": {"street": 5, "full": 5},
        "FR": {"street": 3, "full": 3},
        "ES": {"street": 1, "full": 2},
        "IT": {"street": 1, "full": 2},
    }
    po_box = ["{His} mail all goes to <<v>>, send {him} something special.", *T.ADDRESS[8:10]]
    for country, plan in address_plan.items():
        for style, count in plan.items():
            for _ in range(count):
                templates = po_box if style == "po_box" else T.ADDRESS
                b.add(
                    templates,
                    lambda _w, c=country, s=style: {"v": v.address(c, s)},
                    region=country if country in ("GB", "DE", "FR", "ES", "IT") else "US",
                )
    for _ in range(12):
        country = rng.choice(("US", "GB"))
        street = v.street(country)
        b.add(
            T.STREET_ONLY,
            lambda _w, s=street, c=country: {"v": Value(s, "address", f"address:{c}:street_name")},
        )
    for style in ["spaced"] * 8 + ["dashed"] * 6 + ["compact"] * 6:
        b.add(T.CARD, lambda _w, s=style: {"v": v.card(s)})
    for style in ["dashed"] * 6 + ["spaced"] * 3 + ["compact"] * 3:
        b.add(T.SSN, lambda _w, s=style: {"v": v.ssn(s)})
    for style in ["spaced"] * 4 + ["compact"] * 4:
        b.add(T.NI, lambda _w, s=style: {"v": v.ni(s)}, region="GB")
    for _ in range(6):
        b.add(T.SIN, lambda _w: {"v": v.sin()}, region="CA")
        b.add(T.AADHAAR, lambda _w: {"v": v.aadhaar()}, region="IN")
        b.add(T.DNI, lambda _w: {"v": v.dni()}, region="ES")
    for _ in range(5):
        b.add(T.CPF, lambda _w: {"v": v.cpf()}, region="BR")
    for _ in range(8):
        b.add(T.IBAN, lambda _w: {"v": v.iban()}, region=rng.choice(("DE", "GB", "FR")))
        b.add(T.IP, lambda _w: {"v": v.ip()})
    plates = {"US": 6, "GB": 5, "DE": 4, "FR": 3, "AU": 3, "CA": 2, "NL": 2}
    for country, count in plates.items():
        for _ in range(count):
            b.add(
                T.PLATE,
                lambda _w, c=country: {"v": v.plate(c)},
                region="GB" if country == "GB" else "US",
            )
    for _ in range(25):
        place, article = workplace(b)
        b.add(
            T.WORKPLACE,
            lambda _w, p=place: {"v": Value(p, "workplace", "workplace")},
            extra={"the": article},
        )
    for _ in range(15):

        def multi(w: dict[str, str]) -> dict[str, Value]:
            return {
                "address": v.address("US", rng.choice(("street", "full", "unit"))),
                "phone": v.phone("US", rng.choice(("national", "international"))),
                "email": v.email(w["first"], w["last"], rng.choice(("plain", "spelled"))),
                "plate": v.plate("US"),
            }

        b.add(T.MULTI, multi)


def workplace(b: Builder) -> tuple[str, str]:
    rng, v = b.rng, b.values
    street = v.street(rng.choice(("US", "GB")))
    city = rng.choice(CITIES["GB"] + [c for c, _ in CITIES["US"]])
    if rng.random() < 0.6:
        store = rng.choice(STORES)
        where = f"on {street}" if rng.random() < 0.6 else f"in {city}"
        return f"{store} {where}", "the "
    org = rng.choice(ORGS)
    if rng.random() < 0.5:
        return org, ""
    return f"{org} {'on ' + street if rng.random() < 0.5 else 'in ' + city}", ""


def benign_fillers(b: Builder) -> dict[str, Callable[[], str]]:
    rng, v = b.rng, b.values

    def digits(n: int) -> str:
        return str(rng.randint(1, 9)) + "".join(rng.choice("0123456789") for _ in range(n - 1))

    def helpline() -> str:
        region = rng.choice(("US", "GB", "AU", "CA", "IE", "NZ"))
        if region == "US" and rng.random() < 0.4:
            return f"1-{rng.choice(('800', '888', '877', '866'))}-{digits(3)}-{digits(4)}"
        if region == "GB" and rng.random() < 0.5:
            return f"0{rng.choice(('300', '800', '345'))} {digits(3)} {digits(4)}"
        return v.phone(region, rng.choice(("national", "international")), fixed=True).text

    def isbn() -> str:
        from stdnum import ean

        body = "978" + digits(9)
        full = body + ean.calc_check_digit(body)
        return f"{full[:3]}-{full[3]}-{full[4:7]}-{full[7:12]}-{full[12]}"

    year = lambda: str(rng.randint(1950, 2025))  # noqa: E731
    money = lambda: f"${rng.randint(2, 90)}.{rng.randint(0, 99):02d}"  # noqa: E731
    return {
        "year": year,
        "year2": year,
        "price": money,
        "price2": lambda: f"£{rng.randint(2, 90)}",
        "bigprice": lambda: (
            f"${rng.randint(1, 900)},{rng.randint(0, 999):03d},{rng.randint(0, 999):03d}"
        ),
        "bigprice2": lambda: f"€{rng.randint(1, 40)}.{rng.randint(1, 9)} million",
        "order": lambda: digits(rng.choice((7, 8, 10))),
        "claim": lambda: digits(10),
        "invoice": lambda: f"INV-{digits(8)}",
        "tracking": lambda: rng.choice((digits(22), f"1Z{digits(6)}AA{digits(8)}")),
        "code": lambda: f"{rng.choice('ABCDEFGHJK')}{rng.choice('QRSTUVWXYZ')}{digits(4)}",
        "time": lambda: rng.choice(
            (
                f"{rng.randint(1, 12)}:{rng.choice(('00', '15', '30', '45'))}pm",
                f"{rng.randint(6, 22):02d}:{rng.randint(0, 59):02d}",
            )
        ),
        "time2": lambda: f"{rng.randint(6, 22):02d}:{rng.randint(0, 59):02d}",
        "date": lambda: f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/{rng.randint(2019, 2025)}",
        "date2": lambda: f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/{rng.randint(19, 25)}",
        "isodate": lambda: (
            f"{rng.randint(2018, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        ),
        "isodate2": lambda: (
            f"{rng.randint(2018, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        ),
        "score": lambda: (
            f"{rng.randint(0, 5)}-{rng.randint(0, 5)}"
            if rng.random() < 0.6
            else f"{rng.randint(80, 130)}-{rng.randint(80, 130)}"
        ),
        "pct": lambda: f"{rng.randint(1, 80)}.{rng.randint(0, 9)}%",
        "pct2": lambda: f"{rng.randint(2, 30)}%",
        "votes": lambda: f"{rng.randint(1, 60)},{rng.randint(0, 999):03d}",
        "votes2": lambda: f"{rng.randint(1, 60)},{rng.randint(0, 999):03d}",
        "population": lambda: f"{rng.randint(1, 900)},{rng.randint(0, 999):03d}",
        "points": lambda: str(rng.randint(10, 45)),
        "rebounds": lambda: str(rng.randint(2, 15)),
        "version": lambda: f"{rng.randint(10, 18)}.{rng.randint(0, 9)}.{rng.randint(0, 9)}",
        "billno": lambda: str(rng.randint(2, 99)),
        "section": lambda: str(rng.randint(2, 400)),
        "flight": lambda: f"{rng.choice(('BA', 'AC', 'UA', 'QF', 'DL'))} {rng.randint(10, 2999)}",
        "isbn": isbn,
        "winver": lambda: rng.choice(("10", "11")),
        "build": lambda: f"{rng.randint(19041, 26100)}.{rng.randint(100, 4000)}",
        "highway": lambda: str(rng.randint(1, 499)),
        "exit": lambda: str(rng.randint(1, 60)),
        "exit2": lambda: str(rng.randint(61, 120)),
        "helpline": helpline,
        "bizaddr": lambda: v.address(rng.choice(("US", "GB", "CA", "AU")), "street").text,
        "roleemail": lambda: rng.choice(ROLE_EMAILS),
        "dnsip": lambda: rng.choice(("8.8.8.8", "1.1.1.1", "9.9.9.9", "8.8.4.4")),
        "privateip": lambda: rng.choice(("192.168.0.1", "192.168.1.254", "10.0.0.1")),
        "store": lambda: rng.choice(STORES),
        "street": lambda: v.street(rng.choice(("US", "GB"))),
        "city": lambda: rng.choice(CITIES["GB"]),
        "name": lambda: " ".join(v.person("US", female=rng.random() < 0.5)),
        "goals": lambda: str(rng.randint(5, 40)),
        "games": lambda: str(rng.randint(20, 50)),
        "years": lambda: str(rng.randint(2, 25)),
        "age": lambda: str(rng.randint(18, 90)),
        "jersey": lambda: str(rng.randint(1, 99)),
        "volunteers": lambda: str(rng.randint(12, 300)),
        "chapter": lambda: str(rng.randint(2, 14)),
        "room": lambda: str(rng.randint(100, 450)),
        "gate": lambda: f"{rng.choice('ABCD')}{rng.randint(1, 40)}",
        "km": lambda: str(rng.randint(3, 21)),
        "temp": lambda: str(rng.randint(85, 112)),
        "lotto": lambda: " ".join(str(n) for n in sorted(rng.sample(range(1, 60), 6))),
    }


def benign(b: Builder) -> None:
    fillers = benign_fillers(b)
    per_template = {"public_phone": 5, "public_address": 4, "public_email": 3, "reference": 4}
    for group, templates in T.BENIGN.items():
        for template in templates:
            copies = per_template.get(group, 3) if "{" in template else 1
            for _ in range(copies):
                b.benign(group, template, fillers)


def build(seed: int = SEED) -> list[dict[str, object]]:
    b = Builder(seed)
    positives(b)
    benign(b)
    texts = [row["text"] for row in b.rows]
    assert len(set(texts)) == len(texts), "duplicate comments"
    for i, row in enumerate(b.rows):
        row["id"] = f"dox-{i:04d}"
        text = row["text"]
        assert isinstance(text, str)
        for span in row["spans"]:  # type: ignore[attr-defined]
            assert text[span["start"] : span["end"]].strip() == text[span["start"] : span["end"]]
    return [{k: row[k] for k in ("id", "text", "label", "group", "spans")} for row in b.rows]


def main() -> None:
    rows = build()
    OUT.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    pos = sum(r["label"] == "doxing" for r in rows)
    print(f"wrote {OUT}: {pos} doxing, {len(rows) - pos} benign", file=sys.stderr)


if __name__ == "__main__":
    main()
