"""The doxing suite: its committed comments, its figures on handmade results, the CLI, the
generator, and the issue's targets on the shipped model."""

from __future__ import annotations

import json
import sys
from collections import Counter

import pytest
from click.testing import CliRunner

from moderation.categories import CATEGORIES
from moderation.cli import main
from moderation.schemas import Evidence, ModerationResult, Triggered
from moderation.scoring import Moderator
from training.suites import SUITES, doxing, headline

KINDS = {
    "phone", "email", "address", "card", "ssn", "ni", "sin", "aadhaar", "dni", "cpf", "iban",
    "ip", "plate", "workplace",
}  # fmt: skip


def test_the_committed_sets_are_well_formed() -> None:
    items = doxing.load_items()
    assert len({i.id for i in items}) == len(items)
    assert len({i.text for i in items}) == len(items)
    positives = [i for i in items if i.positive]
    benign = [i for i in items if not i.positive]
    assert len(positives) >= 300 and len(benign) >= 300
    for item in items:
        assert item.label in ("doxing", "benign")
        assert bool(item.spans) == item.positive, item
        for span in item.spans:
            value = item.text[span.start : span.end]
            assert span.kind in KINDS
            assert value and value == value.strip(), (item.id, value)
    kinds = Counter(span.kind for item in positives for span in item.spans)
    assert set(kinds) == KINDS and kinds["phone"] >= 80 and kinds["address"] >= 80
    groups = {i.group.split(":")[1] for i in positives if i.group.startswith("phone:")}
    assert {"US", "GB", "DE", "FR", "IN", "BR", "AU", "JP"} <= groups


def _result(decision: str, spans: list[tuple[int, int, str]], text: str) -> ModerationResult:
    triggered = []
    if decision != "allow":
        evidence = [Evidence(start=s, end=e, text=text[s:e], source=src) for s, e, src in spans]
        triggered = [Triggered(category="doxing", score=0.9, action=decision, evidence=evidence)]
    return ModerationResult(
        id="c",
        decision=decision,
        scores=dict.fromkeys(CATEGORIES, 0.0),
        triggered=triggered,
        model_version="m",
        policy_version="p",
    )


def test_figures_on_handmade_results() -> None:
    t1, t2, t3, t4 = "call 0161 496 0734", "at 12 Oak St, Leeds", "it is 2019", "email a@b.co"
    items = [
        doxing.Item("1", t1, "doxing", "phone:GB", (doxing.Span(5, 18, "phone"),)),
        doxing.Item("2", t2, "doxing", "address:GB", (doxing.Span(3, 19, "address"),)),
        doxing.Item("3", t3, "benign", "benign:year", ()),
        doxing.Item("4", t4, "doxing", "email", (doxing.Span(6, 12, "email"),)),
    ]
    results = [
        _result("reject", [(5, 18, "pii:phone")], t1),  # exact
        _result("flag", [(3, 12, "pii:address"), (0, 2, "model")], t2),  # 9 of 16 chars
        _result("flag", [(6, 10, "pii:phone")], t3),  # a false flag
        _result("allow", [], t4),  # missed
    ]
    report = doxing.evaluate(items, results)
    assert report["positives"] == 3 and report["recall"] == pytest.approx(2 / 3, abs=1e-4)
    assert report["reject_rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert report["benign_flag_rate"] == 1.0
    spans = report["spans"]
    assert spans["overall"]["exact"] == pytest.approx(1 / 3, abs=1e-4)
    assert spans["kinds"]["address"] == {
        "spans": 1, "exact": 0.0, "exact_same_kind": 0.0, "overlapping": 1.0,
    }  # fmt: skip
    # characters: expected 13 + 16 + 6 = 35, predicted 13 + 9 = 22, both 22
    assert spans["char"]["precision"] == 1.0
    assert spans["char"]["recall"] == pytest.approx(22 / 35, abs=1e-4)
    assert report["missed_examples"] == [t4] and report["false_flag_examples"] == [t3]
    table = doxing.format_table({**report, "model_version": "m", "obfuscation": _no_obf()})
    assert "| address | 1 | 1.000 | 1 | 0.000 |" in table


def _no_obf() -> dict[str, object]:
    from training.suites.perturb import PERTURBATIONS

    return {"positives": 0, "recall": None} | {
        name: {"recall": None, "kept": None} for name in PERTURBATIONS
    }


def test_the_suite_is_registered() -> None:
    assert SUITES["doxing"] == "training.suites.doxing"


def test_evaluate_doxing_suite(runner: CliRunner) -> None:
    result = runner.invoke(main, ["evaluate", "--suite", "doxing", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["model_version"] == "tiny-1"
    assert 0 <= report["recall"] <= 1 and 0 <= report["benign_flag_rate"] <= 1
    assert set(doxing.headline(report)) == {
        "recall", "benign_flag_rate", "span_exact", "span_char_f1", "obfuscated_kept",
    }  # fmt: skip
    table = runner.invoke(main, ["evaluate", "--suite", "doxing"]).output
    assert "| phone |" in table and "| public_phone |" in table and "leetspeak" in table


def test_the_generator_writes_valid_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("faker")
    monkeypatch.syspath_prepend(str(doxing.EVAL_DIR))
    sys.modules.pop("make_doxing", None)
    import make_doxing  # type: ignore[import-not-found]

    rows = make_doxing.build(seed=7)
    assert len(rows) >= 600
    for row in rows:
        for span in row["spans"]:
            assert row["text"][span["start"] : span["end"]].strip()
    assert rows == make_doxing.build(seed=7)  # seeded: the same rows again


def test_shipped_model_meets_the_doxing_targets(shipped_moderator: Moderator) -> None:
    report = doxing.run_suite(shipped_moderator)
    figures = headline("doxing", report)
    assert figures["recall"] is not None and figures["recall"] >= 0.95, figures
    assert figures["benign_flag_rate"] is not None and figures["benign_flag_rate"] <= 0.02
    assert figures["span_exact"] is not None and figures["span_exact"] >= 0.95
    assert figures["span_char_f1"] is not None and figures["span_char_f1"] >= 0.95
    # obfuscation keeps most of the positives (loose: the perturbations rewrite every word)
    assert figures["obfuscated_kept"] is not None and figures["obfuscated_kept"] >= 0.6
