"""A Redis that stalls (`DEBUG SLEEP`: the server answers nobody for seconds, as under a slow
disk, a huge key's deletion or a long script) must not hang requests. With a half-second
`redis_socket_timeout`, every request sent during the stall is answered before the stall
ends: scoring with 200 (its review entry spooled), the queue's routes with 503.

A command that timed out is not undone: Redis runs it when it wakes, if it reached Redis
before the client gave up (a rate-limit check on the same request may have used the time).
So a decision refused that way may be on record after all; either way, sending it again is
safe: `decided` or `unchanged`, and one webhook message."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient
from redis.backoff import NoBackoff
from redis.retry import Retry

from moderation.api.app import create_app
from moderation.queue.webhook import OutboxKeys
from moderation.settings import Settings
from tests.fault.conftest import PREFIX
from tests.helpers import FLAG, assert_error, wait_for
from tests.servers import PrivateRedis

STALL_SECONDS = 5
DECIDE = {"moderator": "m-1", "outcome": "reject", "labels": ["violence"]}
ONCE = Retry(NoBackoff(), retries=0)  # a command of the test's own is sent once


def stalled(server: PrivateRedis) -> bool:
    """Whether the server has stopped answering (a PING gets no reply in 0.2 s)."""
    try:
        with server.client(socket_timeout=0.2, retry=ONCE) as probe:
            probe.ping()
    except redis.TimeoutError:
        return True
    return False


@pytest.mark.slow
def test_requests_during_a_redis_stall_are_answered_before_it_ends(
    fault_settings: Settings, private_redis: PrivateRedis
) -> None:
    private_redis.start()
    with TestClient(create_app(fault_settings)) as client:
        # Before: the queue works, connections are pooled, m-1 holds two items and decides
        # one (its script is loaded in Redis).
        for comment_id in ("before-0", "before-1"):
            answer = client.post("/v1/moderate", json={"id": comment_id, "text": FLAG}).json()
            assert answer["review"]["status"] == "queued"
        claim = {"moderator": "m-1", "limit": 2, "lease_seconds": 120}
        done, held = client.post("/v1/queue/claim", json=claim).json()["items"]
        assert client.post(f"/v1/queue/{done['item_id']}/decision", json=DECIDE).status_code == 200

        stall_ended: list[float] = []

        def stall() -> None:
            # Waits for the stall's end; never sent twice (redis-py retries timeouts by default).
            with private_redis.client(socket_timeout=STALL_SECONDS + 30, retry=ONCE) as admin:
                admin.execute_command("DEBUG", "SLEEP", STALL_SECONDS)
            stall_ended.append(time.monotonic())

        staller = threading.Thread(target=stall)
        staller.start()
        wait_for(lambda: stalled(private_redis), timeout=5, what="Redis to stall")

        # The decision first, alone: it goes out on a pooled connection and times out.
        refused = client.post(f"/v1/queue/{held['item_id']}/decision", json=DECIDE)
        assert_error(refused, 503, "queue_unavailable")
        assert refused.json()["error"]["details"]["error"] == "TimeoutError"

        calls: list[tuple[str, str, dict[str, Any] | None]] = [
            *(("POST", "/v1/moderate", {"id": f"during-{n}", "text": FLAG}) for n in range(6)),
            ("POST", "/v1/moderate/batch", {"items": [{"id": "during-batch", "text": FLAG}]}),
            ("POST", f"/v1/queue/{done['item_id']}/decision", DECIDE),
            ("GET", "/v1/queue", None),
            ("GET", "/v1/queue/stats", None),
            ("POST", "/v1/queue/claim", claim),
            ("GET", "/v1/comments/before-0", None),
            ("POST", "/v1/reports", {"comment_id": "before-0", "text": FLAG, "reason": "threat"}),
            ("GET", "/readyz", None),
        ]
        answers: dict[int, tuple[Any, float]] = {}

        def send(index: int) -> None:
            method, path, body = calls[index]
            response = client.request(method, path, json=body)
            answers[index] = (response, time.monotonic())

        senders = [threading.Thread(target=send, args=(i,)) for i in range(len(calls))]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join(timeout=STALL_SECONDS + 30)
            assert not sender.is_alive(), "a request hung"
        staller.join()

        # Every request was answered while Redis still slept.
        assert sorted(answers) == list(range(len(calls)))
        late = [calls[i][1] for i, (_r, at) in answers.items() if at >= stall_ended[0]]
        assert late == []
        for index, (response, _at) in answers.items():
            _method, path, _body = calls[index]
            if path.startswith("/v1/moderate"):
                assert response.status_code == 200, response.text
                body = response.json()
                results = body["results"] if path.endswith("batch") else [body]
                assert {r["review"]["status"] for r in results} == {"deferred"}
            elif path == "/readyz":
                assert response.status_code == 503
                assert response.json()["redis"]["error"] == "TimeoutError"
            else:
                error = assert_error(response, 503, "queue_unavailable")["error"]
                assert error["details"]["error"] == "TimeoutError", (path, error)

        # After: ready again, the spooled entries in the queue once each, and the refused
        # decision sent again is on record once, whether or not Redis ran it when it woke.
        wait_for(lambda: client.get("/readyz").status_code == 200, what="readiness")
        spool = fault_settings.state_dir / "spool" / PREFIX
        wait_for(lambda: not list(spool.glob("*.*.jsonl")), what="the spool's replay")
        for comment_id in [*(f"during-{n}" for n in range(6)), "during-batch"]:
            status = client.get(f"/v1/comments/{comment_id}")
            assert status.status_code == 200, status.text
            assert (status.json()["state"], status.json()["entries"]) == ("pending", 1)
        again = client.post(f"/v1/queue/{held['item_id']}/decision", json=DECIDE)
        assert again.status_code == 200, again.text
        assert again.json()["result"] in {"decided", "unchanged"}, again.text
        assert again.json()["outcome"] == "reject"
    with private_redis.client() as raw:
        messages = raw.xrange(OutboxKeys(PREFIX).stream)
    assert [m["item_id"] for _id, m in messages] == [done["item_id"], held["item_id"]]
