"""The review queue on Redis: connection, key layout, Lua scripts, the item store, appeals.

`moderation.queue.embedded` runs a local redis-server for `moderation serve` when no
`REDIS_URL` is set.
"""

from __future__ import annotations

from moderation.queue.connection import connect
from moderation.queue.items import ReviewQueue
from moderation.queue.keys import QueueKeys, item_id_for
from moderation.settings import Settings

__all__ = ["QueueKeys", "ReviewQueue", "close_queue", "item_id_for", "open_queue"]


def open_queue(settings: Settings) -> ReviewQueue | None:
    """The review queue for `settings` (connecting lazily), or None without a Redis URL."""
    if not settings.redis_url:
        return None
    return ReviewQueue(connect(settings), QueueKeys(settings.redis_prefix))


def close_queue(queue: ReviewQueue | None) -> None:
    """Close the queue's connection pool."""
    if queue is not None:
        queue.client.close()
        queue.client.connection_pool.disconnect()
