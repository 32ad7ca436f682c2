"""The compiled scorer must give exactly what the scikit-learn objects give."""

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from moderation.categories import CATEGORIES
from moderation.linear import LinearScorer, calibration_row
from moderation.normalize import normalize
from moderation.registry import load_bundle

TEXTS = [
    "you are a stupid idiot",
    "I will hurt you",
    "check out my channel http://example.com",
    "Thanks for the thoughtful article.",
    "x",
    "!!!",
    "a " * 300,
    "fuuuuck this sh1t",
    "zzqqxx unseen tokens only",
    "as a Muslim woman I disagree with the Jewish and gay commenters",
]


def sklearn_features(bundle: dict, texts: list[str]) -> sp.csr_matrix:
    return sp.hstack(
        [bundle["word_vectorizer"].transform(texts), bundle["char_vectorizer"].transform(texts)]
    ).tocsr()


def sklearn_scores(bundle: dict, texts: list[str]) -> np.ndarray:
    """Beta calibration of scikit-learn's own probability s: sigmoid(a ln s - b ln(1-s) + c)."""
    x = sklearn_features(bundle, texts)
    out = np.zeros((len(texts), len(CATEGORIES)))
    for j, category in enumerate(CATEGORIES):
        clf = bundle["classifiers"].get(category)
        if clf is None:
            continue
        a, b, c = bundle["calibration"][category]
        log_not, log_yes = clf.predict_log_proba(x).T
        out[:, j] = 1 / (1 + np.exp(-(a * log_yes - b * log_not + c)))
    return out


def test_linear_scorer_equals_sklearn(tiny_models_dir: Path) -> None:
    bundle, _ = load_bundle(tiny_models_dir)
    scorer = LinearScorer(bundle)
    texts = [normalize(t) for t in TEXTS]
    expected = sklearn_scores(bundle, texts)
    single = np.array([scorer.scores(t) for t in texts])
    np.testing.assert_allclose(single, expected, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(scorer.scores_batch(texts), expected, rtol=1e-9, atol=1e-12)


def test_platt_calibrators_of_older_artifacts_score_as_before(tiny_models_dir: Path) -> None:
    # Artifacts before beta calibration stored Platt's (A, B): p = sigmoid(A * z + B).
    bundle, _ = load_bundle(tiny_models_dir)
    legacy = {**bundle, "calibration": dict.fromkeys(bundle["calibration"], (0.8, -0.3))}
    scorer = LinearScorer(legacy)
    texts = [normalize(t) for t in TEXTS]
    x = sklearn_features(bundle, texts)
    for j, category in enumerate(CATEGORIES):
        clf = bundle["classifiers"].get(category)
        if clf is None:
            continue
        expected = 1 / (1 + np.exp(-(0.8 * clf.decision_function(x) - 0.3)))
        np.testing.assert_allclose(scorer.scores_batch(texts)[:, j], expected, rtol=1e-9)
    with pytest.raises(ValueError, match="2 \\(Platt\\) or 3"):
        calibration_row([1.0])


def test_token_contributions_add_up_to_the_logit(tiny_models_dir: Path) -> None:
    bundle, _ = load_bundle(tiny_models_dir)
    scorer = LinearScorer(bundle)
    for text in (normalize(t) for t in TEXTS):
        parts = scorer.token_contributions(text)
        total = sum((c for _, _, c in parts), np.zeros(len(CATEGORIES)))
        np.testing.assert_allclose(total + scorer.intercept, scorer.logits(text), atol=1e-9)
        for start, end, _ in parts:
            assert text[start:end].strip() == text[start:end] != ""


def _allowed(text: str, word: str) -> list[tuple[int, int]]:
    start = text.index(word)
    return [(start, start + len(word))]


def test_allowed_spans_silence_exactly_the_features_inside_them(tiny_models_dir: Path) -> None:
    bundle, _ = load_bundle(tiny_models_dir)
    scorer = LinearScorer(bundle)
    # Nothing but an allowed word: no feature at all, so the score is the intercept's.
    idx, _ = scorer.features("idiot", [(0, 5)])
    assert idx.size == 0
    # Its unigram and char n-grams go; the bigrams joining it to its neighbours stay.
    text = "you are an idiot today"
    allowed = _allowed(text, "idiot")
    kept = set(scorer.features(text, allowed)[0].tolist())
    full = set(scorer.features(text)[0].tolist())
    gone = full - kept
    assert scorer.word_vocab.get("idiot") in gone or "idiot" not in scorer.word_vocab
    assert not any(
        scorer.char_vocab.get(g) in kept
        for g in (" idiot", "idiot ", "idio")
        if g in scorer.char_vocab
    )
    for bigram in ("an idiot", "idiot today"):
        if bigram in scorer.word_vocab:
            assert scorer.word_vocab[bigram] in kept


def test_allowed_spans_agree_across_single_batch_and_attribution(tiny_models_dir: Path) -> None:
    bundle, _ = load_bundle(tiny_models_dir)
    scorer = LinearScorer(bundle)
    cases = [
        ("you are a stupid idiot", "stupid"),
        ("as a muslim woman i disagree", "muslim"),
        ("visit scunthorpe, you idiot", "scunthorpe"),
        ("knob noster is a town", "knob noster"),
    ]
    texts = [t for t, _ in cases]
    spans = [_allowed(t, w) for t, w in cases]
    single = np.array(
        [scorer.scores_and_features(t, a)[0] for t, a in zip(texts, spans, strict=True)]
    )
    np.testing.assert_allclose(scorer.scores_batch(texts, spans), single, rtol=1e-9, atol=1e-12)
    for text, allowed in zip(texts, spans, strict=True):
        parts = scorer.token_contributions(text, allowed=allowed)
        total = sum((c for _, _, c in parts), np.zeros(len(CATEGORIES)))
        idx, val = scorer.features(text, allowed)
        np.testing.assert_allclose(
            total + scorer.intercept, val @ scorer.coef[idx] + scorer.intercept, atol=1e-9
        )
