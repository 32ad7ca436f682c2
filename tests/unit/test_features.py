"""Feature extraction shared by training and serving, including identity masking."""

from moderation.categories import CATEGORIES
from moderation.features import IDENTITY_TOKEN, char_ngrams, token_char_ngrams, word_ngrams
from training.augment import identity_frame


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
    assert len(frame) > 400
    assert (frame[list(CATEGORIES)] == 0).all().all()
    assert frame["text"].str.contains("muslim").any()
