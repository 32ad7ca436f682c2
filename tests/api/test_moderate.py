"""POST /v1/moderate and /v1/moderate/batch against the tiny model, through the real app."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from moderation.api.app import create_app
from moderation.categories import CATEGORIES
from moderation.settings import Settings
from tests.helpers import assert_error


def test_moderate_answers_in_the_documented_shape(client: TestClient) -> None:
    text = "You are a stupid idiot and I will hurt you"
    response = client.post("/v1/moderate", json={"id": "c-1", "text": text, "author_id": "u-1"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "id",
        "decision",
        "scores",
        "triggered",
        "reasons",
        "language",
        "review",
        "model_version",
        "policy_version",
        "request_id",
    }
    assert body["id"] == "c-1"
    assert body["language"] == {
        "code": "en",
        "confidence": body["language"]["confidence"],
        "supported": True,
    }
    assert body["reasons"] == []
    assert "+lists." in body["policy_version"]
    assert body["decision"] in {"allow", "flag", "reject"}
    assert list(body["scores"]) == list(CATEGORIES)
    assert all(0.0 <= s <= 1.0 for s in body["scores"].values())
    assert body["model_version"] == "tiny-1"
    assert body["request_id"] == response.headers["x-request-id"]
    assert body["review"] is None
    for item in body["triggered"]:
        assert item["category"] in CATEGORIES
        assert item["action"] in {"flag", "reject"}
        assert item["evidence"], item
        for ev in item["evidence"]:
            assert text[ev["start"] : ev["end"]] == ev["text"]


def test_obvious_threat_is_not_allowed(client: TestClient) -> None:
    body = client.post("/v1/moderate", json={"text": "I will kill you, you idiot"}).json()
    assert body["decision"] in {"flag", "reject"}
    assert body["id"].startswith("c_")


def test_request_id_from_the_caller_is_kept(client: TestClient) -> None:
    response = client.post(
        "/v1/moderate", json={"text": "hello"}, headers={"X-Request-ID": "abc-123"}
    )
    assert response.json()["request_id"] == "abc-123"
    assert response.headers["x-request-id"] == "abc-123"


def test_batch_answers_in_order(client: TestClient) -> None:
    items = [{"id": f"c{i}", "text": t} for i, t in enumerate(["hello", "I will hurt you", "ok"])]
    response = client.post("/v1/moderate/batch", json={"items": items})
    assert response.status_code == 200
    assert response.json()["request_id"] == response.headers["x-request-id"]
    results = response.json()["results"]
    assert [r["id"] for r in results] == ["c0", "c1", "c2"]
    single = client.post("/v1/moderate", json=items[1]).json()
    assert results[1]["scores"] == single["scores"]


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"text": ""}, "empty_text"),
        ({"text": "   \n\t "}, "empty_text"),
        ({"text": "a" * 10_001}, "text_too_long"),
        ({"text": 42}, "invalid_input"),
        ({"text": None}, "invalid_input"),
        ({}, "invalid_input"),
        ({"text": "hi", "colour": "red"}, "invalid_input"),
        ({"text": "hi", "context": {"article_id": 5}}, "invalid_input"),
        ({"text": "hi", "id": ""}, "invalid_input"),
        ([1, 2, 3], "invalid_input"),
    ],
)
def test_bad_single_input_is_a_422_in_the_error_shape(
    client: TestClient, payload: object, code: str
) -> None:
    assert_error(client.post("/v1/moderate", json=payload), 422, code)


def test_a_body_not_sent_as_json_is_a_415(client: TestClient) -> None:
    response = client.post(
        "/v1/moderate",
        content=b'{"text": "hi"}',
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    body = assert_error(response, 415, "unsupported_media_type")
    assert "Content-Type: application/json" in body["error"]["message"]


def test_lone_surrogates_and_invisible_only_text_are_422(client: TestClient) -> None:
    body = b'{"text": "you id\\ud800iot moron"}'
    response = client.post(
        "/v1/moderate", content=body, headers={"content-type": "application/json"}
    )
    assert_error(response, 422, "invalid_input")
    for invisible in ["\u200b\u200b", "\u0000", "\u0301"]:
        assert_error(client.post("/v1/moderate", json={"text": invisible}), 422, "empty_text")


def test_invalid_json_is_a_400(client: TestClient) -> None:
    response = client.post(
        "/v1/moderate", content=b'{"text": "hi"', headers={"content-type": "application/json"}
    )
    assert_error(response, 400, "invalid_json")


def test_hostile_unicode_is_scored_not_crashed(client: TestClient) -> None:
    for text in ["\u0000\u202e\ud7ff" * 100, "😀" * 5000, "a" + "\u0301" * 5000, "\ufeff x"]:
        response = client.post("/v1/moderate", json={"text": text})
        assert response.status_code == 200, response.text


def test_batch_limits(client: TestClient) -> None:
    assert_error(client.post("/v1/moderate/batch", json={"items": []}), 422, "invalid_input")
    too_many = {"items": [{"text": "hi"}] * 257}
    body = assert_error(client.post("/v1/moderate/batch", json=too_many), 422, "batch_too_large")
    assert body["error"]["details"] == {"items": 257, "limit": 256}
    one_bad = {"items": [{"text": "fine"}, {"text": ""}]}
    body = assert_error(client.post("/v1/moderate/batch", json=one_bad), 422, "empty_text")
    assert body["error"]["details"] == {"index": 1}
    assert body["error"]["message"].startswith("item 1: ")


def test_body_over_the_cap_is_refused_before_parsing(settings: Settings) -> None:
    small = settings.model_copy(update={"max_body_bytes": 2048})
    with TestClient(create_app(small)) as client:
        big = json.dumps({"text": "a" * 5000})
        response = client.post(
            "/v1/moderate", content=big, headers={"content-type": "application/json"}
        )
        body = assert_error(response, 413, "payload_too_large")
        assert body["request_id"] == response.headers["x-request-id"]

        def chunks():  # no content-length: the cap applies while streaming
            for _ in range(10):
                yield b" " * 1024

        response = client.post(
            "/v1/moderate", content=chunks(), headers={"content-type": "application/json"}
        )
        assert_error(response, 413, "payload_too_large")


def test_single_comment_route_has_its_own_smaller_body_cap(client: TestClient) -> None:
    padded = json.dumps({"text": "ok", "context": {"url": "x" * 2000}}) + " " * 200_000
    response = client.post(
        "/v1/moderate", content=padded, headers={"content-type": "application/json"}
    )
    body = assert_error(response, 413, "payload_too_large")
    assert body["error"]["details"]["limit_bytes"] == 12 * 10_000 + 16_384
    worst_case = json.dumps({"text": "😀" * 5_000})  # 12 bytes a character, escaped
    assert (
        client.post(
            "/v1/moderate", content=worst_case, headers={"content-type": "application/json"}
        ).status_code
        == 200
    )


def test_limits_come_from_settings(settings: Settings) -> None:
    strict = settings.model_copy(update={"max_text_chars": 10, "max_batch_items": 2})
    with TestClient(create_app(strict)) as client:
        assert_error(client.post("/v1/moderate", json={"text": "x" * 11}), 422, "text_too_long")
        batch = {"items": [{"text": "a"}] * 3}
        assert_error(client.post("/v1/moderate/batch", json=batch), 422, "batch_too_large")


def test_unknown_route_and_method_use_the_error_shape(client: TestClient) -> None:
    assert_error(client.get("/v1/nope"), 404, "not_found")
    assert_error(client.get("/v1/moderate"), 405, "method_not_allowed")


def test_health_readiness_and_model(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["model_version"] == "tiny-1"
    info = client.get("/v1/model").json()
    assert info["version"] == "tiny-1"
    assert set(info["thresholds"]) == set(CATEGORIES)
    assert info["card"]["version"] == "tiny-1"


def test_not_ready_without_a_model(settings: Settings) -> None:
    app = create_app(settings)
    client = TestClient(app)  # lifespan not run: no model loaded
    assert client.get("/readyz").status_code == 503
    assert_error(client.post("/v1/moderate", json={"text": "hi"}), 503, "model_unavailable")


def test_openapi_documents_examples_and_errors(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    post = schema["paths"]["/v1/moderate"]["post"]
    assert {"200", "400", "413", "422"} <= set(post["responses"])
    components = schema["components"]["schemas"]
    assert components["ModerateRequest"]["examples"]
    assert components["ModerationResult"]["examples"]
