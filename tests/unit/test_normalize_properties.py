"""Property tests of the normaliser on obfuscated text: the offset map stays exact, both paths
agree, obfuscations that the normaliser claims to undo are undone, hostile text completes."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moderation.normalize import normalize, normalize_with_offsets
from tests.helpers import check_offset_map

# Words a commenter hides, and words around them (two letters or more: a one-letter word
# next to spaced-out letters would rightly join them).
WORDS = [
    *("fuck", "shit", "idiot", "stupid", "hate", "kill", "bitch", "moron", "white", "people"),
    *("immigrants", "country", "murder", "trash", "disgusting", "pathetic", "racist"),
    *("muslims", "women", "destroy", "shoot", "garbage"),
]
CONTEXT = st.lists(
    st.sampled_from(["you", "are", "such", "the", "worst", "hello", "ok", "we", "all", "know"])
)
LEET = {"a": "4@", "e": "3", "i": "1!", "o": "0", "s": "5$", "t": "7", "l": "1", "g": "9"}
LEET.update({"b": "8", "u": "v", "c": "("})
LOOK_ALIKES = {"a": "а", "c": "с", "e": "е", "i": "і", "o": "о", "p": "р", "s": "ѕ", "y": "у"}
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
VOWELS = "aeiou"


def _positions(word: str, allowed: str, rnd: random.Random) -> list[int]:
    candidates = [i for i, ch in enumerate(word) if ch in allowed]
    return rnd.sample(candidates, k=min(len(candidates), rnd.choice((1, 2))))


def leet(word: str, rnd: random.Random) -> str:
    chars = list(word)
    for i in _positions(word, "".join(LEET), rnd):
        chars[i] = rnd.choice(LEET[word[i]])
    return "".join(chars)


def spaced(word: str, rnd: random.Random) -> str:
    return rnd.choice([" ", ".", "-", "_", " . ", "*"]).join(word)


def invisible(word: str, rnd: random.Random) -> str:
    gaps = sorted(rnd.sample(range(1, len(word)), k=min(len(word) - 1, 2)), reverse=True)
    for gap in gaps:
        word = word[:gap] + rnd.choice(INVISIBLE) + word[gap:]
    return word


def look_alike(word: str, rnd: random.Random) -> str:
    chars = list(word)
    for i in _positions(word, "".join(LOOK_ALIKES), rnd):
        chars[i] = LOOK_ALIKES[word[i]]
    return "".join(chars)


def stretched(word: str, rnd: random.Random) -> str:
    i = rnd.choice([i for i, ch in enumerate(word) if ch in VOWELS])
    return word[:i] + word[i] * rnd.randint(3, 12) + word[i + 1 :]


def masked(word: str, rnd: random.Random) -> str:  # noqa: ARG001 - one signature for all
    i = next(i for i in range(1, len(word) - 1) if word[i] in VOWELS)
    return word[:i] + "*" + word[i + 1 :]


def mixed_case(word: str, rnd: random.Random) -> str:
    return "".join(ch.upper() if rnd.random() < 0.5 else ch for ch in word)


Way = Callable[[str, random.Random], str]
UNDONE: list[Way] = [spaced, invisible, look_alike, stretched, masked, mixed_case]  # undone
OBFUSCATIONS: list[Way] = [leet, *UNDONE]


@st.composite
def obfuscated(draw: st.DrawFn, *, ways: list[Way] = OBFUSCATIONS) -> tuple[str, str, str]:
    """(word, the way's name, the word obfuscated), one or two ways stacked."""
    word = draw(st.sampled_from(WORDS))
    rnd = random.Random(draw(st.integers(0, 2**32)))
    way = draw(st.sampled_from(ways))
    text = way(word, rnd)
    if way is not spaced and draw(st.booleans()):
        second = draw(st.sampled_from([invisible, mixed_case, look_alike]))
        text = second(text, rnd) if second is not look_alike else text  # keep it readable
    return word, way.__name__, text


@settings(max_examples=400, deadline=None)
@given(CONTEXT, obfuscated(), CONTEXT)
def test_obfuscated_word_maps_back_to_exactly_what_was_typed(
    before: list[str], found: tuple[str, str, str], after: list[str]
) -> None:
    word, way, typed = found
    prefix = " ".join([*before, ""])
    text = prefix + typed + " ".join(["", *after])
    result = normalize_with_offsets(text)
    assert normalize(text) == result.text
    check_offset_map(result)
    # The normalised chars that came from the typed word sit together, between the
    # context's, and cover exactly the typed word.
    stop = len(prefix) + len(typed)
    inside = [i for i in range(len(result.text)) if len(prefix) <= result.starts[i] < stop]
    assert inside == list(range(inside[0], inside[-1] + 1))
    assert result.to_original(inside[0], inside[-1] + 1) == (len(prefix), stop)
    assert result.text[: inside[0]] == normalize(prefix).strip() + (" " if before else "")
    if way != "leet":  # leet can be ambiguous ('5h17'); every other way is always undone
        assert result.text[inside[0] : inside[-1] + 1] == word


@settings(max_examples=300, deadline=None)
@given(st.lists(obfuscated(), min_size=1, max_size=6), st.data())
def test_spans_of_a_sentence_of_obfuscated_words(
    found: list[tuple[str, str, str]], data: st.DataObject
) -> None:
    text = " , ".join(typed for _, _, typed in found)
    result = normalize_with_offsets(text)
    assert normalize(text) == result.text
    check_offset_map(result)
    start = data.draw(st.integers(0, len(result.text)))
    end = data.draw(st.integers(start, len(result.text)))
    lo, hi = result.to_original(start, end)
    assert 0 <= lo <= hi <= len(text)
    for i in range(start, end):  # every source char of the span is inside what it maps to
        assert lo <= result.starts[i] and result.ends[i] <= hi


@settings(max_examples=300, deadline=None)
@given(st.lists(obfuscated(), min_size=1, max_size=6))
def test_idempotent_on_obfuscated_text(found: list[tuple[str, str, str]]) -> None:
    once = normalize(" ".join(typed for _, _, typed in found))
    assert normalize(once) == once


ASCII_NOISE = st.text(
    alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyz     .-_*!@$|(0123456789'"), max_size=80
)


@settings(max_examples=400, deadline=None)
@given(ASCII_NOISE)
def test_idempotent_and_consistent_on_ascii_noise(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    result = normalize_with_offsets(text)
    assert result.text == once
    check_offset_map(result)


HOSTILE_PIECES = ["1", "!", "|", "*", "u", "v", "0", "a", " ", ".", "(", "s h", "$", "3", "\u200b"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(HOSTILE_PIECES), min_size=1, max_size=40), st.integers(1, 400))
def test_hostile_repetitions_keep_exact_offsets(pieces: list[str], times: int) -> None:
    text = "".join(pieces) * times  # up to ~16,000 chars of leet symbols, runs and spacing
    result = normalize_with_offsets(text)
    assert normalize(text) == result.text
    check_offset_map(result)


@pytest.mark.parametrize("way", UNDONE, ids=lambda way: way.__name__)
@pytest.mark.parametrize("word", WORDS)
def test_every_word_survives_every_way_it_is_undone(way: Way, word: str) -> None:
    for seed in range(5):
        typed = way(word, random.Random(seed))
        assert normalize(f"you {typed} ok") == f"you {word} ok", typed
