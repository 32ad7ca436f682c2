"""POST /v1/appeals and /readyz through the real app, on the real Redis."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import redis
from fastapi.testclient import TestClient

from moderation.api.app import create_app
from moderation.queue import QueueKeys, ReviewQueue, item_id_for
from moderation.queue.embedded import EmbeddedRedis
from moderation.settings import Settings
from tests.helpers import assert_error, free_port

TEXT = "You are a stupid idiot and I will hurt you"
APPEAL = {
    "comment_id": "c-77",
    "text": TEXT,
    "message": "I was quoting the article, not threatening anyone.",
    "author_id": "u-9",
    "context": {"article_id": "a-3"},
}


def test_an_appeal_creates_a_pending_appeal_item(
    queue_client: TestClient, queue: ReviewQueue
) -> None:
    response = queue_client.post("/v1/appeals", json=APPEAL)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["item_id"] == item_id_for("c-77") and body["comment_id"] == "c-77"
    assert (body["kind"], body["kinds"], body["state"]) == ("appeal", ["appeal"], "pending")
    assert body["entered"] == "created" and body["priority"] == 900
    assert body["created_at"].endswith("Z")
    assert body["decision"] in {"allow", "flag", "reject"}
    assert set(body["scores"]) >= {"violence", "discourtesy"}
    assert body["model_version"] == "tiny-1" and body["policy_version"]
    assert (body["text"], body["author_id"]) == (TEXT, "u-9")
    assert body["context"]["article_id"] == "a-3"
    assert body["appeal"]["message"] == APPEAL["message"]
    assert body["appeal"]["author_id"] == "u-9"
    assert body["appeal"]["original"] is None  # the service had no record of the comment
    assert body["appeal"]["text"] == TEXT
    assert body["appeal"]["scoring"]["decision"] == body["decision"]
    assert body["request_id"] == response.headers["x-request-id"]
    stored = queue.get_by_comment("c-77")
    assert stored is not None and stored.model_dump(mode="json") == {
        k: v for k, v in body.items() if k not in {"entered", "request_id"}
    }
    assert [i.item_id for i in queue.pending()] == [body["item_id"]]


def test_a_repeat_appeal_changes_nothing(queue_client: TestClient, queue: ReviewQueue) -> None:
    first = queue_client.post("/v1/appeals", json=APPEAL).json()
    again = queue_client.post("/v1/appeals", json={**APPEAL, "message": "Hello? Anyone?"})
    assert again.status_code == 200
    body = again.json()
    assert body["entered"] == "unchanged" and body["item_id"] == first["item_id"]
    assert body["appeal"] == first["appeal"]  # the first message stays
    assert body["entries"] == 1 and body["created_at"] == first["created_at"]
    unnamed = queue_client.post("/v1/appeals", json={**APPEAL, "author_id": None})
    assert unnamed.status_code == 200 and unnamed.json()["entered"] == "unchanged"
    assert len(queue.pending()) == 1


def test_another_authors_appeal_is_refused(queue_client: TestClient, queue: ReviewQueue) -> None:
    queue_client.post("/v1/appeals", json=APPEAL)
    body = assert_error(
        queue_client.post("/v1/appeals", json={**APPEAL, "author_id": "u-10"}),
        409,
        "author_mismatch",
    )
    assert body["error"]["details"] == {"item_id": item_id_for("c-77")}
    item = queue.get_by_comment("c-77")
    assert item is not None and item.author_id == "u-9" and item.entries == 1


def test_an_appeal_joins_the_comments_flag_item(
    queue_client: TestClient, queue: ReviewQueue
) -> None:
    flagged = queue.enter(
        comment_id="c-77",
        kind="flag",
        scoring={
            "decision": "flag",
            "scores": {"violence": 0.5},
            "triggered": [],
            "model_version": "old-1",
            "policy_version": "old-1",
        },
        text=TEXT,
        author_id="u-9",
    ).item
    # The appeal may carry other text than was moderated (edited, or whitewashed): the
    # record keeps what was moderated, the appeal keeps what it sent and its fresh score.
    response = queue_client.post("/v1/appeals", json={**APPEAL, "text": "Nice article"})
    assert response.status_code == 200
    body = response.json()
    assert body["entered"] == "joined" and body["item_id"] == flagged.item_id
    assert body["kinds"] == ["flag", "appeal"] and body["kind"] == "appeal"
    assert body["priority"] == 900
    assert (body["text"], body["model_version"], body["decision"]) == (TEXT, "old-1", "flag")
    assert body["appeal"]["original"]["model_version"] == "old-1"
    assert body["appeal"]["text"] == "Nice article"
    assert body["appeal"]["scoring"]["model_version"] == "tiny-1"
    assert body["created_at"] == flagged.model_dump(mode="json")["created_at"]


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"text": ""}, 422, "empty_text"),
        ({"text": " \u200b "}, 422, "empty_text"),
        ({"text": "x" * 10_001}, 422, "text_too_long"),
        ({"message": "   "}, 422, "empty_message"),
        ({"message": ""}, 422, "invalid_input"),
        ({"message": "m" * 2_001}, 422, "invalid_input"),
        ({"message": None}, 422, "invalid_input"),
        ({"comment_id": ""}, 422, "invalid_input"),
        ({"comment_id": "c" * 129}, 422, "invalid_input"),
        ({"author_id": "u" * 129}, 422, "invalid_input"),
        ({"priority": 1000}, 422, "invalid_input"),
        ({"context": {"article_id": "a", "secret": 1}}, 422, "invalid_input"),
    ],
)
def test_invalid_appeals_are_refused_and_nothing_is_written(
    queue_client: TestClient, queue: ReviewQueue, change: dict, status: int, code: str
) -> None:
    body = {k: v for k, v in {**APPEAL, **change}.items() if v is not None}
    assert_error(queue_client.post("/v1/appeals", json=body), status, code)
    assert queue.pending() == [] and queue.get_by_comment(body["comment_id"] or "c-77") is None


def test_a_missing_message_is_named(queue_client: TestClient) -> None:
    body = {k: v for k, v in APPEAL.items() if k != "message"}
    error = assert_error(queue_client.post("/v1/appeals", json=body), 422, "invalid_input")
    assert error["error"]["details"][0]["loc"] == ["body", "message"]


def test_an_oversized_body_is_refused_before_parsing(queue_client: TestClient) -> None:
    big = {**APPEAL, "text": "x" * 200_000}
    assert_error(queue_client.post("/v1/appeals", json=big), 413, "payload_too_large")


def test_without_redis_appeals_are_unavailable_and_scoring_works(settings: Settings) -> None:
    no_redis = settings.model_copy(update={"redis_url": None})
    with TestClient(create_app(no_redis)) as client:
        body = assert_error(client.post("/v1/appeals", json=APPEAL), 503, "queue_unavailable")
        assert "REDIS_URL" in body["error"]["message"]
        assert client.post("/v1/moderate", json={"text": TEXT}).status_code == 200
        ready = client.get("/readyz")
        assert ready.status_code == 200 and ready.json()["redis"] == {"configured": False}


def test_an_unreachable_redis_answers_503_fast(settings: Settings) -> None:
    dead = settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{free_port()}/0"})
    with TestClient(create_app(dead)) as client:
        started = time.monotonic()
        body = assert_error(client.post("/v1/appeals", json=APPEAL), 503, "queue_unavailable")
        assert time.monotonic() - started < 2.0
        assert body["error"]["details"]["error"] == "ConnectionError"
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"] == {"model": True, "redis": False}
        assert ready.json()["redis"]["reachable"] is False
        assert client.post("/v1/moderate", json={"text": TEXT}).status_code == 200


def test_readyz_reports_redis(queue_client: TestClient) -> None:
    ready = queue_client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"model": True, "redis": True}
    assert ready.json()["redis"] == {"configured": True, "reachable": True}


def test_redis_going_away_mid_work(settings: Settings, tmp_path: Path) -> None:
    """A private Redis stops between two appeals: 503, nothing half-written, and the service
    recovers by itself when Redis is back (with the first appeal still there)."""
    server = EmbeddedRedis(tmp_path / "redis")
    server.start()
    app_settings = settings.model_copy(update={"redis_url": server.url, "redis_prefix": "t"})
    try:
        with TestClient(create_app(app_settings)) as client:
            assert client.post("/v1/appeals", json=APPEAL).status_code == 201
            server.stop()
            second = {**APPEAL, "comment_id": "c-78"}
            assert_error(client.post("/v1/appeals", json=second), 503, "queue_unavailable")
            assert client.get("/readyz").status_code == 503
            assert client.post("/v1/moderate", json={"text": TEXT}).status_code == 200

            server.start()  # same folder: the data comes back
            assert client.get("/readyz").status_code == 200
            with redis.Redis.from_url(server.url, decode_responses=True) as raw:
                keys = QueueKeys("t")
                assert raw.exists(keys.item(item_id_for("c-77")))
                assert not raw.exists(keys.item(item_id_for("c-78")))
                assert raw.zrange(keys.pending, 0, -1) == [item_id_for("c-77")]
            retried = client.post("/v1/appeals", json=second)
            assert retried.status_code == 201 and retried.json()["entered"] == "created"
            again = client.post("/v1/appeals", json=APPEAL)
            assert again.status_code == 200 and again.json()["entered"] == "unchanged"
    finally:
        server.stop()
