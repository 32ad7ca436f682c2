"""The queue routes through the real app on the real Redis: list, claim, decision, release,
stats, and their error shapes (404, 409, 422, 503)."""

from __future__ import annotations

import json

import pytest
import redis
from fastapi.testclient import TestClient

from moderation.api.app import create_app
from moderation.queue import ReviewQueue
from moderation.settings import Settings
from tests.helpers import assert_error, free_port


def enter(queue: ReviewQueue, comment_id: str, priority: int = 100) -> str:
    scoring = {
        "decision": "flag",
        "scores": {"violence": 0.7},
        "triggered": [],
        "model_version": "m-1",
        "policy_version": "p-1",
    }
    item = queue.enter(
        comment_id=comment_id, kind="flag", priority=priority, scoring=scoring, text="t"
    ).item
    return item.item_id


def claim(client: TestClient, moderator: str = "ana", limit: int = 10) -> dict:
    response = client.post(
        "/v1/queue/claim", json={"moderator": moderator, "limit": limit, "lease_seconds": 60}
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_work_the_queue_end_to_end(queue_client: TestClient, queue: ReviewQueue) -> None:
    low, high = enter(queue, "c-low", 110), enter(queue, "c-high", 190)
    listed = queue_client.get("/v1/queue").json()
    assert listed["state"] == "pending" and listed["total"] == 2
    assert [i["item_id"] for i in listed["items"]] == [high, low]

    claimed = claim(queue_client, limit=1)
    assert claimed["moderator"] == "ana" and claimed["lease_expires_at"].endswith("Z")
    assert [i["item_id"] for i in claimed["items"]] == [high]
    assert claimed["items"][0]["state"] == "claimed"
    assert claimed["items"][0]["claimed_by"] == "ana"
    held = queue_client.get("/v1/queue", params={"state": "claimed"}).json()
    assert [i["item_id"] for i in held["items"]] == [high]

    decision = {"moderator": "ana", "outcome": "reject", "labels": ["violence"], "note": "threat"}
    first = queue_client.post(f"/v1/queue/{high}/decision", json=decision)
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["result"] == "decided" and body["state"] == "decided"
    assert (body["outcome"], body["labels"], body["note"]) == ("reject", ["violence"], "threat")
    again = queue_client.post(f"/v1/queue/{high}/decision", json=decision)
    assert again.status_code == 200 and again.json()["result"] == "unchanged"
    assert {k: v for k, v in again.json().items() if k != "result"} == {
        k: v for k, v in body.items() if k != "result"
    }

    decided = queue_client.get("/v1/queue", params={"state": "decided"}).json()
    assert decided["total"] == 1 and decided["items"][0]["decided_by"] == "ana"

    claim(queue_client, moderator="ben")
    released = queue_client.post(f"/v1/queue/{low}/release", json={"moderator": "ben"})
    assert released.status_code == 200 and released.json()["state"] == "pending"

    stats = queue_client.get("/v1/queue/stats").json()
    assert stats["depth"] == {"pending": 1, "claimed": 0, "decided": 1}
    assert stats["decisions"]["by_outcome"] == {"approve": 0, "reject": 1}
    assert stats["decisions"]["by_moderator"] == {"ana": 1}
    assert stats["oldest_pending_age_seconds"] >= 0


def test_decision_errors(queue_client: TestClient, queue: ReviewQueue, redis_url: str) -> None:
    item_id = enter(queue, "c-1")
    ok = {"moderator": "ana", "outcome": "approve", "labels": []}
    url = f"/v1/queue/{item_id}/decision"
    body = assert_error(queue_client.post(url, json=ok), 409, "not_held")
    assert body["error"]["details"] == {"item_id": item_id, "state": "pending"}
    assert_error(queue_client.post("/v1/queue/ri_nothing/decision", json=ok), 404, "item_not_found")
    claim(queue_client, moderator="ben")
    assert_error(queue_client.post(url, json=ok), 409, "not_held")
    for bad in (
        {**ok, "outcome": "maybe"},
        {**ok, "labels": ["rudeness"]},
        {**ok, "note": "n" * 2_001},
        {**ok, "moderator": ""},
        {"outcome": "approve"},
        {**ok, "extra": 1},
    ):
        assert_error(queue_client.post(url, json=bad), 422, "invalid_input")
    assert queue_client.post(url, json={**ok, "moderator": "ben"}).status_code == 200
    conflict = assert_error(
        queue_client.post(url, json={**ok, "moderator": "ben", "outcome": "reject"}),
        409,
        "already_decided",
    )
    assert conflict["error"]["details"]["outcome"] == "approve"
    with redis.Redis.from_url(redis_url, decode_responses=True) as raw:
        assert raw.xlen(queue.keys.audit) == 1
        message = raw.xrange(queue.keys.outbox)[0][1]
    assert json.loads(message["body"])["moderator"] == "ben"


def test_claim_and_release_errors(queue_client: TestClient, queue: ReviewQueue) -> None:
    item_id = enter(queue, "c-1")
    for bad in (
        {"moderator": "ana", "limit": 0},
        {"moderator": "ana", "limit": 101},
        {"moderator": "ana", "lease_seconds": 9},
        {"moderator": "ana", "lease_seconds": 3_601},
        {"limit": 1},
    ):
        assert_error(queue_client.post("/v1/queue/claim", json=bad), 422, "invalid_input")
    release = f"/v1/queue/{item_id}/release"
    assert_error(queue_client.post(release, json={"moderator": "ana"}), 409, "not_held")
    assert_error(
        queue_client.post("/v1/queue/ri_nothing/release", json={"moderator": "ana"}),
        404,
        "item_not_found",
    )
    assert_error(queue_client.get("/v1/queue", params={"state": "lost"}), 422, "invalid_input")
    assert_error(queue_client.get("/v1/queue", params={"limit": 0}), 422, "invalid_input")
    assert claim(queue_client, limit=100)["items"][0]["item_id"] == item_id
    assert claim(queue_client, moderator="ben")["items"] == []


@pytest.mark.parametrize("redis_url_kind", ["unreachable", "unset"])
def test_without_redis_the_queue_answers_503(settings: Settings, redis_url_kind: str) -> None:
    url = f"redis://127.0.0.1:{free_port()}/0" if redis_url_kind == "unreachable" else None
    with TestClient(create_app(settings.model_copy(update={"redis_url": url}))) as client:
        calls = [
            client.get("/v1/queue"),
            client.get("/v1/queue/stats"),
            client.post("/v1/queue/claim", json={"moderator": "ana"}),
            client.post("/v1/queue/ri_x/decision", json={"moderator": "ana", "outcome": "approve"}),
            client.post("/v1/queue/ri_x/release", json={"moderator": "ana"}),
        ]
        for response in calls:
            assert_error(response, 503, "queue_unavailable")
