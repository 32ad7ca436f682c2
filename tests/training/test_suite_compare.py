"""`moderation evaluate --suite all`: every suite's headline figures for two models, judged
against the issue's targets."""

from __future__ import annotations

import pytest

from moderation.scoring import Moderator
from training.suites import SUITES
from training.suites.compare import TARGETS, Target, compare, format_table


@pytest.mark.parametrize(
    ("target", "value", "previous", "met"),
    [
        (Target(">=", 0.9), 0.9, None, True),
        (Target(">=", 0.9), 0.8999, None, False),
        (Target("<=", 0.01), 0.02, None, False),
        (Target(">=", -0.005, relative=True), 0.870, 0.874, True),
        (Target(">=", -0.005, relative=True), 0.868, 0.874, False),
        (Target(">=", -0.005, relative=True), 0.868, None, None),  # nothing to compare with
        (Target("<=", 0.01), None, None, None),
    ],
)
def test_targets_judge_absolute_and_relative_bounds(
    target: Target, value: float | None, previous: float | None, met: bool | None
) -> None:
    assert target.met(value, previous) is met


def test_every_targeted_suite_is_registered() -> None:
    assert {suite for suite, _ in TARGETS} - {"test"} <= set(SUITES)


def test_two_models_side_by_side(shipped_moderator: Moderator, tiny_moderator: Moderator) -> None:
    report = compare([shipped_moderator, tiny_moderator], suites=["identity"])

    assert report["models"] == [shipped_moderator.model_version, tiny_moderator.model_version]
    rows = {(r["suite"], r["figure"]): r for r in report["rows"]}
    ffr = rows[("identity", "false_flag_rate")]
    assert set(ffr["values"]) == set(report["models"])
    assert all(0.0 <= v <= 1.0 for v in ffr["values"].values())
    assert ffr["target"] == "≤ 0.01"
    assert ffr["met"] is (ffr["values"][shipped_moderator.model_version] <= 0.01)
    # The test split's ROC AUC comes from each model's card and is judged against the other.
    auc = rows[("test", "roc_auc_racism")]
    assert auc["values"][shipped_moderator.model_version] == pytest.approx(
        shipped_moderator.card["test"]["categories"]["racism"]["roc_auc"]
    )
    table = format_table(report)
    assert "| identity | false_flag_rate |" in table
    assert table.splitlines()[0].count("|") == 4 + 2 + 1
