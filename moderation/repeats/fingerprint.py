"""What the repeat tracker remembers of a comment: its fingerprint (pure, no I/O).

- ``canonical``: the scoring normaliser's text (confusables, leetspeak, spacing and invisible
  characters undone, casefolded) with every digit run replaced by ``0`` and punctuation and
  emoji dropped, so "Earn $500/day!! 🔥" and "earn $700/day" are the same comment;
- ``exact``: a hash of ``canonical`` (exact repeats);
- ``bands``: the MinHash (``datasketch``) of its character 4-grams cut into ``BANDS`` bands of
  ``ROWS`` values; two comments share a band with probability ``1 - (1 - J**ROWS)**BANDS``
  for Jaccard similarity ``J``: 0.003 at J = 0.2 (unrelated comments), 0.27 at 0.5, 0.55 at
  0.6, 0.84 at 0.7, 0.98 at 0.8. One pair is a coin toss at J = 0.5-0.6, but a campaign's
  post meets many earlier ones, and a pair of civil comments sharing a band by chance counts
  as one author, below any flag. Character shingles keep a typo or a changed word from
  breaking the match. Chosen over SimHash, which on comments this short separated campaign
  variants from unrelated civil comments badly (Hamming distances overlapped: campaign pairs
  at a median 9-26 bits of 64, the closest civil pairs at 11-18), and over 20 bands, which
  doubled the Redis work for no measurable gain on the spam suite's streams;
- ``counted``: whether the comment says enough to count its repeats at all. "Thanks!",
  "Great article" or a stock condolence are typed alike by many readers; a comment counts with
  at least ``MIN_CONTENT_WORDS`` distinct content words, or ``MIN_CONTENT_WORDS_WITH_CHANNEL``
  when it carries a link, a handle or a long number (a way to reach the poster: ``channel``);
- ``links``: the registrable domain of each link that is not a citation (reference sites,
  official suffixes, the site's trusted domains), with its span in the original text.
  Citations are left out of ``canonical``: readers quoting the same source are not repeating
  one another.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from moderation.detectors._handles import find_messenger_handles
from moderation.detectors._links import find_link_spans, is_reference_domain, registrable_domain
from moderation.detectors.base import prepare
from moderation.detectors.view import light_view
from moderation.normalize import normalize

__all__ = ["BANDS", "ROWS", "Fingerprint", "LinkRef", "fingerprint"]

BANDS = 10
ROWS = 5
SHINGLE = 4
MIN_CONTENT_WORDS = 6
MIN_CONTENT_WORDS_WITH_CHANNEL = 3
MAX_DOMAINS = 5
_SEED = 1
# Permutations drawn once (datasketch draws them again for every MinHash otherwise).
_SCHEME = "affine32"
_PERMUTATIONS = MinHash(num_perm=BANDS * ROWS, seed=_SEED, scheme=_SCHEME).permutations
# A band's key mixes its ROWS values with fixed odd 64-bit multipliers (numpy, no per-band
# hashing in Python); two different bands collide with probability ~2**-64 per pair.
_BAND_MIX = np.random.default_rng(_SEED).integers(1, 2**63, size=ROWS, dtype=np.uint64) * 2 + 1
_DIGITS = re.compile(r"\d+")
_WORD = re.compile(r"[^\W_]+")
_CHANNEL = re.compile(r"@[^\W_]|\d[\d ().-]{5,}\d")
_NOT_CONTENT = frozenset(ENGLISH_STOP_WORDS) | {"http", "https", "www", "com"}


@dataclass(frozen=True, slots=True)
class LinkRef:
    """A link to a domain that is not a citation, at ``text[start:end]``."""

    domain: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Fingerprint:
    canonical: str
    exact: str
    bands: tuple[str, ...]  # empty when not counted
    counted: bool
    links: tuple[LinkRef, ...]
    span: tuple[int, int]  # the comment without surrounding whitespace
    channel: bool = False  # a non-citation link, a handle or email, or a long number


def _hash(data: bytes, size: int = 8) -> str:
    return hashlib.blake2b(data, digest_size=size).hexdigest()


def canonical_text(text: str) -> str:
    """Normalised words of ``text`` with digit runs as ``0``, joined by single spaces."""
    return " ".join(_WORD.findall(_DIGITS.sub("0", normalize(text))))


def minhash_bands(canonical: str) -> tuple[str, ...]:
    """``BANDS`` band keys ``"<index>:<hash of ROWS MinHash values>"`` of the character
    ``SHINGLE``-grams of ``canonical``."""
    grams = {canonical[i : i + SHINGLE] for i in range(max(1, len(canonical) - SHINGLE + 1))}
    # CRC-32 hashes the shingles (a C call each; datasketch's default is SHA-1 in Python,
    # ten times slower) and datasketch's affine32 scheme mixes it with fmix32 anyway.
    mh = MinHash(
        num_perm=BANDS * ROWS,
        seed=_SEED,
        hashfunc=zlib.crc32,
        permutations=_PERMUTATIONS,
        scheme=_SCHEME,
    )
    mh.update_batch([g.encode("utf-8") for g in grams])
    rows = np.asarray(mh.hashvalues, dtype=np.uint64).reshape(BANDS, ROWS)
    with np.errstate(over="ignore"):
        keys = (rows * _BAND_MIX).sum(axis=1, dtype=np.uint64)
    hexed = keys.astype(">u8").tobytes().hex()
    return tuple(f"{b}:{hexed[16 * b : 16 * b + 16]}" for b in range(BANDS))


def _links(text: str, trusted: frozenset[str]) -> tuple[tuple[LinkRef, ...], list[tuple[int, int]]]:
    """Links to non-citation domains (first of each domain), and the spans of citations."""
    view, sources = light_view(text)
    out: dict[str, LinkRef] = {}
    citations: list[tuple[int, int]] = []
    for start, end, host in find_link_spans(prepare(view)):
        if sources is not None:
            start, end = sources[start], sources[end - 1] + 1
        if is_reference_domain(host, trusted):
            citations.append((start, end))
            continue
        domain = registrable_domain(host)
        if domain and domain not in out and len(out) < MAX_DOMAINS:
            out[domain] = LinkRef(domain, start, end)
    return tuple(out.values()), citations


def _without(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in reversed(spans):
        text = text[:start] + " " + text[end:]
    return text


def fingerprint(text: str, *, trusted: frozenset[str] = frozenset()) -> Fingerprint:
    """The fingerprint of one comment (``trusted``: the site's own registrable domains)."""
    links, citations = _links(text, trusted)
    # Readers citing the same source write different comments around the same long URL:
    # the citation is not what they repeat, so it is left out of the text compared.
    canonical = canonical_text(_without(text, citations) if citations else text)
    content = len({w for w in canonical.split(" ") if len(w) > 1 and w not in _NOT_CONTENT})
    channel = bool(links) or _CHANNEL.search(text) is not None or bool(find_messenger_handles(text))
    counted = content >= (MIN_CONTENT_WORDS_WITH_CHANNEL if channel else MIN_CONTENT_WORDS)
    start = len(text) - len(text.lstrip())
    return Fingerprint(
        canonical=canonical,
        exact=_hash(canonical.encode("utf-8"), 12),
        bands=minhash_bands(canonical) if counted else (),
        counted=counted,
        links=links,
        span=(start, max(start, len(text.rstrip()))),
        channel=channel,
    )
