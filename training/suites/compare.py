"""Every suite side by side for two model versions, against the issue's targets.

`moderation evaluate --suite all` runs each registered suite for the served model and the one
before it (or `--compare V`) and prints one table: a row per headline figure, a column per
model, the target and whether the served model meets it. The models' test-split ROC AUC and
calibration error come from their cards (measured at training time on the same split rule).

Both models are run through today's code (normaliser, detectors, evidence), so the columns
differ by the model weights and policy thresholds only.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moderation.categories import CATEGORIES
from moderation.scoring import Moderator
from training.suites import SUITES, headline, run_suite

#: The largest drop in a category's test ROC AUC a new model may show against the previous one.
AUC_TOLERANCE = 0.005


@dataclass(frozen=True)
class Target:
    """A bound on one figure: `value <op> bound`, or relative to the previous model."""

    op: str  # ">=" or "<="
    bound: float
    relative: bool = False  # bound is an offset from the previous model's value

    def text(self) -> str:
        if self.relative:
            return f"≥ previous − {abs(self.bound):g}" if self.bound else "≥ previous"
        return f"{'≥' if self.op == '>=' else '≤'} {self.bound:g}"

    def met(self, value: float | None, previous: float | None) -> bool | None:
        if value is None or (self.relative and previous is None):
            return None
        bound = (previous or 0.0) + self.bound if self.relative else self.bound
        compare: Callable[[float, float], bool] = operator.ge if self.op == ">=" else operator.le
        return compare(round(value, 4), round(bound, 4))


_AT_LEAST_90 = Target(">=", 0.90)
TARGETS: dict[tuple[str, str], Target] = {
    **{("obfuscation", f"kept_{c}"): _AT_LEAST_90 for c in CATEGORIES},
    ("identity", "false_flag_rate"): Target("<=", 0.01),
    ("identity", "worst_term_false_flag_rate"): Target("<=", 0.03),
    ("identity", "attack_recall"): Target(">=", 0.0, relative=True),
    ("doxing", "recall"): Target(">=", 0.95),
    ("doxing", "benign_flag_rate"): Target("<=", 0.02),
    ("doxing", "span_exact"): Target(">=", 1.0),
    ("spam", "recall"): Target(">=", 0.95),
    ("spam", "civil_flag_rate"): Target("<=", 0.01),
    ("spans", "span_f1"): Target(">=", 0.65),
    **{("test", f"roc_auc_{c}"): Target(">=", -AUC_TOLERANCE, relative=True) for c in CATEGORIES},
}


@dataclass(frozen=True)
class Row:
    suite: str
    figure: str
    values: tuple[float | None, ...]  # one per model, in the order given
    target: Target | None

    @property
    def met(self) -> bool | None:
        """Whether the first model (the served one) meets the target."""
        if self.target is None:
            return None
        previous = self.values[1] if len(self.values) > 1 else None
        return self.target.met(self.values[0], previous)


def card_figures(card: dict[str, Any]) -> dict[str, float | None]:
    """Test-split ROC AUC and expected calibration error per category from a model card."""
    out: dict[str, float | None] = {}
    categories = card.get("test", {}).get("categories", {})
    for c in CATEGORIES:
        out[f"roc_auc_{c}"] = categories.get(c, {}).get("roc_auc")
    for c in CATEGORIES:
        ece = categories.get(c, {}).get("ece")
        if ece is not None:
            out[f"ece_{c}"] = ece
    return out


def compare(
    moderators: Sequence[Moderator],
    *,
    suites: Sequence[str] | None = None,
    data_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Headline figures of every suite for each model (first = the one judged)."""
    figures: dict[str, list[dict[str, float | None]]] = {}
    for name in suites or list(SUITES):
        figures[name] = []
        for moderator in moderators:
            if progress:
                progress(f"{name}: {moderator.model_version}")
            report = run_suite(name, moderator, data_dir=data_dir)
            figures[name].append(headline(name, report))
    figures["test"] = [card_figures(m.card) for m in moderators]
    rows = [
        Row(
            suite,
            figure,
            tuple(per_model[k].get(figure) for k in range(len(moderators))),
            TARGETS.get((suite, figure)),
        )
        for suite, per_model in figures.items()
        for figure in dict.fromkeys(f for model in per_model for f in model)
    ]
    return {
        "models": [m.model_version for m in moderators],
        "rows": [
            {
                "suite": r.suite,
                "figure": r.figure,
                "values": dict(zip([m.model_version for m in moderators], r.values, strict=True)),
                "target": r.target.text() if r.target else None,
                "met": r.met,
            }
            for r in rows
        ],
    }


def _cell(value: float | None) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.3f}"


def format_table(report: dict[str, Any]) -> str:
    """The comparison as one Markdown table; the last column judges the first model."""
    models = report["models"]
    lines = [
        "| suite | figure | " + " | ".join(models) + " | target | met |",
        "|---|---|" + "---|" * len(models) + "---|---|",
    ]
    for row in report["rows"]:
        met = {True: "yes", False: "**no**", None: ""}[row["met"]]
        cells = " | ".join(_cell(row["values"][m]) for m in models)
        lines.append(
            f"| {row['suite']} | {row['figure']} | {cells} | {row['target'] or ''} | {met} |"
        )
    missed = [r for r in report["rows"] if r["met"] is False]
    lines += ["", f"{models[0]}: {len(missed)} target(s) missed" if missed else "all targets met"]
    return "\n".join(lines)
