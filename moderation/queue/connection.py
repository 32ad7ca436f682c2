"""The Redis connection: one pool per process, short timeouts, and errors as `QueueUnavailable`.

A slow or dead Redis must never hang a request: connecting gives up after
`redis_connect_timeout`, a reply after `redis_socket_timeout`, and a connection error is
retried once, at once, on a fresh connection (a pooled connection goes stale when Redis
restarts). A timeout is not retried: the request answers 503 instead of waiting twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import redis
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import (
    OutOfMemoryError,
    ReadOnlyError,
    RedisError,
)
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

from moderation.errors import QueueUnavailable
from moderation.settings import Settings

# Errors that say "Redis cannot serve us now" rather than "our command is wrong".
UNAVAILABLE_ERRORS: tuple[type[RedisError], ...] = (
    RedisConnectionError,  # refused, reset, still loading its data (BusyLoadingError)
    RedisTimeoutError,
    ReadOnlyError,  # a replica, or a primary that lost its replicas (min-replicas-to-write)
    OutOfMemoryError,  # maxmemory reached with a noeviction policy
)


class InvalidRedisUrl(QueueUnavailable):
    code = "invalid_redis_url"
    exit_code = 2


def connect(settings: Settings) -> redis.Redis:
    """A client on a new connection pool for `settings.redis_url`; connects lazily."""
    if not settings.redis_url:
        raise QueueUnavailable("no Redis is configured (set REDIS_URL)")
    try:
        pool = redis.ConnectionPool.from_url(
            settings.redis_url,
            decode_responses=True,
            socket_timeout=settings.redis_socket_timeout,
            socket_connect_timeout=settings.redis_connect_timeout,
            retry=Retry(NoBackoff(), retries=1, supported_errors=(RedisConnectionError,)),
            health_check_interval=30,
            client_name="moderation",
        )
    except ValueError as exc:  # not a redis://, rediss:// or unix:// URL
        raise InvalidRedisUrl(
            f"REDIS_URL {redact_url(settings.redis_url)!r} is not a Redis URL: {exc}"
        ) from exc
    return redis.Redis(connection_pool=pool)


def redact_url(url: str) -> str:
    """`url` without its password, for logs and health answers."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return urlunsplit(parts._replace(netloc=user + host))


def describe(exc: RedisError) -> dict[str, str]:
    """Error details safe to show a client: the error's kind and Redis's or the OS's words."""
    return {"error": type(exc).__name__, "reason": str(exc) or type(exc).__name__}


@contextmanager
def unavailable_as_503(action: str, *, what: str = "the review queue") -> Iterator[None]:
    """Turn "Redis cannot serve us" errors raised inside into `QueueUnavailable` (503)."""
    try:
        yield
    except UNAVAILABLE_ERRORS as exc:
        raise QueueUnavailable(
            f"{what} is unavailable: could not {action}", details=describe(exc)
        ) from exc


def check(client: redis.Redis) -> dict[str, object]:
    """Readiness of Redis: `{"reachable": bool, ...}`, never raising."""
    try:
        client.ping()
    except RedisError as exc:
        return {"reachable": False, **describe(exc)}
    return {"reachable": True}
