"""The compiled scorer must give exactly what the scikit-learn objects give."""

from pathlib import Path

import numpy as np
import scipy.sparse as sp

from moderation.categories import CATEGORIES
from moderation.linear import LinearScorer
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


def sklearn_scores(bundle: dict, texts: list[str]) -> np.ndarray:
    x = sp.hstack(
        [bundle["word_vectorizer"].transform(texts), bundle["char_vectorizer"].transform(texts)]
    ).tocsr()
    out = np.zeros((len(texts), len(CATEGORIES)))
    for j, category in enumerate(CATEGORIES):
        clf = bundle["classifiers"].get(category)
        if clf is None:
            continue
        a, b = bundle["calibration"][category]
        out[:, j] = 1 / (1 + np.exp(-(a * clf.decision_function(x) + b)))
    return out


def test_linear_scorer_equals_sklearn(tiny_models_dir: Path) -> None:
    bundle, _ = load_bundle(tiny_models_dir)
    scorer = LinearScorer(bundle)
    texts = [normalize(t) for t in TEXTS]
    expected = sklearn_scores(bundle, texts)
    single = np.array([scorer.scores(t) for t in texts])
    np.testing.assert_allclose(single, expected, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(scorer.scores_batch(texts), expected, rtol=1e-9, atol=1e-12)


def test_token_contributions_add_up_to_the_logit(tiny_models_dir: Path) -> None:
    bundle, _ = load_bundle(tiny_models_dir)
    scorer = LinearScorer(bundle)
    for text in (normalize(t) for t in TEXTS):
        parts = scorer.token_contributions(text)
        total = sum((c for _, _, c in parts), np.zeros(len(CATEGORIES)))
        np.testing.assert_allclose(total + scorer.intercept, scorer.logits(text), atol=1e-9)
        for start, end, _ in parts:
            assert text[start:end].strip() == text[start:end] != ""
