"""Fitting the span tagger (`moderation.span_tagger`) on the TOXICSPANS posts of the train split.

Each post's words are the evidence words (`moderation.evidence.model_words`: whitespace tokens
of the normalised text, mapped back to what the author typed); a word is toxic when most of its
typed characters (spaces aside) are in the post's gold (`training.suites.spans`). A logistic
regression learns from the words' features (`moderation.span_tagger.word_features`; those
seen fewer than `MIN_COUNT` times are dropped). The probability threshold is the one whose
evidence (`moderation.evidence.tagged_spans`) has the best mean per-post character F1 on the
validation posts, the spans suite's metric.

The push features come from the main model, which was trained on these same train posts, so
they look more telling there than on new comments; on validation the tagger still does better
with them (v4-20261127's validation posts, each given the tagger's words: mean per-post F1
0.679 with them, 0.673 without). C, the features and the threshold were chosen there too.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from moderation.evidence import Word, model_words, tagged_spans
from moderation.linear import LinearScorer
from moderation.normalize import normalize_with_offsets
from moderation.span_tagger import TAGGED_COLUMNS, SpanTagger, word_features
from moderation.terms import NO_MATCHES
from training.suites.spans import Post, char_f1, posts_in_splits

log = logging.getLogger(__name__)

C = 0.3  # inverse regularisation, chosen on validation among 0.1, 0.3 and 1
MIN_COUNT = 2
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.2, 0.651, 0.05))
DEFAULT_THRESHOLD = 0.35  # kept when there are no validation posts to choose on


def post_words(scorer: LinearScorer, text: str) -> tuple[list[Word], list[str], np.ndarray]:
    """The post's evidence words, the same normalised, and their (n, 7) pushes."""
    normalized = normalize_with_offsets(text)
    words, pushes, cores = model_words(
        scorer, normalized, TAGGED_COLUMNS, matches=NO_MATCHES, features=None
    )
    return words, cores, np.array(pushes) if words else np.zeros((0, 7))


def word_labels(text: str, words: list[Word], gold: frozenset[int]) -> list[int]:
    """1 for a word most of whose typed characters (spaces aside) are gold."""
    labels = []
    for start, end, _ in words:
        chars = [o for o in range(start, end) if not text[o].isspace()]
        labels.append(int(2 * sum(o in gold for o in chars) > len(chars)))
    return labels


def fit(
    bundle: dict[str, Any],
    train: Sequence[Post],
    validation: Sequence[Post],
    *,
    c: float = C,
    min_count: int = MIN_COUNT,
) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """(the bundle's `span_tagger` entry, its figures for the card); the entry is None when the
    train posts have no toxic word or nothing else."""
    scorer = LinearScorer(bundle)
    rows: list[dict[str, float]] = []
    labels: list[int] = []
    for post in train:
        words, cores, pushes = post_words(scorer, post.text)
        rows += word_features(post.text, words, cores, pushes)
        labels += word_labels(post.text, words, post.gold)
    figures: dict[str, Any] = {
        "train_posts": len(train),
        "train_words": len(labels),
        "train_toxic_words": int(sum(labels)),
    }
    if len(set(labels)) < 2:
        return None, {**figures, "skipped": "the train posts lack toxic or other words"}
    counts = Counter(name for row in rows for name in row)
    kept = [{k: v for k, v in row.items() if counts[k] >= min_count} for row in rows]
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform(kept).tocsr()
    matrix.indices = matrix.indices.astype(np.int32)  # liblinear takes 32-bit indices only
    matrix.indptr = matrix.indptr.astype(np.int32)
    classifier = LogisticRegression(C=c, solver="liblinear", max_iter=2000)
    classifier.fit(matrix, np.array(labels))
    entry = {
        "format": 1,
        "vectorizer": vectorizer,
        "classifier": classifier,
        "threshold": DEFAULT_THRESHOLD,
    }
    figures.update(features=len(vectorizer.vocabulary_), c=c, min_count=min_count)
    chosen = choose_threshold(SpanTagger(entry), scorer, validation)
    entry["threshold"] = chosen.get("threshold", DEFAULT_THRESHOLD)
    figures["validation"] = chosen
    return entry, figures


def choose_threshold(
    tagger: SpanTagger, scorer: LinearScorer, posts: Sequence[Post]
) -> dict[str, Any]:
    """The threshold of best mean per-post F1 on `posts`, with that F1 and the word-level
    precision and recall there (the default threshold without posts)."""
    if not posts:
        return {"posts": 0, "threshold": DEFAULT_THRESHOLD, "how": "no validation posts"}
    f1: dict[float, list[float]] = {t: [] for t in THRESHOLDS}
    likely: list[float] = []
    labels: list[int] = []
    for post in posts:
        words, cores, pushes = post_words(scorer, post.text)
        probabilities = tagger.probabilities(post.text, words, cores, pushes)
        likely += probabilities
        labels += word_labels(post.text, words, post.gold)
        for t, scores in f1.items():
            spans = tagged_spans(words, probabilities, post.text, threshold=t, taken=[])
            scores.append(char_f1({o for a, b in spans for o in range(a, b)}, post.gold))
    means = {t: float(np.mean(scores)) for t, scores in f1.items()}
    best = max(THRESHOLDS, key=lambda t: (means[t], -abs(t - DEFAULT_THRESHOLD)))
    predicted = np.array(likely) >= best
    truth = np.array(labels, dtype=bool)
    hits = int((predicted & truth).sum())
    return {
        "posts": len(posts),
        "threshold": best,
        "post_f1": round(means[best], 4),
        "post_f1_by_threshold": {str(t): round(v, 4) for t, v in means.items()},
        "word_precision": round(hits / max(int(predicted.sum()), 1), 4),
        "word_recall": round(hits / max(int(truth.sum()), 1), 4),
        "how": "every post gets the tagger's words (its likeliest when none reaches the "
        "threshold), without deny terms or detectors: the spans suite's if_flagged, roughly",
    }


def train_span_tagger(
    bundle: dict[str, Any], data_dir: Path, *, sources: Sequence[str], split_of: Mapping[str, str]
) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """`moderation train`'s step: fit on the train split's TOXICSPANS posts, choose the
    threshold on validation's; skipped (logged, and said in the figures) without that source.
    `split_of` maps each normalised training text to its split (the pipeline's frame)."""
    if "toxic_spans" not in sources:
        log.info("span tagger skipped: toxic_spans is not among the training sources")
        return None, {"skipped": "toxic_spans is not among the training sources"}
    posts = posts_in_splits(data_dir, split_of, splits=("train", "validation"))
    train = [p for p in posts if p.set == "train"]
    validation = [p for p in posts if p.set == "validation"]
    entry, figures = fit(bundle, train, validation)
    if entry is None:
        log.info("span tagger skipped: %s", figures["skipped"])
    return entry, figures
