"""Redis key names of the review queue, item ids, and the pending index's score.

Every key carries the hash tag `{queue}`, so all keys one operation touches live in one Redis
Cluster slot and a Lua script or MULTI/EXEC may use them together (one slot per queue is
plenty for a comment queue). Layout, with the default prefix `moderation`:

| key | type | holds |
|---|---|---|
| `moderation:{queue}:item:<item_id>` | hash | one review item (fields in `items.py`) |
| `moderation:{queue}:pending` | zset | item ids waiting for a moderator, by `pending_score` |
| `moderation:{queue}:claimed` | zset | item ids leased to a moderator, by lease expiry (ms) |
| `moderation:{queue}:decided` | zset | item ids a moderator decided, by decision time (ms) |
| `moderation:{queue}:claim:<token>` | list | ids one claim call took (60 s: retry-safe claims) |
| `moderation:{queue}:reporters:<item_id>` | set | reader ids that reported the item |
| `moderation:{queue}:counts` | hash | decision counters (`outcome:<o>`, `moderator:<m>`, …) |
| `moderation:{queue}:audit` | stream | the audit log: one entry per decision |
| `moderation:{queue}:outbox` | stream | one webhook message per decision (below) |

The outbox contract (written by `scripts.DECIDE` in the same script as the decision, read by
the webhook deliverer): each stream entry has the fields `event` (`"decision"`), `item_id` and
`body`, the exact JSON document the comment system receives:
`{"event", "item_id", "comment_id", "outcome", "labels", "note", "moderator", "decided_at"
(ISO 8601 UTC, milliseconds, `Z`), "kinds", "automated_decision", "appeal"}`.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

TAG = "{queue}"
ITEM_ID_PREFIX = "ri_"
MAX_PRIORITY = 1000
# Ages are milliseconds since the Unix epoch: below 2**42 until the year 2109, so
# (MAX_PRIORITY - priority) * 2**42 + age stays an exact integer in a double (< 2**53).
AGE_SPAN = 2**42


def item_id_for(comment_id: str) -> str:
    """The review item id of a comment: stable, URL-safe, and the same in every process.

    `ri_` and 24 base32 letters of the comment id's SHA-256 (120 bits): comment ids are the
    comment system's (any characters, up to 128), item ids go into URLs and key names.
    """
    digest = hashlib.sha256(comment_id.encode("utf-8")).digest()[:15]
    return ITEM_ID_PREFIX + base64.b32encode(digest).decode("ascii").lower()


def check_prefix(prefix: str) -> None:
    """Refuse a key prefix that would break a key's hash tag (shared with `moderation.repeats`)."""
    if "{" in prefix or "}" in prefix:
        raise ValueError("a key prefix may not contain '{' or '}' (the hash tag's braces)")


def pending_score(priority: int, created_ms: int) -> int:
    """Score in the pending zset: ascending order is highest priority first, then oldest."""
    return (MAX_PRIORITY - priority) * AGE_SPAN + created_ms


@dataclass(frozen=True)
class QueueKeys:
    """Key builders for one key prefix (`settings.redis_prefix`; tests use one each)."""

    prefix: str = "moderation"

    def __post_init__(self) -> None:
        check_prefix(self.prefix)

    @property
    def base(self) -> str:
        return f"{self.prefix}:{TAG}"

    def item(self, item_id: str) -> str:
        return f"{self.base}:item:{item_id}"

    @property
    def pending(self) -> str:
        return f"{self.base}:pending"

    @property
    def claimed(self) -> str:
        return f"{self.base}:claimed"

    @property
    def decided(self) -> str:
        return f"{self.base}:decided"

    def reporters(self, item_id: str) -> str:
        return f"{self.base}:reporters:{item_id}"

    @property
    def item_prefix(self) -> str:
        """The item keys' common start: scripts that find item ids in a zset build the keys
        from it (same hash tag, so the same cluster slot)."""
        return f"{self.base}:item:"

    @property
    def counts(self) -> str:
        return f"{self.base}:counts"

    @property
    def audit(self) -> str:
        return f"{self.base}:audit"

    @property
    def outbox(self) -> str:
        return f"{self.base}:outbox"

    @property
    def pattern(self) -> str:
        """SCAN pattern matching every queue key of this prefix (braces are literal there)."""
        return f"{self.base}:*"
