"""Evidence: the spans of the text the author typed that drove each triggered category.

Site deny-list terms and rule-based detector findings come first, as they are. Then the
model's words, read from `LinearScorer.token_contributions` (each whitespace token's share of
the category's logit) in the normalised text, so `f u c k` and `1d10t` are one word each, and
mapped back to the characters the author typed:

- a token that joins words with sentence punctuation (`liar--including`, `stupid.it's`) is
  split into its words, and the token's push shared among them as they push apart;
- a word is evidence when its push is at least `EVIDENCE_MIN_SHARE` of the strongest word's
  and at least `EVIDENCE_MIN_PUSH` (function words only when nothing else drove the category);
- evidence words next to each other (only spaces between) make one span, as people mark
  "lying loser", not "lying" and "loser";
- spans are trimmed to the word (no surrounding punctuation), never overlap a deny term or a
  detector's span, and the strongest `max_spans` are kept.

The two constants were chosen on the validation split of TOXICSPANS with the spans suite
(`moderation evaluate --suite spans`); see `training/suites/spans.py`.

A bundle with a span tagger (`moderation.span_tagger`, trained on TOXICSPANS) picks the toxic
categories' model words instead: the words it finds likely enough to be marked toxic (its
threshold, chosen on validation) among those that push the category; when none of those is,
the rule above picks, so a word pushing against the category is never shown. Neighbours merge
and deny terms and detector spans stay first as above.
Other categories, and bundles without a tagger, keep the rule above.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS as STOP_WORDS

from moderation.categories import CATEGORIES, Category
from moderation.detectors import Finding
from moderation.linear import LinearScorer
from moderation.normalize import Normalized, normalize_with_offsets
from moderation.schemas import Evidence
from moderation.span_tagger import TAGGED_CATEGORIES, TAGGED_COLUMNS, SpanTagger
from moderation.terms import TermMatches

# A word is evidence when it carries at least this share of the strongest word's push on the
# category's logit, and at least this much push in absolute terms.
EVIDENCE_MIN_SHARE = 0.5
EVIDENCE_MIN_PUSH = 0.3
# Evidence words this close (spaces or tabs only) are one span.
MERGE_MAX_GAP = 3
# The word inside a whitespace token, without surrounding punctuation.
WORD_CORE = re.compile(r"[^\W_](?:.*[^\W_])?")
_TOKEN = re.compile(r"\S+")
# Sentence punctuation inside a token: where "word.word" or "word--word" splits into words.
_PIECE_BREAK = re.compile(r"[.,;:!?/()\[\]{}\"…]+|-{2,}")
_GAP = re.compile(r"[ \t]*")

Span = tuple[int, int]


#: One word of the comment: (start, end) in the original text, and whether it is a function
#: word. Plain tuples: a comment has dozens of words and evidence is on the request path.
Word = tuple[int, int, bool]


def build_evidence(
    scorer: LinearScorer,
    text: str,
    categories: list[Category],
    *,
    findings: list[Finding],
    matches: TermMatches,
    features: tuple[np.ndarray, np.ndarray] | None,
    max_spans: int,
    tagger: SpanTagger | None = None,
) -> dict[Category, list[Evidence]]:
    """Deny-list terms and detector findings first, then the model's words (module docstring).

    Model evidence is left out for doxing when a PII detector found something (the model
    alone cannot make a comment doxing). At most `max_spans` per category. `features` is the
    scorer's feature vector of the normalised text when the caller already has it. With a
    `tagger`, it picks the toxic categories' model words (module docstring).
    """
    out: dict[Category, list[Evidence]] = {c: [] for c in categories}
    normalized = normalize_with_offsets(text) if matches.deny else None
    for hit in matches.deny:
        if hit.category in out and len(out[hit.category]) < max_spans:
            assert normalized is not None
            start, end = normalized.to_original(hit.start, hit.end)
            out[hit.category].append(
                Evidence(start=start, end=end, text=text[start:end], source=hit.source)
            )
    for f in findings:
        if f.category in out and len(out[f.category]) < max_spans:
            out[f.category].append(Evidence(start=f.start, end=f.end, text=f.text, source=f.source))
    wanted = [c for c in categories if not (c == "doxing" and out[c])]
    if not wanted:
        return out
    normalized = normalized or normalize_with_offsets(text)
    if not any(c in TAGGED_CATEGORIES for c in wanted):
        tagger = None
    columns = {CATEGORIES.index(c) for c in wanted} | set(TAGGED_COLUMNS if tagger else ())
    words, pushes, cores = model_words(
        scorer, normalized, sorted(columns), matches=matches, features=features
    )
    if tagger is not None:
        likely = tagger.probabilities(text, words, cores, np.array(pushes))
        likely = _silence(likely, words, [normalized.to_original(*s) for s in matches.allow])
    for category in wanted:
        taken = [(e.start, e.end) for e in out[category]]
        room = max_spans - len(out[category])
        j = CATEGORIES.index(category)
        column = [float(push[j]) for push in pushes]
        if tagger is not None and category in TAGGED_CATEGORIES:
            threshold = tagger.threshold
            own = [p if push > 0 else 0.0 for p, push in zip(likely, column, strict=True)]
            if max(own, default=0.0) >= threshold:
                chosen = tagged_spans(words, own, text, threshold=threshold, taken=taken)
            else:  # no word that drove the category reads as toxic: the words that drove it
                chosen = choose_spans(words, column, text, taken=taken)
        else:
            chosen = choose_spans(words, column, text, taken=taken)
        for start, end in chosen[:room]:
            out[category].append(
                Evidence(start=start, end=end, text=text[start:end], source="model")
            )
    return out


def model_words(
    scorer: LinearScorer,
    normalized: Normalized,
    columns: list[int],
    *,
    matches: TermMatches,
    features: tuple[np.ndarray, np.ndarray] | None,
) -> tuple[list[Word], list[np.ndarray], list[str]]:
    """The comment's words in text order, each word's push on the `columns` categories (an
    array of seven), and each word as normalised (what the span tagger reads)."""
    norm = normalized.text
    words: list[Word] = []
    rows: list[np.ndarray] = []
    cores: list[str] = []
    for start, end, push in scorer.token_contributions(norm, features, columns, matches.allow):
        word = WORD_CORE.search(norm, start, end) or _TOKEN.search(norm, start, end)
        if word is None:
            continue
        a, b = word.span()
        core = word.group()
        if not core.isalnum() and _PIECE_BREAK.search(core):  # "liar--including": rare
            pieces = _pieces(norm, a, b)
            if _are_words(norm, pieces) and push[columns].max() > EVIDENCE_MIN_PUSH:
                shares = _piece_shares(scorer, [norm[x:y] for x, y in pieces], columns)
                for (x, y), share in zip(pieces, shares, strict=True):
                    words.append(
                        (*normalized.to_original(x, y), norm[x:y].casefold() in STOP_WORDS)
                    )
                    rows.append(push * share)
                    cores.append(norm[x:y])
                continue
        words.append((*normalized.to_original(a, b), core.casefold() in STOP_WORDS))
        rows.append(push)
        cores.append(core)
    return words, rows, cores


def choose_spans(
    words: list[Word], pushes: Sequence[float], text: str, *, taken: list[Span]
) -> list[Span]:
    """The evidence spans of one category, strongest first (see the module docstring).

    `pushes` holds each word's push on the category's logit. With nothing `taken` and no word
    above the floors, the strongest word of any kind is the evidence: a triggered category
    always shows something."""
    candidates = [
        k
        for k, (w, push) in enumerate(zip(words, pushes, strict=True))
        if push > EVIDENCE_MIN_PUSH and not w[2]
    ]
    if not candidates:
        if taken or not words:
            return []
        candidates = [max(range(len(words)), key=pushes.__getitem__)]
    floor = max(pushes[k] for k in candidates) * EVIDENCE_MIN_SHARE
    return _merged(words, pushes, [k for k in candidates if pushes[k] >= floor], text, taken)


def tagged_spans(
    words: list[Word],
    probabilities: Sequence[float],
    text: str,
    *,
    threshold: float,
    taken: list[Span],
) -> list[Span]:
    """The evidence spans the span tagger picks, most likely first: the words whose
    probability reaches `threshold`, neighbours merged. With nothing `taken` and no word
    there, the likeliest word: a triggered category always shows something."""
    candidates = [k for k, p in enumerate(probabilities) if p >= threshold]
    if not candidates:
        if taken or not words:
            return []
        candidates = [max(range(len(words)), key=probabilities.__getitem__)]
    return _merged(words, probabilities, candidates, text, taken)


def _merged(
    words: list[Word], strengths: Sequence[float], chosen: list[int], text: str, taken: list[Span]
) -> list[Span]:
    """The `chosen` words (indices in text order) as spans, neighbours merged, those
    overlapping `taken` left out, strongest first."""
    spans: list[tuple[float, Span]] = []
    previous = -2
    for k in chosen:  # in text order: neighbours merge
        start, end, _ = words[k]
        if any(start < b and a < end for a, b in taken):
            continue
        if spans and k == previous + 1 and _joinable(text, spans[-1][1][1], start):
            strength, (first, _) = spans[-1]
            spans[-1] = (max(strength, strengths[k]), (first, end))
        else:
            spans.append((strengths[k], (start, end)))
        previous = k
    spans.sort(key=lambda item: -item[0])
    return [span for _, span in spans]


def _silence(likely: list[float], words: list[Word], allowed: list[Span]) -> list[float]:
    """`likely` with the words inside an allow-listed term at 0: never evidence, whatever the
    tagger makes of them ('Penistone')."""
    if not allowed:
        return likely
    return [
        0.0 if any(a <= start and end <= b for a, b in allowed) else p
        for (start, end, _), p in zip(words, likely, strict=True)
    ]


def _joinable(text: str, end: int, start: int) -> bool:
    """True when only a few spaces or tabs separate the two words."""
    gap = _GAP.fullmatch(text, end, start)
    return gap is not None and start - end <= MERGE_MAX_GAP


def _pieces(norm: str, start: int, end: int) -> list[Span]:
    """The words of the token `norm[start:end]` split at sentence punctuation."""
    pieces: list[Span] = []
    position = start
    for brk in [*_PIECE_BREAK.finditer(norm, start, end), None]:
        stop = brk.start() if brk is not None else end
        core = WORD_CORE.search(norm, position, stop)
        if core is not None:
            pieces.append(core.span())
        if brk is not None:
            position = brk.end()
    return pieces


def _are_words(norm: str, pieces: list[Span]) -> bool:
    """True for two or more pieces that each look like a word of their own: a function word or
    three characters or more ("fu.ck" and "sh.it" are one word, disguised)."""
    return len(pieces) > 1 and all(
        b - a >= 3 or norm[a:b].casefold() in STOP_WORDS for a, b in pieces
    )


def _piece_shares(scorer: LinearScorer, pieces: list[str], columns: list[int]) -> np.ndarray:
    """(len(pieces), 7) shares of a token's push: each piece's positive push when the pieces
    are scored apart, over their sum (equal shares where no piece pushes)."""
    parts = scorer.token_contributions(" ".join(pieces), columns=columns)
    if len(parts) != len(pieces):  # cannot happen for whitespace-free pieces; be safe
        return np.full((len(pieces), len(CATEGORIES)), 1.0 / len(pieces))
    pushes = np.clip(np.array([push for _, _, push in parts]), 0.0, None)
    totals = pushes.sum(axis=0)
    even = np.full_like(pushes, 1.0 / len(pieces))
    shares: np.ndarray = np.where(totals > 0, pushes / np.where(totals > 0, totals, 1.0), even)
    return shares
