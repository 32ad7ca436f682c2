"""Figures read when `/metrics` is scraped: review queue depth and the webhook outbox from
Redis, the review spool's size from disk.

Redis is asked once per scrape, one pipeline of five O(1) commands (ZCARD, XLEN, HLEN), on a
client of its own with short timeouts, so a slow or dead Redis costs a scrape at most about a
second and never fails it: the Redis figures are then left out and `moderation_redis_up`
reads 0. These are shared state, reported as they stand (not summed over workers); a lease
that ran out counts as `claimed` until the queue next returns it to `pending`.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import redis
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from moderation.queue.connection import connect
from moderation.queue.keys import QueueKeys
from moderation.queue.outbox import OutboxKeys
from moderation.queue.spool import Spool
from moderation.settings import Settings

log = logging.getLogger("moderation.metrics")

SCRAPE_TIMEOUT = 0.5  # seconds, for a connection and for a reply (capped by the settings')
STATES = ("pending", "claimed", "decided")


class ServiceState:
    """A prometheus-client collector of the queue, outbox and spool figures.

    Args:
        client: a Redis client for these reads (None: no Redis configured; figures left out).
        prefix: the key prefix (`settings.redis_prefix`).
        spool: the review spool whose folder is measured (None: no spool).
    """

    def __init__(self, client: redis.Redis | None, *, prefix: str, spool: Spool | None) -> None:
        self.client = client
        self.queue_keys = QueueKeys(prefix)
        self.outbox_keys = OutboxKeys(prefix)
        self.spool = spool
        self._was_up = True

    @classmethod
    def open(cls, settings: Settings, spool: Spool | None) -> ServiceState:
        """A collector with its own lazily connecting client, timeouts at most SCRAPE_TIMEOUT."""
        client = None
        if settings.redis_url:
            quick = settings.model_copy(
                update={
                    "redis_socket_timeout": min(settings.redis_socket_timeout, SCRAPE_TIMEOUT),
                    "redis_connect_timeout": min(settings.redis_connect_timeout, SCRAPE_TIMEOUT),
                }
            )
            client = connect(quick)
        return cls(client, prefix=settings.redis_prefix, spool=spool)

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client.connection_pool.disconnect()

    def collect(self) -> Iterator[Metric]:
        spooled = self._spool_bytes()
        if spooled is not None:
            yield GaugeMetricFamily(
                "moderation_review_spool_bytes",
                "Bytes of review entries waiting in the local spool for Redis to take them.",
                value=spooled,
            )
        if self.client is None:
            return
        up = GaugeMetricFamily(
            "moderation_redis_up", "1 when Redis answered this scrape, else 0 (figures left out)."
        )
        try:
            figures = self._read_redis(self.client)
        except Exception as exc:  # any failure: the scrape still answers
            if self._was_up:
                log.warning("metrics: Redis figures unavailable (%s)", type(exc).__name__)
            self._was_up = False
            up.add_metric([], 0)
            yield up
            return
        self._was_up = True
        up.add_metric([], 1)
        yield up
        pending, claimed, decided, outbox, retrying = figures
        depth = GaugeMetricFamily(
            "moderation_review_queue_depth", "Review items by state.", labels=["state"]
        )
        for state, count in zip(STATES, (pending, claimed, decided), strict=True):
            depth.add_metric([state], count)
        yield depth
        yield GaugeMetricFamily(
            "moderation_webhook_outbox_entries",
            "Moderator outcomes not yet delivered to the webhook (waiting when no URL is set).",
            value=outbox,
        )
        yield GaugeMetricFamily(
            "moderation_webhook_outbox_retrying",
            "Undelivered outcomes whose delivery failed at least once.",
            value=retrying,
        )

    def _read_redis(self, client: redis.Redis) -> list[int]:
        q, o = self.queue_keys, self.outbox_keys
        pipe = client.pipeline(transaction=False)
        pipe.zcard(q.pending)
        pipe.zcard(q.claimed)
        pipe.zcard(q.decided)
        pipe.xlen(o.stream)
        pipe.hlen(o.attempts)
        return [int(n) for n in pipe.execute()]

    def _spool_bytes(self) -> int | None:
        """The spool's segments' sizes (all processes'), or None: no spool, or unreadable."""
        if self.spool is None:
            return None
        total = 0
        try:
            for path in self.spool.segments():
                with contextlib.suppress(FileNotFoundError):  # replayed meanwhile
                    total += path.stat().st_size
        except OSError:
            return None
        return total
