"""The access log never records an API key sent in the query string."""

from __future__ import annotations

import logging

from moderation.api.access_log import RedactKeys


def _render(path: str) -> str:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "POST", path, "1.1", 200),
        None,
    )
    RedactKeys().filter(record)
    return record.getMessage()


def test_key_parameters_are_redacted() -> None:
    line = _render("/v1alpha1/comments%3Aanalyze?key=AIzaSECRET&alt=json")
    assert "AIzaSECRET" not in line and "key=***&alt=json" in line
    assert "ACCESS" not in _render("/x?access_token=ACCESS")
    assert "SECRET" not in _render("/x?%6Bey=SECRET&KEY=SECRET2")
    assert _render("/v1/moderate").endswith('"POST /v1/moderate HTTP/1.1" 200')
