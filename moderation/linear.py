"""A compiled view of the trained scikit-learn model for fast serving.

The artifact holds two fitted `TfidfVectorizer`s (word and char n-grams, see
`moderation.features`) and one `LogisticRegression` per category plus Platt calibration
constants. Calling scikit-learn for one comment costs far more in input validation than in
arithmetic, so `LinearScorer` copies the vocabularies, idf weights and coefficients into plain
dicts and numpy arrays and scores with a few vector operations. `tests/unit/test_linear.py`
proves its output equal to scikit-learn's on the same weights.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

import numpy as np
import scipy.sparse as sp

from moderation.categories import CATEGORIES
from moderation.features import WORD_RE, token_char_ngrams, whitespace_tokens, word_ngrams

_EMPTY = np.empty(0, dtype=np.int64)
_TOKEN_CACHE_MAX = 200_000
_MISSING_INTERCEPT = -30.0  # a category the artifact has no classifier for scores ~0


class LinearScorer:
    """Seven calibrated probabilities from normalised text, equal to the sklearn pipeline."""

    def __init__(self, bundle: dict[str, Any]) -> None:
        word, char = bundle["word_vectorizer"], bundle["char_vectorizer"]
        self.n_word = len(word.vocabulary_)
        self.word_vocab: dict[str, int] = {g: int(i) for g, i in word.vocabulary_.items()}
        self.char_vocab: dict[str, int] = {
            g: int(i) + self.n_word for g, i in char.vocabulary_.items()
        }
        self.idf = np.concatenate([word.idf_, char.idf_]).astype(np.float64)
        n_features = self.idf.shape[0]
        self.coef = np.zeros((n_features, len(CATEGORIES)), dtype=np.float64)
        self.intercept = np.full(len(CATEGORIES), _MISSING_INTERCEPT)
        self.platt = np.tile(np.array([1.0, 0.0]), (len(CATEGORIES), 1))
        for j, category in enumerate(CATEGORIES):
            clf = bundle["classifiers"].get(category)
            if clf is None:
                continue
            self.coef[:, j] = clf.coef_.ravel()
            self.intercept[j] = float(clf.intercept_[0])
            self.platt[j] = bundle["calibration"][category]
        self._token_cache: dict[str, np.ndarray] = {}

    # -- features -------------------------------------------------------------------------

    def _char_indices(self, token: str) -> np.ndarray:
        cached = self._token_cache.get(token)
        if cached is None:
            vocab = self.char_vocab
            found = [i for g in token_char_ngrams(token) if (i := vocab.get(g)) is not None]
            cached = np.array(found, dtype=np.int64) if found else _EMPTY
            if len(self._token_cache) >= _TOKEN_CACHE_MAX:
                self._token_cache.clear()
            self._token_cache[token] = cached
        return cached

    def _block(self, indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Unique feature indices and their l2-normalised sublinear tf-idf values."""
        if indices.size == 0:
            return _EMPTY, np.empty(0)
        unique, counts = np.unique(indices, return_counts=True)
        values = (1.0 + np.log(counts)) * self.idf[unique]
        norm = np.sqrt(values @ values)
        return unique, values / norm

    def features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Sparse feature vector of normalised `text` as (indices, values)."""
        vocab = self.word_vocab
        word_idx = [i for g in word_ngrams(text) if (i := vocab.get(g)) is not None]
        w_idx, w_val = self._block(np.array(word_idx, dtype=np.int64))
        parts = [self._char_indices(t) for t in text.split()]
        c_idx, c_val = self._block(np.concatenate(parts) if parts else _EMPTY)
        return np.concatenate([w_idx, c_idx]), np.concatenate([w_val, c_val])

    # -- scores ---------------------------------------------------------------------------

    def logits(self, text: str) -> np.ndarray:
        idx, val = self.features(text)
        logits: np.ndarray = val @ self.coef[idx] + self.intercept
        return logits

    def calibrate(self, logits: np.ndarray) -> np.ndarray:
        z = logits * self.platt[:, 0] + self.platt[:, 1]
        probabilities: np.ndarray = 1.0 / (1.0 + np.exp(-z))
        return probabilities

    def scores(self, text: str) -> np.ndarray:
        """Seven calibrated probabilities, in `CATEGORIES` order."""
        return self.calibrate(self.logits(text))

    def scores_batch(self, texts: list[str]) -> np.ndarray:
        """(len(texts), 7) calibrated probabilities, one sparse matrix product for the batch."""
        if not texts:
            return np.empty((0, len(CATEGORIES)))
        indptr, indices, data = [0], [], []
        for text in texts:
            idx, val = self.features(text)
            indices.append(idx)
            data.append(val)
            indptr.append(indptr[-1] + idx.size)
        matrix = sp.csr_matrix(
            (np.concatenate(data), np.concatenate(indices), np.array(indptr)),
            shape=(len(texts), self.idf.shape[0]),
        )
        return self.calibrate(matrix @ self.coef + self.intercept)

    # -- evidence -------------------------------------------------------------------------

    def token_contributions(self, text: str) -> list[tuple[int, int, np.ndarray]]:
        """For each whitespace token of normalised `text`: (start, end, logit share per category).

        A feature's value is shared among the tokens it came from in proportion to how often
        each produced it (a word bigram counts half for each of its two words), so the shares
        of all tokens add up to the logit minus the intercept.
        """
        spans = [(m.start(), m.end()) for m in whitespace_tokens(text)]
        if not spans:
            return []
        starts = [start for start, _ in spans]
        features: list[int] = []
        owners: list[int] = []
        weights: list[float] = []
        for pos, (start, end) in enumerate(spans):
            found = self._char_indices(text[start:end]).tolist()
            features += found
            owners += [pos] * len(found)
            weights += [1.0] * len(found)
        words = [(m.group(), bisect_right(starts, m.start()) - 1) for m in WORD_RE.finditer(text)]
        vocab = self.word_vocab
        for k, (word, pos) in enumerate(words):
            i = vocab.get(word)
            if i is not None:
                features.append(i)
                owners.append(pos)
                weights.append(1.0)
            if k + 1 < len(words):
                j = vocab.get(f"{word} {words[k + 1][0]}")
                if j is not None:
                    features += [j, j]
                    owners += [pos, words[k + 1][1]]
                    weights += [0.5, 0.5]
        totals = np.zeros((len(spans), len(CATEGORIES)))
        if features:
            idx, val = self.features(text)
            f = np.array(features, dtype=np.int64)
            w = np.array(weights)
            loc = np.searchsorted(idx, f)
            share = np.bincount(loc, weights=w, minlength=idx.size)
            per_occurrence = (w * val[loc] / share[loc])[:, None] * self.coef[f]
            owner = np.array(owners, dtype=np.int64)
            for j in range(len(CATEGORIES)):
                totals[:, j] = np.bincount(
                    owner, weights=per_occurrence[:, j], minlength=len(spans)
                )
        return [(start, end, totals[pos]) for pos, (start, end) in enumerate(spans)]
