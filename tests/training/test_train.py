"""Threshold choice and splitting, on small synthetic arrays with known answers."""

import numpy as np
import pandas as pd

from training.train import TrainConfig, choose_thresholds, split


def test_thresholds_flag_at_best_f1_and_reject_where_precise() -> None:
    y = np.array([0] * 80 + [1] * 20)
    scores = np.concatenate([np.linspace(0.0, 0.3, 80), np.linspace(0.2, 0.99, 20)])
    t = choose_thresholds(y, scores, TrainConfig())
    assert 0.2 <= t["flag"] <= 0.35
    assert t["reject"] is not None and t["reject"] >= max(t["flag"], 0.5)


def test_no_reject_when_precision_never_reaches_the_target() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 400)
    t = choose_thresholds(y, rng.random(400), TrainConfig())
    assert t["reject"] is None


def test_split_is_stable_and_keeps_groups_together() -> None:
    frame = pd.DataFrame({"group": [f"g{i // 3}" for i in range(3000)]})
    a, b = split(frame, TrainConfig()), split(frame, TrainConfig())
    assert (a == b).all()
    assert frame.assign(s=a).groupby("group")["s"].nunique().max() == 1
    shares = a.value_counts(normalize=True)
    assert 0.75 < shares["train"] < 0.85 and 0.07 < shares["test"] < 0.13
