"""The evaluation report of a model version (`models/<version>/report.html`): one
self-contained HTML file (plots inlined as PNG data URIs, no script, nothing fetched) with the
test split's figures per category and per source, the suites' headlines, and a diff against
the baseline, the version that was active when this one was trained, re-scored on the same
test split.

Written by `run_training` beside the card and hashed by the manifest like every file of a
version; served by `GET /v1/model/report`. Figures come from `sklearn.metrics` (through
`training.evaluate`) and `training.calibration.reliability`, the same functions as the card's,
so the two agree. Rendered by Jinja2 with autoescaping: every name, version and message from
the data is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sklearn.metrics import confusion_matrix, precision_score, recall_score

from moderation.categories import CATEGORIES, Category
from moderation.errors import ModelError, ModerationError
from moderation.model_policy import own_policy
from moderation.policy import Policy
from moderation.registry import REPORT_FILE, active_version, load_bundle
from moderation.scoring import Moderator
from training.calibration import reliability
from training.evaluate import category_metrics, evaluate_scores
from training.report_plots import Run, precision_recall_plot, reliability_plot, roc_plot

TEMPLATE = "report.html.j2"
#: The diff table's figures, as `training.evaluate.category_metrics` names them.
DIFF_METRICS = (
    ("roc_auc", "ROC AUC"),
    ("average_precision", "average precision"),
    ("precision_at_flag", "precision at flag"),
    ("recall_at_flag", "recall at flag"),
    ("precision_at_reject", "precision at reject"),
    ("recall_at_reject", "recall at reject"),
)
#: A model's name, its (n, 7) scores of the test split and the policy it is judged by.
Scored = tuple[str, np.ndarray, Policy]


@dataclass(frozen=True)
class Baseline:
    """The model a new version is compared with: its scores on the candidate's test split and
    its own policy, or why there are none (`problem`)."""

    version: str | None
    scores: np.ndarray | None = None
    policy: Policy | None = None
    problem: str | None = None


def score_baseline(models_dir: Path, texts: list[str]) -> Baseline:
    """The active version of `models_dir` (the one serving while a new one trains), loaded
    and verified like any model, with the thresholds of its own `policy.toml`, scoring `texts`.
    Site term lists stay out, as in every evaluation (`Moderator.score_texts`)."""
    try:
        version = active_version(models_dir)
    except ModelError as exc:
        return Baseline(None, problem=exc.message)
    try:
        bundle, version = load_bundle(models_dir, version)
        policy = own_policy(models_dir, version)
    except ModerationError as exc:
        problem = f"the active model {version} cannot be loaded: {exc.message}"
        return Baseline(version, problem=problem)
    moderator = Moderator(bundle=bundle, version=version, policy=policy)
    return Baseline(version, moderator.score_texts(texts), policy)


def card_entry(baseline: Baseline) -> dict[str, Any]:
    """The card's `report` field: the file and the version it was compared with (or null)."""
    return {
        "file": REPORT_FILE,
        "baseline": baseline.version if baseline.scores is not None else None,
    }


def render_report(
    card: dict[str, Any],
    test: pd.DataFrame,
    scores: np.ndarray,
    policy: Policy,
    baseline: Baseline,
) -> str:
    """The report as HTML. `test` is the test split (`text`, `source` and the category
    columns, NaN where a source does not label a category), `scores` its (n, 7) scores as
    served, `policy` the candidate's thresholds."""
    runs: list[Scored] = [(str(card["version"]), scores, policy)]
    if baseline.scores is not None and baseline.policy is not None:
        runs.append((str(baseline.version), baseline.scores, baseline.policy))
    labelled = [c for c in CATEGORIES if c in test and test[c].notna().any()]
    context = {
        "card": card,
        "rows": len(test),
        "categories": [_category(c, test, runs) for c in labelled],
        "unlabelled": [c for c in CATEGORIES if c not in labelled],
        "by_source": _by_source(test, runs),
        "baseline": baseline,
        "diff": _diff(test, runs, labelled) if len(runs) > 1 else [],
    }
    return _environment().get_template(TEMPLATE).render(context)


def _category(category: Category, test: pd.DataFrame, runs: list[Scored]) -> dict[str, Any]:
    """Plots and confusion at the thresholds of one category, on its labelled rows."""
    j = CATEGORIES.index(category)
    labels = test[category].to_numpy(dtype=float)
    known = ~np.isnan(labels)
    y = labels[known].astype(int)
    curves = [Run(name, y, s[known, j], dashed=k > 0) for k, (name, s, _) in enumerate(runs)]
    tables = [(run, reliability(run.y, run.scores)) for run in curves]
    plots = []
    if 0 < y.sum() < y.size:  # curves need both classes
        plots += [
            ("precision-recall", precision_recall_plot(category, curves)),
            ("ROC", roc_plot(category, curves)),
        ]
    plots.append(("calibration", reliability_plot(category, tables)))
    confusion = []  # flag of each model, then reject of each: rows to compare stay together
    for action in ("flag", "reject"):
        for run, (name, _, run_policy) in zip(curves, runs, strict=True):
            threshold = getattr(run_policy.categories[category], action)
            if threshold is not None:
                confusion.append(_confusion(name, action, threshold, run))
    return {
        "name": category,
        "rows": int(y.size),
        "positives": int(y.sum()),
        "ece": tables[0][1]["ece"],
        "plots": plots,
        "confusion": confusion,
    }


def _confusion(model: str, action: str, threshold: float, run: Run) -> dict[str, Any]:
    predicted = (run.scores >= threshold).astype(int)
    tn, fp, fn, tp = confusion_matrix(run.y, predicted, labels=[0, 1]).ravel()
    return {
        "model": model,
        "action": action,
        "threshold": threshold,
        "tp": int(tp),
        "fp": int(fp),
        "fn": int(fn),
        "tn": int(tn),
        "precision": _number(precision_score(run.y, predicted, zero_division=np.nan)),
        "recall": _number(recall_score(run.y, predicted, zero_division=np.nan)),
    }


def _diff(
    test: pd.DataFrame, runs: list[Scored], labelled: Sequence[Category]
) -> list[dict[str, Any]]:
    """Per category and figure: candidate, baseline (each at its own thresholds), delta."""
    rows = []
    for category in labelled:
        j = CATEGORIES.index(category)
        labels = test[category].to_numpy(dtype=float)
        figures = []
        for _, scores, run_policy in runs:
            limits = run_policy.categories[category]
            figures.append(
                category_metrics(labels, scores[:, j], flag=limits.flag, reject=limits.reject)
            )
        thresholds = [r[2].categories[category] for r in runs]
        rows.append(
            {
                "category": category,
                "thresholds": [(t.flag, t.reject) for t in thresholds],
                "figures": [(title, *(_figure_pair(figures, key))) for key, title in DIFF_METRICS],
            }
        )
    return rows


def _figure_pair(figures: list[dict[str, Any]], key: str) -> tuple[Any, Any, Any]:
    new, old = figures[0].get(key), figures[1].get(key)
    # To the figures' shown precision, and no "-0.000": a change too small to show is none.
    delta = None if new is None or old is None else round(new - old, 3) + 0.0
    return new, old, delta


def _by_source(test: pd.DataFrame, runs: list[Scored]) -> dict[str, Any]:
    """Rows, positives, ROC AUC and recall at flag per source and category with positives in
    the test split (the baseline's ROC AUC beside the candidate's when there is one); then,
    per source, the categories it labels without a positive, where neither figure exists."""
    reports = [evaluate_scores(test, s, p)["by_source"] for _, s, p in runs]
    rows: list[dict[str, Any]] = []
    clean: dict[str, list[str]] = {}
    for source, categories in reports[0].items():
        for category, m in categories.items():
            if not m["positives"]:
                clean.setdefault(source, []).append(category)
                continue
            others = [r[source][category].get("roc_auc") for r in reports[1:]]
            rows.append(
                {
                    "source": source,
                    "category": category,
                    "rows": m["n"],
                    "positives": m["positives"],
                    "roc_auc": m.get("roc_auc"),
                    "baseline_roc_auc": others[0] if others else None,
                    "recall_at_flag": m.get("recall_at_flag"),
                }
            )
    return {"rows": rows, "clean": clean}


def _number(value: Any) -> float | None:
    value = float(value)
    return None if math.isnan(value) else round(value, 4)


def _fmt(value: Any, signed: bool = False) -> str:
    """Figures as the card shows them: three decimals, '–' for none."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:+.3f}" if signed and value else f"{value:.3f}"
    return str(value)


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(Path(__file__).resolve().parent),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["fmt"] = _fmt
    return env
