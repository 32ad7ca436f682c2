"""The repeat tracker: records each comment in Redis and returns its cross-comment findings.

`observe` (one comment) and `observe_many` (a batch, one pipeline) are called by the API
before scoring; their findings go to `Moderator.moderate(..., signals=...)`. Redis being away
never fails a comment: the tracker logs it once, answers no findings (the comment is scored
on its own text), and tries Redis again after `retry_after` seconds, so a dead server costs
one timeout per `retry_after`, not one per request.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import redis
from redis.exceptions import RedisError

from moderation.detectors.base import Finding
from moderation.repeats.fingerprint import Fingerprint, fingerprint
from moderation.repeats.keys import RepeatKeys, short_hash
from moderation.repeats.script import OBSERVE
from moderation.repeats.signals import Counts, RepeatConfig, signal_findings

__all__ = ["Observation", "RepeatTracker"]

log = logging.getLogger("moderation.repeats")

#: Seconds to leave Redis alone after it failed.
RETRY_AFTER = 5.0
#: Members read per key (enough for any score to saturate) and kept per key.
READ_PER_KEY = 50
KEEP_PER_KEY = 500


@dataclass(frozen=True)
class Observation:
    """One comment to record: its text, id and author (None or "": anonymous)."""

    text: str
    comment_id: str
    author_id: str | None = None


class RepeatTracker:
    """Cross-comment spam signals kept in Redis under `keys` (expiring with their windows)."""

    def __init__(
        self,
        client: redis.Redis,
        keys: RepeatKeys,
        config: RepeatConfig | None = None,
        *,
        retry_after: float = RETRY_AFTER,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.keys = keys
        self.config = config or RepeatConfig()
        self.retry_after = retry_after
        self.clock = clock  # seconds, for the "away until" retry check only
        self._script: Any = client.register_script(OBSERVE)
        self._away_until = 0.0
        self._lock = threading.Lock()
        self.failures = 0  # calls answered without Redis, since start

    @property
    def available(self) -> bool:
        """False while the tracker leaves Redis alone after a failure."""
        return self.clock() >= self._away_until

    def observe(
        self, text: str, *, comment_id: str, author_id: str | None = None, now: float | None = None
    ) -> list[Finding]:
        """Record one comment and return its findings (none when Redis is away)."""
        return self.observe_many([Observation(text, comment_id, author_id)], now=now)[0]

    def observe_many(
        self, items: Sequence[Observation], *, now: float | None = None
    ) -> list[list[Finding]]:
        """Record comments in order, in one round trip, and return each one's findings.

        `now` (seconds since the epoch) defaults to the clock; replays pass their own. A later
        comment of the batch sees the earlier ones.
        """
        if not items:
            return []
        if not self.available:
            self.failures += 1
            return [[] for _ in items]
        prints = [fingerprint(item.text, trusted=self.config.trusted_domains) for item in items]
        now_ms = round(1000 * (time.time() if now is None else now))
        try:
            if len(items) == 1:
                replies = [self._call(items[0], prints[0], now_ms, self.client)]
            else:
                pipe = self.client.pipeline(transaction=False)
                for item, fp in zip(items, prints, strict=True):
                    self._call(item, fp, now_ms, pipe)
                replies = pipe.execute()
        except RedisError as exc:
            self._went_away(exc)
            return [[] for _ in items]
        self._came_back()
        return [
            signal_findings(item.text, fp, Counts.from_reply(reply), self.config)
            for item, fp, reply in zip(items, prints, replies, strict=True)
        ]

    def _call(self, item: Observation, fp: Fingerprint, now_ms: int, client: Any) -> Any:
        config, keys = self.config, self.keys
        comment = short_hash(item.comment_id)
        has_author = bool(item.author_id)  # None and "" are both anonymous
        author = short_hash(f"author:{item.author_id}") if has_author else comment
        key_names = [
            keys.exact(fp.exact),
            keys.author(author),
            *(keys.band(b) for b in fp.bands),
            *(keys.domain(link.domain) for link in fp.links),
        ]
        args = [
            now_ms,
            author,
            comment,
            round(1000 * config.repeat_window),
            round(1000 * config.velocity_window),
            round(1000 * config.link_window),
            int(fp.counted),
            int(has_author),
            len(fp.bands),
            READ_PER_KEY,
            KEEP_PER_KEY,
        ]
        return self._script(keys=key_names, args=args, client=client)

    def _went_away(self, exc: RedisError) -> None:
        with self._lock:
            first = self._away_until == 0.0
            self._away_until = self.clock() + self.retry_after
            self.failures += 1
        if first:
            log.warning(
                "repeat tracker: Redis unreachable (%r); scoring comments without "
                "cross-comment spam signals, retrying every %.0f s",
                exc,
                self.retry_after,
            )

    def _came_back(self) -> None:
        if self._away_until:
            with self._lock:
                self._away_until = 0.0
            log.info("repeat tracker: Redis reachable again; cross-comment signals resumed")
