"""Redis killed with SIGKILL under load and restarted on its data: `moderation serve` takes a
steady stream of flagged comments and moderator decisions from several threads, over HTTP,
while its Redis dies and comes back. Nothing the service acknowledged may be lost: every
comment answered with a review item is in Redis once the spool is replayed, and every decision
answered 200 has its webhook message, which reaches the receiver exactly once.

Redis runs with `appendfsync always`, so what it acknowledged is on disk before the reply;
the service's spool is fsynced before the answer. Run with `-s` to see the figures.
"""

from __future__ import annotations

import json
import signal
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
import pytest

from moderation.queue import QueueKeys, item_id_for
from moderation.settings import Settings
from tests.fault.conftest import PREFIX, WEBHOOK_SECRET
from tests.fault.served import ServedApp
from tests.helpers import FLAG, wait_for
from tests.servers import PrivateRedis, Receiver

AUTHORS = 4  # threads posting comments
MODERATORS = 2  # threads claiming and deciding
BEFORE, OUTAGE, AFTER = 1.5, 1.5, 2.0  # seconds of load before the kill, down, after restart


@dataclass
class Tally:
    """What the load threads sent and what the service answered."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    phase: str = "before"  # the kill: "before", "down", "after" (Redis restarted)
    comments_sent: int = 0
    reviews: dict[str, dict[str, Any]] = field(default_factory=dict)  # comment id -> review
    review_phases: Counter[tuple[str, str]] = field(default_factory=Counter)  # (phase, status)
    comment_failures: list[str] = field(default_factory=list)
    decisions_sent: int = 0
    decided: dict[str, str] = field(default_factory=dict)  # item id -> acknowledged outcome
    decision_phases: Counter[str] = field(default_factory=Counter)
    decision_refusals: Counter[str] = field(default_factory=Counter)

    def enter(self, phase: str) -> None:
        with self.lock:
            self.phase = phase


def post_comments(app: ServedApp, worker: int, stop: threading.Event, tally: Tally) -> None:
    with app.http() as http:
        n = 0
        while not stop.is_set():
            comment = {"id": f"w{worker}-{n}", "text": FLAG, "author_id": f"author-{worker}"}
            n += 1
            with tally.lock:
                tally.comments_sent += 1
            try:
                response = http.post("/v1/moderate", json=comment)
            except httpx2.TransportError as exc:
                with tally.lock:
                    tally.comment_failures.append(f"{comment['id']}: {exc!r}")
                continue
            with tally.lock:
                if response.status_code != 200:
                    tally.comment_failures.append(f"{comment['id']}: {response.text}")
                elif (review := response.json()["review"]) is not None:
                    tally.reviews[comment["id"]] = review
                    tally.review_phases[tally.phase, review["status"]] += 1


def decide_items(app: ServedApp, moderator: str, stop: threading.Event, tally: Tally) -> None:
    with app.http() as http:
        n = 0
        while not stop.is_set():
            claim = {"moderator": moderator, "limit": 5, "lease_seconds": 120}
            response = http.post("/v1/queue/claim", json=claim)
            items = response.json()["items"] if response.status_code == 200 else []
            if not items:
                stop.wait(0.05)  # Redis away, or nothing pending yet
                continue
            for item in items:
                n += 1
                outcome = "reject" if n % 2 else "approve"
                decision = {
                    "moderator": moderator,
                    "outcome": outcome,
                    "labels": ["violence"] if outcome == "reject" else [],
                }
                with tally.lock:
                    tally.decisions_sent += 1
                answer = http.post(f"/v1/queue/{item['item_id']}/decision", json=decision)
                with tally.lock:
                    if answer.status_code == 200:
                        tally.decided[item["item_id"]] = outcome
                        tally.decision_phases[tally.phase] += 1
                    else:
                        tally.decision_refusals[answer.json()["error"]["code"]] += 1


def outbox_empty(http: httpx2.Client) -> bool:
    """Whether the service reports no undelivered outcome (and Redis answers)."""
    outbox: dict[str, Any] = http.get("/readyz").json().get("webhook", {}).get("outbox", {})
    return outbox.get("undelivered") == 0


@pytest.mark.slow
def test_nothing_acknowledged_is_lost_when_redis_is_killed_under_load(
    webhook_settings: Settings, private_redis: PrivateRedis, receiver: Receiver, tmp_path: Path
) -> None:
    private_redis.start()
    receiver.start()
    app = ServedApp(webhook_settings, tmp_path / "serve.log")
    app.start()
    try:
        with app.http() as http:
            assert http.get("/readyz").status_code == 200, app.output()
        tally, stop = Tally(), threading.Event()
        threads = [
            threading.Thread(target=post_comments, args=(app, w, stop, tally))
            for w in range(AUTHORS)
        ] + [
            threading.Thread(target=decide_items, args=(app, f"mod-{m}", stop, tally))
            for m in range(MODERATORS)
        ]
        for thread in threads:
            thread.start()
        time.sleep(BEFORE)
        private_redis.kill()
        tally.enter("down")
        time.sleep(OUTAGE)
        private_redis.start()
        tally.enter("after")
        time.sleep(AFTER)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
            assert not thread.is_alive(), "a request hung"

        # The spool empties into Redis while the service runs; then it stops (SIGTERM).
        spool = webhook_settings.state_dir / "spool" / PREFIX
        wait_for(lambda: not list(spool.glob("*.*.jsonl")), what="the spool to be replayed")
        with app.http() as http:
            wait_for(lambda: http.get("/readyz").status_code == 200, what="readiness")
            # Every outcome delivered: the outbox empty (a decision Redis ran but whose answer
            # was lost has its message too).
            wait_for(lambda: outbox_empty(http), what="the outcomes' delivery")
        time.sleep(1.0)  # time for a second send of anything, which must not come
    finally:
        code = app.stop()
    assert code in (0, -signal.SIGTERM), app.output()
    assert not (spool / "rejected.jsonl").exists()

    keys = QueueKeys(PREFIX)
    with private_redis.client() as raw:
        pipe = raw.pipeline(transaction=False)
        for comment_id in tally.reviews:
            pipe.hgetall(keys.item(item_id_for(comment_id)))
        stored = dict(zip(tally.reviews, pipe.execute(), strict=True))

    statuses = Counter(review["status"] for review in tally.reviews.values())
    found = {c for c, item in stored.items() if item.get("comment_id") == c}
    lost = sorted(set(tally.reviews) - found)
    doubled = sorted(c for c in found if stored[c]["entries"] != "1")
    deliveries = receiver.by_delivery()
    messages = [json.loads(requests[0].body) for requests in deliveries.values()]
    outcomes = {m["item_id"]: m["outcome"] for m in messages}
    sent_again = sum(len(requests) - 1 for requests in deliveries.values())
    delivered = {i for i, outcome in tally.decided.items() if outcomes.get(i) == outcome}
    by_phase = {
        phase: ", ".join(
            f"{status} {n}" for (p, status), n in sorted(tally.review_phases.items()) if p == phase
        )
        for phase in ("before", "down", "after")
    }
    print(
        f"\nRedis SIGKILLed after {BEFORE} s of load, restarted on its append-only file "
        f"{OUTAGE} s later, then {AFTER} s more load ({AUTHORS} + {MODERATORS} threads):\n"
        f"  comments: sent {tally.comments_sent}, acknowledged {len(tally.reviews)} "
        f"(queued {statuses['queued']}, deferred to the spool {statuses['deferred']}, "
        f"not queued {statuses['not_queued']}), failed {len(tally.comment_failures)}; "
        f"found in Redis after the replay {len(found)}, lost {len(lost)}, doubled {len(doubled)}\n"
        f"    before the kill: {by_phase['before']}; while down: {by_phase['down']}; "
        f"after the restart: {by_phase['after']}\n"
        f"  decisions: sent {tally.decisions_sent}, acknowledged {len(tally.decided)} "
        f"({dict(tally.decision_phases)}), refused {dict(tally.decision_refusals)}; "
        f"their webhook messages delivered {len(delivered)} ({len(deliveries)} in all, "
        f"sent twice {sent_again}), lost {len(tally.decided) - len(delivered)}"
    )

    # Scoring never needs Redis: every comment was answered 200 with its review item.
    assert tally.comment_failures == []
    assert len(tally.reviews) == tally.comments_sent
    assert statuses["queued"] > 0 and statuses["deferred"] > 0  # the outage was felt
    assert statuses["not_queued"] == 0
    assert lost == [] and doubled == []
    assert {stored[c]["kinds"] for c in found} == {"flag"}
    # Every acknowledged decision, before the kill and after the restart, is on record and
    # its webhook message was delivered, once.
    assert tally.decision_phases["before"] > 0 and tally.decision_phases["after"] > 0
    assert delivered == set(tally.decided)
    assert sent_again == 0 and len(messages) == len(set(outcomes))  # one message per decision
    assert all(
        r.status == 200 and r.signed_with(WEBHOOK_SECRET) for rs in deliveries.values() for r in rs
    )
    with private_redis.client() as raw:
        pipe = raw.pipeline(transaction=False)
        for item_id in tally.decided:
            pipe.hmget(keys.item(item_id), ["state", "outcome"])
        on_record = dict(zip(tally.decided, pipe.execute(), strict=True))
    assert on_record == {i: ["decided", outcome] for i, outcome in tally.decided.items()}
