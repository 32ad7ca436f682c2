"""The review queue's figures (`queue_stats`) and its decided items as labelled JSONL rows
(`export_rows`), read from the item hashes, the state zsets and the decision counters.

Export format, one JSON object per decided item (the `text` + category columns that
`training.data.load_labelled_file` and `moderation evaluate` read):
`{"text", "violence", "racism", "profanity", "vulgarity", "doxing", "discourtesy", "spam",
"source": "moderation_queue", "item_id", "comment_id", "outcome", "moderator", "decided_at",
"kinds", "audit_rate"}`. A category is 1 when the moderator rejected the comment with that
label, else 0; `approve` makes all seven 0; a `reject` with no labels leaves all seven null
(unknown). `audit_rate` is the rate an audit item was sampled at (else null).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

import orjson

from moderation.categories import CATEGORIES
from moderation.queue.connection import unavailable_as_503
from moderation.queue.models import KINDS, AuditAgreement, DecisionCounts, QueueStats

if TYPE_CHECKING:
    from moderation.queue.items import ReviewQueue

EXPORT_SOURCE = "moderation_queue"
DECISION_TIME_SAMPLE = 1_000
CHUNK = 500
POSITIVE = frozenset({"flag", "reject"})  # the automated decisions that say "not fine"


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def _iso(ms: int) -> str:
    moment = datetime.fromtimestamp(ms / 1000, tz=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _fetch(queue: ReviewQueue, ids: list[str], fields: tuple[str, ...]) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for start in range(0, len(ids), CHUNK):
        pipe = queue.client.pipeline(transaction=False)
        for item_id in ids[start : start + CHUNK]:
            pipe.hmget(queue.keys.item(item_id), list(fields))
        rows.extend(pipe.execute())
    return rows


def audit_agreement(counts: dict[str, str]) -> AuditAgreement:
    """Precision and recall of the automated decision on audit items, the moderator's
    outcome being the truth (`reject` positive), from the `audit:<auto>:<outcome>` counters."""
    cells = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    for name, value in counts.items():
        if name.startswith("audit:"):
            _, automated, outcome = name.split(":", 2)
            said = automated in POSITIVE
            truth = outcome == "reject"
            cell = ("t" if said == truth else "f") + ("p" if said else "n")
            cells[cell] += int(value)
    decided = sum(cells.values())
    return AuditAgreement(
        decided=decided,
        true_positive=cells["tp"],
        false_positive=cells["fp"],
        false_negative=cells["fn"],
        true_negative=cells["tn"],
        agreement=_ratio(cells["tp"] + cells["tn"], decided),
        precision=_ratio(cells["tp"], cells["tp"] + cells["fp"]),
        recall=_ratio(cells["tp"], cells["tp"] + cells["fn"]),
    )


def queue_stats(queue: ReviewQueue, *, sample: int = DECISION_TIME_SAMPLE) -> QueueStats:
    """Depth by state and kind, oldest pending age, decisions by outcome and moderator, the
    median time to decision over the latest `sample` decisions, and the audit agreement."""
    queue.expire()
    keys = queue.keys
    with unavailable_as_503("read the queue figures"):
        pipe = queue.client.pipeline(transaction=False)
        pipe.time()
        pipe.zrange(keys.pending, 0, -1)
        pipe.zrange(keys.claimed, 0, -1)
        pipe.zcard(keys.decided)
        pipe.hgetall(keys.counts)
        pipe.zrevrange(keys.decided, 0, sample - 1)
        pipe.xlen(keys.audit)
        (seconds, micros), pending, claimed, decided, counts, recent, audit_len = pipe.execute()
        now_ms = int(seconds) * 1000 + int(micros) // 1000
        open_rows = _fetch(queue, pending + claimed, ("kind", "created_at"))
        decided_rows = _fetch(queue, recent, ("created_at", "reopened_at", "decided_at"))

    by_kind = {state: dict.fromkeys(KINDS, 0) for state in ("pending", "claimed")}
    oldest: int | None = None
    for n, (kind, created) in enumerate(open_rows):
        if kind is None:
            continue
        state = "pending" if n < len(pending) else "claimed"
        by_kind[state][kind] += 1
        if state == "pending":
            oldest = int(created) if oldest is None else min(oldest, int(created))
    waits = [
        (int(decided_at) - int(reopened or created)) / 1000
        for created, reopened, decided_at in decided_rows
        if created is not None and decided_at is not None
    ]
    counts = cast(dict[str, str], counts)
    by_outcome = {k.split(":", 1)[1]: int(v) for k, v in counts.items() if k.startswith("outcome:")}
    return QueueStats.model_validate(
        {
            "at": datetime.fromtimestamp(now_ms / 1000, tz=UTC),
            "depth": {"pending": len(pending), "claimed": len(claimed), "decided": decided},
            "depth_by_kind": by_kind,
            "oldest_pending_age_seconds": None if oldest is None else (now_ms - oldest) / 1000,
            "decisions": DecisionCounts(
                total=sum(by_outcome.values()),
                by_outcome={"approve": 0, "reject": 0, **by_outcome},
                by_moderator={
                    k.split(":", 1)[1]: int(v)
                    for k, v in sorted(counts.items())
                    if k.startswith("moderator:")
                },
                median_seconds_to_decision=statistics.median(waits) if waits else None,
                sample=len(waits),
            ),
            "audit": audit_agreement(counts),
            "audit_log_entries": audit_len,
        }
    )


def count_decided(queue: ReviewQueue, *, since_ms: int | None = None) -> int:
    """How many items were decided at or after `since_ms`."""
    with unavailable_as_503("count decided items"):
        low = "-inf" if since_ms is None else since_ms
        return int(queue.client.zcount(queue.keys.decided, low, "+inf"))


def open_kinds(queue: ReviewQueue, *, since_ms: int | None = None) -> list[list[str]]:
    """The `kinds` of every open (pending or claimed) item created at or after `since_ms`."""
    with unavailable_as_503("read the open items"):
        pipe = queue.client.pipeline(transaction=False)
        pipe.zrange(queue.keys.pending, 0, -1)
        pipe.zrange(queue.keys.claimed, 0, -1)
        pending, claimed = pipe.execute()
        rows = _fetch(queue, [*pending, *claimed], ("kinds", "created_at"))
    return [
        kinds.split(",")
        for kinds, created in rows
        if kinds is not None and (since_ms is None or int(created) >= since_ms)
    ]


def export_row(fields: dict[str, str]) -> dict[str, Any] | None:
    """One decided item hash as an export row (None when it has no text or no decision)."""
    if fields.get("state") != "decided" or not fields.get("text"):
        return None
    outcome = fields["outcome"]
    labels = set(orjson.loads(fields.get("labels", "[]")))
    columns: dict[str, int | None]
    if outcome == "reject" and not labels:
        columns = dict.fromkeys(CATEGORIES)
    else:
        columns = {c: int(outcome == "reject" and c in labels) for c in CATEGORIES}
    return {
        "text": fields["text"],
        **columns,
        "source": EXPORT_SOURCE,
        "item_id": fields["item_id"],
        "comment_id": fields["comment_id"],
        "outcome": outcome,
        "moderator": fields["decided_by"],
        "decided_at": _iso(int(fields["decided_at"])),
        "kinds": fields["kinds"].split(","),
        # The rate an audit item was sampled at (null: not an audit item, or one from before
        # the rate was kept): what its outcome weighs in `moderation policy suggest`.
        "audit_rate": float(fields["audit_rate"]) if fields.get("audit_rate") else None,
    }


def export_rows(queue: ReviewQueue, *, since_ms: int | None = None) -> Iterator[dict[str, Any]]:
    """Decided items (decided at or after `since_ms`), oldest decision first, as rows."""
    with unavailable_as_503("export decided items"):
        low = "-inf" if since_ms is None else since_ms
        ids = cast(list[str], queue.client.zrangebyscore(queue.keys.decided, low, "+inf"))
        for start in range(0, len(ids), CHUNK):
            pipe = queue.client.pipeline(transaction=False)
            for item_id in ids[start : start + CHUNK]:
                pipe.hgetall(queue.keys.item(item_id))
            for fields in pipe.execute():
                row = export_row(fields)
                if row is not None:
                    yield row
