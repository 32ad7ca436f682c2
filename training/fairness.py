"""Unintended identity bias measured on real comments: the test split's identity slice.

The identity suite (`training.suites.identity`) measures templated sentences; this module asks
the same question of the public data's held-out test split. A test comment is in the identity
slice when it names an identity that the features mask (`moderation.features.IDENTITY_TERMS`).
For the identity-attack category (racism) it reports the false positive rate at the flag
threshold inside and outside the slice, and the Jigsaw bias AUCs (Borkan et al. 2019):
subgroup AUC, BPSN (background positive, subgroup negative: falls when benign comments that
name a group score like attacks elsewhere) and BNSP. Real labels are noisy here (many "not
hate" rows of the hate-speech corpora are edgy), so the figures are for comparing models
trained on the same split, not absolute targets.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from moderation.categories import CATEGORIES, Category
from moderation.features import IDENTITY_TERMS, WORD_RE
from moderation.policy import Policy
from training.suites.identity import bias_aucs

TARGET: Category = "racism"


def mentions_identity(normalized: Sequence[str]) -> np.ndarray:
    """Whether each normalised text names a masked identity word."""
    return np.array(
        [any(w in IDENTITY_TERMS for w in WORD_RE.findall(text)) for text in normalized],
        dtype=bool,
    )


def _rate(flags: np.ndarray) -> float | None:
    return round(float(flags.mean()), 4) if flags.size else None


def identity_slice(
    frame: pd.DataFrame, scores: np.ndarray, policy: Policy, *, category: Category = TARGET
) -> dict[str, Any]:
    """Bias figures of `category` over `frame` (columns `norm` and the category's 0/1/NaN
    labels) and its (n, 7) `scores`."""
    labels = frame[category].to_numpy(dtype=float)
    known = ~np.isnan(labels)
    y = labels[known].astype(bool)
    s = scores[known, CATEGORIES.index(category)]
    named = mentions_identity(frame["norm"].to_numpy()[known].tolist())
    flagged = s >= policy.categories[category].flag
    return {
        "category": category,
        "rows": int(known.sum()),
        "identity_rows": int(named.sum()),
        "identity_positive_rate": _rate(y[named]),
        "other_positive_rate": _rate(y[~named]),
        "false_positive_rate": {
            "identity": _rate(flagged[named & ~y]),
            "other": _rate(flagged[~named & ~y]),
        },
        "recall": {"identity": _rate(flagged[named & y]), "other": _rate(flagged[~named & y])},
        **bias_aucs(y.astype(int), s, named),
    }
