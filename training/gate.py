"""The regression gate of `moderation models promote`: a candidate version against the active
one on a fixed evaluation set, each model with its own thresholds (its policy.toml).

The fixed set has three parts:

- `test`: the public test split, rebuilt from the candidate's card (its sources, seed and
  fractions, labelled as its training labelled them: `training.splits`), both models scored on
  the same rows; per category ROC AUC and recall at the flag threshold;
- the suites (`training.suites`, run side by side by `training.suites.compare`): their
  headline figures;
- `audit`: the moderators' audit sample (queue exports or the live queue): per category ROC
  AUC and recall at the flag threshold against the moderators' decisions.

A check fails when the candidate's ROC AUC is lower than the active model's by more than
`Margins.auc`, or its recall at the flag threshold by more than `Margins.recall` (the issue's
two regressions). Recall and AUC on fewer than `MIN_POSITIVES` positives are shown but not
gated (one comment would swing them by 20 %+). The other figures are shown only: false-flag
rates (a model that flags everything already loses ROC AUC on the test split and the suites'
`bpsn_auc`; gated at the recall margin they would have refused v5 over v4 for 3 of the 120
civil comments of one spam set, while it caught 26 more of its 120 spam), span F1, `kept_*`.

A part that cannot run is listed in `skipped`; the gate passes on the parts that ran (the
suites alone can pass it), but not when no figure at all could be judged.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from moderation.categories import CATEGORIES
from moderation.scoring import Moderator
from training.evaluate import MIN_PER_CLASS, evaluate_scores
from training.labels import site_text_hashes, text_hash
from training.splits import card_config, card_sources, rebuilt_test_split

AUC, RECALL = "auc", "recall"
MIN_POSITIVES = MIN_PER_CLASS
SCORE_CHUNK = 1000


@dataclass(frozen=True)
class Margins:
    """The largest regression allowed: ROC AUC drop, and recall drop."""

    auc: float
    recall: float

    def of(self, kind: str | None) -> float:
        return self.auc if kind == AUC else self.recall


@dataclass(frozen=True)
class Check:
    """One figure of both models; `passed` is None when it is shown but not gated."""

    part: str  # "test", "audit" or a suite's name
    figure: str  # "roc_auc", "recall_at_flag" (with `category`) or a suite's headline figure
    old: float | None  # the active version's
    new: float | None  # the candidate's
    kind: str | None = None  # AUC or RECALL; None: shown only
    category: str | None = None
    positives: int | None = None
    passed: bool | None = None
    why_not_gated: str = ""

    @property
    def delta(self) -> float | None:
        return None if self.old is None or self.new is None else round(self.new - self.old, 4)


def judge(
    part: str,
    figure: str,
    old: float | None,
    new: float | None,
    *,
    kind: str | None,
    margins: Margins,
    category: str | None = None,
    positives: int | None = None,
) -> Check:
    """The check of one figure: a drop past its margin fails."""
    check = Check(part, figure, old, new, kind, category, positives)
    if kind is None:
        return check
    if positives is not None and positives < MIN_POSITIVES:
        return Check(**{**asdict(check), "why_not_gated": f"only {positives} positives"})
    if check.delta is None:
        return Check(**{**asdict(check), "why_not_gated": "no figure"})
    passed = check.delta >= -margins.of(kind)
    return Check(**{**asdict(check), "passed": passed})


def suite_figure_kind(figure: str) -> str | None:
    """Which suite headline figures are gated, and how."""
    if figure.endswith("auc"):
        return AUC
    if figure == "recall" or figure.endswith("_recall"):
        return RECALL
    return None


@dataclass
class GateResult:
    active: str
    candidate: str
    margins: Margins
    checks: list[Check] = field(default_factory=list)
    sizes: dict[str, int] = field(default_factory=dict)  # rows per labelled part
    skipped: dict[str, str] = field(default_factory=dict)  # part -> why it did not run
    notes: list[str] = field(default_factory=list)

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if c.passed is False]

    @property
    def gated(self) -> int:
        return sum(c.passed is not None for c in self.checks)

    @property
    def passed(self) -> bool:
        """No check failed, and at least one figure was judged (a gate that measured nothing,
        every part skipped or too small, does not let a model through)."""
        return not self.failures and self.gated > 0

    def record(self) -> dict[str, Any]:
        """The gate as the history file keeps it: each check with its figures."""
        return {
            "passed": self.passed,
            "active": self.active,
            "candidate": self.candidate,
            "margins": asdict(self.margins),
            "sizes": self.sizes,
            "skipped": self.skipped,
            "notes": self.notes,
            "gated": self.gated,
            "failures": len(self.failures),
            "checks": [
                {k: v for k, v in asdict(c).items() if v not in (None, "")} for c in self.checks
            ],
        }


def _scores(moderator: Moderator, texts: list[str], desc: str, progress: bool) -> np.ndarray:
    chunks = []
    with tqdm(total=len(texts), desc=desc, unit="text", disable=not progress, file=sys.stderr) as b:
        for start in range(0, len(texts), SCORE_CHUNK):
            chunks.append(moderator.score_texts(texts[start : start + SCORE_CHUNK]))
            b.update(len(chunks[-1]))
    return np.vstack(chunks) if chunks else np.zeros((0, len(CATEGORIES)))


def labelled_checks(
    part: str,
    frame: pd.DataFrame,
    old: Moderator,
    new: Moderator,
    *,
    margins: Margins,
    progress: bool = False,
) -> list[Check]:
    """Per category: ROC AUC and recall at each model's own flag threshold on `frame`."""
    texts = frame["text"].tolist()
    reports = [
        evaluate_scores(
            frame,
            _scores(m, texts, f"{part}: {m.model_version}", progress),
            m.policy,
            by_source=False,
        )["categories"]
        for m in (old, new)
    ]
    checks = []
    for category in (c for c in CATEGORIES if c in reports[0]):
        before, after = reports[0][category], reports[1][category]
        positives = int(after["positives"])
        for figure, kind in (("roc_auc", AUC), ("recall_at_flag", RECALL)):
            checks.append(
                judge(
                    part,
                    figure,
                    before.get(figure),
                    after.get(figure),
                    kind=kind,
                    margins=margins,
                    category=category,
                    positives=positives,
                )
            )
    return checks


def suite_checks(
    old: Moderator,
    new: Moderator,
    *,
    suites: Sequence[str],
    data_dir: Path | None,
    margins: Margins,
    progress: bool = False,
) -> list[Check]:
    """Every suite's headline figures for both models (`training.suites.compare`)."""
    from training.suites import compare

    with tqdm(
        total=2 * len(suites), desc="suites", unit="run", disable=not progress, file=sys.stderr
    ) as bar:

        def step(text: str) -> None:
            bar.set_postfix_str(text)
            bar.update(1)

        report = compare.compare([new, old], suites=suites, data_dir=data_dir, progress=step)

    def value(row: dict[str, Any], version: str) -> float | None:
        found = row["values"][version]
        return None if found is None or math.isnan(found) else float(found)

    return [
        judge(
            row["suite"],
            row["figure"],
            value(row, old.model_version),
            value(row, new.model_version),
            kind=suite_figure_kind(row["figure"]),
            margins=margins,
        )
        for row in report["rows"]
        if row["suite"] != "test"  # the cards' training-time figures: the gate measures anew
    ]


def split_notes(old: Moderator, new: Moderator, rows: int) -> list[str]:
    """What makes the rebuilt test split less than a fair fixed set for both models."""
    notes = []
    expected = new.card.get("splits", {}).get("test")
    if expected is not None and rows != expected:
        notes.append(
            f"the rebuilt test split has {rows} rows, {new.model_version}'s card says {expected}: "
            "the data folder is not the one it was trained on"
        )
    old_config, new_config = card_config(old.card), card_config(new.card)
    same_split = all(
        getattr(old_config, k) == getattr(new_config, k)
        for k in ("seed", "validation_fraction", "test_fraction")
    ) and set(card_sources(old.card)) == set(card_sources(new.card))
    if not same_split:
        notes.append(
            f"{old.model_version} was split with another seed, fractions or sources: some test "
            "rows may have been in its training split, which flatters its figures"
        )
    return notes


def run_gate(
    old: Moderator,
    new: Moderator,
    *,
    margins: Margins,
    data_dir: Path | None,
    audit: pd.DataFrame | None,
    suites: Sequence[str],
    skipped: dict[str, str] | None = None,
    progress: bool = False,
) -> GateResult:
    """The gate of `new` (the candidate) against `old` (the active version).

    `data_dir` None skips the public test split (and the suites' samples of it); `audit` None
    or empty skips the audit sample; `skipped` says why, part by part, for the record."""
    result = GateResult(old.model_version, new.model_version, margins, skipped=dict(skipped or {}))
    if data_dir is not None:
        test = rebuilt_test_split(data_dir, new.card)
        result.sizes["test"] = len(test)
        if test.empty:
            result.skipped["test"] = f"no test rows for {new.model_version}'s sources in {data_dir}"
        else:
            result.notes += split_notes(old, new, len(test))
            result.checks += labelled_checks(
                "test", test, old, new, margins=margins, progress=progress
            )
    elif "test" not in result.skipped:
        result.skipped["test"] = "no public data folder"
    if suites:
        result.checks += suite_checks(
            old, new, suites=suites, data_dir=data_dir, margins=margins, progress=progress
        )
    trained_on = site_text_hashes(new.card, "train")
    if audit is not None and trained_on:
        seen = audit["text"].map(text_hash).isin(trained_on)
        if seen.any():
            result.notes.append(
                f"{int(seen.sum())} audit items left out: {new.model_version} trained on their text"
            )
            audit = audit[~seen].reset_index(drop=True)
    if audit is not None and not audit.empty:
        result.sizes["audit"] = len(audit)
        result.checks += labelled_checks(
            "audit", audit, old, new, margins=margins, progress=progress
        )
    elif "audit" not in result.skipped:
        result.skipped["audit"] = "no decided audit items"
    return result
