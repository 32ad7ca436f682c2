"""Checks a presented API key against the key store, with a short in-process cache.

A key's record is cached for `auth_cache_seconds` after each fetch, so a busy key costs one
Redis read per worker per interval, not one per request, and a revocation reaches every worker
within that interval. When Redis cannot answer, a record fetched within `auth_stale_seconds`
still admits its key: comments keep being moderated through a Redis outage. After a failed
lookup Redis is left alone for `REDIS_PAUSE` seconds, so a stalled Redis costs one timeout
per pause, not one per request. A key not in the cache cannot be checked then, and gets 503
`auth_unavailable`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from redis.exceptions import RedisError

from moderation.auth.keys import SCOPES, KeyRecord, KeyStore, key_id_of
from moderation.errors import ModerationError

log = logging.getLogger("moderation.auth")
#: After Redis fails a key lookup, seconds without asking it again (cached keys still pass).
REDIS_PAUSE = 5.0
#: Most unknown key ids remembered at once (each for `cache_seconds`). Key ids are random,
#: so an id unknown now is never minted later: remembering it cannot refuse a good key.
MAX_UNKNOWN = 10_000


class Unauthorized(ModerationError):
    status = 401
    code = "unauthorized"
    default_headers: ClassVar[dict[str, str]] = {"WWW-Authenticate": 'Bearer realm="moderation"'}


class Forbidden(ModerationError):
    status = 403
    code = "forbidden"


class AuthUnavailable(ModerationError):
    status = 503
    code = "auth_unavailable"


@dataclass(frozen=True)
class Principal:
    """Who is calling: a key's id, name and scopes."""

    key_id: str
    name: str
    scopes: frozenset[str]

    def require(self, scopes: list[str] | tuple[str, ...]) -> None:
        missing = [s for s in scopes if s not in self.scopes]
        if missing:
            raise Forbidden(
                f"this API key lacks the scope {missing[0]!r} this route needs",
                details={"required": list(scopes), "key_scopes": sorted(self.scopes)},
            )


#: The caller in development mode (`MODERATION_DEV_MODE`): every scope, no key.
DEV_PRINCIPAL = Principal("dev", "development mode", frozenset(SCOPES))


class KeyVerifier:
    """Turns a presented key into a `Principal`, or raises `Unauthorized`/`AuthUnavailable`."""

    def __init__(
        self,
        store: KeyStore | None,
        *,
        cache_seconds: float = 10.0,
        stale_seconds: float = 600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.cache_seconds = cache_seconds
        self.stale_seconds = stale_seconds
        self.clock = clock
        self._cache: dict[str, tuple[float, KeyRecord]] = {}
        self._unknown: dict[str, float] = {}  # key id -> when Redis said it has no such key
        self._redis_down_until = 0.0

    def cached(self, token: str) -> Principal | None:
        """The caller from the cache, with no I/O; None means "ask `verify`". An entry is
        fresh for `cache_seconds`, and for `stale_seconds` while Redis is known to be down."""
        key_id = key_id_of(token)
        entry = self._cache.get(key_id) if key_id else None
        if entry is None:
            return None
        age = self.clock() - entry[0]
        limit = self.stale_seconds if self._redis_down() else self.cache_seconds
        if age > limit:
            return None
        record = entry[1]
        return _principal(record) if record.matches(token) else None

    def verify(self, token: str) -> Principal:
        """The caller, reading the key's record from Redis (blocking: run it off the loop)."""
        key_id = key_id_of(token)
        if key_id is None:
            raise Unauthorized("unknown API key: send `Authorization: Bearer mk_…`")
        seen = self._unknown.get(key_id)
        if seen is not None and self.clock() - seen <= self.cache_seconds:
            raise Unauthorized("unknown or revoked API key")  # asked Redis a moment ago
        record = self._fetch(key_id)
        if record is None or not record.matches(token):
            raise Unauthorized("unknown or revoked API key")
        return _principal(record)

    def _redis_down(self) -> bool:
        return self.clock() < self._redis_down_until

    def _fetch(self, key_id: str) -> KeyRecord | None:
        if self.store is None:
            raise AuthUnavailable(
                "API keys live in Redis and no Redis is configured (set REDIS_URL), "
                "or run in development mode"
            )
        if self._redis_down():  # no I/O until the pause ends: one timeout per pause
            return self._stale(key_id, "Redis unreachable")
        try:
            record = self.store.get(key_id)
        except RedisError as exc:
            self._redis_down_until = self.clock() + REDIS_PAUSE
            log.warning(
                "API keys: Redis unreachable (%s); admitting keys read in the last %.0f s "
                "from the cache, asking Redis again in %.0f s",
                type(exc).__name__,
                self.stale_seconds,
                REDIS_PAUSE,
            )
            return self._stale(key_id, type(exc).__name__)
        if record is None or not record.active:
            self._cache.pop(key_id, None)
            if len(self._unknown) >= MAX_UNKNOWN:
                self._unknown.clear()  # a flood of made-up ids: start over, stay bounded
            self._unknown[key_id] = self.clock()
        else:
            self._cache[key_id] = (self.clock(), record)
        return record

    def _stale(self, key_id: str, error: str) -> KeyRecord:
        """The cached record of `key_id` while Redis is down, if read recently enough."""
        entry = self._cache.get(key_id)
        if entry is not None and self.clock() - entry[0] <= self.stale_seconds:
            return entry[1]
        raise AuthUnavailable(
            "cannot check the API key: Redis is unreachable",
            details={"error": error},  # never Redis's own words: they name its address
        )


def _principal(record: KeyRecord) -> Principal:
    return Principal(record.key_id, record.name, record.scopes)
