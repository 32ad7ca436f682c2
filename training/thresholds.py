"""Per-category flag and reject thresholds from moderators' outcomes (`moderation policy
suggest`), as pure functions of labels, scores and weights.

The inputs are one row per decided item: its labels (1, 0, NaN = unknown), the scores the
model to be served gives its text, and how many moderated comments it stands for
(`training.outcomes`). Per category, on the rows whose label is known:

- reject: the lowest score whose weighted precision (of all rows scoring at or above it)
  reaches the target, with weighted recall above `MIN_REJECT_RECALL` (a threshold held up by
  a couple of top scores is noise) and at least `reject_min_score`: training's rule
  (`training.train.lowest_precise`, which `choose_thresholds` uses). None reaches it: flag
  only, as training does;
- flag: the highest score whose weighted recall reaches the target (moderators see that share
  of what they reject, with as few clean comments as that allows), lowered halfway to the
  next score down, since the sample says nothing of the gap between them;
- kept, with the reason: the category has fewer than `min_positives` positive outcomes, or no
  negative one (precision cannot be measured); or it is doxing, which the PII detectors
  decide: its score is the detectors' confidence combined with a capped model score
  (`scoring.DOXING_MODEL_CAP`, thresholds fixed in `training.pipeline.DOXING_THRESHOLDS`),
  a step function of which detectors fired, so moving its thresholds is a change to the
  detectors, reviewed there. Its figures are still measured and shown.

Thresholds are rounded down to three decimals, so the rows at the chosen score still reach
it; the precision and recall reported are those of the written thresholds, measured on the
sample with its weights, for the current thresholds and the suggested ones alike.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np
from sklearn.metrics import precision_recall_curve

from moderation.categories import CATEGORIES, Category
from moderation.policy import Policy, Thresholds
from training.train import MIN_REJECT_RECALL, TrainConfig, lowest_precise

FIXED: dict[Category, str] = {
    "doxing": "fixed: decided by the PII detectors, whose thresholds training fixes too",
}
Status = Literal["suggested", "kept"]


@dataclass(frozen=True)
class Targets:
    reject_precision: float = TrainConfig.reject_min_precision
    flag_recall: float = 0.8
    min_positives: int = 10
    reject_min_score: float = TrainConfig.reject_min_score


@dataclass(frozen=True)
class Measure:
    """Weighted precision and recall of `score >= threshold` (None: undefined, or no
    threshold)."""

    precision: float | None
    recall: float | None


@dataclass(frozen=True)
class CategorySuggestion:
    category: Category
    status: Status
    reason: str  # why kept, or what to know of a suggestion ("" when nothing)
    current: Thresholds
    suggested: Thresholds
    n: int  # rows whose label for this category is known
    positives: int  # of which the moderator said it is one
    measured: dict[str, dict[str, Measure]]  # "current"/"suggested" -> "flag"/"reject"

    def to_json(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "status": self.status,
            "reason": self.reason,
            "current": self.current.model_dump(),
            "suggested": self.suggested.model_dump(),
            "n": self.n,
            "positives": self.positives,
            "measured": {
                which: {action: asdict(m) for action, m in figures.items()}
                for which, figures in self.measured.items()
            },
        }


def floor3(value: float) -> float:
    """`value` rounded down to three decimals (within 0.001..1)."""
    return min(max(math.floor(value * 1000 + 1e-9) / 1000, 0.001), 1.0)


def measure(y: np.ndarray, scores: np.ndarray, weights: np.ndarray, t: float | None) -> Measure:
    """Weighted precision and recall of flagging (or rejecting) every row scoring ≥ `t`."""
    if t is None:
        return Measure(None, None)
    chosen = scores >= t
    hits = float((weights * y)[chosen].sum())
    picked, positive = float(weights[chosen].sum()), float((weights * y).sum())
    return Measure(
        precision=round(hits / picked, 4) if picked > 0 else None,
        recall=round(hits / positive, 4) if positive > 0 else None,
    )


def suggest_category(
    category: Category,
    y: np.ndarray,
    scores: np.ndarray,
    weights: np.ndarray,
    *,
    current: Thresholds,
    targets: Targets,
) -> CategorySuggestion:
    """One category's suggestion from its labels (NaN rows are left out), scores, weights."""
    known = ~np.isnan(y)
    y, scores, weights = y[known], scores[known], weights[known]
    n, positives = len(y), int(y.sum())
    kept = FIXED.get(category, "")
    if not kept and positives < targets.min_positives:
        outcomes = "outcome" if positives == 1 else "outcomes"
        kept = f"thin evidence: {positives} positive {outcomes}, fewer than {targets.min_positives}"
    elif not kept and positives == n:
        kept = "no negative outcome: precision cannot be measured"
    if kept:
        suggested, reason = current, kept
    else:
        suggested, reason = _choose(y, scores, weights, targets)
    return CategorySuggestion(
        category=category,
        status="kept" if kept else "suggested",
        reason=reason,
        current=current,
        suggested=suggested,
        n=n,
        positives=positives,
        measured={
            name: {
                "flag": measure(y, scores, weights, limits.flag),
                "reject": measure(y, scores, weights, limits.reject),
            }
            for name, limits in (("current", current), ("suggested", suggested))
        },
    )


def _choose(
    y: np.ndarray, scores: np.ndarray, weights: np.ndarray, targets: Targets
) -> tuple[Thresholds, str]:
    precision, recall, thresholds = precision_recall_curve(
        y.astype(int), scores, sample_weight=weights
    )
    precision, recall = precision[:-1], recall[:-1]
    flag = floor3(_flag_threshold(recall, thresholds, targets.flag_recall))
    precise = lowest_precise(precision, recall, thresholds, min_precision=targets.reject_precision)
    if precise is None:
        note = (
            f"flag only: no score reaches precision {targets.reject_precision:g} "
            f"with recall above {MIN_REJECT_RECALL:g}"
        )
        return Thresholds(flag=flag, reject=None), note
    reject = max(floor3(precise), flag, targets.reject_min_score)
    return Thresholds(flag=flag, reject=reject), ""


def _flag_threshold(recall: np.ndarray, thresholds: np.ndarray, target: float) -> float:
    """Halfway between the highest score whose recall reaches `target` and the next lower
    score of the sample: any threshold in that gap gives the same figures on the sample, and
    its middle neither sits on the lowest positive caught nor reaches the next row down."""
    i = int(np.nonzero(recall >= target)[0][-1])
    return float(thresholds[i] if i == 0 else (thresholds[i - 1] + thresholds[i]) / 2)


def suggest_policy(
    labels: np.ndarray,
    scores: np.ndarray,
    weights: np.ndarray,
    *,
    current: Policy,
    targets: Targets,
) -> list[CategorySuggestion]:
    """Every category's suggestion (labels and scores: n × 7 in `CATEGORIES` order)."""
    return [
        suggest_category(
            category,
            labels[:, j],
            scores[:, j],
            weights,
            current=current.categories[category],
            targets=targets,
        )
        for j, category in enumerate(CATEGORIES)
    ]


def suggested_policy(
    current: Policy, suggestions: list[CategorySuggestion], *, version: str, description: str
) -> Policy:
    """The new policy: the suggested thresholds, the current policy's other settings."""
    return Policy(
        version=version,
        description=description,
        categories={s.category: s.suggested for s in suggestions},
        languages=current.languages,
    )
