"""The span tagger: which words of a comment people would mark as its toxic spans.

The linear model's per-word pushes (`LinearScorer.token_contributions`) say which words drove
a category's score, which is not quite what a reader marks: "idiot" but not the "you" that
makes it personal, "crock of baloney" whole. The tagger is a logistic regression over each
word's sparse features, fitted by `training/span_tagger.py` on the TOXICSPANS posts of the
model's train split (a word is toxic when most of its characters were marked) and shipped in
the bundle as `span_tagger`; `moderation.evidence` picks the toxic categories' model words
with it, and keeps the push rule for bundles without one.

A word's features (`word_features`, the reference that `SpanTagger` computes faster):

- the word as normalised, its kind (function word, offensive in the normaliser's lexicon,
  other English word, unknown) and its char 3- and 4-grams padded with spaces;
- the words just before and after it, and the kinds of the two words on either side;
- the comment's length in words (in buckets), whether the author typed the word in capitals
  or disguised it (typed otherwise than its normalised form);
- the linear model's push on each toxic category (clipped), as a share of that category's
  strongest word, its largest push, and whether it is the comment's strongest word.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS as STOP_WORDS

from moderation.categories import CATEGORIES, Category
from moderation.normalize.lexicon import lexicon

#: The categories whose evidence is toxic language: the tagger picks their model words.
TAGGED_CATEGORIES: tuple[Category, ...] = (
    "violence",
    "racism",
    "profanity",
    "vulgarity",
    "discourtesy",
)
TAGGED_COLUMNS = [CATEGORIES.index(c) for c in TAGGED_CATEGORIES]
CHAR_SIZES = (3, 4)
# The neighbours whose kind is a feature (the nearest two: also the word); '<s>' beyond the
# comment's first or last word.
CONTEXT = (-2, -1, 1, 2)
PUSH_CLIP = 2.0
_CACHE_MAX = 100_000
_NUMERIC = [
    *(f"push{i}" for i in range(len(TAGGED_COLUMNS))),
    *(f"share{i}" for i in range(len(TAGGED_COLUMNS))),
    "pushmax",
]


def word_kind(word: str) -> str:
    """'stop', 'offensive', 'known' (an English word) or 'unknown'."""
    if word in STOP_WORDS:
        return "stop"
    lex = lexicon()
    if word in lex.offensive:
        return "offensive"
    return "known" if word in lex.counts else "unknown"


def _length_bucket(n: int) -> str:
    return (
        "1" if n == 1 else "2-3" if n <= 3 else "4-10" if n <= 10 else "11-30" if n <= 30 else "31+"
    )


def _lexical(word: str, kind: str) -> list[str]:
    """The features of the word alone (cached per word by `SpanTagger`)."""
    padded = f" {word} "
    grams = [padded[i : i + n] for n in CHAR_SIZES for i in range(len(padded) - n + 1)]
    return [f"w={word}", f"k={kind}", *dict.fromkeys(f"c={g}" for g in grams)]  # each once


def _numeric(pushes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(n, 11) push features in `_NUMERIC` order, and which words are the strongest."""
    push = pushes[:, TAGGED_COLUMNS]
    top = push.max(axis=0)
    strongest = push.max(axis=1)
    values = np.empty((push.shape[0], len(_NUMERIC)))
    width = push.shape[1]
    push.clip(-PUSH_CLIP, PUSH_CLIP, out=values[:, :width])
    np.divide(push, np.where(top > 0, top, np.inf), out=values[:, width : 2 * width])
    values[:, width : 2 * width].clip(-1.0, 1.0, out=values[:, width : 2 * width])
    strongest.clip(-PUSH_CLIP, PUSH_CLIP, out=values[:, -1])
    return values, strongest >= strongest.max() - 1e-9


def word_features(
    text: str, words: list[tuple[int, int, bool]], cores: list[str], pushes: np.ndarray
) -> list[dict[str, float]]:
    """Each word's features as {name: value} (`DictVectorizer` input; see the docstring).

    `words` are (start, end, function word) in `text`, `cores` the same words normalised and
    `pushes` their (n, 7) pushes with at least the tagged categories' columns filled."""
    n = len(cores)
    if n == 0:
        return []
    kinds = [word_kind(w) for w in cores]
    values, strongest = _numeric(np.asarray(pushes, dtype=np.float64))
    rows = []
    for k, word in enumerate(cores):
        names = _lexical(word, kinds[k]) + _context(cores, kinds, k)
        names.append(f"n={_length_bucket(n)}")
        names += _typed(text, words[k], word)
        if strongest[k]:
            names.append("strongest")
        row = dict.fromkeys(names, 1.0)
        row.update(zip(_NUMERIC, values[k].tolist(), strict=True))
        rows.append(row)
    return rows


def _context(cores: list[str], kinds: list[str], k: int) -> list[str]:
    n = len(cores)
    names = []
    for d in CONTEXT:
        j = k + d
        inside = 0 <= j < n
        if abs(d) == 1:
            names.append(f"w{d:+d}={cores[j] if inside else '<s>'}")
        names.append(f"k{d:+d}={kinds[j] if inside else '<s>'}")
    return names


def _typed(text: str, word: tuple[int, int, bool], core: str) -> list[str]:
    typed = text[word[0] : word[1]]
    names = []
    if len(typed) > 1 and typed.isupper():
        names.append("caps")
    if typed.casefold() != core:
        names.append("disguised")
    return names


class SpanTagger:
    """The fitted tagger compiled to arrays and dicts: `probabilities` of one comment's words
    equal scikit-learn's `predict_proba` on `word_features` (tests/unit/test_span_tagger.py),
    at a few microseconds a word (a word's own features, and its weights as a neighbour, are
    summed once per distinct word and cached)."""

    def __init__(self, entry: dict[str, Any]) -> None:
        vectorizer, classifier = entry["vectorizer"], entry["classifier"]
        coef = classifier.coef_.ravel()
        self.weights: dict[str, float] = {
            name: float(coef[i]) for name, i in vectorizer.vocabulary_.items()
        }
        get = self.weights.get
        self.intercept = float(classifier.intercept_[0])
        width = len(TAGGED_COLUMNS)
        numeric = np.array([get(name, 0.0) for name in _NUMERIC])
        self.push, self.share = numeric[:width], numeric[width : 2 * width]
        self.pushmax, self.strongest = float(numeric[-1]), get("strongest", 0.0)
        self.typed = (get("caps", 0.0), get("disguised", 0.0))  # as `_typed` names them
        self.edge = self._weights("<s>", "<s>", 0.0)  # beyond the first or the last word
        self.threshold = float(entry["threshold"])
        self._cache: dict[str, tuple[float, ...]] = {}

    @classmethod
    def from_bundle(cls, bundle: dict[str, Any]) -> SpanTagger | None:
        """The bundle's tagger, or None for bundles made before it (evidence keeps the push
        rule)."""
        entry = bundle.get("span_tagger")
        return cls(entry) if entry else None

    def _weights(self, word: str, kind: str, own: float) -> tuple[float, ...]:
        """(own, on the next word, on the word after it, on the previous word, on the one
        before it): the weights of a word's features on itself and as each neighbour."""
        get = self.weights.get
        return (
            own,
            get(f"w-1={word}", 0.0) + get(f"k-1={kind}", 0.0),
            get(f"k-2={kind}", 0.0),
            get(f"w+1={word}", 0.0) + get(f"k+1={kind}", 0.0),
            get(f"k+2={kind}", 0.0),
        )

    def _word(self, word: str) -> tuple[float, ...]:
        """`_weights` of a word, cached: words repeat."""
        cached = self._cache.get(word)
        if cached is None:
            kind = word_kind(word)
            get = self.weights.get
            cached = self._weights(word, kind, sum(get(name, 0.0) for name in _lexical(word, kind)))
            if len(self._cache) >= _CACHE_MAX:
                self._cache.clear()
            self._cache[word] = cached
        return cached

    def probabilities(
        self, text: str, words: list[tuple[int, int, bool]], cores: list[str], pushes: np.ndarray
    ) -> list[float]:
        """Each word's probability of being marked toxic (arguments as `word_features`)."""
        n = len(cores)
        if n == 0:
            return []
        rows = np.array([self.edge, self.edge, *map(self._word, cores), self.edge, self.edge])
        z = rows[2 : n + 2, 0] + rows[1 : n + 1, 1] + rows[:n, 2]  # itself, the words before
        z += rows[3 : n + 3, 3] + rows[4:, 4]  # the words after
        z += self.intercept + self.weights.get(f"n={_length_bucket(n)}", 0.0)
        push = np.asarray(pushes, dtype=np.float64)[:, TAGGED_COLUMNS]
        top, strongest = push.max(axis=0), push.max(axis=1)
        z += push.clip(-PUSH_CLIP, PUSH_CLIP) @ self.push
        z += (push / np.where(top > 0, top, np.inf)).clip(-1.0, 1.0) @ self.share
        z += strongest.clip(-PUSH_CLIP, PUSH_CLIP) * self.pushmax
        z += (strongest >= strongest.max() - 1e-9) * self.strongest
        caps, disguised = self.typed
        z += [
            (caps if len(t) > 1 and t.isupper() else 0.0)
            + (disguised if t.casefold() != core else 0.0)
            for t, core in zip([text[a:b] for a, b, _ in words], cores, strict=True)
        ]
        likely: list[float] = (1.0 / (1.0 + np.exp(-z))).tolist()
        return likely
