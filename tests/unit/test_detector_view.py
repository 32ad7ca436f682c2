"""Invisible characters and fullwidth digits must not hide PII or links from the rules."""

import pytest

from moderation.detectors import detect


@pytest.mark.parametrize(
    ("text", "kind", "typed"),
    [
        ("call him at 555\u200b-867-5309 tonight", "phone", "555\u200b-867-5309"),
        ("call him at ５５５-８６７-５３０９", "phone", "５５５-８６７-５３０９"),
        ("email him: john.doe@gm\u200bail.com", "email", "john.doe@gm\u200bail.com"),
        ("his ssn is ０７８-０５-１１２０", "ssn", "０７８-０５-１１２０"),
        ("he lives at 42 Elm\u200b Street", "address", "42 Elm\u200b Street"),
    ],
)
def test_obfuscated_pii_is_found_with_original_offsets(text: str, kind: str, typed: str) -> None:
    found = [f for f in detect(text) if f.kind == kind]
    assert found, detect(text)
    assert found[0].text == typed
    assert text[found[0].start : found[0].end] == typed
