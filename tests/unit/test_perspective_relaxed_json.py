"""The relaxed JSON Google's front end accepts, as Perspective's own samples send it."""

from __future__ import annotations

import json

import orjson
import pytest

from moderation.integrations.relaxed_json import to_strict


@pytest.mark.parametrize(
    ("relaxed", "value"),
    [
        (
            '{comment: {text: "what kind of idiot name is foo?"},\n languages: ["en"],\n'
            " requestedAttributes: {TOXICITY:{}} }",
            {
                "comment": {"text": "what kind of idiot name is foo?"},
                "languages": ["en"],
                "requestedAttributes": {"TOXICITY": {}},
            },
        ),
        ("{'TOXICITY': {}, $x_1 : true, y: null}", {"TOXICITY": {}, "$x_1": True, "y": None}),
        (
            """{a: 'it\\'s a "quote"\\n', b: "don't: {x: 1}"}""",
            {"a": 'it\'s a "quote"\n', "b": "don't: {x: 1}"},
        ),
        ('{"strict": [1, 2.5e3, -0.1, "tab\\t"]}', {"strict": [1, 2500.0, -0.1, "tab\t"]}),
        ("{text: 'naïve café 😡'}", {"text": "naïve café 😡"}),
    ],
)
def test_relaxed_json_becomes_strict(relaxed: str, value: object) -> None:
    strict = to_strict(relaxed)
    assert strict is not None
    assert json.loads(strict) == value


@pytest.mark.parametrize("broken", ['{a: "never closed}', "{a: 'never closed}", "'\\'"])
def test_a_string_that_never_closes_is_refused(broken: str) -> None:
    assert to_strict(broken) is None


def test_other_extensions_stay_invalid() -> None:
    """Trailing commas, NaN and comments are still refused (by orjson, as the service parses)."""
    for text in ["{a: 1,}", "{a: NaN}", "{a: 1 // comment\n}"]:
        strict = to_strict(text)
        with pytest.raises(orjson.JSONDecodeError):
            orjson.loads(strict or "")
