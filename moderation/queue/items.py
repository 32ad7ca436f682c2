"""The review item store: create-or-join one item per comment, read items, list pending ones.

An item is a Redis hash keyed by the comment's item id (`keys.item_id_for`); the pending
index is a sorted set ordered by priority, then age (`keys.pending_score`). Entering is one
Lua script (`scripts.CREATE_OR_JOIN`), so concurrent entries of one comment make one item.

Item hash fields: `item_id`, `comment_id`, `kind`, `kinds` (comma-separated), `state`,
`priority`, `created_at`, `updated_at`, `reopened_at` (ms since the epoch), `entries`,
`count:<kind>`, `text`, `author_id`, `context` (JSON), `scoring` (JSON: the automated decision
on record) and `entry:<kind>` (JSON: e.g. the appeal, with `at` and `original`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, cast

import orjson
import redis

from moderation.queue.connection import check, unavailable_as_503
from moderation.queue.keys import MAX_PRIORITY, QueueKeys, item_id_for
from moderation.queue.models import Entered, Kind, ReviewItem
from moderation.queue.scripts import Scripts

# A kind in ONCE enters an item at most once: a repeat changes nothing. A reader report may
# come many times (each one counts); the other kinds are idempotent.
ONCE: frozenset[Kind] = frozenset({"flag", "audit", "appeal"})
# Joining a decided item with one of these kinds puts it back in front of a moderator.
REOPENS: frozenset[Kind] = frozenset({"appeal"})
# Base priority of each kind (0–1000): an appeal is a person waiting for an answer.
PRIORITY: dict[Kind, int] = {"audit": 0, "flag": 100, "report": 300, "appeal": 900}


class CommentIdCollision(RuntimeError):
    """Two comment ids share an item id (120-bit hash): never expected, never overwritten."""


@dataclass(frozen=True)
class EnterResult:
    """What entering did (`created`, `joined`, `unchanged`, `author_mismatch`) and the item
    as it stands after the call."""

    status: Entered | Literal["author_mismatch"]
    item: ReviewItem


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode("utf-8")


def _time(ms: str | None) -> datetime | None:
    return None if ms is None else datetime.fromtimestamp(int(ms) / 1000, tz=UTC)


def item_from_hash(fields: Mapping[str, str]) -> ReviewItem:
    """A `ReviewItem` from the hash's fields (as HGETALL gives them)."""
    scoring = orjson.loads(fields["scoring"]) if "scoring" in fields else {}
    appeal = None
    if "entry:appeal" in fields:
        raw = orjson.loads(fields["entry:appeal"])
        appeal = {**raw, "created_at": _time(str(raw["at"]))}
    return ReviewItem.model_validate(
        {
            "item_id": fields["item_id"],
            "comment_id": fields["comment_id"],
            "kind": fields["kind"],
            "kinds": fields["kinds"].split(","),
            "state": fields["state"],
            "priority": int(fields["priority"]),
            "created_at": _time(fields["created_at"]),
            "updated_at": _time(fields.get("updated_at", fields["created_at"])),
            "reopened_at": _time(fields.get("reopened_at")),
            "entries": int(fields.get("entries", 1)),
            "text": fields.get("text"),
            "author_id": fields.get("author_id"),
            "context": orjson.loads(fields["context"]) if "context" in fields else None,
            "decision": scoring.get("decision"),
            "scores": scoring.get("scores"),
            "triggered": scoring.get("triggered"),
            "model_version": scoring.get("model_version"),
            "policy_version": scoring.get("policy_version"),
            "appeal": appeal,
        }
    )


def _pairs(flat: list[str]) -> dict[str, str]:
    return dict(zip(flat[::2], flat[1::2], strict=True))


class ReviewQueue:
    """The review queue on one Redis client and key prefix."""

    def __init__(self, client: redis.Redis, keys: QueueKeys | None = None) -> None:
        self.client = client
        self.keys = keys or QueueKeys()
        self.scripts = Scripts(client)

    def enter(
        self,
        *,
        comment_id: str,
        kind: Kind,
        priority: int | None = None,
        scoring: Mapping[str, Any] | None = None,
        entry: Mapping[str, Any] | None = None,
        text: str | None = None,
        author_id: str | None = None,
        context: Mapping[str, Any] | None = None,
        guard_author: str | None = None,
        keep_record: bool = False,
        now_ms: int | None = None,
    ) -> EnterResult:
        """Create the comment's review item, or join the one it has (see CREATE_OR_JOIN).

        Args:
            priority: 0–1000, default the kind's base priority (`PRIORITY`).
            scoring: the automated decision (a `ModerationResult` dump); replaces the one on
                record, and `text` with it.
            entry: this kind's own record (e.g. the appeal: message, author_id).
            author_id, context: filled in when the item has none yet.
            guard_author: leave an item whose author is someone else alone
                (`author_mismatch`).
            keep_record: `text` and `scoring` only fill an item that has none (an appeal
                must not replace the comment on record with the text the appeal carries).
            now_ms: the time to record (tests); default the Redis server's clock.
        """
        priority = PRIORITY[kind] if priority is None else priority
        if not 0 <= priority <= MAX_PRIORITY:
            raise ValueError(f"priority must be 0..{MAX_PRIORITY}, not {priority}")
        item_id = item_id_for(comment_id)
        args: list[str | int] = [
            item_id,
            comment_id,
            kind,
            priority,
            "" if now_ms is None else now_ms,
            "1" if kind in ONCE else "0",
            "1" if kind in REOPENS else "0",
            guard_author or "",
            "" if scoring is None or keep_record else _dumps(scoring),
            "" if entry is None else _dumps(entry),
            0 if keep_record else 1,  # the first n pairs replace, the others fill
            "text",
            text or "",
            "author_id",
            author_id or "",
            "context",
            _dumps(context) if context else "",
        ]
        if keep_record and scoring is not None:
            args += ["scoring", _dumps(scoring)]
        keys = [self.keys.item(item_id), self.keys.pending, self.keys.decided]
        with unavailable_as_503("enter the comment into the review queue"):
            status, flat = self.scripts.create_or_join(keys=keys, args=args)
        if status == "conflict":
            raise CommentIdCollision(f"item id {item_id} already belongs to another comment")
        return EnterResult(status=status, item=item_from_hash(_pairs(flat)))

    def get(self, item_id: str) -> ReviewItem | None:
        """The item with this id, or None."""
        with unavailable_as_503("read the review item"):
            fields = cast(dict[str, str], self.client.hgetall(self.keys.item(item_id)))
        return item_from_hash(fields) if fields else None

    def get_by_comment(self, comment_id: str) -> ReviewItem | None:
        """The review item of a comment, or None."""
        return self.get(item_id_for(comment_id))

    def pending(self, *, limit: int = 50, offset: int = 0) -> list[ReviewItem]:
        """Pending items, highest priority first, then oldest first."""
        with unavailable_as_503("list the review queue"):
            ids = cast(list[str], self.client.zrange(self.keys.pending, offset, offset + limit - 1))
            pipe = self.client.pipeline(transaction=False)
            for item_id in ids:
                pipe.hgetall(self.keys.item(item_id))
            rows = pipe.execute()
        return [item_from_hash(row) for row in rows if row]

    def ping(self) -> dict[str, object]:
        """Readiness of the queue's Redis (never raises)."""
        return check(self.client)
