"""What every `moderation` command shares: the error-to-exit-code wrapper, model loading, the
service's Redis and review queue, and `--since` dates."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

import click
from pydantic import ValidationError

from moderation.errors import ModerationError, describe_validation_error

if TYPE_CHECKING:
    from moderation.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])


def errors_to_exit(func: F) -> F:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ModerationError as exc:
            reason = exc.details.get("reason") if isinstance(exc.details, dict) else None
            click.echo(f"Error: {exc.message}" + (f" ({reason})" if reason else ""), err=True)
            sys.exit(exc.exit_code)
        except ValidationError as exc:  # a MODERATION_* variable the settings refuse
            click.echo(f"Error: invalid setting: {describe_validation_error(exc)}", err=True)
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


def load_moderator(model: str | None = None) -> Any:
    from moderation.scoring import Moderator
    from moderation.settings import get_settings

    return Moderator.load(version=model, settings=get_settings())


def load_with_own_policy(version: str) -> Any:
    """A version with the thresholds it was trained with (its verified policy.toml) rather
    than the site's policy: what comparing two models needs."""
    from moderation.model_policy import own_policy
    from moderation.scoring import Moderator
    from moderation.settings import get_settings

    settings = get_settings()
    policy = own_policy(settings.models_dir, version)
    return Moderator.load(version=version, settings=settings, policy=policy)


@contextmanager
def service_redis() -> Iterator[Settings]:
    """Settings whose `redis_url` reaches the service's Redis: REDIS_URL when set, else the
    embedded Redis of a running `moderation serve`, else the same embedded Redis started for
    this command alone (so keys can be minted before the first `serve`)."""
    import redis

    from moderation.queue.embedded import EmbeddedRedis
    from moderation.settings import get_settings

    settings = get_settings()
    if settings.redis_url:
        yield settings
        return
    server = EmbeddedRedis(settings.state_dir / "redis")
    if server.socket.exists():
        try:
            with redis.Redis.from_url(server.url, socket_timeout=2.0) as probe:
                probe.ping()
        except (redis.RedisError, OSError):
            pass  # a socket left behind: start the server below
        else:
            yield settings.model_copy(update={"redis_url": server.url})
            return
    with server:
        click.echo(f"Started the embedded Redis of {server} for this command", err=True)
        yield settings.model_copy(update={"redis_url": server.url})


@contextmanager
def cli_queue() -> Iterator[Any]:
    """The review queue on the service's Redis (`service_redis`)."""
    from moderation.queue import close_queue, open_queue

    with service_redis() as settings:
        queue = open_queue(settings)
        try:
            yield queue
        finally:
            close_queue(queue)


def parse_since(since: str | None) -> int | None:
    """A `--since` ISO date or time (UTC unless it names a zone) in ms since the epoch."""
    from datetime import UTC, datetime

    from moderation.errors import InvalidInput

    if since is None:
        return None
    try:
        moment = datetime.fromisoformat(since)
    except ValueError as exc:
        raise InvalidInput(f"--since {since!r} is not an ISO date or time") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)
