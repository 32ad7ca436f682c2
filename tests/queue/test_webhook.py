"""The outcome webhook on the real Redis, against a real HTTP receiver on a loopback port:
signing, retries with backoff, a receiver that is down, restarts, two deliverers at once."""

from __future__ import annotations

import hashlib
import hmac
import http.server
import itertools
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from pydantic import SecretStr

from moderation.api.app import create_app
from moderation.queue.connection import connect
from moderation.queue.webhook import GROUP, OutboxKeys, WebhookDeliverer, outbox_stats, post
from moderation.settings import REPO_DIR, Settings, SettingsError
from tests.helpers import free_port
from tests.servers import Receiver, Request

SECRET = "whsec-test-0123456789abcdef"
# Tiny waits so the file runs in seconds: retries after 50, 100, 200, 200… ms.
FAST = {"timeout": 1.0, "retry_initial": 0.05, "retry_max": 0.2, "poll": 0.02, "lease": 2.0}


# -- a real receiver ---------------------------------------------------------------------


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver(free_port())
    receiver.start()
    yield receiver
    receiver.stop()


@pytest.fixture
def deliverers(redis_url: str, redis_prefix: str) -> Iterator[Callable[..., WebhookDeliverer]]:
    """Make deliverers on this test's prefix (stopped at the end), FAST unless told."""
    client = connect(Settings(redis_url=redis_url, redis_prefix=redis_prefix))
    made: list[WebhookDeliverer] = []

    def make(url: str, **options: Any) -> WebhookDeliverer:
        deliverer = WebhookDeliverer(
            client, prefix=redis_prefix, url=url, secret=SECRET, **{**FAST, **options}
        )
        made.append(deliverer)
        return deliverer

    yield make
    for deliverer in made:
        deliverer.stop()
    client.close()


def add_outcome(raw: redis.Redis, prefix: str, n: int = 0) -> str:
    """An outbox entry in the queue's shape (keys.py: event, item_id, body)."""
    body = json.dumps({"event": "decision", "item_id": f"ri_{n}", "outcome": "reject", "n": n})
    return str(
        raw.xadd(
            OutboxKeys(prefix).stream, {"event": "decision", "item_id": f"ri_{n}", "body": body}
        )
    )


def deliveries(result: str) -> float:
    """`moderation_webhook_deliveries_total{result}` in this process."""
    name = "moderation_webhook_deliveries_total"
    return REGISTRY.get_sample_value(name, {"result": result}) or 0.0


def wait_for(predicate: Callable[[], object], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.01)


def nothing_left(raw: redis.Redis, prefix: str) -> None:
    keys = OutboxKeys(prefix)
    wait_for(lambda: raw.xlen(keys.stream) == 0)  # acknowledged after the answer was read
    assert raw.xpending(keys.stream, GROUP)["pending"] == 0
    assert not raw.exists(keys.schedule, keys.attempts, keys.errors)


# -- delivery and signature ----------------------------------------------------------------


def test_delivers_a_signed_outcome_once(
    receiver: Receiver,
    deliverers: Callable[..., WebhookDeliverer],
    raw: redis.Redis,
    redis_prefix: str,
) -> None:
    entry_id = add_outcome(raw, redis_prefix, 7)
    body = raw.xrange(OutboxKeys(redis_prefix).stream)[0][1]["body"].encode()
    deliverer = deliverers(receiver.url)
    deliverer.start()
    wait_for(lambda: receiver.requests)
    time.sleep(0.1)  # time for a second send, which must not come

    [request] = receiver.requests
    headers = request.headers
    assert request.body == body
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Moderation-Event"] == "decision"
    assert headers["X-Moderation-Delivery"] == entry_id
    assert headers["X-Moderation-Attempt"] == "1"
    timestamp = headers["X-Moderation-Timestamp"]
    assert abs(int(timestamp) - time.time()) <= 2
    expected = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    assert headers["X-Moderation-Signature"] == f"sha256={expected.hexdigest()}"
    nothing_left(raw, redis_prefix)
    assert deliverer.stats()["delivered"] == 1


def test_readme_verification_snippet_accepts_ours_and_refuses_forgeries(
    receiver: Receiver,
    deliverers: Callable[..., WebhookDeliverer],
    raw: redis.Redis,
    redis_prefix: str,
) -> None:
    readme = (REPO_DIR / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Outcome webhook", 1)[1]
    snippet = re.search(r"```python\n(.*?)```", section, flags=re.S)
    assert snippet is not None
    namespace: dict[str, Any] = {}
    exec(snippet.group(1), namespace)
    verify = namespace["verify"]

    add_outcome(raw, redis_prefix)
    deliverers(receiver.url).start()
    wait_for(lambda: receiver.requests)
    request = receiver.requests[0]
    assert verify(SECRET.encode(), request.headers, request.body)
    assert not verify(b"another-secret-0123456789", request.headers, request.body)
    assert not verify(SECRET.encode(), request.headers, request.body + b" ")
    old = {**request.headers, "X-Moderation-Timestamp": str(int(time.time()) - 600)}
    assert not verify(SECRET.encode(), old, request.body)


# -- failures and retries -------------------------------------------------------------------


def test_errors_are_retried_with_backoff_then_delivered_once(
    receiver: Receiver,
    deliverers: Callable[..., WebhookDeliverer],
    raw: redis.Redis,
    redis_prefix: str,
) -> None:
    calls = iter([500, 503, 429, 200])
    receiver.answer = lambda _request: next(calls)
    before = {result: deliveries(result) for result in ("delivered", "failed")}
    entry_id = add_outcome(raw, redis_prefix)
    deliverer = deliverers(receiver.url)
    deliverer.start()
    wait_for(receiver.delivered)
    time.sleep(0.3)  # longer than the longest retry wait: nothing more may come

    requests = receiver.by_delivery()[entry_id]
    assert [r.status for r in requests] == [500, 503, 429, 200]
    assert [r.headers["X-Moderation-Attempt"] for r in requests] == ["1", "2", "3", "4"]
    assert len({r.headers["X-Moderation-Delivery"] for r in requests}) == 1
    gaps = [b.started - a.started for a, b in itertools.pairwise(requests)]
    assert [round(g, 2) >= w for g, w in zip(gaps, (0.05, 0.1, 0.2), strict=True)] == [True] * 3
    stats = deliverer.stats()
    assert (stats["delivered"], stats["failed_attempts"]) == (1, 3)
    assert stats["last_error"].startswith("HTTP 429")
    assert deliveries("delivered") - before["delivered"] == 1  # the Prometheus counters too
    assert deliveries("failed") - before["failed"] == 3
    nothing_left(raw, redis_prefix)


def test_a_failure_is_recorded_for_operators(
    receiver: Receiver,
    deliverers: Callable[..., WebhookDeliverer],
    raw: redis.Redis,
    redis_prefix: str,
) -> None:
    receiver.answer = lambda _request: 500
    entry_id = add_outcome(raw, redis_prefix)
    deliverer = deliverers(
        receiver.url, retry_initial=60, retry_max=300
    )  # stepped by hand: run_once
    assert deliverer.run_once() == 0
    assert deliverer.run_once() > 0  # nothing due for a minute: wait for the next look
    assert len(receiver.requests) == 1
    keys = OutboxKeys(redis_prefix)
    assert raw.hget(keys.attempts, entry_id) == "1"
    assert raw.hget(keys.errors, entry_id) == "HTTP 500 Internal Server Error: ok"
    retry_at = raw.zscore(keys.schedule, entry_id)
    assert retry_at is not None and 59_000 < retry_at - time.time() * 1000 <= 60_000
    stats = outbox_stats(raw, redis_prefix)
    assert stats["undelivered"] == stats["retrying"] == stats["max_attempts"] == 1
    assert 0 <= stats["oldest_age_seconds"] < 5


def test_a_receiver_that_is_down_gets_everything_once_it_is_back(
    deliverers: Callable[..., WebhookDeliverer], raw: redis.Redis, redis_prefix: str
) -> None:
    receiver = Receiver(free_port())  # nothing listens there yet: connection refused
    ids = [add_outcome(raw, redis_prefix, n) for n in range(5)]
    deliverer = deliverers(receiver.url)
    deliverer.start()
    wait_for(lambda: outbox_stats(raw, redis_prefix)["max_attempts"] >= 3)
    assert "ConnectionRefusedError" in str(deliverer.stats()["last_error"])
    receiver.start()
    try:
        wait_for(lambda: len(receiver.delivered()) == 5)
        time.sleep(0.3)
        assert sorted(receiver.by_delivery()) == sorted(ids)
        assert all(len(rs) == 1 for rs in receiver.by_delivery().values())
        nothing_left(raw, redis_prefix)
    finally:
        receiver.stop()


def test_timeouts_are_bounded_even_for_a_trickling_receiver() -> None:
    port = free_port()

    class Trickle(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # one byte of the answer every 0.1 s: no socket timeout
            self.rfile.read(int(self.headers["Content-Length"]))
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 100:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.1)

        def log_message(self, *_args: Any) -> None:
            pass

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, *_args: Any) -> None:
            pass

    server = Server(("127.0.0.1", port), Trickle)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        started = time.monotonic()
        attempt = post(f"http://127.0.0.1:{port}/", b"{}", {}, timeout=0.5)
        assert time.monotonic() - started < 2  # the answer would take 11 s
        assert (attempt.status, attempt.error) == (None, "no answer within 0.5 s")
    finally:
        server.shutdown()
        server.server_close()


def test_a_slow_receiver_is_a_failed_attempt_then_retried(
    receiver: Receiver,
    deliverers: Callable[..., WebhookDeliverer],
    raw: redis.Redis,
    redis_prefix: str,
) -> None:
    receiver.delay = 1.5
    entry_id = add_outcome(raw, redis_prefix)
    deliverer = deliverers(receiver.url, timeout=0.2)
    started = time.monotonic()
    deliverer.run_once()
    assert time.monotonic() - started < 1
    assert raw.hget(OutboxKeys(redis_prefix).errors, entry_id) == "no answer within 0.2 s"
    receiver.delay = 0
    deliverer.start()
    wait_for(lambda: entry_id in receiver.delivered())


# -- restarts and several deliverers ------------------------------------------------------------


def test_a_restarted_deliverer_retries_what_the_last_one_left(
    receiver: Receiver,
    deliverers: Callable[..., WebhookDeliverer],
    raw: redis.Redis,
    redis_prefix: str,
) -> None:
    receiver.answer = lambda _request: 500
    entry_id = add_outcome(raw, redis_prefix)  # written before any deliverer ever ran
    first = deliverers(receiver.url)
    first.start()
    wait_for(lambda: len(receiver.requests) >= 2)
    first.stop()
    assert not first.running
    receiver.answer = lambda _request: 200
    tried = len(receiver.requests)

    second = deliverers(receiver.url)  # another process: another consumer name
    assert second.consumer != first.consumer
    second.start()
    wait_for(receiver.delivered)
    last = receiver.requests[-1]
    assert last.headers["X-Moderation-Delivery"] == entry_id
    assert last.headers["X-Moderation-Attempt"] == str(tried + 1)  # counted across processes
    assert len(receiver.requests) == tried + 1
    nothing_left(raw, redis_prefix)


def test_what_a_killed_deliverer_held_is_sent_once_its_lease_ends(
    receiver: Receiver,
    deliverers: Callable[..., WebhookDeliverer],
    raw: redis.Redis,
    redis_prefix: str,
) -> None:
    entry_id = add_outcome(raw, redis_prefix)
    dead = deliverers(receiver.url, lease=0.6)
    _now, _due, taken = dead._take_entries()  # took it, then died before sending
    assert [e.id for e in taken] == [entry_id]

    survivor = deliverers(receiver.url)
    survivor.start()
    time.sleep(0.25)
    assert receiver.requests == []  # the lease still holds
    wait_for(receiver.delivered)
    assert receiver.requests[0].headers["X-Moderation-Attempt"] == "1"
    nothing_left(raw, redis_prefix)


def test_two_deliverers_never_send_one_entry_twice(
    receiver: Receiver,
    deliverers: Callable[..., WebhookDeliverer],
    raw: redis.Redis,
    redis_prefix: str,
) -> None:
    def answer(request: Request) -> int:  # every third entry fails its first attempt
        n = json.loads(request.body)["n"]
        return 500 if n % 3 == 0 and request.headers["X-Moderation-Attempt"] == "1" else 200

    receiver.answer = answer
    receiver.delay = 0.001
    ids = [add_outcome(raw, redis_prefix, n) for n in range(150)]
    both = [deliverers(receiver.url, batch=10), deliverers(receiver.url, batch=10)]
    for deliverer in both:
        deliverer.start()
    wait_for(lambda: len(receiver.delivered()) == 150, timeout=10)
    time.sleep(0.3)

    seen = receiver.by_delivery()
    assert sorted(seen) == sorted(ids)
    for requests in seen.values():
        assert [r.status for r in requests].count(200) == 1
        assert requests[-1].status == 200  # nothing after the 2xx
        for a, b in itertools.pairwise(requests):
            assert a.ended <= b.started  # never two sends of one entry at the same time
    assert sum(len(rs) for rs in seen.values()) == 150 + 50
    assert all(d.stats()["delivered"] > 0 for d in both)
    assert sum(d.stats()["delivered"] for d in both) == 150
    nothing_left(raw, redis_prefix)


# -- settings and the app ---------------------------------------------------------------------


def test_a_webhook_url_needs_a_secret(queue_settings: Settings) -> None:
    with pytest.raises(SettingsError, match="MODERATION_WEBHOOK_SECRET is not"):
        Settings(webhook_url="https://comments.example/hook")
    with pytest.raises(SettingsError, match="at least 16"):
        Settings(webhook_url="https://comments.example/hook", webhook_secret="short")
    with pytest.raises(SettingsError, match="http:// or https://"):
        Settings(webhook_url="ftp://comments.example/hook", webhook_secret=SECRET)
    with pytest.raises(SettingsError, match="credentials"):
        Settings(webhook_url="https://u:p@comments.example/hook", webhook_secret=SECRET)
    assert Settings(webhook_url=" ", webhook_secret="").webhook_url is None
    copied = queue_settings.model_copy(update={"webhook_url": "https://comments.example/hook"})
    with pytest.raises(SettingsError, match="MODERATION_WEBHOOK_SECRET is not"):
        create_app(copied)


def test_the_app_delivers_while_it_runs(
    receiver: Receiver, queue_settings: Settings, raw: redis.Redis, redis_prefix: str
) -> None:
    settings = queue_settings.model_copy(
        update={"webhook_url": receiver.url, "webhook_secret": SecretStr(SECRET)}
    )
    with TestClient(create_app(settings)) as client:
        deliverer = client.app.state.webhook  # type: ignore[attr-defined]
        assert deliverer.running
        entry_id = add_outcome(raw, redis_prefix)
        wait_for(receiver.delivered)
        assert receiver.requests[0].headers["X-Moderation-Delivery"] == entry_id
    assert not deliverer.running
    assert raw.xinfo_consumers(OutboxKeys(redis_prefix).stream, GROUP) == []


def test_without_a_webhook_url_outcomes_wait_in_the_outbox(
    queue_client: TestClient, raw: redis.Redis, redis_prefix: str
) -> None:
    assert queue_client.app.state.webhook is None  # type: ignore[attr-defined]
    add_outcome(raw, redis_prefix)
    assert raw.xlen(OutboxKeys(redis_prefix).stream) == 1


def test_a_moderator_decision_reaches_the_receiver(
    receiver: Receiver,
    deliverers: Callable[..., WebhookDeliverer],
    redis_url: str,
    redis_prefix: str,
) -> None:
    """The queue's own outbox entries (scripts.DECIDE), not hand-made ones."""
    from moderation.queue import QueueKeys, ReviewQueue

    client = connect(Settings(redis_url=redis_url, redis_prefix=redis_prefix))
    queue = ReviewQueue(client, QueueKeys(redis_prefix))
    scoring = {"decision": "flag", "scores": {}, "triggered": [], "model_version": "m"}
    queue.enter(comment_id="c-1", kind="flag", scoring=scoring, text="hurt you")
    [item] = queue.claim(moderator="ana", limit=1, lease_seconds=60)
    queue.decide(item.item_id, moderator="ana", outcome="reject", labels=["violence"])
    deliverers(receiver.url).start()
    wait_for(receiver.delivered)
    [request] = receiver.requests
    body = json.loads(request.body)
    assert request.headers["X-Moderation-Event"] == body["event"] == "decision"
    assert (body["item_id"], body["comment_id"], body["outcome"]) == (item.item_id, "c-1", "reject")
    client.close()


def test_outbox_stats_work_with_a_client_that_returns_bytes(
    redis_url: str, redis_prefix: str
) -> None:
    client = redis.Redis.from_url(redis_url)  # decode_responses off: ids come back as bytes
    try:
        client.xadd(OutboxKeys(redis_prefix).stream, {"event": "decision", "body": "{}"})
        stats = outbox_stats(client, redis_prefix)
        assert stats["undelivered"] == 1 and stats["oldest_age_seconds"] is not None
    finally:
        client.delete(OutboxKeys(redis_prefix).stream)
        client.close()


def test_readyz_shows_the_outbox(queue_settings: Settings) -> None:
    from fastapi.testclient import TestClient

    from moderation.api.app import create_app

    settings = queue_settings.model_copy(
        update={"webhook_url": "http://127.0.0.1:9/hook", "webhook_secret": SecretStr("s" * 20)}
    )
    with TestClient(create_app(settings)) as client:
        body = client.get("/readyz").json()
    assert body["status"] == "ready"
    assert body["webhook"]["outbox"]["undelivered"] == 0


def test_readyz_answers_503_with_a_webhook_and_redis_down(queue_settings: Settings) -> None:
    # The fault tests found /readyz failing with a 500 here: it read the outbox's figures
    # from the unreachable Redis. The deliverer's own figures need no Redis.
    settings = queue_settings.model_copy(
        update={
            "redis_url": f"redis://127.0.0.1:{free_port()}/0",
            "webhook_url": "http://127.0.0.1:9/hook",
            "webhook_secret": SecretStr("s" * 20),
        }
    )
    with TestClient(create_app(settings)) as client:
        ready = client.get("/readyz")
    assert ready.status_code == 503
    body = ready.json()
    assert body["checks"] == {"model": True, "redis": False}
    assert body["webhook"]["running"] is True and "outbox" not in body["webhook"]


def test_a_batch_lease_outlasts_sending_the_whole_batch(redis_url: str, redis_prefix: str) -> None:
    # Review found duplicates when a slow receiver made a 20-entry batch outlive a lease of
    # timeout + 25 s: another process took the unsent entries while this one still sent them.
    client = connect(Settings(redis_url=redis_url, redis_prefix=redis_prefix))
    try:
        deliverer = WebhookDeliverer(
            client, prefix=redis_prefix, url="http://127.0.0.1:9/", secret=SECRET, timeout=5.0
        )
        assert deliverer.lease > deliverer.batch * deliverer.timeout
    finally:
        client.close()
