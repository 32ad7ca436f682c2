"""The review item store on the real Redis: create-or-join, ordering, atomicity, key layout."""

from __future__ import annotations

import re
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from redis.crc import key_slot

from moderation.errors import QueueUnavailable
from moderation.queue import QueueKeys, ReviewQueue
from moderation.queue.connection import connect, redact_url
from moderation.queue.items import PRIORITY, EnterResult
from moderation.queue.keys import AGE_SPAN, MAX_PRIORITY, item_id_for, pending_score
from moderation.settings import Settings
from tests.helpers import free_port

T0 = 1_790_000_000_000  # a fixed "now" in ms, for orderings that must not depend on the clock


def scoring(decision: str = "flag", version: str = "m-1") -> dict[str, object]:
    return {
        "decision": decision,
        "scores": {"violence": 0.8, "racism": 0.0},
        "triggered": [
            {
                "category": "violence",
                "score": 0.8,
                "action": "flag",
                "evidence": [{"start": 0, "end": 4, "text": "hurt", "source": "model"}],
            }
        ],
        "model_version": version,
        "policy_version": "p-1",
    }


def flag(queue: ReviewQueue, comment_id: str, **kwargs: object) -> EnterResult:
    return queue.enter(
        comment_id=comment_id, kind="flag", scoring=scoring(), text="hurt you", **kwargs
    )


# -- ids and keys ------------------------------------------------------------------------------


def test_item_ids_are_stable_url_safe_and_distinct() -> None:
    ids = {item_id_for(c) for c in ["c-1", "c-2", "ü/?#&", "x" * 128, ""]}
    assert len(ids) == 5
    assert item_id_for("c-1") == item_id_for("c-1")
    assert all(re.fullmatch(r"ri_[a-z2-7]{24}", i) for i in ids)


def test_every_key_of_an_operation_shares_one_cluster_slot() -> None:
    keys = QueueKeys("moderation")
    names = [keys.item(item_id_for("c-1")), keys.item("ri_x"), keys.pending, keys.claimed]
    names.append(keys.decided)
    assert all("{queue}" in n for n in names)
    assert len({key_slot(n.encode()) for n in names}) == 1
    with pytest.raises(ValueError):
        QueueKeys("bad{prefix}")


def test_pending_score_orders_priority_then_age() -> None:
    assert pending_score(900, T0 + 10_000) < pending_score(899, T0)  # priority first
    assert pending_score(100, T0) < pending_score(100, T0 + 1)  # then older first
    # the largest score is still an exact integer in a double
    assert float(pending_score(0, AGE_SPAN - 1)) == pending_score(0, AGE_SPAN - 1)
    assert pending_score(0, AGE_SPAN - 1) < 2**53 and MAX_PRIORITY == 1000


# -- create and join ---------------------------------------------------------------------------


def test_first_entry_creates_a_pending_item(queue: ReviewQueue, raw: redis.Redis) -> None:
    result = flag(queue, "c-1", author_id="u-1", context={"article_id": "a-1"}, now_ms=T0)
    item = result.item
    assert result.status == "created"
    assert item.item_id == item_id_for("c-1") and item.comment_id == "c-1"
    assert (item.kind, item.kinds, item.state) == ("flag", ["flag"], "pending")
    assert item.priority == PRIORITY["flag"] and item.entries == 1
    assert item.created_at.timestamp() * 1000 == T0
    assert (item.text, item.author_id) == ("hurt you", "u-1")
    assert item.context is not None and item.context.article_id == "a-1"
    assert item.decision == "flag" and item.scores == {"violence": 0.8, "racism": 0.0}
    assert item.triggered is not None and item.triggered[0].evidence[0].text == "hurt"
    assert (item.model_version, item.policy_version, item.appeal) == ("m-1", "p-1", None)
    assert raw.zrange(queue.keys.pending, 0, -1) == [item.item_id]
    assert queue.get(item.item_id) == item
    assert queue.get_by_comment("c-1") == item
    assert queue.get("ri_nothing") is None


def test_a_second_entry_joins_the_item_instead_of_duplicating_it(
    queue: ReviewQueue, raw: redis.Redis
) -> None:
    flag(queue, "c-1", author_id="u-1", now_ms=T0)
    repeat = flag(queue, "c-1", now_ms=T0 + 5)  # the comment system sent it again
    assert repeat.status == "unchanged" and repeat.item.entries == 1
    report = queue.enter(comment_id="c-1", kind="report", now_ms=T0 + 10)
    again = queue.enter(comment_id="c-1", kind="report", now_ms=T0 + 20)
    assert (report.status, again.status) == ("joined", "joined")  # each report counts
    item = again.item
    assert item.kinds == ["flag", "report"] and item.kind == "report"
    assert item.priority == PRIORITY["report"] and item.entries == 3
    assert item.created_at.timestamp() * 1000 == T0  # age is the first entry's
    assert item.updated_at.timestamp() * 1000 == T0 + 20
    assert raw.hget(queue.keys.item(item.item_id), "count:report") == "2"
    assert raw.zcard(queue.keys.pending) == 1
    # a lower-priority kind joining keeps the higher priority and the kind that set it
    audit = queue.enter(comment_id="c-1", kind="audit", now_ms=T0 + 30)
    assert (audit.item.priority, audit.item.kind) == (PRIORITY["report"], "report")


def test_joining_replaces_text_and_scoring_but_only_fills_author_and_context(
    queue: ReviewQueue,
) -> None:
    flag(queue, "c-1", now_ms=T0)
    joined = queue.enter(
        comment_id="c-1",
        kind="report",
        scoring=scoring("reject", version="m-2"),
        text="edited text",
        author_id="u-7",
        context={"url": "https://news.example/a"},
    )
    assert joined.item.text == "edited text" and joined.item.decision == "reject"
    assert joined.item.author_id == "u-7" and joined.item.context is not None
    later = queue.enter(comment_id="c-1", kind="report", author_id="u-8", context={"url": "x"})
    assert later.item.author_id == "u-7"  # the comment's author is not rewritten
    assert later.item.context == joined.item.context
    assert later.item.text == "edited text"  # an entry without text keeps the text


def test_an_appeal_records_the_decision_it_appeals(queue: ReviewQueue) -> None:
    flag(queue, "c-1", author_id="u-1", now_ms=T0)
    appeal = queue.enter(
        comment_id="c-1",
        kind="appeal",
        scoring=scoring("allow", version="m-2"),
        entry={"message": "please look again", "author_id": "u-1"},
        now_ms=T0 + 50,
    )
    item = appeal.item
    assert appeal.status == "joined" and item.kind == "appeal" and item.kinds == ["flag", "appeal"]
    assert item.priority == PRIORITY["appeal"]
    assert item.decision == "allow" and item.model_version == "m-2"  # the fresh scoring
    assert item.appeal is not None and item.appeal.message == "please look again"
    assert item.appeal.created_at.timestamp() * 1000 == T0 + 50
    assert item.appeal.original is not None
    assert (item.appeal.original.decision, item.appeal.original.model_version) == ("flag", "m-1")
    # an appeal that creates the item records its own scoring as the original
    fresh = queue.enter(
        comment_id="c-2", kind="appeal", scoring=scoring("reject"), entry={"message": "m"}
    )
    assert fresh.item.appeal is not None and fresh.item.appeal.original is not None
    assert fresh.item.appeal.original.decision == "reject"


def test_the_author_guard_leaves_another_authors_item_alone(queue: ReviewQueue) -> None:
    flag(queue, "c-1", author_id="u-1")
    refused = queue.enter(
        comment_id="c-1", kind="appeal", entry={"message": "m"}, guard_author="u-2"
    )
    assert refused.status == "author_mismatch"
    assert refused.item.kinds == ["flag"] and refused.item.appeal is None
    allowed = queue.enter(
        comment_id="c-1", kind="appeal", entry={"message": "m"}, guard_author="u-1"
    )
    assert allowed.status == "joined"


def test_an_appeal_reopens_a_decided_item(queue: ReviewQueue, raw: redis.Redis) -> None:
    item_id = flag(queue, "c-1", now_ms=T0).item.item_id
    # decide it by hand (the decision endpoint belongs to the full queue)
    raw.hset(queue.keys.item(item_id), "state", "decided")
    raw.zrem(queue.keys.pending, item_id)
    raw.zadd(queue.keys.decided, {item_id: T0 + 1})
    report = queue.enter(comment_id="c-1", kind="report", now_ms=T0 + 2)
    assert report.item.state == "decided"  # a report does not reopen a decided item
    appeal = queue.enter(comment_id="c-1", kind="appeal", entry={"message": "m"}, now_ms=T0 + 3)
    assert appeal.item.state == "pending"
    assert appeal.item.reopened_at is not None
    assert raw.zrange(queue.keys.pending, 0, -1) == [item_id]
    assert raw.zcard(queue.keys.decided) == 0


def test_a_claimed_item_stays_with_its_moderator(queue: ReviewQueue, raw: redis.Redis) -> None:
    item_id = flag(queue, "c-1", now_ms=T0).item.item_id
    raw.hset(queue.keys.item(item_id), "state", "claimed")
    raw.zrem(queue.keys.pending, item_id)
    joined = queue.enter(comment_id="c-1", kind="appeal", entry={"message": "m"})
    assert joined.item.state == "claimed" and joined.item.priority == PRIORITY["appeal"]
    assert raw.zcard(queue.keys.pending) == 0


def test_priority_is_bounded(queue: ReviewQueue) -> None:
    with pytest.raises(ValueError):
        queue.enter(comment_id="c-1", kind="flag", priority=1001)


# -- ordering ----------------------------------------------------------------------------------


def test_pending_lists_highest_priority_first_then_oldest(queue: ReviewQueue) -> None:
    queue.enter(comment_id="old-flag", kind="flag", priority=150, now_ms=T0)
    queue.enter(comment_id="new-flag", kind="flag", priority=150, now_ms=T0 + 1)
    queue.enter(comment_id="risky-flag", kind="flag", priority=190, now_ms=T0 + 2)
    queue.enter(comment_id="audit", kind="audit", now_ms=T0 - 1_000_000)
    queue.enter(comment_id="appeal", kind="appeal", entry={"message": "m"}, now_ms=T0 + 3)
    order = [i.comment_id for i in queue.pending()]
    assert order == ["appeal", "risky-flag", "old-flag", "new-flag", "audit"]
    assert [i.comment_id for i in queue.pending(limit=2, offset=1)] == ["risky-flag", "old-flag"]
    # a report raises the newest flag above the others; it keeps its age among equals
    queue.enter(comment_id="new-flag", kind="report", priority=190, now_ms=T0 + 9)
    order = [i.comment_id for i in queue.pending()]
    assert order == ["appeal", "new-flag", "risky-flag", "old-flag", "audit"]


def test_the_server_clock_orders_entries_by_age(queue: ReviewQueue) -> None:
    for n in range(4):
        queue.enter(comment_id=f"c-{n}", kind="flag")
        time.sleep(0.003)
    assert [i.comment_id for i in queue.pending()] == ["c-0", "c-1", "c-2", "c-3"]


# -- atomicity ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "repeat_status"), [("report", "joined"), ("appeal", "unchanged")])
def test_racing_threads_make_exactly_one_item(
    queue: ReviewQueue, raw: redis.Redis, kind: str, repeat_status: str
) -> None:
    threads = 16
    barrier = threading.Barrier(threads)

    def enter(n: int) -> str:
        barrier.wait()
        return queue.enter(
            comment_id="hot",
            kind=kind,  # type: ignore[arg-type]
            scoring=scoring(),
            entry={"message": f"appeal {n}"} if kind == "appeal" else None,
            text=f"text {n}",
        ).status

    with ThreadPoolExecutor(threads) as pool:
        statuses = list(pool.map(enter, range(threads)))
    assert statuses.count("created") == 1
    assert statuses.count(repeat_status) == threads - 1
    item = queue.get_by_comment("hot")
    assert item is not None
    assert item.entries == (threads if kind == "report" else 1)
    assert raw.zrange(queue.keys.pending, 0, -1) == [item.item_id]
    assert sorted(raw.keys(queue.keys.pattern)) == sorted(
        [queue.keys.item(item.item_id), queue.keys.pending]
    )


# -- Redis unavailable -------------------------------------------------------------------------


def test_an_unreachable_redis_is_queue_unavailable_at_once() -> None:
    settings = Settings(redis_url=f"redis://127.0.0.1:{free_port()}/0")
    queue = ReviewQueue(connect(settings))
    started = time.monotonic()
    with pytest.raises(QueueUnavailable) as caught:
        flag(queue, "c-1")
    assert time.monotonic() - started < 1.0
    assert caught.value.code == "queue_unavailable" and caught.value.status == 503
    assert caught.value.details["error"] == "ConnectionError"
    assert queue.ping()["reachable"] is False


def test_a_redis_that_never_answers_times_out() -> None:
    """A server that accepts connections and says nothing (hung, or a wrong port)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    port = listener.getsockname()[1]
    try:
        settings = Settings(redis_url=f"redis://127.0.0.1:{port}/0", redis_socket_timeout=0.3)
        queue = ReviewQueue(connect(settings))
        started = time.monotonic()
        with pytest.raises(QueueUnavailable) as caught:
            flag(queue, "c-1")
        assert time.monotonic() - started < 2.0  # one timeout, not retried
        assert caught.value.details["error"] == "TimeoutError"
    finally:
        listener.close()


def test_urls_are_shown_without_their_password() -> None:
    assert redact_url("redis://:s3cret@db:6380/1") == "redis://:***@db:6380/1"
    assert redact_url("rediss://app:s3cret@db/0") == "rediss://app:***@db/0"
    assert redact_url("unix:///tmp/r.sock") == "unix:///tmp/r.sock"
