"""Feature extraction shared by training and serving, including identity masking."""

from moderation.categories import CATEGORIES
from moderation.features import (
    IDENTITY_TOKEN,
    WORD_RE,
    char_ngrams,
    mask_identity,
    token_char_ngrams,
    word_ngrams,
)
from training.augment import identity_frame, identity_sentences
from training.suites import identity


def test_word_features_are_unigrams_and_bigrams() -> None:
    assert word_ngrams("you are an idiot") == [
        "you", "are", "an", "idiot", "you are", "are an", "an idiot",
    ]  # fmt: skip


def test_identity_words_become_one_placeholder() -> None:
    assert word_ngrams("i am muslim") == word_ngrams("i am jewish") == word_ngrams("i am gay")
    assert IDENTITY_TOKEN in word_ngrams("muslims are welcome here")
    assert char_ngrams("muslims, hello") == char_ngrams("jews, hello")
    assert "idiot" in word_ngrams("you idiot")  # insults are not identities


def test_char_ngrams_pad_tokens_and_cap_their_length() -> None:
    grams = token_char_ngrams("ab")
    assert grams == [" a", "ab", "b ", " ab", "ab ", " ab "]
    assert token_char_ngrams("x" * 500) == token_char_ngrams("x" * 40)


def test_augmentation_rows_are_clean_in_every_category() -> None:
    frame = identity_frame()
    assert len(frame) > 3000 and frame["text"].is_unique
    assert (frame[list(CATEGORIES)] == 0).all().all()
    assert frame["text"].str.contains("muslim", case=False).any()
    assert identity_frame(per_identity=3)["text"].str.contains("{").sum() == 0


def _masked_words(text: str) -> list[str]:
    return [mask_identity(w) for w in WORD_RE.findall(text.lower())]


def test_augmentation_varies_the_words_around_the_identity() -> None:
    # the features see every masked identity as one token: what must vary is the rest
    masked = {" ".join(_masked_words(t)) for t in identity_sentences()}
    assert len(masked) > 2000


def test_augmentation_shares_no_phrase_with_the_identity_suite() -> None:
    def grams(text: str, n: int = 4) -> set[str]:
        words = _masked_words(text)
        return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}

    suite = set().union(
        *(grams(identity.fill(t, "muslim")) for t in identity.BENIGN_TEMPLATES),
        *(grams(identity.fill(t, "muslim")) for t in identity.TOXIC_TEMPLATES),
    )
    assert not any(grams(t) & suite for t in identity_sentences())
