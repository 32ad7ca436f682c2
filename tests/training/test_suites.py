"""The evaluation suites on handmade inputs and the tiny model: perturbations, templates,
bias metrics and the `moderation evaluate --suite` command."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from moderation.categories import CATEGORIES
from moderation.cli import main
from moderation.normalize import normalize
from training.suites import identity, obfuscation
from training.suites.perturb import PERTURBATIONS, content_words, perturb

TEXTS = [item.text for item in obfuscation.harmful_items()] + ["fuck", "you idiot"]


@pytest.mark.parametrize("name", PERTURBATIONS)
def test_each_perturbation_is_deterministic_and_changes_every_text(name: str) -> None:
    for text in TEXTS:
        out = perturb(text, name)
        assert out == perturb(text, name)
        assert out != text, (name, text)


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("spacing", lambda out: "f u c k" in out),
        ("repeated_letters", lambda out: any(ch * 3 in out for ch in "aeiou")),
        (
            "confusables",
            lambda out: any(unicodedata.name(ch).startswith(("CYRILLIC", "GREEK")) for ch in out),
        ),
        ("zero_width", lambda out: any(ch in out for ch in "\u200b\u200c\u200d\u2060\ufeff")),
        ("mixed_case", lambda out: out.lower() == "fuck you idiot"),
        ("leetspeak", lambda out: any(ch in out for ch in "4@31!05$79")),
        ("punctuation", lambda out: any(ch in out for ch in ".-_*")),
    ],
)
def test_perturbations_do_what_they_say(name: str, check: object) -> None:
    out = perturb("fuck you idiot", name)
    assert check(out), out  # type: ignore[operator]


def test_only_content_words_are_rewritten() -> None:
    assert [m[0] for m in content_words("you are the worst, you idiot")] == ["worst", "idiot"]
    assert perturb("you are the worst", "spacing") == "you are the w o r s t"
    assert [m[0] for m in content_words("go on")] == ["go"]  # no content word: the longest


def test_invisible_and_lookalike_perturbations_normalise_back() -> None:
    for text in TEXTS:
        assert normalize(perturb(text, "zero_width")) == normalize(text)
        assert normalize(perturb(text, "mixed_case")) == normalize(text)


def test_templates_fill_every_identity() -> None:
    items = identity.sentences()
    terms = [t for ts in identity.SUBGROUPS.values() for t in ts]
    assert len(items) == len(terms) * (
        len(identity.BENIGN_TEMPLATES) + len(identity.TOXIC_TEMPLATES)
    )
    assert len(identity.BENIGN_TEMPLATES) >= 30 and len(identity.TOXIC_TEMPLATES) >= 15
    assert all("{" not in s.text and s.term in s.text.lower() for s in items)
    assert identity.fill("I am {a} {id} person.", "autistic") == "I am an autistic person."
    assert identity.fill("{Id} people agree.", "gay") == "Gay people agree."
    assert len({s.text for s in items}) == len(items)


def test_bias_aucs_on_a_handmade_score_set() -> None:
    # group rows 0-3 (two benign, two toxic), background rows 4-7 likewise
    labels = np.array([0, 0, 1, 1, 0, 0, 1, 1])
    in_group = np.array([True] * 4 + [False] * 4)
    # the group's benign rows score as high as the background's toxic ones
    scores = np.array([0.7, 0.8, 0.9, 0.95, 0.1, 0.2, 0.6, 0.65])
    aucs = identity.bias_aucs(labels, scores, in_group)
    assert aucs["subgroup_auc"] == 1.0
    assert aucs["bpsn_auc"] == 0.0  # group benign 0.7/0.8 above background toxic 0.6/0.65
    assert aucs["bnsp_auc"] == 1.0
    assert identity.bias_aucs(labels, scores, np.zeros(8, dtype=bool))["subgroup_auc"] is None


def test_false_flag_rates_and_power_mean() -> None:
    items = [
        identity.Sentence("a", "x", "g1", toxic=False),
        identity.Sentence("b", "x", "g1", toxic=True),
        identity.Sentence("c", "y", "g2", toxic=False),
        identity.Sentence("d", "y", "g2", toxic=True),
    ]
    scores = np.zeros((4, len(CATEGORIES)))
    racism = CATEGORIES.index("racism")
    scores[:, racism] = [0.6, 0.9, 0.1, 0.2]
    scores[2, CATEGORIES.index("spam")] = 0.99  # any category counts as a false flag
    flags = np.full(len(CATEGORIES), 0.5)
    figures = identity.group_figures(
        np.array([True, True, False, False]), np.array([False, True, False, True]),
        np.array([True, True, True, False]), scores[:, racism],
    )  # fmt: skip
    assert figures["false_flag_rate"] == 1.0 and figures["recall"] == 1.0
    monkey = pytest.MonkeyPatch()
    monkey.setattr(identity, "SUBGROUPS", {"g1": ("x",), "g2": ("y",)})
    try:
        report = identity.evaluate(items, scores, flags)
    finally:
        monkey.undo()
    assert report["overall"]["false_flag_rate"] == 1.0
    assert report["overall"]["flagged_by_category"] == {"racism": 1, "spam": 1}
    assert report["terms"]["y"]["recall"] == 0.0
    assert identity.generalized_mean([1.0, 1.0]) == 1.0
    assert identity.generalized_mean([0.5, 1.0]) < 0.75  # the worst group weighs most


def test_evaluate_obfuscation_suite(runner: CliRunner, fixture_data: Path) -> None:
    args = ["evaluate", "--suite", "obfuscation", "--data-dir", str(fixture_data)]
    result = runner.invoke(main, [*args, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["model_version"] == "tiny-1"
    assert list(report["sets"]) == ["harmful", "test"]
    violence = report["sets"]["harmful"]["categories"]["violence"]
    assert violence["positives"] == 5
    assert set(PERTURBATIONS) <= set(violence)
    for entry in report["sets"]["harmful"]["categories"].values():
        for name in PERTURBATIONS:
            assert entry[name]["recall"] is None or 0 <= entry[name]["recall"] <= 1
    table = runner.invoke(main, args)
    assert table.exit_code == 0
    assert "| violence | 5 |" in table.output and "zero_width" in table.output


def test_evaluate_identity_suite(runner: CliRunner) -> None:
    result = runner.invoke(main, ["evaluate", "--suite", "identity", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert set(report["subgroups"]) == set(identity.SUBGROUPS)
    assert 0 <= report["overall"]["false_flag_rate"] <= 1
    assert "| religion |" in runner.invoke(main, ["evaluate", "--suite", "identity"]).output


def test_evaluate_wants_a_file_or_a_suite(runner: CliRunner) -> None:
    assert runner.invoke(main, ["evaluate"]).exit_code == 2
