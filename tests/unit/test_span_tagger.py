"""The span tagger: fitted on a dozen hand-made posts over the tiny model, it equals
scikit-learn, keeps evidence offsets exact in obfuscated text, and a bundle without it keeps
the push rule."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from moderation.categories import CATEGORIES
from moderation.evidence import build_evidence, choose_spans, model_words
from moderation.linear import LinearScorer
from moderation.normalize import normalize, normalize_with_offsets
from moderation.registry import load_bundle, write_version
from moderation.scoring import Moderator
from moderation.settings import Settings
from moderation.span_tagger import TAGGED_COLUMNS, SpanTagger, word_features
from moderation.terms import NO_MATCHES, TermMatches
from training.span_tagger import fit, train_span_tagger, word_labels
from training.suites.spans import Post

# (text, the words people marked)
MARKED = [
    ("you are an idiot", ["idiot"]),
    ("what an idiot he is", ["idiot"]),
    ("shut up you stupid moron", ["stupid moron"]),
    ("this is a stupid idea", ["stupid"]),
    ("go away, loser", ["loser"]),
    ("he is a moron and a loser", ["moron", "loser"]),
    ("you idiot, read the article", ["idiot"]),
    ("thanks for the great article", []),
    ("I agree with this idea", []),
    ("the council meets on tuesday", []),
    ("nice work, thank you", []),
    ("read the article before you comment", []),
]


def post(text: str, marked: list[str]) -> Post:
    gold = frozenset(o for m in marked for o in range(text.index(m), text.index(m) + len(m)))
    return Post(text, gold, gold, (), "train")


@pytest.fixture(scope="module")
def bundle(tiny_models_dir: Path) -> dict[str, Any]:
    """The tiny model's bundle with a tagger fitted on `MARKED`."""
    base, _ = load_bundle(tiny_models_dir, "tiny-1")
    posts = [post(text, marked) for text, marked in MARKED]
    entry, figures = fit(base, posts, posts, min_count=1)
    assert entry is not None and figures["validation"]["posts"] == len(posts)
    return {**base, "span_tagger": entry}


def words_of(scorer: LinearScorer, text: str) -> tuple[list[Any], list[str], np.ndarray]:
    normalized = normalize_with_offsets(text)
    words, pushes, cores = model_words(
        scorer, normalized, TAGGED_COLUMNS, matches=NO_MATCHES, features=None
    )
    return words, cores, np.array(pushes)


def evidence(bundle: dict[str, Any], text: str, category: str) -> list[tuple[int, int, str]]:
    found = build_evidence(
        LinearScorer(bundle),
        text,
        [category],
        findings=[],
        matches=NO_MATCHES,
        features=None,
        max_spans=5,
        tagger=SpanTagger.from_bundle(bundle),
    )
    return [(e.start, e.end, e.text) for e in found[category]]


def test_a_word_is_toxic_when_most_of_its_typed_letters_are_marked() -> None:
    text = "a f u c k and a liar"
    words = [(2, 9, False), (10, 13, True), (16, 20, False)]
    gold = frozenset([2, 4, 6, 17, 18])  # f, u, c of "f u c k"; i, a of "liar"
    assert word_labels(text, words, gold) == [1, 0, 0]


@pytest.mark.parametrize(
    "text", ["you are a 1d10t!", "SHUT UP you st00pid m0r0n", "what a lovely day", "idiot"]
)
def test_probabilities_equal_scikit_learn(bundle: dict[str, Any], text: str) -> None:
    entry = bundle["span_tagger"]
    words, cores, pushes = words_of(LinearScorer(bundle), text)
    rows = entry["vectorizer"].transform(word_features(text, words, cores, pushes))
    expected = entry["classifier"].predict_proba(rows)[:, 1]
    got = SpanTagger(entry).probabilities(text, words, cores, pushes)
    assert got == pytest.approx(expected.tolist(), abs=1e-12)


@pytest.mark.parametrize(
    ("text", "typed"),
    [
        ("you are a 1d10t, read the article", "1d10t"),
        ("go away, l0s3r", "l0s3r"),
        ("you are an ｉｄｉｏｔ", "ｉｄｉｏｔ"),
        ("what an i\u200bd\u200bi\u200bo\u200bt he is", "i\u200bd\u200bi\u200bo\u200bt"),
        ("you are an  i d i o t", "i d i o t"),
    ],
)
def test_offsets_stay_exact_in_obfuscated_text(
    bundle: dict[str, Any], text: str, typed: str
) -> None:
    assert "idiot" in normalize(text) or "loser" in normalize(text)
    spans = evidence(bundle, text, "discourtesy")
    assert typed in [shown for _, _, shown in spans]
    for start, end, shown in spans:
        assert shown == text[start:end]


def test_neighbouring_toxic_words_make_one_span(bundle: dict[str, Any]) -> None:
    text = "shut up you stupid moron"
    assert "stupid moron" in [shown for _, _, shown in evidence(bundle, text, "discourtesy")]


def test_a_bundle_without_a_tagger_keeps_the_push_rule(bundle: dict[str, Any]) -> None:
    old = {k: v for k, v in bundle.items() if k != "span_tagger"}
    assert SpanTagger.from_bundle(old) is None
    scorer = LinearScorer(old)
    text = "you are an idiot and a stupid moron"
    words, _, pushes = words_of(scorer, text)
    column = pushes[:, CATEGORIES.index("discourtesy")].tolist()
    expected = [(a, b, text[a:b]) for a, b in choose_spans(words, column, text, taken=[])][:5]
    assert evidence(old, text, "discourtesy") == expected


def test_categories_other_than_toxic_ones_keep_the_push_rule(bundle: dict[str, Any]) -> None:
    text = "buy cheap followers at example dot com, you idiot"
    without = {k: v for k, v in bundle.items() if k != "span_tagger"}
    assert evidence(bundle, text, "spam") == evidence(without, text, "spam")


def test_allow_listed_words_are_never_tagged(bundle: dict[str, Any]) -> None:
    text = "you are an idiot"
    norm = normalize(text)
    at = norm.index("idiot")
    allowed = TermMatches(deny=[], allow=[(at, at + len("idiot"))])
    found = build_evidence(
        LinearScorer(bundle),
        text,
        ["discourtesy"],
        findings=[],
        matches=allowed,
        features=None,
        max_spans=5,
        tagger=SpanTagger.from_bundle(bundle),
    )
    assert "idiot" not in [e.text for e in found["discourtesy"]]


def test_an_older_version_without_a_tagger_loads_and_shows_evidence(
    bundle: dict[str, Any], tmp_path: Path
) -> None:
    models = tmp_path / "models"
    old = {k: v for k, v in bundle.items() if k != "span_tagger"}
    for version, content in (("old", old), ("new", bundle)):
        write_version(models, version, content, {})
    settings = Settings(models_dir=models, lists_dir=tmp_path / "lists")
    old_moderator = Moderator.load(settings=settings, version="old")
    new_moderator = Moderator.load(settings=settings, version="new")
    assert old_moderator.span_tagger is None and new_moderator.span_tagger is not None
    for moderator in (old_moderator, new_moderator):
        result = moderator.moderate("shut up you stupid moron, you idiot")
        for triggered in result.triggered:
            assert triggered.evidence


def test_training_skips_the_tagger_without_toxic_spans(tmp_path: Path) -> None:
    entry, figures = train_span_tagger({}, tmp_path, sources=["olid"], split_of={})
    assert entry is None and "toxic_spans" in figures["skipped"]


@pytest.mark.parametrize(
    "text",
    [
        "You hypocrite clowns, go back to your country",
        "what a pathetic lying loser, I hope someone beats you",
        "Immigrants are vermin and idiots should be shot",
        "you are a fu.ck and a liar",
    ],
)
def test_shipped_evidence_only_shows_words_that_drove_the_category(
    shipped_moderator: Moderator, text: str
) -> None:
    """DESIGN: evidence is what drove a category. When none of the words pushing a category
    reads as toxic to the tagger, the push rule picks, never a word pushing against it."""
    assert shipped_moderator.span_tagger is not None
    scorer = shipped_moderator.scorer
    words, _, pushes = words_of(scorer, text)
    for category in ("violence", "racism", "profanity", "vulgarity", "discourtesy"):
        j = CATEGORIES.index(category)
        found = build_evidence(
            scorer, text, [category], findings=[], matches=NO_MATCHES, features=None,
            max_spans=5, tagger=shipped_moderator.span_tagger,
        )[category]  # fmt: skip
        for e in found:
            inside = [k for k, (a, b, _) in enumerate(words) if e.start <= a and b <= e.end]
            assert inside and max(pushes[k][j] for k in inside) > 0, (category, e.text)
