"""Calibration: the map from a classifier's logit to a probability, fitted on the validation
split, and the measure of how well the served scores mean what they say.

Fitting: beta calibration (Kull, Silva Filho & Flach 2017, "Beyond sigmoids"). With
s = sigmoid(z) the logistic regression's own probability, the calibrated score is

    p = sigmoid(a * ln(s) - b * ln(1 - s) + c)

Platt scaling (p = sigmoid(A * z + B)) is the special case a = b = A, c = B. The extra degree
of freedom lets the curve bend differently for low and high scores, which a model trained on
sources with different base rates needs (the shipped model's discourtesy scores were
underconfident in the middle and overconfident at the top: test ECE 0.025 with Platt, 0.006
with beta). With a, b ≥ 0 the map is strictly increasing, so ranks, ROC AUC and
average precision stay exactly as they were; a negative coefficient is refitted at 0, as the
authors' `betacal` package does. Isotonic regression was measured too and rejected: its flat
steps tie scores and cost up to 0.005 ROC AUC (violence). The fit is a two-feature logistic
regression, so it is written here rather than taken from `betacal` (unmaintained since 2021).
`moderation.linear.LinearScorer.calibrate` applies the same formula with numpy.

Measuring (`reliability`): the expected calibration error (ECE, Naeini et al. 2015; Guo et al.
2017) over equal-width score bins, the weighted mean gap between the mean score and the
observed positive rate of each bin, plus the bins themselves as a reliability table.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

BINS = 10
# A bin's gap counts toward `max_gap` only with this many rows: with fewer, sampling noise
# alone (±0.1 at 25 rows) swamps it.
MIN_GAP_ROWS = 100
METHODS = ("beta", "platt")
Calibrator = tuple[float, float, float]  # (a, b, c) of the beta form above
IDENTITY: Calibrator = (1.0, 1.0, 0.0)  # p = sigmoid(z): the classifier's own probability


def beta_features(decision: np.ndarray) -> np.ndarray:
    """(n, 2) columns ln(s) and -ln(1 - s) of s = sigmoid(decision), computed stably."""
    z = np.asarray(decision, dtype=np.float64)
    return np.column_stack([-np.logaddexp(0.0, -z), np.logaddexp(0.0, z)])


def _logistic(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    model = LogisticRegression(C=1e4, solver="lbfgs", max_iter=1000)
    model.fit(x, y.astype(int))
    return model.coef_[0], float(model.intercept_[0])


def platt(decision: np.ndarray, y: np.ndarray) -> Calibrator:
    """Platt scaling as a beta calibrator: (A, A, B) for p = sigmoid(A * z + B)."""
    if len(np.unique(y)) < 2:
        return IDENTITY
    coef, intercept = _logistic(np.asarray(decision, dtype=np.float64).reshape(-1, 1), y)
    return float(coef[0]), float(coef[0]), intercept


def beta(decision: np.ndarray, y: np.ndarray) -> Calibrator:
    """Beta calibration (a, b, c), both slopes kept ≥ 0 so the map is increasing."""
    if len(np.unique(y)) < 2:
        return IDENTITY
    x = beta_features(decision)
    coef, intercept = _logistic(x, y)
    if coef[0] >= 0 and coef[1] >= 0:
        return float(coef[0]), float(coef[1]), intercept
    keep = 1 if coef[0] < 0 else 0  # refit on the other column alone
    single, intercept = _logistic(x[:, [keep]], y)
    slope = max(float(single[0]), 0.0)
    return (0.0, slope, intercept) if keep == 1 else (slope, 0.0, intercept)


def fit_calibrator(decision: np.ndarray, y: np.ndarray, *, method: str = "beta") -> Calibrator:
    """The calibrator of one category from validation logits and 0/1 labels."""
    if method == "beta":
        return beta(decision, y)
    if method == "platt":
        return platt(decision, y)
    raise ValueError(f"unknown calibration method {method!r}; known: {', '.join(METHODS)}")


def apply_calibrator(calibrator: Calibrator, decision: np.ndarray) -> np.ndarray:
    """Probabilities from logits (the training-side twin of `LinearScorer.calibrate`)."""
    a, b, c = calibrator
    t = beta_features(decision) @ np.array([a, b]) + c
    out: np.ndarray = 1.0 / (1.0 + np.exp(-t))
    return out


def reliability(y: np.ndarray, scores: np.ndarray, *, bins: int = BINS) -> dict[str, Any]:
    """ECE and the reliability table of `scores` against 0/1 labels `y` (NaN rows dropped).

    Bins split [0, 1] into `bins` equal widths (the last one closed); each row of the table is
    {lo, hi, n, mean_score, observed_rate}; empty bins are left out. The ECE is the mean of
    |mean_score - observed_rate| weighted by each bin's share of rows; `max_gap` is the
    largest gap of a bin holding at least `MIN_GAP_ROWS` rows (None when none does)."""
    y = np.asarray(y, dtype=np.float64)
    known = ~np.isnan(y)
    y, scores = y[known], np.clip(np.asarray(scores, dtype=np.float64)[known], 0.0, 1.0)
    if y.size == 0:
        return {"n": 0, "ece": None, "max_gap": None, "bins": []}
    index = np.minimum((scores * bins).astype(int), bins - 1)
    table = []
    ece = 0.0
    max_gap: float | None = None
    for k in range(bins):
        inside = index == k
        n = int(inside.sum())
        if not n:
            continue
        mean_score, observed = float(scores[inside].mean()), float(y[inside].mean())
        gap = abs(mean_score - observed)
        ece += gap * n / y.size
        if n >= MIN_GAP_ROWS:
            max_gap = gap if max_gap is None else max(max_gap, gap)
        table.append(
            {
                "lo": round(k / bins, 3),
                "hi": round((k + 1) / bins, 3),
                "n": n,
                "mean_score": round(mean_score, 4),
                "observed_rate": round(observed, 4),
            }
        )
    return {
        "n": int(y.size),
        "ece": round(ece, 4),
        "max_gap": None if max_gap is None else round(max_gap, 4),
        "bins": table,
    }
