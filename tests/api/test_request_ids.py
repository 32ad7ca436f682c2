"""Every answer names its request: the `X-Request-ID` header always, and the body's
`request_id` wherever the answer is ours and has one (errors included)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from moderation.api.app import create_app
from moderation.settings import Settings

JSON = {"content-type": "application/json"}
REQUESTS: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", "/healthz", {}),
    ("GET", "/readyz", {}),
    ("GET", "/metrics", {}),
    ("GET", "/openapi.json", {}),
    ("GET", "/v1/model", {}),
    ("GET", "/v1/model/report", {}),
    ("POST", "/v1/moderate", {"json": {"text": "hello there"}}),
    ("POST", "/v1/moderate/batch", {"json": {"items": [{"text": "hi"}]}}),
    ("POST", "/v1/moderate", {"content": b"{bad", "headers": JSON}),
    ("POST", "/v1/moderate", {"content": b"{}", "headers": {"content-type": "text/plain"}}),
    ("POST", "/v1/moderate", {"json": {"text": ""}}),
    (
        "POST",
        "/v1/moderate",
        {"content": b"{}", "headers": {**JSON, "content-length": "10000000000"}},
    ),
    ("GET", "/no/such/page", {}),
    ("DELETE", "/v1/moderate", {}),
    ("POST", "/v1/queue/claim", {"json": {"moderator": "ana"}}),  # no Redis: 503
    ("POST", "/v1/integrations/coral", {"json": {}}),  # no signing secret: 503
    ("POST", "/v1alpha1/comments:analyze", {"json": {}}),  # Google's error shape
    ("GET", "/boom", {}),  # an unexpected exception: 500
]


@pytest.fixture
def api(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)

    def boom() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/boom", boom)  # the one way to reach the last-resort handler
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize(("method", "path", "kwargs"), REQUESTS, ids=lambda v: str(v)[:40])
def test_every_answer_carries_the_request_id(
    api: TestClient, method: str, path: str, kwargs: dict[str, Any]
) -> None:
    response = api.request(method, path, **kwargs)
    request_id = response.headers.get("x-request-id")
    assert request_id, f"{method} {path} {response.status_code} has no X-Request-ID"
    if not response.headers.get("content-type", "").startswith("application/json"):
        return
    body = response.json()
    if path.startswith("/v1alpha1/"):  # Perspective's answers keep Google's shape exactly
        assert "request_id" not in body
    elif response.status_code >= 400 or path.startswith("/v1/moderate") or "request_id" in body:
        assert body["request_id"] == request_id, body  # every error, every moderation answer


def test_a_sane_caller_id_is_kept_and_others_replaced(api: TestClient) -> None:
    kept = api.post("/v1/moderate", json={"text": "hi"}, headers={"X-Request-ID": "abc.1_2-3"})
    assert kept.headers["x-request-id"] == kept.json()["request_id"] == "abc.1_2-3"
    for bad in ("has space", "x" * 65, "new\\nline", ""):
        response = api.get("/healthz", headers={"X-Request-ID": bad})
        assert response.headers["x-request-id"] not in (bad, "")


def test_an_unexpected_error_is_counted_as_500(api: TestClient) -> None:
    def count() -> float:
        page = api.get("/metrics").text
        labels = {"method": "GET", "route": "/boom", "status": "500"}
        return sum(
            sample.value
            for family in text_string_to_metric_families(page)
            for sample in family.samples
            if sample.name == "moderation_http_requests_total" and sample.labels == labels
        )

    before = count()
    response = api.get("/boom")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert count() == before + 1
