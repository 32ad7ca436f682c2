"""`too_deep` agrees with the depth of the parsed document, strings with brackets, quotes and
backslashes included, and across the slices it walks in."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moderation.api.json_depth import too_deep

TRICKY = st.text(alphabet='[]{}"\\/ab\n\u00e9\U0001f600', max_size=8)
DOCUMENTS = st.recursive(
    st.none() | st.booleans() | st.integers() | TRICKY,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(TRICKY, children, max_size=3),
    max_leaves=30,
)


def depth(value: Any) -> int:
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((depth(v) for v in value.values()), default=0)
    return 0


@settings(max_examples=300, deadline=None)
@given(document=DOCUMENTS, ascii_only=st.booleans(), slice_bytes=st.sampled_from([1, 2, 3, 7, 64]))
def test_agrees_with_the_parsed_depth(document: Any, ascii_only: bool, slice_bytes: int) -> None:
    body = json.dumps(document, ensure_ascii=ascii_only).encode()
    for limit in range(8):
        found = too_deep(body, limit, slice_bytes=slice_bytes)
        assert found == (depth(document) > limit), (body, limit)


@pytest.mark.parametrize(
    ("body", "deep"),
    [
        (b"[" * 100_000, True),
        (b'{"a":' * 100_000, True),
        (b"[]" * 100_000, False),
        (b'["' + b"[" * 100_000 + b'"]', False),  # brackets inside a string
        (b'["\\"' + b"[" * 100 + b'"]', False),  # an escaped quote does not end the string
        (b'["\\\\"' + b",[" * 100, True),  # an escaped backslash does not escape the quote
        (b'{"text": "' + b"a" * 3_000_000 + b'"}', False),  # more than one slice
        (b"[" * 33, True),
        (b"[" * 32 + b"]" * 32, False),
    ],
)
def test_hostile_bodies(body: bytes, deep: bool) -> None:
    assert too_deep(body, 32) is deep
