"""Thresholds from moderators' outcomes: the sample's weights and the per-category rule, on
numbers small enough to check by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from moderation.categories import CATEGORIES
from moderation.policy import Thresholds, load_policy
from training.outcomes import build_sample, open_by_stratum, stratum_of
from training.thresholds import (
    Targets,
    floor3,
    measure,
    suggest_category,
    suggest_policy,
    suggested_policy,
)

CURRENT = Thresholds(flag=0.5, reject=0.9)


def rows(*items: tuple[list[str], float | None, int | None]) -> pd.DataFrame:
    """Decided items as `(kinds, audit_rate, discourtesy label)`; other categories unknown."""
    return pd.DataFrame(
        [
            {"text": f"t{n}", "kinds": kinds, "audit_rate": rate, "discourtesy": label}
            for n, (kinds, rate, label) in enumerate(items)
        ]
    )


def test_each_item_weighs_one_over_its_chance_to_be_in_the_sample() -> None:
    frame = rows(
        (["flag"], None, 1),
        (["flag", "report"], None, 0),  # a report joining a flag changes nothing
        (["audit"], 0.1, 0),  # stands for 10 comments
        (["audit"], 0.5, 1),  # for 2
        (["audit"], None, 0),  # entered before the rate was kept: the default, 0.25 -> 4
        (["report"], None, 1),  # only reported: not a sample, left out
        (["flag", "audit"], 0.5, 1),  # flagged once: it was sure to enter
    )
    sample = build_sample(frame, default_rate=0.25)
    assert sample.texts == ["t0", "t1", "t2", "t3", "t4", "t6"]
    assert list(sample.weights) == [1.0, 1.0, 10.0, 2.0, 4.0, 1.0]
    assert sample.represents == 19.0
    assert (sample.left_out, sample.default_rate_items) == (1, 1)
    assert list(sample.labels[:, CATEGORIES.index("discourtesy")]) == [1, 0, 0, 1, 0, 1]
    assert np.isnan(sample.labels[:, CATEGORIES.index("spam")]).all()
    assert sample.notes == ["open items unknown (exported files): no completion correction"]


def test_open_items_scale_their_kind_by_how_much_of_it_is_decided() -> None:
    frame = rows((["flag"], None, 1), (["flag"], None, 0), (["audit"], 0.5, 0))
    # 2 flags decided and 2 still open: each decided flag stands for itself and one open one;
    # 1 audit item decided and 3 open: 4 audit items at rate 0.5 stand for 8 comments.
    open_items = open_by_stratum([["flag"], ["flag", "report"], ["audit"]] + [["audit"]] * 2)
    assert open_items == {"flag": 2, "audit": 3}
    sample = build_sample(frame, default_rate=0.01, open_items=open_items)
    assert list(sample.weights) == [2.0, 2.0, 8.0]
    assert sample.strata["audit"].completion == 4.0 and sample.notes == []


def test_audit_items_without_a_rate_are_left_out_when_sampling_is_off() -> None:
    sample = build_sample(rows((["audit"], None, 0), (["flag"], None, 1)), default_rate=0.0)
    assert sample.texts == ["t1"] and sample.unweighable == 1
    assert stratum_of(["report", "appeal"]) is None


def test_measure_is_weighted_precision_and_recall() -> None:
    y = np.array([1.0, 0.0, 1.0, 0.0])
    scores = np.array([0.9, 0.8, 0.3, 0.2])
    weights = np.array([1.0, 1.0, 10.0, 10.0])
    at_half = measure(y, scores, weights, 0.5)
    assert (at_half.precision, at_half.recall) == (0.5, round(1 / 11, 4))
    everything = measure(y, scores, weights, 0.1)
    assert (everything.precision, everything.recall) == (round(11 / 22, 4), 1.0)
    assert measure(y, scores, weights, None).precision is None


def test_weights_move_the_reject_threshold() -> None:
    # Ten positives (nine at 0.95, one at 0.7) and a negative at 0.8, plus clean comments.
    # Unweighted, rejecting from 0.7 is 10/11 = 0.91 precise; but the negative is an audit
    # item standing for 10 comments: weighted, 0.7 gives 10/20 and 0.8 gives 9/19; only
    # 0.95 reaches 0.9 (9/9, recall 0.9).
    y = np.array([1.0] * 10 + [0.0] + [0.0] * 5)
    scores = np.array([0.95] * 9 + [0.7] + [0.8] + [0.1] * 5)
    heavy = np.array([1.0] * 10 + [10.0] + [1.0] * 5)
    targets = Targets(reject_precision=0.9, flag_recall=0.95, min_positives=10)

    plain = suggest_category(
        "discourtesy", y, scores, np.ones_like(y), current=CURRENT, targets=targets
    )
    weighted = suggest_category("discourtesy", y, scores, heavy, current=CURRENT, targets=targets)
    # Flag: 0.7 is the highest score with recall 0.95, lowered halfway to 0.1, the next one.
    assert plain.suggested == Thresholds(flag=0.4, reject=0.7)
    assert weighted.suggested == Thresholds(flag=0.4, reject=0.95)
    assert weighted.status == "suggested" and weighted.reason == ""
    figures = weighted.measured["suggested"]
    assert (figures["reject"].precision, figures["reject"].recall) == (1.0, 0.9)
    assert (figures["flag"].precision, figures["flag"].recall) == (round(10 / 20, 4), 1.0)
    assert (weighted.n, weighted.positives) == (16, 10)


def test_no_precise_score_makes_the_category_flag_only() -> None:
    # Every positive has a negative of equal weight at the same score: precision is 0.5.
    y = np.array([1.0, 0.0] * 12)
    scores = np.repeat(np.linspace(0.3, 0.9, 12), 2)
    found = suggest_category(
        "racism", y, scores, np.ones_like(y), current=CURRENT, targets=Targets()
    )
    assert found.status == "suggested" and found.suggested.reject is None
    assert found.reason.startswith("flag only: no score reaches precision 0.9")
    # Recall 0.8 of twelve positives needs the ten highest: from the third score up, and
    # halfway down to the second.
    steps = np.linspace(0.3, 0.9, 12)
    assert found.suggested.flag == floor3(float(steps[1] + steps[2]) / 2) == 0.381


def test_thin_evidence_and_doxing_keep_the_current_thresholds() -> None:
    y = np.array([1.0, 1.0, 1.0, 0.0, 0.0, math.nan])
    scores = np.array([0.9, 0.8, 0.7, 0.2, 0.1, 0.5])
    ones = np.ones_like(y)
    thin = suggest_category("spam", y, scores, ones, current=CURRENT, targets=Targets())
    assert (thin.status, thin.suggested, thin.n, thin.positives) == ("kept", CURRENT, 5, 3)
    assert thin.reason == "thin evidence: 3 positive outcomes, fewer than 10"
    assert thin.measured["current"]["reject"].precision == 1.0  # still measured
    loose = Targets(min_positives=1)
    doxing = suggest_category("doxing", y, scores, ones, current=CURRENT, targets=loose)
    assert doxing.status == "kept" and doxing.reason.startswith("fixed: decided by the PII")
    only = suggest_category("spam", y[:3], scores[:3], ones[:3], current=CURRENT, targets=loose)
    assert only.reason == "no negative outcome: precision cannot be measured"


def test_a_suggested_policy_is_valid_and_keeps_the_rest_of_the_current_one() -> None:
    rng = np.random.default_rng(3)
    labels = (rng.random((200, 7)) < 0.3).astype(float)
    scores = np.clip(labels * 0.5 + rng.random((200, 7)) * 0.6, 0, 1)
    current = load_policy()
    found = suggest_policy(labels, scores, np.ones(200), current=current, targets=Targets())
    new = suggested_policy(current, found, version="v-test", description='said "so"')
    for suggestion in found:
        limits = new.categories[suggestion.category]
        assert 0 < limits.flag <= 1
        assert limits.reject is None or limits.flag <= limits.reject <= 1
    assert new.categories["doxing"] == current.categories["doxing"]
    assert {s.status for s in found} == {"suggested", "kept"}
    assert new.languages == current.languages
