"""A model's splits rebuilt from its card: the same sources, seed and fractions as training.

Loading and normalising every public source takes about 9 s; the suites (obfuscation, spam,
spans) and the promotion gate each rebuild a model's test split, two models at a time, so the
prepared frame is kept in memory per (data folder, sources) and handed out as a copy.
"""

from __future__ import annotations

from dataclasses import fields
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from training.data import load_all
from training.labels import norm_hash, site_text_hashes
from training.train import TrainConfig, prepare, split


def card_config(card: dict[str, Any]) -> TrainConfig:
    """The card's training configuration (keys today's `TrainConfig` no longer has dropped)."""
    known = {f.name for f in fields(TrainConfig)}
    return TrainConfig(**{k: v for k, v in card.get("config", {}).items() if k in known})


def card_sources(card: dict[str, Any]) -> list[str]:
    """The public sources the card says the model was trained on (empty: every source)."""
    return [s["name"] for s in card.get("sources", [])]


@lru_cache(maxsize=4)
def _prepared(data_dir: Path, sources: tuple[str, ...] | None) -> pd.DataFrame:
    return prepare(load_all(data_dir, sources=sources, progress=False), progress=False)


def prepared_frame(data_dir: Path, sources: list[str] | None) -> pd.DataFrame:
    """`prepare(load_all(data_dir, sources=sources))`, loaded once per process."""
    key = tuple(sources) if sources else None
    return _prepared(Path(data_dir).resolve(), key).copy()


def rebuilt_test_split(data_dir: Path, card: dict[str, Any]) -> pd.DataFrame:
    """The test split of the model `card` describes, labelled as its training labelled it.

    Public rows whose text the site labelled for this version are left out, as training left
    them out. A card whose config predates `spam_implicit_negatives` was trained without it
    (the sources that never checked spam leave it unknown), whatever today's default is."""
    config = card_config(card)
    frame = prepared_frame(data_dir, card_sources(card) or None)
    site = site_text_hashes(card, "train") | site_text_hashes(card, "audit")
    if site:  # training dropped the public rows the site labelled (training.labels)
        frame = frame[~frame["norm"].map(norm_hash).isin(site)]
    if card.get("config", {}).get("spam_implicit_negatives", False) and "spam" in frame:
        frame["spam"] = frame["spam"].fillna(0.0)
    return frame[split(frame, config) == "test"].reset_index(drop=True)
