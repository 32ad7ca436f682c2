"""Redis is not there when the service starts, and comes up later on the same port.

The service must start anyway (a Redis restart must not take the API down with it), say it is
not ready and why, keep scoring comments (their review entries wait in the local spool), and
refuse what needs the queue with 503 in the one error shape. Once Redis answers it is ready,
the spooled entries are in the queue and moderator outcomes reach the webhook.
"""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from moderation.api.app import create_app
from moderation.queue import item_id_for
from moderation.settings import Settings
from tests.fault.conftest import PREFIX, WEBHOOK_SECRET
from tests.helpers import ALLOW, FLAG, assert_error, wait_for
from tests.servers import PrivateRedis, Receiver

EARLY = [f"early-{n}" for n in range(4)]


def queue_calls(item_id: str) -> list[tuple[str, str, dict[str, object] | None]]:
    """Every route that needs the review queue, with a valid request."""
    comment = {"comment_id": EARLY[0], "text": FLAG}
    return [
        ("GET", "/v1/queue", None),
        ("GET", "/v1/queue/stats", None),
        ("POST", "/v1/queue/claim", {"moderator": "m-1", "limit": 1, "lease_seconds": 60}),
        (
            "POST",
            f"/v1/queue/{item_id}/decision",
            {"moderator": "m-1", "outcome": "reject", "labels": ["violence"]},
        ),
        ("POST", f"/v1/queue/{item_id}/release", {"moderator": "m-1"}),
        ("GET", f"/v1/comments/{EARLY[0]}", None),
        ("POST", "/v1/reports", {**comment, "reason": "a threat"}),
        ("POST", "/v1/appeals", {**comment, "message": "I was quoting a film"}),
    ]


def test_the_service_starts_without_redis_and_catches_up_when_it_comes(
    webhook_settings: Settings, private_redis: PrivateRedis, receiver: Receiver
) -> None:
    receiver.start()
    spool = webhook_settings.state_dir / "spool" / PREFIX
    # Nothing listens on the Redis port: the lifespan completes all the same.
    with TestClient(create_app(webhook_settings)) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz")
        assert ready.status_code == 503
        body = ready.json()
        assert body["status"] == "not_ready"
        assert body["checks"] == {"model": True, "redis": False}
        assert body["redis"]["configured"] is True and body["redis"]["reachable"] is False
        assert body["redis"]["error"] == "ConnectionError"
        assert f"127.0.0.1:{private_redis.port}" in body["redis"]["reason"]
        assert "refused" in body["redis"]["reason"].lower()
        assert body["webhook"]["running"] is True  # its outbox figures need Redis

        # Scoring answers; the flags' review entries wait on disk.
        for comment_id in EARLY[:3]:
            answer = client.post("/v1/moderate", json={"id": comment_id, "text": FLAG})
            assert answer.status_code == 200, answer.text
            assert answer.json()["decision"] == "flag"
            assert answer.json()["review"] == {
                "item_id": item_id_for(comment_id),
                "kind": "flag",
                "status": "deferred",
            }
        batch = client.post(
            "/v1/moderate/batch",
            json={"items": [{"id": EARLY[3], "text": FLAG}, {"id": "fine", "text": ALLOW}]},
        )
        assert batch.status_code == 200, batch.text
        flagged, allowed = batch.json()["results"]
        assert flagged["review"]["status"] == "deferred" and allowed["review"] is None
        assert list(spool.glob("*.*.jsonl"))

        # What needs the queue says so, in the error shape, naming the cause.
        for method, path, payload in queue_calls(item_id_for(EARLY[0])):
            response = client.request(method, path, json=payload)
            error = assert_error(response, 503, "queue_unavailable")["error"]
            assert error["details"]["error"] == "ConnectionError", (path, error)

        private_redis.start()
        wait_for(lambda: client.get("/readyz").status_code == 200, what="readiness")
        wait_for(lambda: not list(spool.glob("*.*.jsonl")), what="the spool's replay")
        for comment_id in EARLY:
            status = client.get(f"/v1/comments/{comment_id}")
            assert status.status_code == 200, status.text
            item = status.json()
            assert (item["state"], item["kinds"], item["entries"]) == ("pending", ["flag"], 1)
        later = client.post("/v1/moderate", json={"id": "later", "text": FLAG}).json()
        assert later["review"]["status"] == "queued"

        # The webhook deliverer, started while Redis was away, delivers once it is back.
        claimed = client.post(
            "/v1/queue/claim", json={"moderator": "m-1", "limit": 1, "lease_seconds": 60}
        ).json()["items"]
        [item_id] = [i["item_id"] for i in claimed]
        decided = client.post(
            f"/v1/queue/{item_id}/decision",
            json={"moderator": "m-1", "outcome": "reject", "labels": ["violence"]},
        )
        assert decided.status_code == 200, decided.text
        wait_for(receiver.delivered, what="the outcome's delivery")
    [request] = receiver.requests
    assert json.loads(request.body)["item_id"] == item_id
    assert request.signed_with(WEBHOOK_SECRET)
