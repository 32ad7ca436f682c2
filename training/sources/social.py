"""Loaders for the social-media hate and offence corpora: davidson, ethos, olid, gab_hate_corpus,
implicit_hate and youtoxic.

Each `load_<name>(data_dir)` reads `raw/<name>/...` and returns the standard label frame (see
`training.sources.common`). The label mappings are described in `training.data.SOURCES`.
"""

from __future__ import annotations

import csv
import html
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from training.sources.common import NAN, flag, join_key, known_where, make_frame, raw_dir
from training.sources.lexicon import (
    LEXICON_FILE,
    VULGAR_KINDS,
    Lexicon,
    lexicon_kinds,
    load_lexicon,
)

_RT = re.compile(r"\bRT\s+@\w+\s*:?", re.IGNORECASE)
_MENTION = re.compile(r"@\w+")
_SPACES = re.compile(r"[ \t]{2,}")


@lru_cache(maxsize=4)
def _lexicon_cached(path: str, mtime_ns: int) -> Lexicon:  # noqa: ARG001 (cache key)
    return load_lexicon(path)


def shared_lexicon(data_dir: Path | str) -> Lexicon:
    """The Surge lexicon of `data_dir`, loaded once per file version (treat it as read-only)."""
    root = raw_dir(data_dir)
    return _lexicon_cached(str(root), (root / LEXICON_FILE).stat().st_mtime_ns)


def _kinds(texts: pd.Series | list[str], lexicon: Lexicon) -> list[set[str]]:
    return [lexicon_kinds(t, lexicon) for t in texts]


def clean_tweet(text: str) -> str:
    """Decode HTML entities, drop `RT @user:` prefixes and replace @mentions with `@USER`."""
    text = html.unescape(text)
    text = _RT.sub(" ", text)
    text = _MENTION.sub("@USER", text)
    return _SPACES.sub(" ", text).strip()


def load_davidson(data_dir: Path | str) -> pd.DataFrame:
    """Davidson et al. 2017 tweets: hate (0), offensive (1), neither (2)."""
    frame = pd.read_csv(raw_dir(data_dir) / "davidson/labeled_data.csv", encoding="utf-8")
    texts = frame["tweet"].astype(str).map(clean_tweet)
    cls = frame["class"].to_numpy()
    kinds = _kinds(texts, shared_lexicon(data_dir))
    swear = np.array(["swear" in k for k in kinds])
    vulgar = np.array([bool(k & VULGAR_KINDS) for k in kinds])
    hate, offensive, neither = cls == 0, cls == 1, cls == 2
    labels = {
        "violence": known_where(neither, 0.0),
        "racism": np.where(hate, 1.0, 0.0),
        "profanity": np.where(neither, 0.0, known_where(offensive & swear)),
        "vulgarity": np.where(neither, 0.0, known_where(offensive & vulgar)),
        "doxing": 0.0,
        "discourtesy": known_where(neither, 0.0),
        "spam": 0.0,
    }
    return make_frame("davidson", texts, labels)


def load_ethos(data_dir: Path | str) -> pd.DataFrame:
    """ETHOS binary comments, typed through the multi-label file (joined by comment text)."""
    root = raw_dir(data_dir) / "ethos"
    binary = pd.read_csv(root / "Ethos_Dataset_Binary.csv", sep=";", encoding="utf-8")
    multi = pd.read_csv(root / "Ethos_Dataset_Multi_Label.csv", sep=";", encoding="utf-8")
    multi = multi.assign(key=multi["comment"].astype(str).map(join_key))
    multi = multi.drop_duplicates("key").set_index("key")
    keys = binary["comment"].astype(str).map(join_key)
    typed = multi.reindex(keys)
    hate = binary["isHate"].to_numpy(dtype=float) >= 0.5
    found = typed["violence"].notna().to_numpy()
    racial = typed[["race", "national_origin", "religion"]].max(axis=1).to_numpy(dtype=float)
    directed = typed["directed_vs_generalized"].to_numpy(dtype=float) >= 0.5
    violence = typed["violence"].to_numpy(dtype=float) >= 0.5
    labels = {
        "violence": np.where(hate, known_where(found, violence.astype(float)), 0.0),
        "racism": np.where(hate, known_where(found, (racial >= 0.5).astype(float)), 0.0),
        "profanity": known_where(~hate, 0.0),
        "vulgarity": known_where(~hate, 0.0),
        "doxing": 0.0,
        "discourtesy": np.where(hate, known_where(found & directed), 0.0),
        "spam": 0.0,
    }
    return make_frame("ethos", binary["comment"], labels)


def _unquote(text: str) -> str:
    """Undo the CSV quoting left in some OLID tweets (read with QUOTE_NONE): outer quotes, `""`."""
    if len(text) >= 2 and text.startswith('"') and text.endswith('"'):
        return text[1:-1].replace('""', '"')
    return text


def load_olid(data_dir: Path | str) -> pd.DataFrame:
    """OLID v1.0 training tweets with the three-level OffensEval annotation."""
    frame = pd.read_csv(
        raw_dir(data_dir) / "olid/olid-training-v1.0.tsv",
        sep="\t",
        quoting=csv.QUOTE_NONE,
        dtype=str,
        keep_default_na=False,
        encoding="utf-8",
    )
    a, b, c = (frame[col].str.strip() for col in ("subtask_a", "subtask_b", "subtask_c"))
    clean = (a == "NOT").to_numpy()
    untargeted = ((a == "OFF") & (b == "UNT")).to_numpy()
    individual = ((a == "OFF") & (b == "TIN") & (c == "IND")).to_numpy()
    labels = {
        "violence": known_where(clean, 0.0),
        "racism": known_where(clean, 0.0),
        "profanity": np.where(clean, 0.0, known_where(untargeted)),
        "vulgarity": known_where(clean, 0.0),
        "doxing": 0.0,
        "discourtesy": np.where(clean, 0.0, known_where(individual)),
        "spam": 0.0,
    }
    return make_frame("olid", frame["tweet"].map(_unquote), labels)


def load_gab_hate_corpus(data_dir: Path | str) -> pd.DataFrame:
    """Gab Hate Corpus train + test: hd (human dignity), cv (call for violence), vo (vulgar)."""
    root = raw_dir(data_dir) / "gab_hate_corpus"
    frame = pd.concat(
        [pd.read_csv(root / f"ghc_{s}.tsv", sep="\t", encoding="utf-8") for s in ("train", "test")],
        ignore_index=True,
    )
    texts = frame["text"].astype(str)
    hd, cv, vo = (flag(frame[col]) for col in ("hd", "cv", "vo"))
    clean = (hd + cv + vo) == 0
    swear = np.array(["swear" in k for k in _kinds(texts, shared_lexicon(data_dir))])
    labels = {
        "violence": cv,
        "racism": hd,
        "profanity": np.where(clean, 0.0, known_where((vo > 0) & swear)),
        "vulgarity": vo,
        "doxing": 0.0,
        "discourtesy": known_where(clean, 0.0),
        "spam": 0.0,
    }
    return make_frame("gab_hate_corpus", texts, labels)


_ATTACK_STG2 = frozenset({"stereotypical", "inferiority", "incitement", "threatening"})
_VIOLENT_STG2 = frozenset({"threatening", "incitement"})


def load_implicit_hate(data_dir: Path | str) -> pd.DataFrame:
    """Latent Hatred stage 1 (hate / not) with stage-2 implicit classes joined by post text."""
    root = raw_dir(data_dir) / "implicit_hate"
    stg1 = pd.read_csv(root / "implicit_hate_v1_stg1_posts.tsv", sep="\t", encoding="utf-8")
    stg2 = pd.read_csv(root / "implicit_hate_v1_stg2_posts.tsv", sep="\t", encoding="utf-8")
    classes = stg2[["implicit_class", "extra_implicit_class"]].fillna("").astype(str)
    violent = (classes["implicit_class"].isin(_VIOLENT_STG2)) | (
        classes["extra_implicit_class"].isin(_VIOLENT_STG2)
    )
    attack = (classes["implicit_class"].isin(_ATTACK_STG2)) | (
        classes["extra_implicit_class"].isin(_ATTACK_STG2)
    )
    by_key = (
        pd.DataFrame(
            {"key": stg2["post"].astype(str).map(join_key), "violent": violent, "attack": attack}
        )
        .groupby("key")[["violent", "attack"]]
        .max()
    )
    texts = stg1["post"].astype(str)
    joined = by_key.reindex(texts.map(join_key))  # NaN rows: not in stage 2
    stg2_violent = joined["violent"].to_numpy(dtype=float)
    stg2_attack = joined["attack"].to_numpy(dtype=float)
    cls = stg1["class"].astype(str).str.strip()
    hate = cls.isin(["implicit_hate", "explicit_hate"]).to_numpy()
    explicit = (cls == "explicit_hate").to_numpy()
    clean = (cls == "not_hate").to_numpy()
    # Implicit hate counts as racism when stage 2 calls it an attack on the group
    # (stereotype, inferiority, incitement, threat); white grievance, irony and unclassified
    # implicit posts are left unknown: resentment or sarcasm is not by itself an attack.
    implicit_racism = np.where(stg2_attack == 1.0, 1.0, NAN)
    labels = {
        "violence": np.where(clean, 0.0, np.where(hate, stg2_violent, NAN)),
        "racism": np.where(explicit, 1.0, np.where(hate, implicit_racism, known_where(clean, 0.0))),
    }
    return make_frame("implicit_hate", texts, labels)


def load_youtoxic(data_dir: Path | str) -> pd.DataFrame:
    """YouTube toxic comments (Kaggle youtoxic_english_1000) with per-type flags."""
    frame = pd.read_csv(
        raw_dir(data_dir) / "youtoxic/youtoxic_english_1000.csv", encoding="utf-8-sig"
    )
    texts = frame["Text"].astype(str)
    f = {col: flag(frame[col]) > 0 for col in frame.columns if col.startswith("Is")}
    toxic = f["IsToxic"]
    vulgar = np.array([bool(k & VULGAR_KINDS) for k in _kinds(texts, shared_lexicon(data_dir))])

    def toxic_only(values: np.ndarray) -> np.ndarray:
        return np.where(toxic, values.astype(float), 0.0)

    labels = {
        "violence": toxic_only(f["IsThreat"]),
        "racism": toxic_only(f["IsRacist"] | f["IsHatespeech"]),
        "profanity": toxic_only(f["IsObscene"]),
        "vulgarity": np.where(toxic, known_where(f["IsObscene"] & vulgar), 0.0),
        "doxing": 0.0,
        "discourtesy": toxic_only(f["IsAbusive"] | f["IsProvocative"]),
        "spam": 0.0,
    }
    return make_frame("youtoxic", texts, labels)
