"""Rate limits per API key and per comment author, counted in Redis so that they hold across
workers and hosts (the `limits` library's sliding-window counter).

- Per key (`MODERATION_RATE_LIMIT_PER_KEY`): every request a key makes on a scoped route.
- Per author (`MODERATION_RATE_LIMIT_PER_AUTHOR`): comments sent for scoring with an
  `author_id`, a site's posting-rate rule ("at most 30 comments a minute"). A batch is checked
  whole before any item is counted, so a refused batch costs its authors nothing.

Over a limit: 429 `rate_limited` with `Retry-After` (seconds). Limits are written like
`100/second;2000/minute`; an empty value turns one off. When Redis cannot answer, requests
pass (logged): a limit must never stop comments from being moderated. After a failure the
limits stand aside for `PAUSE_AFTER_FAILURE` seconds, so a stalled Redis costs one timeout,
not one per request.
"""

from __future__ import annotations

import logging
import math
import time
from collections import Counter
from collections.abc import Callable, Iterable

import redis
from limits import RateLimitItem, parse_many
from limits.storage import RedisStorage
from limits.strategies import SlidingWindowCounterRateLimiter
from redis.exceptions import RedisError

from moderation.errors import ModerationError
from moderation.repeats.keys import short_hash
from moderation.settings import Settings

log = logging.getLogger("moderation.api.rate_limits")
PAUSE_AFTER_FAILURE = 5.0


class RateLimited(ModerationError):
    status = 429
    code = "rate_limited"


def parse_limits(text: str) -> list[RateLimitItem]:
    """`100/second;2000/minute` as `limits` items; an empty text is no limit."""
    return parse_many(text) if text.strip() else []


class RateLimits:
    """The service's two rate limits on one Redis (None: no Redis, nothing is limited)."""

    def __init__(
        self,
        client: redis.Redis | None,
        settings: Settings,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.clock = clock
        self._paused_until = 0.0
        self.per_key = parse_limits(settings.rate_limit_per_key)
        self.per_author = parse_limits(settings.rate_limit_per_author)
        self.limiter: SlidingWindowCounterRateLimiter | None = None
        if client is not None and (self.per_key or self.per_author):
            storage = RedisStorage(
                "redis://",  # unused: the queue's connection pool is passed instead
                connection_pool=client.connection_pool,
                key_prefix=f"{settings.redis_prefix}:ratelimit",
            )
            self.limiter = SlidingWindowCounterRateLimiter(storage)

    @property
    def counts_keys(self) -> bool:
        """Whether `charge_key` would talk to Redis now (callers skip the thread hop if not)."""
        return self.limiter is not None and bool(self.per_key) and not self._paused()

    def charge_key(self, key_id: str) -> None:
        """Count one request of `key_id` (one Redis call per limit); raises `RateLimited`
        past the limit. A refused request counts too, as a client retrying at once should."""
        if self.limiter is None or self._paused():
            return
        try:
            for item in self.per_key:
                if not self.limiter.hit(item, "key", key_id):
                    raise self._refusal(item, "key", key_id, "this API key")
        except RedisError as exc:
            self._failed(exc)

    def charge_authors(self, author_ids: Iterable[str | None]) -> None:
        """Count one comment for each author id given (None: anonymous, not limited)."""
        counts = Counter(short_hash(a) for a in author_ids if a)
        if self.limiter is None or not self.per_author or not counts or self._paused():
            return
        try:
            for item in self.per_author:  # check all first: a refused batch counts for nothing
                for who, cost in counts.items():
                    if not self.limiter.test(item, "author", who, cost=cost):
                        raise self._refusal(item, "author", who, "this author")
            for item in self.per_author:
                for who, cost in counts.items():
                    self.limiter.hit(item, "author", who, cost=cost)
        except RedisError as exc:
            self._failed(exc)

    def _paused(self) -> bool:
        return self.clock() < self._paused_until

    def _failed(self, exc: RedisError) -> None:
        self._paused_until = self.clock() + PAUSE_AFTER_FAILURE
        log.warning(
            "rate limits not checked for %.0f s, Redis unavailable: %s",
            PAUSE_AFTER_FAILURE,
            type(exc).__name__,
        )

    def _refusal(self, item: RateLimitItem, kind: str, who: str, what: str) -> RateLimited:
        assert self.limiter is not None
        reset = self.limiter.get_window_stats(item, kind, who).reset_time
        retry_after = max(1, math.ceil(reset - time.time()))
        return RateLimited(
            f"rate limit of {what} reached ({item}); retry after {retry_after} s",
            details={"limit": str(item), "scope": kind, "retry_after": retry_after},
            headers={"Retry-After": str(retry_after)},
        )
