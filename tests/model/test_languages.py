"""Comments in languages the model was not trained on are never given a silent English score."""

from __future__ import annotations

import pytest

from moderation.policy import LanguagePolicy, Policy
from moderation.scoring import Moderator

GERMAN = "Ich finde den Artikel sehr gut geschrieben, vielen Dank für die Recherche."
SPANISH_WITH_PHONE = "Llámame al +34 612 345 678, vivo en la calle Mayor 5 de Madrid."


def _with(moderator: Moderator, unsupported: str) -> Moderator:
    policy = Policy.model_validate(
        {
            **moderator.policy.model_dump(),
            "languages": LanguagePolicy(unsupported=unsupported),  # type: ignore[arg-type]
        }
    )
    clone = Moderator.__new__(Moderator)
    clone.__dict__.update(moderator.__dict__)
    clone.policy = policy
    return clone


def test_an_unsupported_language_is_flagged_for_a_human(shipped_moderator: Moderator) -> None:
    result = shipped_moderator.moderate(GERMAN)
    assert result.language is not None
    assert (result.language.code, result.language.supported) == ("de", False)
    assert result.decision == "flag"
    assert result.reasons == ["unsupported_language"]
    assert result.triggered == []


def test_english_abuse_padded_with_another_script_is_still_caught(
    shipped_moderator: Moderator,
) -> None:
    insult = "you fucking idiot, shut up you stupid moron"
    for padding in (" " + "好" * 40, " " + "Привет " * 20):
        assert shipped_moderator.moderate(insult + padding).decision == "reject"
    # Unsupported or not, the model reads the comment: an unsupported language is a floor.
    terse = "fucking idiot stupid moron " + "好" * 60
    assert shipped_moderator.moderate(terse).decision == "reject"


def test_language_independent_detectors_still_run(shipped_moderator: Moderator) -> None:
    result = shipped_moderator.moderate(SPANISH_WITH_PHONE)
    assert result.language is not None and result.language.code == "es"
    assert "unsupported_language" in result.reasons
    doxing = [t for t in result.triggered if t.category == "doxing"]
    assert doxing and doxing[0].evidence[0].source.startswith("pii:")


@pytest.mark.parametrize(("setting", "decision"), [("reject", "reject"), ("score", "allow")])
def test_the_policy_says_what_to_do(
    shipped_moderator: Moderator, setting: str, decision: str
) -> None:
    result = _with(shipped_moderator, setting).moderate(GERMAN)
    assert result.decision == decision
    assert result.language is not None and not result.language.supported
    assert result.reasons == ([] if setting == "score" else ["unsupported_language"])


@pytest.mark.parametrize(
    "text",
    [
        "lol",
        "+1",
        "ok thanks",
        "f u c k off",
        "sh1t article",
        "Merci beaucoup for the great article, you nailed it.",
        "https://example.com/some/page",
        "😂😂😂",
        "Déjà vu all over again with this council.",
    ],
)
def test_english_and_undeterminable_comments_are_scored(
    shipped_moderator: Moderator, text: str
) -> None:
    result = shipped_moderator.moderate(text)
    assert result.language is not None and result.language.supported, result.language
    assert "unsupported_language" not in result.reasons


def test_a_declared_language_is_trusted(shipped_moderator: Moderator) -> None:
    declared = shipped_moderator.moderate("you are an idiot", languages=["de"])
    assert declared.language is not None and declared.language.code == "de"
    assert declared.reasons == ["unsupported_language"]
    english = shipped_moderator.moderate("you are an idiot", languages=["en-GB"])
    assert english.language is not None and english.language.supported
    assert english.decision != "allow"


def test_batch_agrees_with_single(shipped_moderator: Moderator) -> None:
    texts = [GERMAN, "you are an idiot", SPANISH_WITH_PHONE]
    batch = shipped_moderator.moderate_many(texts)
    for text, result in zip(texts, batch, strict=True):
        single = shipped_moderator.moderate(text)
        assert (result.decision, result.scores, result.reasons, result.language) == (
            single.decision,
            single.scores,
            single.reasons,
            single.language,
        )
