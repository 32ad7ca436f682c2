"""The comment system's webhook receiver is down while moderators decide, through the API, and
comes back: first while the same process runs, then after the service itself restarted in
between. Every outcome reaches the receiver exactly once, signed.

tests/queue/test_webhook.py covers the deliverer on its own (backoff, leases, two deliverers,
hand-written outbox entries); here the outbox is written by real decisions and delivered by
the app's own deliverer, with the retry intervals taken from the settings.
"""

from __future__ import annotations

import json
import time
from typing import Any

from fastapi.testclient import TestClient

from moderation.api.app import create_app
from moderation.settings import Settings
from tests.fault.conftest import WEBHOOK_SECRET
from tests.helpers import FLAG, wait_for
from tests.servers import PrivateRedis, Receiver


def decide(client: TestClient, prefix: str, count: int) -> dict[str, str]:
    """Moderate `count` flagged comments, claim them and decide each; item id -> outcome."""
    for n in range(count):
        answer = client.post("/v1/moderate", json={"id": f"{prefix}-{n}", "text": FLAG})
        assert answer.json()["review"]["status"] == "queued", answer.text
    claim = {"moderator": "ana", "limit": count, "lease_seconds": 60}
    items = client.post("/v1/queue/claim", json=claim).json()["items"]
    assert len(items) == count
    outcomes = {}
    for n, item in enumerate(items):
        outcome = "reject" if n % 2 else "approve"
        labels = ["violence"] if outcome == "reject" else []
        body = {"moderator": "ana", "outcome": outcome, "labels": labels, "note": f"n={n}"}
        decided = client.post(f"/v1/queue/{item['item_id']}/decision", json=body)
        assert decided.status_code == 200, decided.text
        outcomes[item["item_id"]] = outcome
    return outcomes


def webhook(client: TestClient) -> dict[str, Any]:
    body: dict[str, Any] = client.get("/readyz").json()["webhook"]
    return body


def refused_a_few_times(client: TestClient, before: int) -> bool:
    """Whether the deliverer met the closed port at least three more times."""
    stats = webhook(client)
    return stats["failed_attempts"] >= before + 3 and "Refused" in str(stats["last_error"])


def test_outcomes_decided_while_the_receiver_is_down_arrive_once_when_it_is_back(
    webhook_settings: Settings, private_redis: PrivateRedis, receiver: Receiver
) -> None:
    private_redis.start()  # the receiver is not: connections to it are refused
    # 1. Down while this process decides, then back.
    with TestClient(create_app(webhook_settings)) as client:
        expected = decide(client, "first", 6)
        wait_for(lambda: refused_a_few_times(client, 0), what="refused attempts")
        receiver.start()
        wait_for(lambda: len(receiver.delivered()) == 6, what="the first six outcomes")

        # 2. Down again; the service stops before it is back and a new one delivers.
        receiver.stop()
        expected |= decide(client, "second", 6)
        failed = webhook(client)["failed_attempts"]
        wait_for(lambda: refused_a_few_times(client, failed), what="refused attempts")
    receiver.start()
    with TestClient(create_app(webhook_settings)) as client:
        wait_for(lambda: len(receiver.delivered()) == 12, what="the other six outcomes")
        # time for a second send of anything, which must not come
        time.sleep(3 * webhook_settings.webhook_retry_max)
        assert webhook(client)["outbox"]["undelivered"] == 0

    deliveries = receiver.by_delivery()
    assert len(deliveries) == 12
    assert all(len(requests) == 1 for requests in deliveries.values())  # exactly once
    requests = [requests[0] for requests in deliveries.values()]
    assert all(r.status == 200 and r.signed_with(WEBHOOK_SECRET) for r in requests)
    bodies = [json.loads(r.body) for r in requests]
    assert {b["item_id"]: b["outcome"] for b in bodies} == expected
    assert all(b["event"] == "decision" and b["moderator"] == "ana" for b in bodies)
    # the receiver's refusals were counted: some arrived on a later attempt
    assert max(int(r.headers["X-Moderation-Attempt"]) for r in requests) > 1
