"""The promotion gate: what fails a check, and the fixed set rebuilt as training built it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from moderation.policy import load_policy
from moderation.scoring import Moderator
from moderation.settings import Settings
from training.gate import (
    AUC,
    RECALL,
    GateResult,
    Margins,
    judge,
    labelled_checks,
    run_gate,
    suite_figure_kind,
)
from training.gate_report import format_gate
from training.splits import rebuilt_test_split

MARGINS = Margins(auc=0.005, recall=0.02)
EVAL_DIR = Path(__file__).resolve().parents[2] / "training" / "eval"


def own(models: Path, version: str, tmp_path: Path) -> Moderator:
    settings = Settings(models_dir=models, lists_dir=tmp_path / "lists")
    return Moderator.load(
        version=version, settings=settings, policy=load_policy(models / version / "policy.toml")
    )


@pytest.mark.parametrize(
    ("kind", "old", "new", "passed"),
    [
        (AUC, 0.950, 0.945, True),  # exactly the margin
        (AUC, 0.950, 0.9449, False),
        (RECALL, 0.80, 0.78, True),
        (RECALL, 0.80, 0.77, False),
        (RECALL, 0.50, 0.90, True),  # better is never refused
    ],
)
def test_a_check_fails_past_its_margin(kind: str, old: float, new: float, passed: bool) -> None:
    assert judge("test", "figure", old, new, kind=kind, margins=MARGINS).passed is passed


def test_small_or_missing_figures_are_shown_not_gated() -> None:
    few = judge("audit", "recall_at_flag", 1.0, 0.0, kind=RECALL, margins=MARGINS, positives=4)
    assert few.passed is None and few.why_not_gated == "only 4 positives"
    missing = judge("test", "roc_auc", None, 0.9, kind=AUC, margins=MARGINS)
    assert missing.passed is None and missing.why_not_gated == "no figure"
    assert judge("spans", "span_f1", 0.9, 0.1, kind=None, margins=MARGINS).passed is None
    nothing = GateResult("a", "b", MARGINS, checks=[few, missing])
    assert not nothing.passed and "no figure could be judged" in format_gate(nothing)


@pytest.mark.parametrize(
    ("figure", "kind"),
    [
        ("bpsn_auc", AUC),
        ("recall", RECALL),
        ("stream_recall", RECALL),
        ("civil_flag_rate", None),  # shown, not gated
        ("worst_term_false_flag_rate", None),
        ("span_f1", None),
        ("kept_spam", None),
    ],
)
def test_which_suite_figures_are_gated(figure: str, kind: str | None) -> None:
    assert suite_figure_kind(figure) == kind


def test_the_test_split_is_rebuilt_as_training_split_it(
    registry_models: Path, fixture_data: Path, tmp_path: Path
) -> None:
    tiny = own(registry_models, "tiny-1", tmp_path)
    test = rebuilt_test_split(fixture_data, tiny.card)
    assert len(test) == tiny.card["splits"]["test"]
    checks = labelled_checks("test", test, tiny, tiny, margins=MARGINS)
    for check in (c for c in checks if c.figure == "recall_at_flag"):
        assert check.new == tiny.card["test"]["categories"][check.category]["recall_at_flag"]


def test_the_gate_refuses_the_worse_model_on_the_audit_sample(
    registry_models: Path, tmp_path: Path
) -> None:
    tiny, worse = (own(registry_models, v, tmp_path) for v in ("tiny-1", "tiny-worse"))
    blind = pd.read_json(EVAL_DIR / "spam_blind.jsonl", lines=True)
    rows = pd.concat([blind[blind["spam"]].head(15), blind[~blind["spam"]].head(15)])
    audit = pd.DataFrame({"text": rows["text"], "spam": rows["spam"].astype(float)})
    # Obfuscation has no gated figure: the audit sample alone decides.
    result = run_gate(
        tiny, worse, margins=MARGINS, data_dir=None, audit=audit, suites=["obfuscation"]
    )
    assert result.sizes == {"audit": 30} and "test" in result.skipped
    assert [(c.part, c.figure) for c in result.checks if c.passed is not None] == [
        ("audit", "roc_auc"),
        ("audit", "recall_at_flag"),
    ]
    assert not result.passed and [c.figure for c in result.failures] == ["roc_auc"]
    record = result.record()
    assert record["candidate"] == "tiny-worse" and (record["gated"], record["failures"]) == (2, 1)


def test_texts_the_candidate_trained_on_leave_the_test_split_and_the_audit_sample(
    registry_models: Path, tmp_path: Path, fixture_data: Path
) -> None:
    """Training with --labels drops the public rows the site labelled and trains on the site's
    texts: the gate must not score the candidate on them (the card records their digests)."""
    from training.labels import text_hash

    tiny, worse = (own(registry_models, v, tmp_path) for v in ("tiny-1", "tiny-worse"))
    test = rebuilt_test_split(fixture_data, worse.card)
    labelled, audited = test["text"].iloc[0], test["text"].iloc[1]
    worse.card = {
        **worse.card,
        "site_labels": {
            "text_hashes": {"train": [text_hash(labelled)], "audit": [text_hash(audited)]}
        },
    }
    rebuilt = rebuilt_test_split(fixture_data, worse.card)
    assert len(rebuilt) == len(test) - 2
    assert not rebuilt["text"].isin([labelled, audited]).any()

    blind = pd.read_json(EVAL_DIR / "spam_blind.jsonl", lines=True).head(20)
    audit = pd.DataFrame({"text": [labelled, *blind["text"]], "spam": [0.0, *blind["spam"]]})
    result = run_gate(
        tiny, worse, margins=MARGINS, data_dir=None, audit=audit, suites=["obfuscation"]
    )
    assert result.sizes["audit"] == 20
    assert "1 audit items left out: tiny-worse trained on their text" in result.notes
