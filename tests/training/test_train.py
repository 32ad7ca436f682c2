"""Threshold choice and splitting, on small synthetic arrays with known answers."""

import numpy as np
import pandas as pd

from moderation.normalize import normalize
from training.train import TrainConfig, choose_thresholds, prepare, split


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


def test_grammar_rows_equal_to_a_public_comment_are_left_out() -> None:
    """A grammar sentence that a validation or test comment happens to equal must not train."""
    from training.augment_spam import civil_lookalikes
    from training.pipeline import _augmented

    config = TrainConfig(identity_augmentation=False, spam_augmentation_rows=50, spam_civil_rows=20)
    public = pd.DataFrame({"text": ["a public comment"], "source": "x", "group": "g"})
    train = prepare(public, progress=False)
    held_out = normalize(civil_lookalikes(20)[0])
    out = _augmented(train, config, public={*train["norm"], held_out})
    assert held_out not in set(out["norm"]) and len(out) == 1 + 50 + 19
    assert out["norm"].is_unique and (out["split"].iloc[1:] == "train").all()
