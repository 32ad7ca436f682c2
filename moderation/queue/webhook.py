"""The outcome webhook: deliver the outbox's entries to the comment system, signed, retried.

The queue appends each moderator decision to the outbox stream `<prefix>:{queue}:outbox`
(fields `event`, `item_id` and `body`, the JSON text to POST) in the same atomic step as the
decision. A `WebhookDeliverer` thread reads the stream with the consumer group `webhook` and
POSTs each entry's `body` to `settings.webhook_url`:

- a 2xx answer acknowledges the entry: XACK and XDEL, so it is never sent again;
- anything else (another status, a timeout, a refused connection) schedules a retry after
  `webhook_retry_initial` seconds, doubling per attempt up to `webhook_retry_max`, forever.

Every entry a deliverer has taken is in the schedule, a sorted set of entry ids scored by the
time (ms, Redis's clock) the entry may next be taken. Taking is one Lua script: it takes due
entries (pushing their time a lease into the future, so no other deliverer takes them while
this one POSTs) and new ones from the group, atomically. So several threads or processes on
one Redis never send one entry at the same time, an entry a stopped or killed process held is
taken by the next one when its lease or retry time comes, and attempts are counted across
processes. When Redis fails in the middle of a batch, the deliverer hands the rest back as
soon as Redis answers again, rather than leaving it to its lease. Keys, all under the
queue's hash tag:

| key | type | holds |
|---|---|---|
| `<prefix>:{queue}:outbox` | stream | undelivered outcomes (written by the queue) |
| `<prefix>:{queue}:outbox:schedule` | zset | taken entry ids by next attempt time (ms) |
| `<prefix>:{queue}:outbox:attempts` | hash | entry id → failed attempts so far |
| `<prefix>:{queue}:outbox:errors` | hash | entry id → the last failure, for operators |

Signature: `X-Moderation-Signature: sha256=<hex>`, the HMAC-SHA256 with the secret of
`<X-Moderation-Timestamp>.<body>`; `X-Moderation-Delivery` is the entry id, the same on every
attempt, for the receiver to drop repeats (a 2xx lost on the way back means a second send).
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, cast

import redis
from redis.exceptions import RedisError, ResponseError

from moderation import __version__
from moderation.observability.metrics import WEBHOOK_DELIVERIES
from moderation.queue.outbox import RESCHEDULE, TAKE, Entry, OutboxKeys, outbox_stats
from moderation.queue.webhook_http import MAX_ERROR_CHARS, Attempt, post, sign
from moderation.settings import Settings, require_webhook_secret

log = logging.getLogger("moderation.webhook")

GROUP = "webhook"
__all__ = ["GROUP", "OutboxKeys", "WebhookDeliverer", "outbox_stats", "post", "start_deliverer"]
DEFAULT_BATCH = 20
DEFAULT_POLL_SECONDS = 0.5
# How long past the delivery timeout a taken entry stays with its deliverer. Another one
# takes it after that, so it bounds the wait after a process dies mid-delivery.
LEASE_MARGIN_SECONDS = 25.0
REDIS_RETRY_SECONDS = (0.5, 10.0)  # wait after a Redis error: first, longest


@dataclass
class Counters:
    """What this deliverer did since it started (the shared state is in Redis)."""

    delivered: int = 0
    failed_attempts: int = 0
    last_delivered_at: float | None = None
    last_error: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


class WebhookDeliverer:
    """Delivers the outbox to one webhook URL from a background thread (`start`, `stop`).

    Args:
        client: Redis client with `decode_responses=True` (thread-safe; the queue's own).
        prefix: the key prefix (`settings.redis_prefix`).
        url, secret: where to POST and the signing key.
        timeout: seconds one attempt may take in all.
        retry_initial, retry_max: seconds before the first retry; longest wait.
        batch: most entries taken at once (they are sent one after the other).
        poll: seconds between looks at the stream when there is nothing to do.
        lease: seconds a taken batch stays with this deliverer (default: batch × timeout +
            25 s, so it outlasts sending the whole batch).
        consumer: the consumer name in the group (default: host, pid and a random part).
    """

    def __init__(
        self,
        client: redis.Redis,
        *,
        prefix: str,
        url: str,
        secret: str,
        timeout: float = 5.0,
        retry_initial: float = 1.0,
        retry_max: float = 300.0,
        batch: int = DEFAULT_BATCH,
        poll: float = DEFAULT_POLL_SECONDS,
        lease: float | None = None,
        consumer: str | None = None,
    ) -> None:
        self.client = client
        self.keys = OutboxKeys(prefix)
        self.url = url
        self._secret = secret.encode("utf-8")
        self.timeout = timeout
        self.retry_initial = retry_initial
        self.retry_max = retry_max
        self.batch = batch
        self.poll = poll
        # A batch's entries are sent one after the other, each within `timeout`: the lease must
        # outlast the whole batch, or another process takes entries this one still sends.
        self.lease = batch * timeout + LEASE_MARGIN_SECONDS if lease is None else lease
        self.consumer = consumer or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.counters = Counters()
        self._take = client.register_script(TAKE)
        self._reschedule = client.register_script(RESCHEDULE)
        self._group_ready = False
        self._unacked: list[Entry] = []  # answered 2xx, acknowledgement not yet written
        self._stranded: list[Entry] = []  # taken, not settled: Redis failed mid-batch
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def from_settings(cls, client: redis.Redis, settings: Settings) -> WebhookDeliverer:
        """A deliverer for `settings.webhook_url`; SettingsError when it has no secret."""
        require_webhook_secret(settings)
        if not settings.webhook_url or settings.webhook_secret is None:
            raise ValueError("no webhook URL is configured")
        return cls(
            client,
            prefix=settings.redis_prefix,
            url=settings.webhook_url,
            secret=settings.webhook_secret.get_secret_value(),
            timeout=settings.webhook_timeout,
            retry_initial=settings.webhook_retry_initial,
            retry_max=settings.webhook_retry_max,
        )

    # -- the thread ----------------------------------------------------------------------

    def start(self) -> None:
        """Start delivering in a daemon thread."""
        if self._thread is not None:
            raise RuntimeError("this deliverer was started already")
        self._thread = threading.Thread(target=self._run, name="webhook-deliverer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop after the attempt in flight (at most `timeout` seconds) and hand back what
        this deliverer had taken but not attempted, so another one sends it at once."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(self.timeout + 5)
            if self._thread.is_alive():
                log.warning("webhook deliverer %s did not stop in time", self.consumer)
                return
        try:
            self._flush_acks()
            self._release_stranded()
        except RedisError as exc:  # they are sent (again) when their lease runs out
            log.warning(
                "webhook deliverer %s: Redis failed while stopping (%s)", self.consumer, exc
            )
        # The consumer's pending list goes too; the schedule still holds its entries. A
        # failure leaves a stale name in XINFO CONSUMERS: harmless.
        with contextlib.suppress(RedisError):
            self.client.xgroup_delconsumer(self.keys.stream, GROUP, self.consumer)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                wait = self.run_once()
                failures = 0
            except RedisError as exc:
                if isinstance(exc, ResponseError) and str(exc).startswith("NOGROUP"):
                    self._group_ready = False  # the stream was deleted: make it again
                first, longest = REDIS_RETRY_SECONDS
                wait = min(longest, first * 2**failures)
                failures += 1
                log.warning("webhook outbox: Redis error (%s); again in %.1f s", exc, wait)
            except Exception:  # never let the thread die: outcomes would pile up unseen
                wait = REDIS_RETRY_SECONDS[1]
                log.exception("webhook deliverer failed; again in %.1f s", wait)
            self._stop.wait(wait)

    # -- one round -----------------------------------------------------------------------

    def run_once(self) -> float:
        """Take and attempt up to `batch` entries; returns the seconds to wait before the
        next round (0: more may be waiting). Raises RedisError when Redis fails."""
        self._flush_acks()
        self._release_stranded()
        now_ms, next_due_ms, entries = self._take_entries()
        for index, entry in enumerate(entries):
            try:
                if self._stop.is_set():
                    self._release(entries[index:], wait_ms=0)
                    break
                attempt = self.attempt(entry)
                if attempt.ok:
                    self._acknowledge(entry)
                    continue
                wait_ms = self._failed(entry, attempt)
                if attempt.status is None and index + 1 < len(entries):
                    # The receiver is unreachable: the rest wait too, rather than each taking
                    # a timeout now.
                    self._release(entries[index + 1 :], wait_ms=wait_ms)
                    break
            except RedisError:
                # The rest of the batch stays leased to this deliverer: hand it back as soon
                # as Redis answers again, not when the lease (minutes) runs out.
                self._stranded = entries[index:]
                raise
        if entries:
            return 0.0
        if next_due_ms < 0:
            return self.poll
        return min(self.poll, max(0.0, (next_due_ms - now_ms) / 1000))

    def attempt(self, entry: Entry) -> Attempt:
        """POST one entry, signed; returns what came back."""
        body = entry.fields.get("body", "").encode("utf-8")
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": f"moderation-webhook/{__version__}",
            "X-Moderation-Event": entry.event,
            "X-Moderation-Delivery": entry.id,
            "X-Moderation-Attempt": str(entry.attempts + 1),
            "X-Moderation-Timestamp": timestamp,
            "X-Moderation-Signature": sign(self._secret, timestamp, body),
        }
        return post(self.url, body, headers, timeout=self.timeout)

    def _create_group(self) -> None:
        try:  # from id 0: entries written before the first deliverer ran are sent too
            self.client.xgroup_create(self.keys.stream, GROUP, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        self._group_ready = True

    def _take_entries(self) -> tuple[int, int, list[Entry]]:
        if not self._group_ready:
            self._create_group()
        k = self.keys
        raw = cast(
            list[Any],
            self._take(
                keys=[k.stream, k.schedule, k.attempts, k.errors],
                args=[GROUP, self.consumer, self.batch, int(self.lease * 1000)],
            ),
        )
        entries = []
        for row in raw[2:]:
            pairs = row[3:]
            fields = dict(zip(pairs[::2], pairs[1::2], strict=True))
            entries.append(Entry(id=row[0], lease=row[1], attempts=int(row[2]), fields=fields))
        return int(raw[0]), int(raw[1]), entries

    def _acknowledge(self, entry: Entry) -> None:
        with self.counters.lock:
            self.counters.delivered += 1
            self.counters.last_delivered_at = time.time()
        WEBHOOK_DELIVERIES.labels(result="delivered").inc()
        log.info("webhook: delivered %s (attempt %d)", entry.id, entry.attempts + 1)
        self._unacked.append(entry)
        self._flush_acks()

    def _release_stranded(self) -> None:
        """Make the entries a Redis failure left taken due now. One acknowledged meanwhile,
        or no longer held, is left alone (the lease token no longer matches)."""
        if self._stranded:
            self._release(self._stranded, wait_ms=0)
            self._stranded = []

    def _flush_acks(self) -> None:
        """Write the acknowledgements of 2xx deliveries; kept in memory while Redis fails,
        so a delivered entry is not sent again by this process."""
        while self._unacked:
            entry = self._unacked[0]
            k = self.keys
            pipe = self.client.pipeline(transaction=True)
            pipe.xack(k.stream, GROUP, entry.id)
            pipe.xdel(k.stream, entry.id)
            pipe.zrem(k.schedule, entry.id)
            pipe.hdel(k.attempts, entry.id)
            pipe.hdel(k.errors, entry.id)
            pipe.execute()
            self._unacked.pop(0)

    def _failed(self, entry: Entry, attempt: Attempt) -> int:
        with self.counters.lock:
            self.counters.failed_attempts += 1
            self.counters.last_error = attempt.error
        WEBHOOK_DELIVERIES.labels(result="failed").inc()
        result = self._reschedule_one(entry, attempted=True, wait_ms=0, error=attempt.error)
        if result is None:
            log.warning(
                "webhook: %s failed (%s); another deliverer has it", entry.id, attempt.error
            )
            return 0
        attempts, wait_ms = result
        log.warning(
            "webhook: %s attempt %d failed (%s); next in %.1f s",
            entry.id,
            attempts,
            attempt.error,
            wait_ms / 1000,
        )
        return wait_ms

    def _release(self, entries: list[Entry], *, wait_ms: int) -> None:
        for entry in entries:
            self._reschedule_one(entry, attempted=False, wait_ms=wait_ms, error="")

    def _reschedule_one(
        self, entry: Entry, *, attempted: bool, wait_ms: int, error: str
    ) -> tuple[int, int] | None:
        k = self.keys
        result = self._reschedule(
            keys=[k.schedule, k.attempts, k.errors],
            args=[
                entry.id,
                entry.lease,
                "1" if attempted else "0",
                int(self.retry_initial * 1000),
                int(self.retry_max * 1000),
                wait_ms,
                error[:MAX_ERROR_CHARS],
            ],
        )
        if result == -1:
            return None
        attempts, wait = cast(list[int], result)
        return int(attempts), int(wait)

    # -- for operators -------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """The outbox as it stands and this deliverer's counts. Raises RedisError."""
        return {**outbox_stats(self.client, self.keys.prefix), **self.local_stats()}

    def local_stats(self) -> dict[str, Any]:
        """This process's side only: never touches Redis."""
        with self.counters.lock:
            return {
                "running": self.running,
                "consumer": self.consumer,
                "delivered": self.counters.delivered,
                "failed_attempts": self.counters.failed_attempts,
                "last_delivered_at": self.counters.last_delivered_at,
                "last_error": self.counters.last_error,
            }


def start_deliverer(settings: Settings, client: redis.Redis | None) -> WebhookDeliverer | None:
    """Start delivering when a webhook URL is set and a Redis is there; else None."""
    if not settings.webhook_url:
        return None
    if client is None:
        log.warning("MODERATION_WEBHOOK_URL is set but there is no Redis: nothing to deliver")
        return None
    deliverer = WebhookDeliverer.from_settings(client, settings)
    deliverer.start()
    log.info("webhook: delivering outcomes to %s as %s", settings.webhook_url, deliverer.consumer)
    return deliverer
