"""The comment-spam grammar (training/augment_spam.py): labels, variety, and no five-word
phrase shared with the held-out spam evaluation sets."""

from __future__ import annotations

import json
import re
from pathlib import Path

from moderation.categories import CATEGORIES
from training.augment_spam import civil_lookalikes, spam_frame, spam_sentences

EVAL_DIR = Path(__file__).resolve().parents[2] / "training" / "eval"
_WORD = re.compile(r"[a-z0-9']+")


def _grams(text: str, n: int = 5) -> set[str]:
    words = _WORD.findall(text.lower())
    return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}


def _eval_texts() -> list[str]:
    texts = []
    for path in sorted(EVAL_DIR.glob("spam*.jsonl")):
        texts += [json.loads(line)["text"] for line in path.read_text().splitlines() if line]
    return texts


def test_frame_labels_spam_rows_spam_and_everything_else_clean() -> None:
    frame = spam_frame(spam=300, civil=100)
    assert len(frame) == 400 and frame["text"].is_unique
    assert frame["spam"].sum() == 300
    others = [c for c in CATEGORIES if c != "spam"]
    assert (frame[others] == 0).all().all()
    assert set(frame.loc[frame["spam"] == 0, "text"]) == set(civil_lookalikes(100))


def test_grammar_is_seeded_and_varied() -> None:
    first = spam_sentences(2000)
    assert first == spam_sentences(2000)
    # the pitches' own words vary: no five-word phrase sits in more than a tenth of them
    counts: dict[str, int] = {}
    for text in first:
        for gram in _grams(text):
            counts[gram] = counts.get(gram, 0) + 1
    assert max(counts.values()) < 200


def test_grammar_shares_no_phrase_with_the_spam_evaluation_sets() -> None:
    # Five words, not four: spam's four-word idioms ("link in my bio", "add me on kik") are
    # the genre itself; a shared five-word phrase is a copied sentence.
    held_out = set().union(*(_grams(t) for t in _eval_texts()))
    assert len(held_out) > 1000
    shared = {g for t in spam_sentences(4000) + civil_lookalikes(800) for g in _grams(t)}
    assert not shared & held_out, sorted(shared & held_out)[:20]
