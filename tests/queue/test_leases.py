"""Leases, decisions, the audit log and outbox, report dedupe, stats and export, on the real
Redis: claim order, expiry, concurrency (threads and processes), decision rules."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis

from moderation.errors import InvalidInput
from moderation.queue import ReviewQueue
from moderation.queue.items import (
    MAX_REASONS,
    AlreadyDecided,
    ItemNotFound,
    LeaseExpired,
    NotHeld,
)
from moderation.queue.stats import export_rows

T0 = 1_790_000_000_000
LEASE = 60.0  # seconds


def scoring(decision: str = "flag") -> dict[str, object]:
    return {
        "decision": decision,
        "scores": {"violence": 0.8},
        "triggered": [],
        "model_version": "m-1",
        "policy_version": "p-1",
    }


def flag(queue: ReviewQueue, comment_id: str, *, now_ms: int | None = T0, **kwargs: object) -> str:
    result = queue.enter(
        comment_id=comment_id,
        kind=kwargs.pop("kind", "flag"),  # type: ignore[arg-type]
        scoring=kwargs.pop("scoring", scoring()),  # type: ignore[arg-type]
        text=f"text of {comment_id}",
        now_ms=now_ms,
        **kwargs,  # type: ignore[arg-type]
    )
    return result.item.item_id


def server_ms(raw: redis.Redis) -> int:
    seconds, micros = raw.time()
    return int(seconds) * 1000 + int(micros) // 1000


# -- claim -------------------------------------------------------------------------------------


def test_claim_takes_highest_priority_then_oldest_as_a_lease(
    queue: ReviewQueue, raw: redis.Redis
) -> None:
    flag(queue, "old", priority=150, now_ms=T0)
    flag(queue, "new", priority=150, now_ms=T0 + 1)
    flag(queue, "risky", priority=190, now_ms=T0 + 2)
    flag(queue, "audit", kind="audit", now_ms=T0 - 10_000)
    first = queue.claim(moderator="ana", limit=2, lease_seconds=LEASE, now_ms=T0 + 10)
    assert [i.comment_id for i in first] == ["risky", "old"]
    for item in first:
        assert (item.state, item.claimed_by) == ("claimed", "ana")
        assert item.lease_expires_at == datetime.fromtimestamp((T0 + 60_010) / 1000, tz=UTC)
    assert raw.zrange(queue.keys.claimed, 0, -1, withscores=True) == [
        (i.item_id, float(T0 + 60_010)) for i in sorted(first, key=lambda i: i.item_id)
    ]
    second = queue.claim(moderator="ben", limit=5, lease_seconds=LEASE, now_ms=T0 + 20)
    assert [i.comment_id for i in second] == ["new", "audit"]
    assert queue.claim(moderator="cy", limit=5, lease_seconds=LEASE, now_ms=T0 + 30) == []
    assert raw.zcard(queue.keys.pending) == 0 and raw.zcard(queue.keys.claimed) == 4


def test_an_expired_lease_returns_the_item_by_itself(queue: ReviewQueue, raw: redis.Redis) -> None:
    item_id = flag(queue, "c-1")
    flag(queue, "c-2", now_ms=T0 + 1)
    queue.claim(moderator="ana", limit=1, lease_seconds=10, now_ms=T0 + 100)
    # one ms before expiry it is still ana's; at expiry another claim takes it back first
    assert [
        i.comment_id
        for i in queue.claim(moderator="ben", limit=5, lease_seconds=10, now_ms=T0 + 10_099)
    ] == ["c-2"]
    taken = queue.claim(moderator="ben", limit=5, lease_seconds=10, now_ms=T0 + 10_100)
    assert [(i.item_id, i.claimed_by) for i in taken] == [(item_id, "ben")]
    assert raw.hget(queue.keys.item(item_id), "expired_leases") == "1"
    with pytest.raises(NotHeld):
        queue.decide(item_id, moderator="ana", outcome="approve", now_ms=T0 + 10_200)


def test_expiry_on_the_server_clock_with_a_one_second_lease(
    queue: ReviewQueue, raw: redis.Redis
) -> None:
    item_id = flag(queue, "c-1", now_ms=server_ms(raw))
    queue.claim(moderator="ana", limit=1, lease_seconds=1)
    assert queue.expire() == 0 and queue.by_state("pending")[0] == 0
    time.sleep(1.05)
    total, items = queue.by_state("pending")  # reads return expired leases first
    assert total == 1 and items[0].item_id == item_id and items[0].claimed_by is None
    assert raw.zcard(queue.keys.claimed) == 0


def test_the_expire_step_alone(queue: ReviewQueue) -> None:
    for n in range(3):
        flag(queue, f"c-{n}", now_ms=T0 + n)
    queue.claim(moderator="ana", limit=2, lease_seconds=5, now_ms=T0)
    queue.claim(moderator="ben", limit=1, lease_seconds=50, now_ms=T0)
    assert queue.expire(now_ms=T0 + 5_000) == 2
    assert queue.expire(now_ms=T0 + 5_000) == 0
    assert [i.comment_id for i in queue.pending()] == ["c-0", "c-1"]


def test_release_gives_the_item_back_in_its_place(queue: ReviewQueue) -> None:
    a, b = flag(queue, "c-a", now_ms=T0), flag(queue, "c-b", now_ms=T0 + 1)
    queue.claim(moderator="ana", limit=1, lease_seconds=LEASE, now_ms=T0 + 5)
    with pytest.raises(NotHeld) as caught:
        queue.release(a, moderator="ben")
    assert caught.value.status == 409 and caught.value.code == "not_held"
    with pytest.raises(NotHeld):
        queue.release(b, moderator="ana")  # pending, not held
    with pytest.raises(ItemNotFound) as missing:
        queue.release("ri_nothing", moderator="ana")
    assert missing.value.status == 404
    released = queue.release(a, moderator="ana")
    assert released.state == "pending" and released.claimed_by is None
    assert [i.item_id for i in queue.pending()] == [a, b]


# -- decisions ---------------------------------------------------------------------------------


def claimed(
    queue: ReviewQueue,
    comment_id: str,
    moderator: str = "ana",
    *,
    at: int | None = None,
    **kwargs: object,
) -> str:
    """A new item claimed by `moderator` 1 ms after it entered at `at` (default: now, on the
    server's clock)."""
    item_id = flag(queue, comment_id, now_ms=at, **kwargs)  # type: ignore[arg-type]
    later = None if at is None else at + 1
    taken = queue.claim(moderator=moderator, limit=1, lease_seconds=LEASE, now_ms=later)
    assert [i.item_id for i in taken] == [item_id]
    return item_id


def test_a_decision_is_recorded_with_its_audit_entry_and_webhook_message(
    queue: ReviewQueue, raw: redis.Redis
) -> None:
    item_id = claimed(queue, "c-1", at=T0, author_id="u-1")
    queue.enter(comment_id="c-1", kind="appeal", entry={"message": "m"}, now_ms=T0 + 2)
    at = T0 + 2_500
    result, item = queue.decide(
        item_id,
        moderator="ana",
        outcome="reject",
        labels=["spam", "discourtesy", "spam"],
        note="name-calling / ads",
        now_ms=at,
    )
    assert result == "decided"
    assert (item.state, item.outcome, item.decided_by) == ("decided", "reject", "ana")
    assert item.labels == ["discourtesy", "spam"] and item.note == "name-calling / ads"
    assert item.decided_at == datetime.fromtimestamp(at / 1000, tz=UTC)
    assert item.claimed_by is None and item.lease_expires_at is None
    assert raw.zrange(queue.keys.decided, 0, -1, withscores=True) == [(item_id, float(at))]
    assert raw.zcard(queue.keys.claimed) == 0 and raw.zcard(queue.keys.pending) == 0

    iso = "2026-09-21T14:13:22.500Z"
    assert datetime.fromisoformat(iso) == item.decided_at
    [(_, audit)] = raw.xrange(queue.keys.audit)
    assert audit == {
        "item_id": item_id,
        "comment_id": "c-1",
        "moderator": "ana",
        "outcome": "reject",
        "labels": '["discourtesy","spam"]',
        "note": "name-calling / ads",
        "kinds": "flag,appeal",
        "decided_at": iso,
        "automated_decision": "flag",
    }
    [(_, message)] = raw.xrange(queue.keys.outbox)
    assert set(message) == {"event", "item_id", "body"}
    assert (message["event"], message["item_id"]) == ("decision", item_id)
    assert json.loads(message["body"]) == {
        "event": "decision",
        "item_id": item_id,
        "comment_id": "c-1",
        "outcome": "reject",
        "labels": ["discourtesy", "spam"],
        "note": "name-calling / ads",
        "moderator": "ana",
        "decided_at": iso,
        "kinds": ["flag", "appeal"],
        "automated_decision": "flag",
        "appeal": True,
    }


@pytest.mark.parametrize(
    "moment",
    [
        "1970-01-01T00:00:00.000",
        "1999-12-31T23:59:59.999",
        "2000-02-29T12:00:00.001",
        "2024-02-29T23:59:59.000",
        "2024-03-01T00:00:00.000",
        "2026-12-31T00:00:00.100",
        "2100-02-28T06:07:08.009",
        "2100-03-01T00:00:00.000",
    ],
)
def test_decided_at_is_iso_8601_utc(queue: ReviewQueue, raw: redis.Redis, moment: str) -> None:
    ms = int(datetime.fromisoformat(moment).replace(tzinfo=UTC).timestamp() * 1000)
    item_id = claimed(queue, "c-1", at=ms - 1_000)
    queue.decide(item_id, moderator="ana", outcome="approve", now_ms=ms)
    body = json.loads(raw.xrange(queue.keys.outbox)[0][1]["body"])
    assert body["decided_at"] == moment + "Z"
    assert (body["note"], body["labels"], body["appeal"]) == (None, [], False)


def test_a_decision_is_final_and_idempotent_for_its_moderator(
    queue: ReviewQueue, raw: redis.Redis
) -> None:
    item_id = claimed(queue, "c-1")
    _, first = queue.decide(item_id, moderator="ana", outcome="reject", labels=["spam"])
    again, same = queue.decide(item_id, moderator="ana", outcome="reject", labels=["spam"])
    assert again == "unchanged" and same == first  # the same decision, nothing written
    with pytest.raises(AlreadyDecided):  # other labels are another decision, not a retry
        queue.decide(item_id, moderator="ana", outcome="reject", labels=["violence"])
    with pytest.raises(AlreadyDecided):
        queue.decide(item_id, moderator="ana", outcome="reject", labels=["spam"], note="hm")
    with pytest.raises(AlreadyDecided) as other_outcome:
        queue.decide(item_id, moderator="ana", outcome="approve")
    assert other_outcome.value.status == 409
    assert other_outcome.value.details["decided_by"] == "ana"
    with pytest.raises(AlreadyDecided):
        queue.decide(item_id, moderator="ben", outcome="reject")
    assert raw.xlen(queue.keys.audit) == 1 and raw.xlen(queue.keys.outbox) == 1
    assert raw.hgetall(queue.keys.counts) == {"outcome:reject": "1", "moderator:ana": "1"}


def test_only_the_lease_holder_decides(queue: ReviewQueue, raw: redis.Redis) -> None:
    item_id = claimed(queue, "c-1", moderator="ana", at=T0)
    pending_id = flag(queue, "c-2", now_ms=T0 + 5)
    with pytest.raises(NotHeld):
        queue.decide(item_id, moderator="ben", outcome="approve")
    with pytest.raises(NotHeld):
        queue.decide(pending_id, moderator="ana", outcome="approve")
    with pytest.raises(ItemNotFound):
        queue.decide("ri_nothing", moderator="ana", outcome="approve")
    # ana's own lease ran out: refused, and the item is back in pending
    with pytest.raises(LeaseExpired) as expired:
        queue.decide(item_id, moderator="ana", outcome="approve", now_ms=T0 + 1 + 60_000)
    assert expired.value.details["state"] == "pending"
    assert queue.get(item_id).state == "pending"  # type: ignore[union-attr]
    assert raw.xlen(queue.keys.audit) == 0 and raw.xlen(queue.keys.outbox) == 0
    assert not raw.exists(queue.keys.counts)


@pytest.mark.parametrize(
    ("outcome", "labels", "note"),
    [
        ("maybe", [], None),
        ("reject", ["rudeness"], None),
        ("reject", ["spam"], "n" * 2_001),
    ],
)
def test_invalid_decisions_are_refused_before_redis(
    queue: ReviewQueue, raw: redis.Redis, outcome: str, labels: list[str], note: str | None
) -> None:
    item_id = claimed(queue, "c-1")
    with pytest.raises(InvalidInput):
        queue.decide(item_id, moderator="ana", outcome=outcome, labels=labels, note=note)  # type: ignore[arg-type]
    assert queue.get(item_id).state == "claimed"  # type: ignore[union-attr]
    assert raw.xlen(queue.keys.audit) == 0


def test_racing_decisions_write_one_audit_entry(queue: ReviewQueue, raw: redis.Redis) -> None:
    item_id = claimed(queue, "c-1")
    threads = 12
    barrier = threading.Barrier(threads)

    def decide(_: int) -> str:
        barrier.wait()
        return queue.decide(item_id, moderator="ana", outcome="approve")[0]

    with ThreadPoolExecutor(threads) as pool:
        results = Counter(pool.map(decide, range(threads)))
    assert results == {"decided": 1, "unchanged": threads - 1}
    assert raw.xlen(queue.keys.audit) == 1 and raw.xlen(queue.keys.outbox) == 1


def test_an_appeal_reopens_a_decided_item_for_a_new_decision(
    queue: ReviewQueue, raw: redis.Redis
) -> None:
    item_id = claimed(queue, "c-1", at=T0, author_id="u-1")
    queue.decide(item_id, moderator="ana", outcome="reject", labels=["spam"], now_ms=T0 + 10)
    queue.enter(comment_id="c-1", kind="appeal", entry={"message": "m"}, now_ms=T0 + 20)
    assert queue.claim(moderator="ben", limit=1, lease_seconds=LEASE, now_ms=T0 + 30)
    result, item = queue.decide(item_id, moderator="ben", outcome="approve", now_ms=T0 + 40)
    assert result == "decided" and (item.outcome, item.decided_by, item.labels) == (
        "approve",
        "ben",
        [],
    )
    bodies = [json.loads(m["body"]) for _, m in raw.xrange(queue.keys.outbox)]
    assert [(b["outcome"], b["appeal"]) for b in bodies] == [("reject", False), ("approve", True)]


# -- concurrency -------------------------------------------------------------------------------

ITEMS = 1_000


def fill(queue: ReviewQueue, n: int = ITEMS) -> set[str]:
    pipe = queue.client.pipeline(transaction=False)
    for i in range(n):
        keys = [queue.keys.item(f"x{i}"), queue.keys.pending]
        pipe.hset(
            keys[0],
            mapping={
                "item_id": f"x{i}",
                "comment_id": f"c-{i}",
                "kind": "flag",
                "kinds": "flag",
                "state": "pending",
                "priority": i % 7,
                "created_at": T0 + i,
                "text": f"comment {i}",
            },
        )
        pipe.zadd(keys[1], {f"x{i}": (1000 - i % 7) * 2**42 + T0 + i})
    pipe.execute()
    return {f"x{i}" for i in range(n)}


def test_threads_claiming_at_once_never_share_an_item(queue: ReviewQueue, raw: redis.Redis) -> None:
    everything = fill(queue)
    moderators = 8
    barrier = threading.Barrier(moderators)

    def work(n: int) -> list[str]:
        barrier.wait()
        mine: list[str] = []
        while batch := queue.claim(moderator=f"m{n}", limit=7, lease_seconds=LEASE):
            mine += [item.item_id for item in batch]
        return mine

    with ThreadPoolExecutor(moderators) as pool:
        held = list(pool.map(work, range(moderators)))
    flat = [i for ids in held for i in ids]
    assert len(flat) == len(set(flat)) == ITEMS and set(flat) == everything
    assert sum(1 for ids in held if ids) > 1  # they really competed
    for n, ids in enumerate(held):
        for item_id in ids[:20]:
            assert raw.hget(queue.keys.item(item_id), "claimed_by") == f"m{n}"
    assert raw.zcard(queue.keys.claimed) == ITEMS and raw.zcard(queue.keys.pending) == 0


WORKER = """
import json, sys
from moderation.queue import QueueKeys, ReviewQueue
from moderation.queue.connection import connect
from moderation.settings import Settings
url, prefix, name = sys.argv[1:4]
queue = ReviewQueue(connect(Settings(redis_url=url, redis_prefix=prefix)), QueueKeys(prefix))
queue.client.ping()
print("ready", flush=True)
sys.stdin.readline()  # start together
done = []
while batch := queue.claim(moderator=name, limit=5, lease_seconds=60):
    for item in batch:
        queue.decide(item.item_id, moderator=name, outcome="reject", labels=["spam"])
        done.append(item.item_id)
print(json.dumps(done))
"""


def test_processes_claiming_and_deciding_lose_nothing(
    queue: ReviewQueue, raw: redis.Redis, redis_url: str, redis_prefix: str
) -> None:
    everything = fill(queue)
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, redis_url, redis_prefix, f"proc-{n}"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(2)
    ]
    for worker in workers:  # both import and connect before either starts
        assert worker.stdout is not None and worker.stdout.readline() == "ready\n"
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.flush()
    outputs = [json.loads(worker.communicate(timeout=120)[0]) for worker in workers]
    assert all(worker.returncode == 0 for worker in workers)
    flat = [i for ids in outputs for i in ids]
    assert len(flat) == len(set(flat)) == ITEMS and set(flat) == everything
    assert all(outputs)  # both processes got work
    assert raw.zcard(queue.keys.decided) == ITEMS
    assert raw.xlen(queue.keys.audit) == raw.xlen(queue.keys.outbox) == ITEMS
    counts = raw.hgetall(queue.keys.counts)
    assert counts["outcome:reject"] == str(ITEMS)
    assert int(counts["moderator:proc-0"]) == len(outputs[0])


# -- reader reports ----------------------------------------------------------------------------


def test_a_reporter_counts_once_and_reasons_are_kept(queue: ReviewQueue, raw: redis.Redis) -> None:
    item_id = flag(queue, "c-1")
    first = queue.enter(
        comment_id="c-1", kind="report", reporter_id="r-1", reason="rude", now_ms=T0 + 1
    )
    repeat = queue.enter(
        comment_id="c-1", kind="report", reporter_id="r-1", reason="again", now_ms=T0 + 2
    )
    other = queue.enter(
        comment_id="c-1", kind="report", reporter_id="r-2", reason="spam", now_ms=T0 + 3
    )
    assert (first.status, repeat.status, other.status) == ("joined", "unchanged", "joined")
    item = other.item
    assert item.reports == 2 and item.entries == 3
    assert [(r.reason, r.reporter_id) for r in item.reasons] == [("rude", "r-1"), ("spam", "r-2")]
    assert item.reasons[1].at == datetime.fromtimestamp((T0 + 3) / 1000, tz=UTC)
    assert raw.smembers(queue.keys.reporters(item_id)) == {"r-1", "r-2"}
    # a report without a reporter id always counts; a new comment starts with its reporter
    anonymous = queue.enter(comment_id="c-1", kind="report", reason="bad")
    assert anonymous.status == "joined" and anonymous.item.reports == 3
    fresh = queue.enter(
        comment_id="c-9", kind="report", reporter_id="r-1", reason="x", scoring=scoring(), text="t"
    )
    assert fresh.status == "created" and fresh.item.reports == 1
    assert queue.enter(comment_id="c-9", kind="report", reporter_id="r-1").status == "unchanged"


def test_only_the_latest_reasons_are_kept(queue: ReviewQueue) -> None:
    flag(queue, "c-1")
    for n in range(MAX_REASONS + 5):
        item = queue.enter(
            comment_id="c-1", kind="report", reporter_id=f"r-{n}", reason=f"reason {n}"
        ).item
    assert item.reports == MAX_REASONS + 5
    assert [r.reason for r in item.reasons] == [f"reason {n}" for n in range(5, MAX_REASONS + 5)]


# -- stats and export --------------------------------------------------------------------------


def test_stats(queue: ReviewQueue, raw: redis.Redis) -> None:
    now = server_ms(raw)
    # audit items: the model said allow or reject; moderators agree or not
    cases = [
        ("allow", "approve"),
        ("allow", "reject"),
        ("reject", "reject"),
        ("reject", "reject"),
        ("reject", "approve"),
        ("allow", "approve"),
    ]
    for n, (automated, _outcome) in enumerate(cases):
        flag(queue, f"a-{n}", kind="audit", scoring=scoring(automated), now_ms=now - 100_000 + n)
    taken = queue.claim(moderator="ana", limit=3, lease_seconds=LEASE)
    taken += queue.claim(moderator="ben", limit=3, lease_seconds=LEASE)
    waits = [10, 20, 30, 40, 50, 60]  # seconds from entering to the decision
    for n, (item, (automated, outcome), wait) in enumerate(zip(taken, cases, waits, strict=True)):
        assert item.decision == automated
        queue.decide(
            item.item_id,
            moderator="ana" if wait < 40 else "ben",
            outcome=outcome,
            now_ms=now - 100_000 + n + wait * 1000,
        )
    flag(queue, "p-old", now_ms=now - 90_000)
    flag(queue, "p-new", priority=300, kind="report", now_ms=now - 1_000)
    flag(queue, "c-held", now_ms=now - 5_000)
    queue.claim(moderator="cy", limit=1, lease_seconds=LEASE)  # the report (priority 300)

    stats = queue.stats()
    assert stats.depth == {"pending": 2, "claimed": 1, "decided": 6}
    assert stats.depth_by_kind["pending"] == {"flag": 2, "report": 0, "audit": 0, "appeal": 0}
    assert stats.depth_by_kind["claimed"]["report"] == 1
    assert stats.oldest_pending_age_seconds == pytest.approx(90, abs=2)
    assert stats.decisions.total == 6
    assert stats.decisions.by_outcome == {"approve": 3, "reject": 3}
    assert stats.decisions.by_moderator == {"ana": 3, "ben": 3}
    assert stats.decisions.median_seconds_to_decision == 35.0 and stats.decisions.sample == 6
    audit = stats.audit
    assert (audit.true_positive, audit.false_positive) == (2, 1)
    assert (audit.false_negative, audit.true_negative) == (1, 2)
    assert audit.precision == pytest.approx(2 / 3, abs=1e-4)
    assert audit.recall == pytest.approx(2 / 3, abs=1e-4)
    assert audit.agreement == pytest.approx(4 / 6, abs=1e-4)
    assert stats.audit_log_entries == 6


def test_stats_of_an_empty_queue(queue: ReviewQueue) -> None:
    stats = queue.stats()
    assert stats.depth == {"pending": 0, "claimed": 0, "decided": 0}
    assert stats.oldest_pending_age_seconds is None
    assert stats.decisions.median_seconds_to_decision is None
    assert stats.audit.precision is None and stats.audit.decided == 0


def test_export_round_trips_through_the_training_loader(queue: ReviewQueue, tmp_path: Path) -> None:
    from training.data import load_labelled_file

    decided = [
        ("c-rej", "reject", ["violence", "racism"]),
        ("c-ok", "approve", ["spam"]),
        ("c-unk", "reject", []),
    ]
    for n, (comment_id, outcome, labels) in enumerate(decided):
        item_id = claimed(queue, comment_id, at=T0)
        queue.decide(
            item_id,
            moderator="ana",
            outcome=outcome,
            labels=labels,  # type: ignore[arg-type]
            now_ms=T0 + 1000 * (n + 1),
        )
    claimed(queue, "c-open", at=T0)  # not decided: not exported
    rows = list(export_rows(queue))
    assert [r["comment_id"] for r in rows] == ["c-rej", "c-ok", "c-unk"]
    assert rows[0] == {
        "text": "text of c-rej",
        "violence": 1,
        "racism": 1,
        "profanity": 0,
        "vulgarity": 0,
        "doxing": 0,
        "discourtesy": 0,
        "spam": 0,
        "source": "moderation_queue",
        "item_id": rows[0]["item_id"],
        "comment_id": "c-rej",
        "outcome": "reject",
        "moderator": "ana",
        "decided_at": "2026-09-21T14:13:21.000Z",
        "kinds": ["flag"],
        "audit_rate": None,  # not an audit item
    }
    assert {c: rows[1][c] for c in ("violence", "spam")} == {"violence": 0, "spam": 0}
    assert rows[2]["violence"] is None  # a reject with no label: unknown categories
    assert [r["comment_id"] for r in export_rows(queue, since_ms=T0 + 2000)] == ["c-ok", "c-unk"]

    path = tmp_path / "decisions.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    frame = load_labelled_file(path)
    assert list(frame["text"]) == ["text of c-rej", "text of c-ok", "text of c-unk"]
    assert list(frame["violence"][:2]) == [1.0, 0.0]
    assert frame["spam"].iloc[2] != frame["spam"].iloc[2]  # NaN: unknown


# -- the `moderation queue` CLI ----------------------------------------------------------------


@pytest.fixture
def cli_env(redis_url: str, redis_prefix: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from moderation.settings import get_settings

    monkeypatch.setenv("MODERATION_REDIS_URL", redis_url)
    monkeypatch.setenv("MODERATION_REDIS_PREFIX", redis_prefix)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.usefixtures("cli_env")
def test_cli_stats_and_export(queue: ReviewQueue, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from moderation.cli import main
    from training.data import load_labelled_file

    for n, outcome in enumerate(["reject", "approve"]):
        item_id = claimed(queue, f"c-{n}", at=T0 + n * 86_400_000)
        queue.decide(
            item_id,
            moderator="ana",
            outcome=outcome,
            labels=["spam"],  # type: ignore[arg-type]
            now_ms=T0 + n * 86_400_000 + 10,
        )
    runner = CliRunner()
    shown = runner.invoke(main, ["queue", "stats", "--json"])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["decisions"]["by_outcome"] == {"approve": 1, "reject": 1}
    text = runner.invoke(main, ["queue", "stats"])
    assert text.exit_code == 0 and "decisions: 2 (approve 1, reject 1)" in text.output

    out = tmp_path / "labels.jsonl"
    exported = runner.invoke(main, ["queue", "export", "-o", str(out)])
    assert exported.exit_code == 0, exported.output
    frame = load_labelled_file(out)
    assert list(frame["spam"]) == [1.0, 0.0]
    since = runner.invoke(main, ["queue", "export", "--since", "2026-09-22"])
    assert [json.loads(line)["comment_id"] for line in since.output.splitlines()] == ["c-1"]
    bad = runner.invoke(main, ["queue", "export", "--since", "last week"])
    assert bad.exit_code == 2 and "not an ISO date" in bad.output


def test_a_retried_claim_gets_its_own_items_back_and_claims_no_more(
    queue: ReviewQueue, raw: redis.Redis
) -> None:
    # Review: the connection pool retries a command once when the reply is lost; a claim that
    # already ran must not lease a second batch nobody gets back.
    for n in range(4):
        flag(queue, f"c-{n}", now_ms=T0 + n)
    record = f"{queue.keys.base}:claim:test-token"
    args = ["", "ana", 2, 60_000, queue.keys.item_prefix, 1000, 60_000]
    keys = [queue.keys.pending, queue.keys.claimed, record]
    first = queue.scripts.claim(keys=keys, args=args)
    again = queue.scripts.claim(keys=keys, args=args)  # the same call, sent a second time
    assert len(first) == len(again) == 2
    assert raw.zcard(queue.keys.claimed) == 2 and raw.zcard(queue.keys.pending) == 2
    assert raw.pttl(record) > 0  # the record expires by itself
