"""Identity bias figures: the test split's identity slice on handmade rows, and the identity
suite's split of its terms by how training saw them (masked, augmented, held out)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from moderation.categories import CATEGORIES
from moderation.policy import Policy, Thresholds
from training.augment import augmented_terms
from training.fairness import identity_slice, mentions_identity
from training.suites import identity


def test_mentions_identity_uses_the_masked_words() -> None:
    found = mentions_identity(["i am muslim", "jews and christians", "hello there", "polish"])
    assert found.tolist() == [True, True, False, False]


def test_identity_slice_on_handmade_rows() -> None:
    frame = pd.DataFrame(
        {
            "norm": ["muslim people", "gay pride", "the muslim vote", "nice day", "a fine day",
                     "you people", "just a day", "weather"],
            "racism": [0, 0, 1, 0, 0, 1, 0, np.nan],
        }
    )  # fmt: skip
    scores = np.zeros((len(frame), len(CATEGORIES)))
    scores[:, CATEGORIES.index("racism")] = [0.6, 0.1, 0.9, 0.7, 0.1, 0.5, 0.2, 0.9]
    policy = Policy(
        version="t", categories={c: Thresholds(flag=0.5, reject=None) for c in CATEGORIES}
    )
    figures = identity_slice(frame, scores, policy)
    assert figures["rows"] == 7 and figures["identity_rows"] == 3
    assert figures["false_positive_rate"] == {"identity": 0.5, "other": 0.3333}
    assert figures["recall"] == {"identity": 1.0, "other": 1.0}
    # the background positive (0.5) is above one of the group's negatives (0.1), not the other
    assert figures["bpsn_auc"] == 0.5


def test_suite_terms_by_coverage() -> None:
    assert identity.coverage("muslim") == "masked"
    assert identity.coverage("african american") == "masked"  # "african" is masked
    assert "white" in augmented_terms() and identity.coverage("white") == "augmented"
    terms = [t for ts in identity.SUBGROUPS.values() for t in ts]
    held_out = [t for t in terms if identity.coverage(t) == "held_out"]
    assert len(held_out) >= 10 and "polish" in held_out
    assert not set(held_out) & augmented_terms()


def test_coverage_figures_pool_their_terms() -> None:
    items = [
        identity.Sentence("a", "muslim", "religion", toxic=False),
        identity.Sentence("b", "muslim", "religion", toxic=True),
        identity.Sentence("c", "polish", "nationality", toxic=False),
        identity.Sentence("d", "polish", "nationality", toxic=True),
    ]
    report = {
        "terms": {
            "muslim": {"benign": 1, "false_flag_rate": 1.0, "toxic": 1, "recall": 1.0},
            "polish": {"benign": 1, "false_flag_rate": 0.0, "toxic": 1, "recall": 0.0},
        }
    }
    out = identity.coverage_figures(items, report)
    assert out["masked"]["terms"] == ["muslim"] and out["masked"]["false_flag_rate"] == 1.0
    assert out["held_out"] == {
        "terms": ["polish"], "false_flag_rate": 0.0, "worst_term_false_flag_rate": 0.0,
        "recall": 0.0,
    }  # fmt: skip
    assert out["augmented"]["terms"] == [] and out["augmented"]["recall"] is None
