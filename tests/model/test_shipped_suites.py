"""The robustness and fairness suites on the shipped model: they run and their figures are in
a range that a broken pipeline (lost normalisation, a model that flags every identity) would
leave. Loose bounds, not today's figures: they must hold across retraining."""

from __future__ import annotations

from moderation.scoring import Moderator
from training.suites import identity, obfuscation
from training.suites.perturb import PERTURBATIONS


def test_obfuscated_harmful_comments_are_still_caught(shipped_moderator: Moderator) -> None:
    report = obfuscation.run_suite(shipped_moderator, data_dir=None)
    part = report["sets"]["harmful"]["categories"]
    positives = sum(e["positives"] for e in part.values())
    for name in PERTURBATIONS:
        caught = sum(e[name]["recall"] * e["positives"] for e in part.values())
        assert caught / positives > 0.3, name
    for name in ("confusables", "zero_width", "mixed_case"):  # undone by the normaliser
        for category, entry in part.items():
            assert entry[name]["kept"] is None or entry[name]["kept"] >= 0.6, (name, category)


def test_identity_mentions_are_rarely_flagged(shipped_moderator: Moderator) -> None:
    report = identity.run_suite(shipped_moderator)
    overall = report["overall"]
    assert overall["false_flag_rate"] < 0.25
    assert overall["recall"] > 0.5
    assert overall["subgroup_auc"] > 0.8
    for name, figures in report["subgroups"].items():
        assert figures["false_flag_rate"] < 0.4, name
        assert figures["bpsn_auc"] > 0.7 and figures["bnsp_auc"] > 0.7, name
