"""Loaders for spam and PII corpora: youtube_spam, sms_spam and presidio_synth_pii.

`presidio_spans` also returns the Presidio records with their entity spans, for tuning and
testing the doxing detectors.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from training.sources.common import flag, known_where, make_frame, raw_dir, strip_html

YOUTUBE_FILES = (
    "Youtube01-Psy.csv",
    "Youtube02-KatyPerry.csv",
    "Youtube03-LMFAO.csv",
    "Youtube04-Eminem.csv",
    "Youtube05-Shakira.csv",
)


def load_youtube_spam(data_dir: Path | str) -> pd.DataFrame:
    """YouTube Spam Collection (5 videos): CLASS 1 spam, 0 ham."""
    root = raw_dir(data_dir) / "youtube_spam"
    frame = pd.concat(
        [pd.read_csv(root / name, encoding="utf-8") for name in YOUTUBE_FILES], ignore_index=True
    )
    spam = flag(frame["CLASS"])
    ham = known_where(spam == 0, 0.0)
    labels = {"violence": ham, "racism": ham, "doxing": ham, "spam": spam}
    return make_frame("youtube_spam", frame["CONTENT"].astype(str).map(strip_html), labels)


def load_sms_spam(data_dir: Path | str) -> pd.DataFrame:
    """SMS Spam Collection v.1 (no header, `label<TAB>text`)."""
    frame = pd.read_csv(
        raw_dir(data_dir) / "sms_spam/SMSSpamCollection",
        sep="\t",
        header=None,
        names=["label", "text"],
        quoting=csv.QUOTE_NONE,
        dtype=str,
        keep_default_na=False,
        encoding="utf-8",
    )
    labels = {"doxing": 0.0, "spam": (frame["label"].str.strip() == "spam").to_numpy(float)}
    return make_frame("sms_spam", frame["text"], labels)


DOXING_ENTITIES = frozenset(
    {
        "PHONE_NUMBER",
        "STREET_ADDRESS",
        "EMAIL_ADDRESS",
        "CREDIT_CARD",
        "US_SSN",
        "IBAN_CODE",
        "IP_ADDRESS",
        "US_DRIVER_LICENSE",
    }
)
PRESIDIO_FILE = "presidio_synth_pii/synth_dataset_v2.json"


@dataclass(frozen=True, slots=True)
class PiiSpan:
    """One entity in a Presidio record: `text[start:end] == value`."""

    entity_type: str
    value: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class PiiRecord:
    """One synthetic Presidio sentence with its entity spans and template id."""

    text: str
    template_id: int
    spans: tuple[PiiSpan, ...]

    @property
    def doxing(self) -> float:
        """1.0 with a doxing entity, 0.0 with no entity at all, NaN with only names/places."""
        if any(span.entity_type in DOXING_ENTITIES for span in self.spans):
            return 1.0
        return 0.0 if not self.spans else float("nan")


def presidio_spans(data_dir: Path | str) -> list[PiiRecord]:
    """The Presidio synthetic PII records, in file order."""
    with open(raw_dir(data_dir) / PRESIDIO_FILE, encoding="utf-8") as handle:
        records = json.load(handle)
    return [
        PiiRecord(
            text=record["full_text"],
            template_id=int(record["template_id"]),
            spans=tuple(
                PiiSpan(
                    entity_type=span["entity_type"],
                    value=span["entity_value"],
                    start=int(span["start_position"]),
                    end=int(span["end_position"]),
                )
                for span in record.get("spans") or []
            ),
        )
        for record in records
    ]


def load_presidio_synth_pii(data_dir: Path | str) -> pd.DataFrame:
    """Presidio synthetic sentences: doxing from the entity spans, grouped by template."""
    records = presidio_spans(data_dir)
    doxing = np.array([record.doxing for record in records], dtype=float)
    labels = {
        "violence": 0.0,
        "racism": 0.0,
        "profanity": 0.0,
        "vulgarity": 0.0,
        "doxing": doxing,
        "discourtesy": 0.0,
        "spam": 0.0,
    }
    texts = [record.text for record in records]
    groups = [f"t{record.template_id}" for record in records]
    return make_frame("presidio_synth_pii", texts, labels, groups=groups)
