"""A compiled view of the trained scikit-learn model for fast serving.

The artifact holds two fitted `TfidfVectorizer`s (word and char n-grams, see
`moderation.features`) and one `LogisticRegression` per category plus calibration
constants (beta calibration; Platt's in older artifacts). Calling scikit-learn for one comment
costs far more in input validation than in arithmetic, so `LinearScorer` copies the
vocabularies, idf weights and coefficients into plain dicts and numpy arrays and scores with a
few vector operations. `tests/unit/test_linear.py` proves its output equal to scikit-learn's
on the same weights.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from itertools import chain
from typing import Any

import numpy as np
import scipy.sparse as sp

from moderation.categories import CATEGORIES
from moderation.features import (
    MAX_TOKEN_CHARS,
    WORD_RE,
    mask_identity,
    token_char_ngrams,
    whitespace_tokens,
    word_ngrams,
)

_EMPTY = np.empty(0, dtype=np.int64)
Spans = Sequence[tuple[int, int]]
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
        # (a, b, c) per category: see `calibrate`; (1, 1, 0) leaves the logistic probability
        self.calibration = np.tile(np.array([1.0, 1.0, 0.0]), (len(CATEGORIES), 1))
        for j, category in enumerate(CATEGORIES):
            clf = bundle["classifiers"].get(category)
            if clf is None:
                continue
            self.coef[:, j] = clf.coef_.ravel()
            self.intercept[j] = float(clf.intercept_[0])
            self.calibration[j] = calibration_row(bundle["calibration"][category])
        self._token_cache: dict[str, list[int]] = {}

    # -- features -------------------------------------------------------------------------

    def _char_indices(self, token: str) -> list[int]:
        """Char n-gram feature indices of one token (cached: tokens repeat across comments)."""
        token = token[:MAX_TOKEN_CHARS]  # all its n-grams come from here: bounds the cache key
        cached = self._token_cache.get(token)
        if cached is None:
            vocab = self.char_vocab
            cached = [i for g in token_char_ngrams(token) if (i := vocab.get(g)) is not None]
            if len(self._token_cache) >= _TOKEN_CACHE_MAX:
                self._token_cache.clear()
            self._token_cache[token] = cached
        return cached

    def _indices(self, text: str, allowed: Spans | None = None) -> list[int]:
        """Every feature occurrence of normalised `text`: word block, then char block.

        `allowed` spans (allow-listed terms) are silenced: see `_silenced`.
        """
        vocab = self.word_vocab
        if allowed:
            return self._indices_allowing(text, allowed)
        found = [i for g in word_ngrams(text) if (i := vocab.get(g)) is not None]
        for token in text.split():
            found += self._char_indices(token)
        return found

    def _indices_allowing(self, text: str, allowed: Spans) -> list[int]:
        words = list(WORD_RE.finditer(text))
        groups = _allow_groups(words, allowed)
        tokens = [mask_identity(m.group()) for m in words]
        vocab = self.word_vocab
        found = [
            i
            for t, g in zip(tokens, groups, strict=True)
            if g < 0 and (i := vocab.get(t)) is not None
        ]
        for k in range(len(tokens) - 1):
            if groups[k] >= 0 and groups[k] == groups[k + 1]:
                continue
            if (i := vocab.get(f"{tokens[k]} {tokens[k + 1]}")) is not None:
                found.append(i)
        silent = _silent_tokens(text, words, groups)
        for pos, m in enumerate(whitespace_tokens(text)):
            if pos not in silent:
                found += self._char_indices(m.group())
        return found

    def _tfidf(self, unique: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """Sublinear tf-idf values of one document, l2-normalised per block."""
        values: np.ndarray = (1.0 + np.log(counts)) * self.idf[unique]
        split = int(np.searchsorted(unique, self.n_word))
        for block in (values[:split], values[split:]):
            if block.size:
                block /= np.sqrt(block @ block)
        return values

    def features(self, text: str, allowed: Spans | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Sparse feature vector of normalised `text` as (sorted indices, values)."""
        found = self._indices(text, allowed)
        if not found:
            return _EMPTY, np.empty(0)
        unique, counts = np.unique(np.array(found, dtype=np.int64), return_counts=True)
        return unique, self._tfidf(unique, counts)

    # -- scores ---------------------------------------------------------------------------

    def logits(self, text: str) -> np.ndarray:
        idx, val = self.features(text)
        logits: np.ndarray = val @ self.coef[idx] + self.intercept
        return logits

    def calibrate(self, logits: np.ndarray) -> np.ndarray:
        """Beta calibration of logits `z` (one row of 7, or a matrix of rows):
        sigmoid(a ln s - b ln(1 - s) + c) with s = sigmoid(z), as `training.calibration`
        fits it; Platt scaling sigmoid(A z + B) is the case a = b = A, c = B."""
        a, b, c = self.calibration[:, 0], self.calibration[:, 1], self.calibration[:, 2]
        t = b * np.logaddexp(0.0, logits) - a * np.logaddexp(0.0, -logits) + c
        probabilities: np.ndarray = 1.0 / (1.0 + np.exp(-t))
        return probabilities

    def scores(self, text: str) -> np.ndarray:
        """Seven calibrated probabilities, in `CATEGORIES` order."""
        return self.calibrate(self.logits(text))

    def scores_and_features(
        self, text: str, allowed: Spans | None = None
    ) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
        """`scores(text)` plus the feature vector behind it (evidence reuses it)."""
        idx, val = self.features(text, allowed)
        return self.calibrate(val @ self.coef[idx] + self.intercept), (idx, val)

    def scores_batch(
        self, texts: list[str], allowed: Sequence[Spans | None] | None = None
    ) -> np.ndarray:
        """(len(texts), 7) calibrated probabilities: the whole batch in a few array operations."""
        if not texts:
            return np.empty((0, len(CATEGORIES)))
        spans = allowed if allowed is not None else [None] * len(texts)
        occurrences = [self._indices(t, a) for t, a in zip(texts, spans, strict=True)]
        indptr = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum([len(o) for o in occurrences], out=indptr[1:])
        indices = np.array(list(chain.from_iterable(occurrences)), dtype=np.int64)
        counts = sp.csr_matrix(
            (np.ones(indices.size), indices, indptr), shape=(len(texts), self.idf.shape[0])
        )
        counts.sum_duplicates()  # sorts each row's indices and turns repeats into counts
        counts.data = (1.0 + np.log(counts.data)) * self.idf[counts.indices]
        logits = np.tile(self.intercept, (len(texts), 1))
        split = self.n_word
        for block, weights in (
            (counts[:, :split], self.coef[:split]),
            (counts[:, split:], self.coef[split:]),
        ):
            norms = np.sqrt(np.asarray(block.multiply(block).sum(axis=1)).ravel())
            norms[norms == 0] = 1.0
            logits += (sp.diags(1.0 / norms) @ block) @ weights
        return self.calibrate(logits)

    # -- evidence -------------------------------------------------------------------------

    def token_contributions(
        self,
        text: str,
        features: tuple[np.ndarray, np.ndarray] | None = None,
        columns: list[int] | None = None,
        allowed: Spans | None = None,
    ) -> list[tuple[int, int, np.ndarray]]:
        """For each whitespace token of normalised `text`: (start, end, logit share per category).

        A feature's value is shared among the tokens it came from in proportion to how often
        each produced it (a word bigram counts half for each of its two words), so the shares
        of all tokens add up to the logit minus the intercept. `features` is
        `self.features(text)` when the caller already has it; `columns` limits the work to
        those categories (the others stay 0). `allowed` must be what `features` was given.
        """
        spans = [(m.start(), m.end()) for m in whitespace_tokens(text)]
        if not spans:
            return []
        starts = [start for start, _ in spans]
        matches = list(WORD_RE.finditer(text))
        groups = _allow_groups(matches, allowed) if allowed else [-1] * len(matches)
        silent = _silent_tokens(text, matches, groups) if allowed else set()
        per_token = [
            [] if pos in silent else self._char_indices(text[start:end])
            for pos, (start, end) in enumerate(spans)
        ]
        lengths = [len(found) for found in per_token]
        occurrences = list(chain.from_iterable(per_token))
        owners = np.repeat(np.arange(len(spans)), lengths).tolist()
        weights = [1.0] * len(occurrences)
        words = [(mask_identity(m.group()), bisect_right(starts, m.start()) - 1) for m in matches]
        vocab = self.word_vocab
        for k, (word, pos) in enumerate(words):
            i = vocab.get(word) if groups[k] < 0 else None
            if i is not None:
                occurrences.append(i)
                owners.append(pos)
                weights.append(1.0)
            if k + 1 < len(words) and not (groups[k] >= 0 and groups[k] == groups[k + 1]):
                j = vocab.get(f"{word} {words[k + 1][0]}")
                if j is not None:
                    occurrences += [j, j]
                    owners += [pos, words[k + 1][1]]
                    weights += [0.5, 0.5]
        totals = np.zeros((len(spans), len(CATEGORIES)))
        if occurrences:
            idx, val = features if features is not None else self.features(text, allowed)
            f = np.array(occurrences, dtype=np.int64)
            w = np.array(weights)
            loc = np.searchsorted(idx, f)
            share = np.bincount(loc, weights=w, minlength=idx.size)
            wanted = list(range(len(CATEGORIES))) if columns is None else columns
            scale = w * val[loc] / share[loc]
            owner = np.array(owners, dtype=np.int64)
            for j in wanted:
                totals[:, j] = np.bincount(
                    owner, weights=scale * self.coef[f, j], minlength=len(spans)
                )
        return [(start, end, totals[pos]) for pos, (start, end) in enumerate(spans)]


def calibration_row(stored: Sequence[float]) -> np.ndarray:
    """A category's calibrator from the artifact as (a, b, c): three numbers (beta
    calibration) or, in artifacts before it, Platt's two (A, B), which are (A, A, B)."""
    values = [float(v) for v in stored]
    if len(values) == 2:
        return np.array([values[0], values[0], values[1]])
    if len(values) == 3:
        return np.array(values)
    raise ValueError(f"a calibrator has 2 (Platt) or 3 (beta) numbers, not {len(values)}")


def _allow_groups(words: Sequence[re.Match[str]], allowed: Spans) -> list[int]:
    """For each word, the index of the allowed span that holds it whole, else -1."""
    groups = []
    for m in words:
        start, end = m.start(), m.end()
        groups.append(next((g for g, (a, b) in enumerate(allowed) if a <= start and end <= b), -1))
    return groups


def _silent_tokens(text: str, words: Sequence[re.Match[str]], groups: list[int]) -> set[int]:
    """Whitespace tokens (by position) whose words all lie in allowed spans.

    An allow-listed term contributes no feature that lies wholly inside it: not its words'
    unigrams, not bigrams inside a multi-word term, not the char n-grams of a token made only
    of allowed words. Bigrams joining it to its neighbours still count, so what a comment says
    around an allowed word is still scored.
    """
    silent = set()
    k = 0
    for pos, token in enumerate(whitespace_tokens(text)):
        inside = []
        while k < len(words) and words[k].start() < token.end():
            inside.append(groups[k])
            k += 1
        if inside and all(g >= 0 for g in inside):
            silent.add(pos)
    return silent
