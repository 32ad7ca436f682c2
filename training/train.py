"""Training stages as plain functions: prepare → split → fit → calibrate → thresholds → evaluate.

`run_training` ties them together and writes a new model version with its card. The model is
the classic strong baseline for toxic-comment classification: sublinear tf-idf over word
1–2-grams and char 2–5-grams of the normalised text, one logistic regression per category
trained only on the rows whose source labels that category, then calibrated on the validation
split (`training.calibration`).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_curve
from tqdm import tqdm

from moderation.categories import CATEGORIES
from moderation.features import char_ngrams, word_ngrams
from moderation.normalize import normalize

log = logging.getLogger(__name__)

SPLITS = ("train", "validation", "test")


@dataclass(frozen=True)
class TrainConfig:
    seed: int = 13
    validation_fraction: float = 0.1
    test_fraction: float = 0.1
    word_max_features: int = 80_000
    char_max_features: int = 150_000
    word_min_df: int = 2
    char_min_df: int = 3
    c: float = 1.0
    flag_min_precision: float = 0.5
    reject_min_precision: float = 0.9
    # Reject only where the calibrated score also says "more likely than not": cumulative
    # precision can reach 0.9 at a score whose own neighbourhood is mostly clean.
    reject_min_score: float = 0.5
    identity_augmentation: bool = True
    # Sentences per identity from the augmentation grammar (training/augment.py) and the
    # sample weight of each: 3,500 diverse sentences at 2 outweigh the 500 templated ones at 5
    # the model had before, without teaching it any one sentence.
    augmentation_per_identity: int = 60
    augmentation_weight: float = 2.0
    # Comment spam of news sites from a grammar (training/augment_spam.py), and clean
    # comments on the same subjects, added to the training split.
    spam_augmentation: bool = True
    spam_augmentation_rows: int = 4000
    spam_civil_rows: int = 800
    spam_augmentation_weight: float = 1.0
    # Two sources never checked their comments for spam (implicit_hate's tweets, stormfront's
    # forum posts: spam NaN in their mappings); count them as not spam too, in every split.
    # The other thirteen label it (SMS and YouTube with positives, the rest all clean).
    spam_implicit_negatives: bool = True
    # Sample weight of the site's own labelled rows (`moderation train --labels`): a public
    # comment weighs 1; a moderator's decision on this site's comments says more about the
    # site's standard than a stranger's annotation of a tweet.
    site_label_weight: float = 3.0
    calibration: str = "beta"  # or "platt" (training/calibration.py)
    # Run every evaluation suite on the new model for its card (about a minute; the spam
    # suite's streams need Redis: REDIS_URL or the embedded one).
    suites: bool = True
    # Write report.html (training/report.py): plots, per-source figures and a diff against
    # the active version, re-scored on this test split.
    report: bool = True
    progress: bool = True


def prepare(frame: pd.DataFrame, *, progress: bool = True) -> pd.DataFrame:
    """Normalise texts and merge exact duplicates (after normalisation) across sources.

    Merged rows keep, per category, the highest known label (NaN when no source knows it), so
    a comment labelled positive anywhere stays positive; the first source and group are kept.
    """
    texts = frame["text"].tolist()
    iterator = tqdm(texts, desc="normalise", unit="text", disable=not progress, leave=False)
    frame = frame.assign(norm=[normalize(t) for t in iterator])
    frame = frame[frame["norm"].str.len() > 0]
    agg: dict[str, Any] = {c: "max" for c in CATEGORIES if c in frame}
    agg.update(text="first", source="first", group="first")
    if "weight" in frame:  # the site's labelled rows carry their training weight
        agg["weight"] = "max"
    merged = frame.groupby("norm", sort=False).agg(agg).reset_index()
    return merged


def split(frame: pd.DataFrame, config: TrainConfig) -> pd.Series:
    """Assign each row a split by hashing its group with the seed: stable, leak-free."""

    def bucket(group: str) -> str:
        digest = hashlib.sha256(f"{config.seed}:{group}".encode()).digest()
        u = int.from_bytes(digest[:8], "big") / 2**64
        if u < config.test_fraction:
            return "test"
        if u < config.test_fraction + config.validation_fraction:
            return "validation"
        return "train"

    return frame["group"].astype(str).map(bucket)


def fit_vectorizers(
    texts: list[str], config: TrainConfig
) -> tuple[TfidfVectorizer, TfidfVectorizer]:
    word = TfidfVectorizer(
        analyzer=word_ngrams,
        min_df=config.word_min_df,
        max_features=config.word_max_features,
        sublinear_tf=True,
    )
    char = TfidfVectorizer(
        analyzer=char_ngrams,
        min_df=config.char_min_df,
        max_features=config.char_max_features,
        sublinear_tf=True,
    )
    for name, vectorizer in (("word", word), ("char", char)):
        vectorizer.fit(_progress(texts, f"fit {name} vocabulary", config.progress))
        # `stop_words_` holds every n-gram cut by min_df/max_features: large and unused.
        vectorizer.stop_words_ = None
    return word, char


def fit_classifiers(
    features: Any, labels: pd.DataFrame, config: TrainConfig
) -> dict[str, LogisticRegression]:
    """One logistic regression per category on the rows that label it."""
    classifiers: dict[str, LogisticRegression] = {}
    bar = tqdm(CATEGORIES, desc="fit", unit="category", disable=not config.progress)
    for category in bar:
        y = labels[category].to_numpy(dtype=float)
        known = ~np.isnan(y)
        if known.sum() == 0 or len(np.unique(y[known])) < 2:
            log.warning("no usable labels for %s: the model will not score it", category)
            continue
        bar.set_postfix_str(f"{category} ({int(known.sum())} rows)")
        clf = LogisticRegression(C=config.c, solver="liblinear", max_iter=1000)
        weights = labels["weight"].to_numpy(dtype=float)[known] if "weight" in labels else None
        clf.fit(features[known], y[known].astype(int), sample_weight=weights)
        classifiers[category] = clf
    return classifiers


# A reject threshold must catch more than this share of the positives: one held up by a
# couple of top scores is noise.
MIN_REJECT_RECALL = 0.05


def lowest_precise(
    precision: np.ndarray,
    recall: np.ndarray,
    thresholds: np.ndarray,
    *,
    min_precision: float,
    min_recall: float = MIN_REJECT_RECALL,
) -> float | None:
    """The lowest threshold whose precision reaches `min_precision` with recall above
    `min_recall` (arrays aligned with `thresholds`: `precision_recall_curve`'s less their
    last point); None when there is none."""
    ok = np.nonzero((precision >= min_precision) & (recall > min_recall))[0]
    return float(thresholds[ok[0]]) if ok.size else None


def choose_thresholds(
    y: np.ndarray, scores: np.ndarray, config: TrainConfig
) -> dict[str, float | None]:
    """Flag at the best-F1 point with precision ≥ flag_min_precision; reject at the lowest
    score whose precision reaches reject_min_precision and that is at least reject_min_score
    (None: the data never allows it)."""
    precision, recall, thresholds = precision_recall_curve(y.astype(int), scores)
    precision, recall = precision[:-1], recall[:-1]
    total = precision + recall
    f1 = np.divide(2 * precision * recall, total, out=np.zeros_like(total), where=total > 0)
    ok = precision >= config.flag_min_precision
    flag_i = int(np.argmax(np.where(ok, f1, -1))) if ok.any() else int(np.argmax(f1))
    flag = float(thresholds[flag_i])
    reject = lowest_precise(
        precision, recall, thresholds, min_precision=config.reject_min_precision
    )
    if reject is not None:
        reject = max(reject, flag, config.reject_min_score)
    return {"flag": round(flag, 3), "reject": None if reject is None else round(reject, 3)}


def _progress(texts: list[str], desc: str, enabled: bool) -> Any:
    return tqdm(texts, desc=desc, unit="text", disable=not enabled, leave=False)


def transform(
    word: TfidfVectorizer, char: TfidfVectorizer, texts: list[str], *, progress: bool = False
) -> Any:
    """The training-time feature matrix: word block then char block, as in `LinearScorer`."""
    return sp.hstack(
        [
            word.transform(_progress(texts, "word features", progress)),
            char.transform(_progress(texts, "char features", progress)),
        ]
    ).tocsr()
