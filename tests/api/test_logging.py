"""Log lines through the real app: one JSON object each, tagged with the request's id, an
access line per request, and no comment text unless MODERATION_LOG_COMMENT_TEXT is on."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from moderation.api.app import create_app
from moderation.observability import logs
from moderation.settings import Settings

TEXT = "you stupid idiot, zebrafinch"  # the last word marks the text in any line


@pytest.fixture
def lines(caplog: pytest.LogCaptureFixture) -> Iterator[io.StringIO]:
    """What the root logger writes at INFO, through the service's JSON handler."""
    out = io.StringIO()
    handler = logs.handler("json", out)
    root = logging.getLogger()
    caplog.set_level(logging.INFO)  # restored afterwards
    root.addHandler(handler)
    yield out
    root.removeHandler(handler)


def parsed(out: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def by_logger(records: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [r for r in records if r["logger"] == name]


def test_lines_are_json_with_the_request_id_and_no_text(
    client: TestClient, lines: io.StringIO
) -> None:
    response = client.post(
        "/v1/moderate", json={"id": "c-1", "text": TEXT}, headers={"X-Request-ID": "req-given-1"}
    )
    assert response.status_code == 200
    assert response.headers["x-request-id"] == response.json()["request_id"] == "req-given-1"
    generated = client.get("/v1/comments/c-1")  # no Redis: a 503, with an id of ours
    request_id = generated.headers["x-request-id"]

    records = parsed(lines)
    assert records, "nothing was logged"
    for record in records:
        assert {"timestamp", "level", "logger", "message", "request_id"} <= set(record)
        assert record["timestamp"].endswith("Z")
    assert "zebrafinch" not in lines.getvalue()

    access = by_logger(records, "moderation.access")
    assert [(a["method"], a["route"], a["status"]) for a in access] == [
        ("POST", "/v1/moderate", 200),
        ("GET", "/v1/comments/{comment_id}", 503),
    ]
    assert [a["request_id"] for a in access] == ["req-given-1", request_id]
    assert access[1]["path"] == "/v1/comments/c-1"
    assert all(isinstance(a["duration_ms"], float) and a["duration_ms"] > 0 for a in access)
    (decision,) = by_logger(records, "moderation.decisions")
    assert decision["request_id"] == "req-given-1"
    assert (decision["comment_id"], decision["decision"]) == ("c-1", response.json()["decision"])
    expected = {t["category"]: t["action"] for t in response.json()["triggered"]}
    assert decision["triggered"] == expected
    assert "text" not in decision


def test_comment_text_is_logged_only_when_turned_on(settings: Settings, lines: io.StringIO) -> None:
    verbose = settings.model_copy(update={"log_comment_text": True})
    with TestClient(create_app(verbose)) as client:
        client.post("/v1/moderate/batch", json={"items": [{"text": TEXT}, {"text": "hello"}]})
    decisions = by_logger(parsed(lines), "moderation.decisions")
    assert [d["text"] for d in decisions] == [TEXT, "hello"]
    assert len({d["request_id"] for d in decisions}) == 1


def test_errors_and_refusals_before_routing_are_logged(
    client: TestClient, lines: io.StringIO
) -> None:
    too_big = client.post(
        "/v1/moderate",
        content=b"{}",
        headers={"content-type": "application/json", "content-length": str(10**9)},
    )
    assert too_big.status_code == 413
    item_too_big = client.post(
        "/v1/queue/ri_x/decision",
        content=b"{}",
        headers={"content-type": "application/json", "content-length": str(10**9)},
    )
    assert item_too_big.status_code == 413
    assert client.delete("/v1/moderate").status_code == 405
    client.get("/no/such/page")
    access = by_logger(parsed(lines), "moderation.access")
    assert [(a["route"], a["status"]) for a in access] == [
        ("/v1/moderate", 413),
        ("/v1/queue/{item_id}/decision", 413),
        ("/v1/moderate", 405),
        ("unmatched", 404),
    ]
    assert access[0]["request_id"] == too_big.headers["x-request-id"]


def test_text_format_names_the_request(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    out = io.StringIO()
    handler = logs.handler("text", out)
    caplog.set_level(logging.INFO)
    logging.getLogger().addHandler(handler)
    try:
        response = client.get("/healthz", headers={"X-Request-ID": "plain-7"})
    finally:
        logging.getLogger().removeHandler(handler)
    assert response.status_code == 200
    (line,) = [x for x in out.getvalue().splitlines() if "moderation.access" in x]
    assert " INFO moderation.access [plain-7] GET /healthz 200 " in line


@pytest.mark.parametrize("kind", ["json", "text"])
def test_serve_log_config_formats_every_logger(kind: str) -> None:
    """The logging `moderation serve` and its workers set up, in a process of its own: our
    lines and uvicorn's come out in one format, request id included; uvicorn's access lines
    give way to ours."""
    script = (
        "import logging\n"
        "from moderation.observability import logs\n"
        f"logs.configure(kind={kind!r}, level='info')\n"
        "logging.getLogger('moderation.api').info('outside')\n"
        "logs.request_id_var.set('r-42')\n"
        "logging.getLogger('uvicorn.access').info('GET / 200')\n"
        "logging.getLogger('moderation.api').info('ready %s', 1)\n"
        "logging.getLogger('uvicorn.error').info('Started', extra={'color_message': 'x'})\n"
        "logging.getLogger('moderation.api').debug('not at info')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    out = done.stderr.splitlines()
    assert len(out) == 3, done.stderr
    if kind == "text":
        assert out[0].endswith(" INFO moderation.api [-] outside")
        assert out[1].endswith(" INFO moderation.api [r-42] ready 1")
        assert out[2].endswith(" INFO uvicorn.error [r-42] Started")
        return
    outside, first, second = (json.loads(line) for line in out)
    assert outside["request_id"] is None
    assert (first["logger"], first["message"], first["request_id"]) == (
        "moderation.api",
        "ready 1",
        "r-42",
    )
    assert (second["logger"], second["level"]) == ("uvicorn.error", "INFO")
    assert "color_message" not in second
