"""Calibration: the reliability table and ECE on handmade scores, beta calibration against
known curves, the training-side map equal to the served one, and the model card's figures."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from moderation.categories import CATEGORIES
from moderation.linear import LinearScorer
from moderation.registry import load_bundle
from training.calibration import (
    IDENTITY,
    apply_calibrator,
    beta,
    fit_calibrator,
    platt,
    reliability,
)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _sample(curve: tuple[float, float, float], n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Logits and labels drawn so that P(y=1 | z) is the beta curve (a, b, c)."""
    rng = np.random.default_rng(seed)
    z = rng.normal(-1.5, 2.0, n)
    y = (rng.random(n) < apply_calibrator(curve, z)).astype(float)
    return z, y


def test_reliability_of_handmade_scores() -> None:
    y = np.array([0, 0, 0, 1, 1, 1, 1, 0, np.nan] * 25)
    s = np.array([0.05, 0.05, 0.05, 0.05, 0.95, 0.95, 0.95, 0.95, 0.5] * 25)
    r = reliability(y, s)
    assert r["n"] == 200  # the NaN labels are left out
    assert [(b["lo"], b["n"]) for b in r["bins"]] == [(0.0, 100), (0.9, 100)]
    low, high = r["bins"]
    assert (low["mean_score"], low["observed_rate"]) == (0.05, 0.25)
    assert (high["mean_score"], high["observed_rate"]) == (0.95, 0.75)
    assert r["ece"] == pytest.approx(0.2)  # both bins 0.2 off, half the rows each
    assert r["max_gap"] == pytest.approx(0.2)
    assert reliability(y[:9], s[:9])["max_gap"] is None  # no bin is large enough to judge
    exact = reliability(np.array([0.0, 1.0]), np.array([0.0, 1.0]))
    assert exact["ece"] == 0.0 and [b["hi"] for b in exact["bins"]] == [0.1, 1.0]
    assert reliability(np.array([np.nan]), np.array([0.3]))["ece"] is None


def test_platt_is_the_beta_form_with_equal_slopes() -> None:
    z, y = _sample((1.5, 1.5, -0.5), 20_000, seed=1)
    a, b, c = platt(z, y)
    assert a == b and a == pytest.approx(1.5, abs=0.1) and c == pytest.approx(-0.5, abs=0.1)
    np.testing.assert_allclose(apply_calibrator((a, b, c), z), _sigmoid(a * z + c), rtol=1e-12)


def test_beta_fits_a_curve_platt_cannot() -> None:
    # overconfident at the top, underconfident in the middle: slopes differ
    curve = (1.8, 0.3, 1.5)
    z, y = _sample(curve, 30_000, seed=2)
    fresh_z, fresh_y = _sample(curve, 30_000, seed=3)
    fitted = beta(z, y)
    assert fitted[0] == pytest.approx(1.8, abs=0.25) and fitted[1] == pytest.approx(0.3, abs=0.2)
    beta_ece = reliability(fresh_y, apply_calibrator(fitted, fresh_z))["ece"]
    platt_ece = reliability(fresh_y, apply_calibrator(platt(z, y), fresh_z))["ece"]
    assert beta_ece < 0.01 < platt_ece


def test_beta_stays_increasing_when_the_data_bends_back() -> None:
    rng = np.random.default_rng(4)
    z = rng.normal(0, 3, 5000)
    # positives get rarer again at the very top: an unconstrained fit would turn down there
    p = np.where(z < 3, _sigmoid(z), 0.2)
    y = (rng.random(z.size) < p).astype(float)
    a, b, c = beta(z, y)
    assert a >= 0 and b >= 0
    grid = np.linspace(-15, 15, 301)
    assert (np.diff(apply_calibrator((a, b, c), grid)) >= 0).all()


def test_one_class_or_unknown_method() -> None:
    z = np.linspace(-2, 2, 10)
    assert fit_calibrator(z, np.zeros(10)) == IDENTITY
    assert platt(z, np.ones(10)) == IDENTITY
    with pytest.raises(ValueError, match="unknown calibration method"):
        fit_calibrator(z, (z > 0).astype(float), method="isotonic")


def test_served_calibration_equals_the_training_side(tiny_models_dir: Path) -> None:
    bundle, _ = load_bundle(tiny_models_dir)
    scorer = LinearScorer(bundle)
    logits = np.random.default_rng(5).normal(0, 4, (50, len(CATEGORIES)))
    served = scorer.calibrate(logits)
    for j, category in enumerate(CATEGORIES):
        if category not in bundle["calibration"]:
            continue
        calibrator = bundle["calibration"][category]
        assert len(calibrator) == 3
        np.testing.assert_allclose(
            served[:, j], apply_calibrator(calibrator, logits[:, j]), rtol=1e-12
        )


def test_card_reports_calibration_and_identity_figures(tiny_models_dir: Path) -> None:
    version = (tiny_models_dir / "ACTIVE").read_text().strip()
    folder = tiny_models_dir / version
    card = json.loads((folder / "card.json").read_text())
    assert card["calibration"]["method"] == "beta"
    for category, figures in card["calibration"]["categories"].items():
        assert 0 <= figures["ece"] <= 1
        assert sum(b["n"] for b in figures["bins"]) == figures["n"]
        assert card["test"]["categories"][category]["ece"] == figures["ece"]
    suite = card["identity"]["suite"]
    assert 0 <= suite["headline"]["false_flag_rate"] <= 1
    assert "polish" in suite["held_out"]["terms"]
    assert card["identity"]["test_slice"]["category"] == "racism"
    markdown = (folder / "card.md").read_text()
    assert "## Calibration (beta" in markdown and "| ECE |" in markdown
    assert "## Identity mentions" in markdown
