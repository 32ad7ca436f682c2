"""Feature extraction shared by training and serving: word and character n-grams.

Training hands these analyzers to scikit-learn's `TfidfVectorizer(analyzer=...)`; the serving
path (`moderation.linear`) calls the same functions, so both see identical features. Input is
already normalised text (`moderation.normalize`).

- word features: unigrams and bigrams of `\\w+` tokens (apostrophes kept inside words);
- char features: 2–5-grams inside each whitespace-separated token padded with spaces
  (scikit-learn's `char_wb` scheme), which keeps masked words like `f*ck` and survives typos.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise

WORD_RE = re.compile(r"\w+(?:'\w+)*")
# Identity words are replaced by one placeholder before features are made, so the model scores
# what a comment says about a group rather than which group it names ("I am Muslim" carried
# the racism weight that hateful posts had given the word "muslim"). Slurs are not here.
IDENTITY_TOKEN = "identityterm"
_IDENTITY_WORDS = (
    "muslim",
    "islam",
    "islamic",
    "jew",
    "jewish",
    "christian",
    "catholic",
    "hindu",
    "sikh",
    "buddhist",
    "atheist",
    "mormon",
    "black",
    "asian",
    "latino",
    "latina",
    "hispanic",
    "arab",
    "african",
    "mexican",
    "chinese",
    "indian",
    "pakistani",
    "somali",
    "nigerian",
    "korean",
    "indigenous",
    "immigrant",
    "refugee",
    "migrant",
    "gay",
    "lesbian",
    "bisexual",
    "transgender",
    "trans",
    "queer",
    "deaf",
    "blind",
    "disabled",
    "autistic",
)
IDENTITY_TERMS = frozenset([*_IDENTITY_WORDS, *(f"{w}s" for w in _IDENTITY_WORDS)])
_EDGE_PUNCT = "\"'.,;:!?()[]{}<>*-_/"
CHAR_MIN, CHAR_MAX = 2, 5
MAX_TOKEN_CHARS = 40  # a token longer than this (a URL, a key mash) yields its first 40 chars


def mask_identity(word: str) -> str:
    """The placeholder for an identity word, else the word itself."""
    return IDENTITY_TOKEN if word in IDENTITY_TERMS else word


def word_ngrams(text: str) -> list[str]:
    """Unigrams and bigrams of the word tokens of normalised `text`, identities masked."""
    tokens = [mask_identity(t) for t in WORD_RE.findall(text)]
    return tokens + [f"{a} {b}" for a, b in pairwise(tokens)]


def token_char_ngrams(token: str) -> list[str]:
    """Char 2–5-grams of one whitespace token padded with spaces (`char_wb`)."""
    token = token[:MAX_TOKEN_CHARS]
    core = token.strip(_EDGE_PUNCT)
    if core in IDENTITY_TERMS:
        token = token.replace(core, IDENTITY_TOKEN, 1)
    padded = f" {token} "
    size = len(padded)
    return [padded[i : i + n] for n in range(CHAR_MIN, CHAR_MAX + 1) for i in range(size - n + 1)]


def char_ngrams(text: str) -> list[str]:
    """Char n-grams of every whitespace token of normalised `text`."""
    grams: list[str] = []
    for token in text.split():
        grams.extend(token_char_ngrams(token))
    return grams


def whitespace_tokens(text: str) -> Iterator[re.Match[str]]:
    """Whitespace tokens with their positions, for attributing features back to text."""
    return re.finditer(r"\S+", text)
