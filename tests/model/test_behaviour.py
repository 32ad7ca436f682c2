"""Behavioural tests of the committed default model (Made-With-ML's three suites):
minimum functionality, invariance under obfuscation, and directional expectations, plus the
hand-written civil set that must never be rejected."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from moderation.scoring import Moderator

EVAL = Path(__file__).resolve().parents[2] / "training" / "eval"


def rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (EVAL / name).read_text().splitlines() if line]


def triggered(moderator: Moderator, text: str) -> set[str]:
    return {t.category for t in moderator.moderate(text).triggered}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("I will find where you live and hurt you", "violence"),
        ("I'm going to kill you and your whole family", "violence"),
        ("Go back to your own country, you filthy immigrants.", "racism"),
        ("This is fucking ridiculous, what a shit show.", "profanity"),
        ("Suck my dick, you whore.", "vulgarity"),
        ("His number is (555) 867-5309 and he lives at 42 Elm Street, go visit him.", "doxing"),
        ("You are a pathetic idiot and nobody wants you here.", "discourtesy"),
        ("CHECK OUT MY CHANNEL!!! http://bit.ly/xyz subscribe for free iphone", "spam"),
    ],
)
def test_minimum_functionality(shipped_moderator: Moderator, text: str, category: str) -> None:
    result = shipped_moderator.moderate(text)
    assert result.decision in {"flag", "reject"}
    assert category in triggered(shipped_moderator, text), result.scores
    hit = next(t for t in result.triggered if t.category == category)
    assert hit.evidence
    for span in hit.evidence:
        assert text[span.start : span.end] == span.text


def test_the_acceptance_threat_points_at_the_harm(shipped_moderator: Moderator) -> None:
    text = "I will find where you live and hurt you"
    hit = next(t for t in shipped_moderator.moderate(text).triggered if t.category == "violence")
    covered = "".join(text[e.start : e.end] for e in hit.evidence)
    assert "hurt" in covered


@pytest.mark.parametrize(
    ("plain", "obfuscated"),
    [
        ("fuck you", "f u c k you"),
        ("fuck you", "f.u.c.k you"),
        ("fuck you", "ｆｕｃｋ you"),
        ("fuck you", "fu\u200bck you"),
        ("fuck you", "fu\u0441k you"),  # Cyrillic es
        ("you are an idiot", "you are an 1d10t"),
        ("I will kill you", "I will k!ll you"),
        ("shut up you stupid bitch", "shut up you stuuuupid b1tch"),
    ],
)
def test_invariance_under_obfuscation(
    shipped_moderator: Moderator, plain: str, obfuscated: str
) -> None:
    a, b = shipped_moderator.moderate(plain), shipped_moderator.moderate(obfuscated)
    assert a.decision == b.decision != "allow"
    assert triggered(shipped_moderator, plain) == triggered(shipped_moderator, obfuscated)


@pytest.mark.parametrize(
    ("base", "worse", "category"),
    [
        ("I disagree with you.", "I disagree with you, you moron.", "discourtesy"),
        ("Interesting point.", "Interesting fucking point.", "profanity"),
        ("See you at the game.", "See you at the game, I'll stab you.", "violence"),
        ("Nice article.", "Nice article. Visit http://cheap-pills.example.com now!", "spam"),
    ],
)
def test_directional(shipped_moderator: Moderator, base: str, worse: str, category: str) -> None:
    assert (
        shipped_moderator.moderate(worse).scores[category]
        > shipped_moderator.moderate(base).scores[category] + 0.2
    )


def test_civil_comments_are_never_rejected(shipped_moderator: Moderator) -> None:
    decisions = {
        r["text"]: shipped_moderator.moderate(r["text"]).decision for r in rows("civil.jsonl")
    }
    rejected = [t for t, d in decisions.items() if d == "reject"]
    flagged = [t for t, d in decisions.items() if d == "flag"]
    assert rejected == []
    assert len(flagged) <= 3, flagged


def test_harmful_set_is_mostly_caught(shipped_moderator: Moderator) -> None:
    # The model card lists the misses; implicit tropes and crude sexual remarks without a
    # lexicon-strength word are the known gap (see README, "Known gaps").
    harmful = rows("harmful.jsonl")
    missed = [
        r["text"] for r in harmful if shipped_moderator.moderate(r["text"]).decision == "allow"
    ]
    assert len(missed) <= 3, missed
