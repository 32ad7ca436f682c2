"""Figures for a model on labelled data: per-category ROC AUC, average precision, precision and
recall at the policy thresholds, by category and by source (slice), and calibration (expected
calibration error with its reliability table, see `training.calibration`)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, roc_auc_score

from moderation.categories import CATEGORIES
from moderation.policy import Policy
from training.calibration import reliability

MIN_PER_CLASS = 5  # below this many positives or negatives a ROC AUC means little


def _round(value: float) -> float | None:
    return None if value is None or math.isnan(value) else round(float(value), 4)


def category_metrics(
    labels: np.ndarray, scores: np.ndarray, *, flag: float, reject: float | None
) -> dict[str, Any]:
    """Metrics for one category over rows where its label is known (not NaN)."""
    known = ~np.isnan(labels)
    y, s = labels[known].astype(int), scores[known]
    positives, negatives = int(y.sum()), int((1 - y).sum())
    out: dict[str, Any] = {"n": int(y.size), "positives": positives}
    if positives < MIN_PER_CLASS or negatives < MIN_PER_CLASS:
        out.update(roc_auc=None, average_precision=None)
    else:
        out["roc_auc"] = _round(roc_auc_score(y, s))
        out["average_precision"] = _round(average_precision_score(y, s))
    for name, threshold in (("flag", flag), ("reject", reject)):
        if threshold is None:
            continue
        predicted = s >= threshold
        tp = int((predicted & (y == 1)).sum())
        out[f"precision_at_{name}"] = _round(tp / predicted.sum()) if predicted.sum() else None
        out[f"recall_at_{name}"] = _round(tp / positives) if positives else None
    return out


def evaluate_scores(
    frame: pd.DataFrame, scores: np.ndarray, policy: Policy, *, by_source: bool = True
) -> dict[str, Any]:
    """Per-category metrics over `frame` (category columns hold 1/0/NaN) and `scores` (n, 7)."""
    report: dict[str, Any] = {"rows": len(frame), "categories": {}}
    for j, category in enumerate(CATEGORIES):
        if category not in frame:
            continue
        limits = policy.categories[category]
        labels = frame[category].to_numpy(dtype=float)
        report["categories"][category] = category_metrics(
            labels, scores[:, j], flag=limits.flag, reject=limits.reject
        )
    aucs = [m["roc_auc"] for m in report["categories"].values() if m.get("roc_auc") is not None]
    report["mean_roc_auc"] = _round(float(np.mean(aucs))) if aucs else None
    if by_source and "source" in frame:
        report["by_source"] = {}
        for source, part in frame.groupby("source", sort=True):
            idx = frame.index.get_indexer(part.index)
            report["by_source"][source] = {
                c: category_metrics(
                    part[c].to_numpy(dtype=float),
                    scores[idx, j],
                    flag=policy.categories[c].flag,
                    reject=policy.categories[c].reject,
                )
                for j, c in enumerate(CATEGORIES)
                if c in part and part[c].notna().any()
            }
    return report


def calibration_report(frame: pd.DataFrame, scores: np.ndarray) -> dict[str, Any]:
    """Per category with labels in `frame`: ECE, largest bin gap and the reliability table of
    the (n, 7) `scores` (the scores as served: model and detectors)."""
    return {
        category: reliability(frame[category].to_numpy(dtype=float), scores[:, j])
        for j, category in enumerate(CATEGORIES)
        if category in frame and frame[category].notna().any()
    }


def decision_counts(decisions: list[str]) -> dict[str, int]:
    return {d: decisions.count(d) for d in ("allow", "flag", "reject")}
