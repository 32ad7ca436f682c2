"""The review item store: create-or-join one item per comment, leases (claim, expire,
release), decisions, and reading items by state.

An item is a Redis hash keyed by the comment's item id (`keys.item_id_for`); the pending
index is a sorted set ordered by priority, then age (`keys.pending_score`). Entering is one
Lua script (`scripts.CREATE_OR_JOIN`), so concurrent entries of one comment make one item.

Item hash fields: `item_id`, `comment_id`, `kind`, `kinds` (comma-separated), `state`,
`priority`, `created_at`, `updated_at`, `reopened_at` (ms since the epoch), `entries`,
`count:<kind>`, `text`, `author_id`, `context` (JSON), `scoring` (JSON: the automated decision
on record), `entry:<kind>` (JSON: e.g. the appeal, with `at` and `original`), `reasons`
(JSON list of reader reports' `{reason, reporter_id?, at}`), while claimed `claimed_by`,
`claimed_at`, `lease_expires_at`, once decided `outcome`, `labels` (JSON), `note`,
`decided_by`, `decided_at`, the counters `claims`, `releases`, `expired_leases`, and on an
item that entered as `audit` the `audit_rate` it was sampled at (what its outcome weighs).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, cast

import orjson
import redis

from moderation.categories import CATEGORIES
from moderation.errors import Conflict, InvalidInput, NotFound
from moderation.queue.connection import check, unavailable_as_503
from moderation.queue.keys import MAX_PRIORITY, QueueKeys, item_id_for
from moderation.queue.models import (
    MAX_NOTE_CHARS,
    Entered,
    Kind,
    Outcome,
    QueueStats,
    ReviewItem,
    State,
)
from moderation.queue.scripts import Scripts

# A kind in ONCE enters an item at most once: a repeat changes nothing. A reader report may
# come many times (each one counts); the other kinds are idempotent.
ONCE: frozenset[Kind] = frozenset({"flag", "audit", "appeal"})
# Joining a decided item with one of these kinds puts it back in front of a moderator.
REOPENS: frozenset[Kind] = frozenset({"appeal"})
# Base priority of each kind (0–1000): an appeal is a person waiting for an answer.
PRIORITY: dict[Kind, int] = {"audit": 0, "flag": 100, "report": 300, "appeal": 900}
# Reader reports' reasons kept on an item (the latest ones).
MAX_REASONS = 20
# Most expired leases one script call returns to pending (the rest go on the next call).
EXPIRE_BATCH = 1_000
# How long a claim remembers what it took, for a retry of the same call (ms).
CLAIM_RECORD_MS = 60_000


class CommentIdCollision(RuntimeError):
    """Two comment ids share an item id (120-bit hash): never expected, never overwritten."""


class ItemNotFound(NotFound):
    code = "item_not_found"


class NotHeld(Conflict):
    """The item is not claimed by this moderator (pending, or someone else's lease)."""

    code = "not_held"


class LeaseExpired(Conflict):
    code = "lease_expired"


class AlreadyDecided(Conflict):
    """A decided item is final: another moderator or another outcome is refused."""

    code = "already_decided"


def _now_arg(now_ms: int | None) -> str | int:
    return "" if now_ms is None else now_ms


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
            "reports": int(fields.get("count:report", 0)),
            "reasons": [
                {**r, "at": _time(str(r["at"]))} for r in orjson.loads(fields.get("reasons", "[]"))
            ],
            "claimed_by": fields.get("claimed_by"),
            "lease_expires_at": _time(fields.get("lease_expires_at")),
            "outcome": fields.get("outcome"),
            "labels": orjson.loads(fields["labels"]) if "labels" in fields else None,
            "note": fields.get("note"),
            "decided_by": fields.get("decided_by"),
            "decided_at": _time(fields.get("decided_at")),
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

    def enter(self, **fields: Any) -> EnterResult:
        """Create the comment's review item, or join the one it has (see `enter_call`)."""
        keys, args = self.enter_call(**fields)
        with unavailable_as_503("enter the comment into the review queue"):
            status, flat = self.scripts.create_or_join(keys=keys, args=args)
        if status == "conflict":
            raise CommentIdCollision(f"{keys[0]} already belongs to another comment")
        return EnterResult(status=status, item=item_from_hash(_pairs(flat)))

    def enter_call(
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
        reporter_id: str | None = None,
        reason: str | None = None,
        audit_rate: float | None = None,
        now_ms: int | None = None,
    ) -> tuple[list[str], list[str | int]]:
        """The CREATE_OR_JOIN script's keys and arguments for entering one comment: `enter`
        runs it; `ingest.enter_many` pipelines many.

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
            reporter_id: a reader report's reporter: a reporter already on the item changes
                nothing (`unchanged`), so each reporter counts once.
            reason: a reader report's reason, kept in the item's `reasons` (the latest
                `MAX_REASONS`).
            audit_rate: an `audit` entry's sampling rate, kept in `audit_rate` (filled once)
                so its outcome can be weighted by it even after the setting changed.
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
            reporter_id or "",
            reason or "",
            MAX_REASONS,
            0 if keep_record else 1,  # the first n pairs replace, the others fill
            "text",
            text or "",
            "author_id",
            author_id or "",
            "context",
            _dumps(context) if context else "",
            "audit_rate",
            "" if audit_rate is None else repr(float(audit_rate)),
        ]
        if keep_record and scoring is not None:
            args += ["scoring", _dumps(scoring)]
        keys = [
            self.keys.item(item_id),
            self.keys.pending,
            self.keys.decided,
            self.keys.reporters(item_id),
        ]
        return keys, args

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
        return self._items(ids)

    def ping(self) -> dict[str, object]:
        """Readiness of the queue's Redis (never raises)."""
        return check(self.client)

    # -- leases and decisions ----------------------------------------------------------------

    def expire(self, *, now_ms: int | None = None) -> int:
        """Return expired leases to pending (claim does it too); how many were returned."""
        with unavailable_as_503("return expired leases"):
            returned = self.scripts.expire(
                keys=[self.keys.claimed, self.keys.pending],
                args=[_now_arg(now_ms), self.keys.item_prefix, EXPIRE_BATCH],
            )
        return int(returned)

    def claim(
        self, *, moderator: str, limit: int, lease_seconds: float, now_ms: int | None = None
    ) -> list[ReviewItem]:
        """Lease up to `limit` pending items to `moderator`, highest priority then oldest
        first, after returning expired leases to pending."""
        if limit < 1 or lease_seconds <= 0:
            raise InvalidInput("limit and lease_seconds must be positive")
        # A token per call: if the connection drops after Redis ran the claim, the client's
        # automatic retry gets the same items back instead of leasing a second batch.
        record = f"{self.keys.base}:claim:{uuid.uuid4().hex}"
        with unavailable_as_503("claim review items"):
            rows = self.scripts.claim(
                keys=[self.keys.pending, self.keys.claimed, record],
                args=[
                    _now_arg(now_ms),
                    moderator,
                    limit,
                    round(lease_seconds * 1000),
                    self.keys.item_prefix,
                    EXPIRE_BATCH,
                    CLAIM_RECORD_MS,
                ],
            )
        return [item_from_hash(_pairs(row)) for row in rows]

    def release(self, item_id: str, *, moderator: str, now_ms: int | None = None) -> ReviewItem:
        """Give an item `moderator` holds back to pending."""
        keys = [self.keys.item(item_id), self.keys.claimed, self.keys.pending]
        with unavailable_as_503("release the review item"):
            status, flat = self.scripts.release(
                keys=keys, args=[item_id, moderator, _now_arg(now_ms)]
            )
        return self._settled(status, flat, item_id, moderator)

    def decide(
        self,
        item_id: str,
        *,
        moderator: str,
        outcome: Outcome,
        labels: Sequence[str] = (),
        note: str | None = None,
        now_ms: int | None = None,
    ) -> tuple[Literal["decided", "unchanged"], ReviewItem]:
        """Record `moderator`'s decision on an item they hold, with its audit-log entry and
        outbox message (scripts.DECIDE). A repeat by the same moderator with the same outcome
        is `unchanged` and writes nothing.

        Raises:
            InvalidInput: unknown outcome or category, a note over MAX_NOTE_CHARS.
            ItemNotFound, NotHeld, LeaseExpired, AlreadyDecided.
        """
        if outcome not in ("approve", "reject"):
            raise InvalidInput(f"outcome must be approve or reject, not {outcome!r}")
        unknown = sorted(set(labels) - set(CATEGORIES))
        if unknown:
            raise InvalidInput(f"unknown categories: {', '.join(unknown)}", details=unknown)
        if note is not None and len(note) > MAX_NOTE_CHARS:
            raise InvalidInput(f"note is longer than {MAX_NOTE_CHARS} characters")
        ordered = [c for c in CATEGORIES if c in set(labels)]
        keys = [
            self.keys.item(item_id),
            self.keys.claimed,
            self.keys.pending,
            self.keys.decided,
            self.keys.audit,
            self.keys.outbox,
            self.keys.counts,
        ]
        args = [item_id, moderator, outcome, _dumps(ordered), note or "", _dumps(note or None)]
        with unavailable_as_503("record the decision"):
            status, flat = self.scripts.decide(keys=keys, args=[*args, _now_arg(now_ms)])
        item = self._settled(status, flat, item_id, moderator)
        return ("unchanged" if status == "unchanged" else "decided"), item

    def _settled(self, status: str, flat: list[str], item_id: str, moderator: str) -> ReviewItem:
        """The item a release or decision script returned, or the error its status names."""
        if status == "not_found":
            raise ItemNotFound(f"no review item {item_id!r}", details={"item_id": item_id})
        item = item_from_hash(_pairs(flat))
        details = {"item_id": item_id, "state": item.state}
        if status == "not_held":
            raise NotHeld(f"{moderator!r} does not hold item {item_id!r}", details=details)
        if status == "lease_expired":
            raise LeaseExpired(
                f"the lease of {moderator!r} on item {item_id!r} ran out; it is pending again",
                details=details,
            )
        if status == "already_decided":
            raise AlreadyDecided(
                f"item {item_id!r} was decided by {item.decided_by!r} ({item.outcome})",
                details={**details, "decided_by": item.decided_by, "outcome": item.outcome},
            )
        return item

    # -- reading -----------------------------------------------------------------------------

    def by_state(
        self, state: State, *, limit: int = 50, offset: int = 0
    ) -> tuple[int, list[ReviewItem]]:
        """(items in `state`, a page of them). Pending and claimed: highest priority first,
        then oldest; decided: latest decision first. Expired leases return first."""
        if state == "pending":
            self.expire()
            with unavailable_as_503("list the review queue"):
                total = int(self.client.zcard(self.keys.pending))
            return total, self.pending(limit=limit, offset=offset)
        if state == "decided":
            with unavailable_as_503("list the review queue"):
                total = int(self.client.zcard(self.keys.decided))
                latest = self.client.zrevrange(self.keys.decided, offset, offset + limit - 1)
            return total, self._items(cast(list[str], latest))
        self.expire()
        with unavailable_as_503("list the review queue"):
            leased = cast(list[str], self.client.zrange(self.keys.claimed, 0, -1))
        held = sorted(self._items(leased), key=lambda i: (-i.priority, i.created_at))
        return len(held), held[offset : offset + limit]

    def _items(self, ids: Sequence[str]) -> list[ReviewItem]:
        with unavailable_as_503("read review items"):
            pipe = self.client.pipeline(transaction=False)
            for item_id in ids:
                pipe.hgetall(self.keys.item(item_id))
            rows = pipe.execute()
        return [item_from_hash(row) for row in rows if row]

    def stats(self) -> QueueStats:
        """The queue's figures (`moderation.queue.stats.queue_stats`)."""
        from moderation.queue.stats import queue_stats

        return queue_stats(self)
