"""Moderation results, reader reports and comment status through the real app and Redis:
flags and audit samples enter the queue, reports create or join items, and flags survive
Redis going away (the local spool)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import redis
from fastapi.testclient import TestClient

from moderation.api.app import create_app
from moderation.errors import QueueUnavailable
from moderation.queue import QueueKeys, ReviewQueue, item_id_for
from moderation.queue.connection import connect
from moderation.queue.ingest import audit_sampled, report_priority
from moderation.queue.spool import Spool
from moderation.settings import Settings
from tests.helpers import ALLOW, FLAG, POLICY, REJECT, assert_error, free_port
from tests.servers import PrivateRedis


@pytest.fixture
def ingest_settings(queue_settings: Settings, tmp_path: Path) -> Settings:
    policy = tmp_path / "policy.toml"
    policy.write_text(POLICY, encoding="utf-8")
    return queue_settings.model_copy(
        update={
            "policy_path": policy,
            "state_dir": tmp_path / "state",
            "audit_sample_rate": 0.0,
            "spool_replay_interval": 0.05,
            "dev_mode": True,  # the review entries are the subject here; keys: test_auth.py
        }
    )


@pytest.fixture
def api(ingest_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(ingest_settings)) as client:
        yield client


@pytest.fixture
def queue(ingest_settings: Settings) -> Iterator[ReviewQueue]:
    client = connect(ingest_settings)
    yield ReviewQueue(client, QueueKeys(ingest_settings.redis_prefix))
    client.close()


def moderate(client: TestClient, text: str, **fields: object) -> dict:
    response = client.post("/v1/moderate", json={"text": text, **fields})
    assert response.status_code == 200, response.text
    return response.json()


# -- flags --------------------------------------------------------------------------------


def test_a_flag_becomes_a_review_item_with_its_scoring(api: TestClient, queue: ReviewQueue) -> None:
    body = moderate(api, FLAG, id="c-1", author_id="u-1", context={"article_id": "a-1"})
    assert body["decision"] == "flag"
    assert body["review"] == {"item_id": item_id_for("c-1"), "kind": "flag", "status": "queued"}
    item = queue.get_by_comment("c-1")
    assert item is not None and item.item_id == body["review"]["item_id"]
    assert (item.kind, item.kinds, item.state) == ("flag", ["flag"], "pending")
    assert (item.text, item.author_id) == (FLAG, "u-1")
    assert item.context is not None and item.context.article_id == "a-1"
    assert item.decision == "flag" and item.scores == body["scores"]
    assert [t.model_dump(mode="json") for t in item.triggered or []] == body["triggered"]
    assert item.model_version == body["model_version"] == "tiny-1"
    assert item.policy_version == body["policy_version"]
    # riskier first: 100 + 99 x the highest triggered score
    top = max(t["score"] for t in body["triggered"])
    assert item.priority == 100 + round(99 * top)


def test_the_same_comment_twice_is_one_item(api: TestClient, queue: ReviewQueue) -> None:
    first = moderate(api, FLAG, id="c-2")
    again = moderate(api, FLAG, id="c-2")
    assert first["review"] == again["review"]
    item = queue.get_by_comment("c-2")
    assert item is not None and item.entries == 1
    assert [i.item_id for i in queue.pending()] == [item_id_for("c-2")]


def test_a_comment_without_id_is_queued_under_its_generated_id(
    api: TestClient, queue: ReviewQueue
) -> None:
    body = moderate(api, FLAG)
    assert body["id"].startswith("c_")
    assert body["review"]["item_id"] == item_id_for(body["id"])
    item = queue.get_by_comment(body["id"])
    assert item is not None and item.comment_id == body["id"]


def test_allowed_and_rejected_comments_not_sampled_leave_no_item(
    api: TestClient, queue: ReviewQueue
) -> None:
    allowed = moderate(api, ALLOW, id="c-ok")
    rejected = moderate(api, REJECT, id="c-bad")
    assert (allowed["decision"], rejected["decision"]) == ("allow", "reject")
    assert allowed["review"] is None and rejected["review"] is None
    assert queue.pending() == []
    assert_error(api.get("/v1/comments/c-ok"), 404, "comment_not_found")


def test_without_redis_configured_review_stays_null(
    ingest_settings: Settings, tmp_path: Path
) -> None:
    no_redis = ingest_settings.model_copy(update={"redis_url": None})
    with TestClient(create_app(no_redis)) as client:
        assert moderate(client, FLAG, id="c-3")["review"] is None
        assert_error(client.get("/v1/comments/c-3"), 503, "queue_unavailable")
    assert not (tmp_path / "state" / "spool").exists()


# -- audit samples ------------------------------------------------------------------------


def test_at_rate_one_every_allow_and_reject_is_an_audit_item(
    ingest_settings: Settings, queue: ReviewQueue
) -> None:
    every = ingest_settings.model_copy(update={"audit_sample_rate": 1.0})
    with TestClient(create_app(every)) as client:
        allowed = moderate(client, ALLOW, id="c-a")
        rejected = moderate(client, REJECT, id="c-r")
        flagged = moderate(client, FLAG, id="c-f")
    for body in (allowed, rejected):
        assert body["review"] == {
            "item_id": item_id_for(body["id"]),
            "kind": "audit",
            "status": "queued",
        }
        item = queue.get_by_comment(body["id"])
        assert item is not None and item.kinds == ["audit"] and item.priority == 0
        assert item.decision == body["decision"]
    assert flagged["review"]["kind"] == "flag"  # a flag is a flag, never an audit sample
    # audit items wait behind every flag
    assert queue.pending()[0].comment_id == "c-f"


def test_at_rate_zero_nothing_is_sampled(api: TestClient, queue: ReviewQueue) -> None:
    for n in range(20):
        assert moderate(api, ALLOW, id=f"c-{n}")["review"] is None
    assert queue.pending() == []


def test_sampling_is_deterministic_per_comment_id() -> None:
    ids = [f"c-{n}" for n in range(20_000)]
    picked = [i for i in ids if audit_sampled(i, 0.1)]
    assert 1_800 < len(picked) < 2_200
    assert picked == [i for i in ids if audit_sampled(i, 0.1)]
    # a larger rate samples a superset: raising the rate keeps earlier samples
    assert set(picked) <= {i for i in ids if audit_sampled(i, 0.2)}
    assert not any(audit_sampled(i, 0.0) for i in ids[:100])
    assert all(audit_sampled(i, 1.0) for i in ids[:100])


def test_a_sampled_comment_sent_again_is_one_audit_item(
    ingest_settings: Settings, queue: ReviewQueue
) -> None:
    rate = 0.5
    sampled = next(f"c-{n}" for n in range(100) if audit_sampled(f"c-{n}", rate))
    skipped = next(f"c-{n}" for n in range(100) if not audit_sampled(f"c-{n}", rate))
    with TestClient(
        create_app(ingest_settings.model_copy(update={"audit_sample_rate": rate}))
    ) as c:
        for _ in range(2):
            assert moderate(c, ALLOW, id=sampled)["review"]["kind"] == "audit"
            assert moderate(c, ALLOW, id=skipped)["review"] is None
    item = queue.get_by_comment(sampled)
    assert item is not None and item.entries == 1
    assert queue.get_by_comment(skipped) is None


# -- batch --------------------------------------------------------------------------------


def test_batch_flags_enter_in_one_round_trip(
    api: TestClient, queue: ReviewQueue, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = [
        {"id": "b-1", "text": FLAG},
        {"id": "b-2", "text": ALLOW},
        {"id": "b-3", "text": FLAG, "author_id": "u-3"},
        {"id": "b-4", "text": REJECT},
        {"id": "b-1", "text": FLAG},  # the same comment twice in one batch
    ]
    client = api.app.state.ingest.queue.client  # type: ignore[attr-defined]
    round_trips: list[str] = []
    direct, make_pipeline = client.execute_command, client.pipeline

    def counted_command(*args: object, **options: object) -> object:
        round_trips.append(str(args[0]))
        return direct(*args, **options)

    def counted_pipeline(*args: object, **options: object) -> object:
        pipe = make_pipeline(*args, **options)
        run = pipe.execute

        def execute(*a: object, **o: object) -> object:
            round_trips.append(f"pipeline of {len(pipe.command_stack)}")
            return run(*a, **o)

        pipe.execute = execute
        return pipe

    monkeypatch.setattr(client, "execute_command", counted_command)
    monkeypatch.setattr(client, "pipeline", counted_pipeline)
    response = api.post("/v1/moderate/batch", json={"items": items})
    monkeypatch.undo()
    # one for the spam repeat tracker (every item), one for the queue (the flags)
    assert round_trips == ["pipeline of 5", "pipeline of 3"]

    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["id"] for r in results] == ["b-1", "b-2", "b-3", "b-4", "b-1"]
    assert [r["review"] and r["review"]["item_id"] for r in results] == [
        item_id_for("b-1"),
        None,
        item_id_for("b-3"),
        None,
        item_id_for("b-1"),
    ]
    assert sorted(i.comment_id for i in queue.pending()) == ["b-1", "b-3"]
    item = queue.get_by_comment("b-3")
    assert item is not None and item.author_id == "u-3" and item.text == FLAG
    b1 = queue.get_by_comment("b-1")
    assert b1 is not None and b1.entries == 1


# -- reader reports -----------------------------------------------------------------------

REPORT = {"comment_id": "c-50", "text": ALLOW, "reason": "off topic", "reporter_id": "r-1"}


def test_a_report_on_an_unknown_comment_scores_it_and_creates_an_item(
    api: TestClient, queue: ReviewQueue
) -> None:
    response = api.post("/v1/reports", json=REPORT)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["entered"] == "created" and body["item_id"] == item_id_for("c-50")
    assert (body["kind"], body["kinds"], body["state"]) == ("report", ["report"], "pending")
    risk = max(body["scores"].values())
    assert body["priority"] == report_priority(risk, 1) and body["reports"] == 1
    assert body["decision"] == "allow" and body["model_version"] == "tiny-1"
    assert body["text"] == ALLOW
    assert [(r["reason"], r["reporter_id"]) for r in body["reasons"]] == [("off topic", "r-1")]
    assert body["request_id"] == response.headers["x-request-id"]
    stored = queue.get_by_comment("c-50")
    assert stored is not None and stored.reports == 1


def test_reports_join_a_flag_raise_its_priority_and_count_each_reporter_once(
    api: TestClient, queue: ReviewQueue
) -> None:
    flagged = moderate(api, FLAG, id="c-50")
    flag_priority = queue.get_by_comment("c-50").priority  # type: ignore[union-attr]
    assert flag_priority < 300
    report = {**REPORT, "text": "edited text the reporter saw"}
    first = api.post("/v1/reports", json=report)
    assert first.status_code == 200 and first.json()["entered"] == "joined"
    body = first.json()
    assert body["item_id"] == flagged["review"]["item_id"]
    risk = max(body["scores"].values())
    assert body["kinds"] == ["flag", "report"] and body["priority"] == report_priority(risk, 1)
    # the record stays what was moderated
    assert body["text"] == FLAG and body["decision"] == "flag"

    same = api.post("/v1/reports", json={**report, "reason": "again"})
    assert same.status_code == 200 and same.json()["entered"] == "unchanged"
    assert same.json()["reports"] == 1

    other = api.post("/v1/reports", json={**report, "reporter_id": "r-2", "reason": "rude"})
    assert other.status_code == 200 and other.json()["reports"] == 2
    assert other.json()["priority"] == report_priority(risk, 2) > body["priority"]
    assert [r["reason"] for r in other.json()["reasons"]] == ["off topic", "rude"]
    assert [i.item_id for i in queue.pending()] == [item_id_for("c-50")]


def test_anonymous_reports_each_count(api: TestClient) -> None:
    anonymous = {k: v for k, v in REPORT.items() if k != "reporter_id"}
    assert api.post("/v1/reports", json=anonymous).status_code == 201
    second = api.post("/v1/reports", json=anonymous)
    assert second.status_code == 200 and second.json()["reports"] == 2


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"reason": "r" * 501}, 422, "invalid_input"),
        ({"reason": ""}, 422, "invalid_input"),
        ({"reason": "   "}, 422, "empty_reason"),
        ({"text": ""}, 422, "empty_text"),
        ({"text": "x" * 10_001}, 422, "text_too_long"),
        ({"comment_id": ""}, 422, "invalid_input"),
        ({"comment_id": "c" * 129}, 422, "invalid_input"),
        ({"reporter_id": "r" * 129}, 422, "invalid_input"),
        ({"priority": 1000}, 422, "invalid_input"),
        ({"reason": None}, 422, "invalid_input"),
    ],
)
def test_invalid_reports_are_refused_and_nothing_is_written(
    api: TestClient, queue: ReviewQueue, change: dict, status: int, code: str
) -> None:
    body = {k: v for k, v in {**REPORT, **change}.items() if v is not None}
    assert_error(api.post("/v1/reports", json=body), status, code)
    assert queue.pending() == [] and queue.get_by_comment("c-50") is None


def test_unknown_fields_on_moderate_are_refused(api: TestClient, queue: ReviewQueue) -> None:
    response = api.post("/v1/moderate", json={"text": FLAG, "id": "c-9", "review": "yes"})
    assert_error(response, 422, "invalid_input")
    assert queue.get_by_comment("c-9") is None


def test_reports_need_redis(ingest_settings: Settings) -> None:
    no_redis = ingest_settings.model_copy(update={"redis_url": None})
    with TestClient(create_app(no_redis)) as client:
        assert_error(client.post("/v1/reports", json=REPORT), 503, "queue_unavailable")


# -- comment status -----------------------------------------------------------------------


def test_comment_status_follows_the_item_to_its_outcome(
    api: TestClient, queue: ReviewQueue
) -> None:
    moderate(api, FLAG, id="c-60")
    api.post("/v1/reports", json={**REPORT, "comment_id": "c-60"})
    response = api.get("/v1/comments/c-60")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["comment_id"] == "c-60" and body["item_id"] == item_id_for("c-60")
    assert (body["state"], body["kinds"], body["reports"]) == ("pending", ["flag", "report"], 1)
    assert body["decision"] == "flag" and body["scores"]["violence"] > 0.5
    assert body["outcome"] is None and body["decided_at"] is None
    assert body["request_id"] == response.headers["x-request-id"]

    [claimed] = queue.claim(moderator="m-1", limit=1, lease_seconds=60)
    assert claimed.comment_id == "c-60"
    assert api.get("/v1/comments/c-60").json()["state"] == "claimed"
    queue.decide(claimed.item_id, moderator="m-1", outcome="reject", labels=["violence"])
    body = api.get("/v1/comments/c-60").json()
    assert (body["state"], body["outcome"], body["labels"]) == ("decided", "reject", ["violence"])
    assert body["decided_by"] == "m-1" and body["decided_at"]


def test_comment_status_errors(api: TestClient) -> None:
    body = assert_error(api.get("/v1/comments/never-seen"), 404, "comment_not_found")
    assert body["error"]["details"] == {"comment_id": "never-seen"}
    assert_error(api.get("/v1/comments/" + "c" * 129), 422, "invalid_input")


# -- Redis going away ---------------------------------------------------------------------


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(free_port(), tmp_path / "private-redis")
    server.start()
    yield server
    server.kill()


def _wait_for_empty_spool(client: TestClient) -> None:
    ingest = client.app.state.ingest  # type: ignore[attr-defined]
    deadline = time.monotonic() + 10
    while ingest.spool.segments() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert ingest.spool.segments() == []


def test_flags_survive_redis_going_away_mid_work(
    ingest_settings: Settings, private_redis: PrivateRedis
) -> None:
    """Four threads moderate flagged comments while Redis is killed and restarted: every
    answer carries its decision, answers during the outage say `deferred`, and at the end
    every flagged comment is in the queue exactly once."""
    settings = ingest_settings.model_copy(
        update={"redis_url": private_redis.url, "redis_prefix": "t", "redis_socket_timeout": 0.5}
    )
    answers: dict[str, dict] = {}
    lock = threading.Lock()
    stop = threading.Event()

    def send(client: TestClient, worker: int) -> None:
        n = 0
        while not stop.is_set():
            comment_id = f"w{worker}-{n}"
            body = moderate(client, FLAG, id=comment_id)
            with lock:
                answers[comment_id] = body
            n += 1

    with TestClient(create_app(settings)) as client:
        workers = [threading.Thread(target=send, args=(client, w)) for w in range(4)]
        for worker in workers:
            worker.start()
        time.sleep(0.5)
        private_redis.kill()
        time.sleep(1.0)
        private_redis.start()
        time.sleep(0.5)
        stop.set()
        for worker in workers:
            worker.join()
        _wait_for_empty_spool(client)

    assert all(body["decision"] == "flag" for body in answers.values())
    statuses = [body["review"]["status"] for body in answers.values()]
    assert statuses.count("deferred") > 0 and statuses.count("queued") > 0
    with redis.Redis.from_url(private_redis.url, decode_responses=True) as raw:
        keys = QueueKeys("t")
        pending = raw.zrange(keys.pending, 0, -1)
        items = [raw.hgetall(keys.item(i)) for i in pending]
    assert sorted(i["comment_id"] for i in items) == sorted(answers)  # none lost, none doubled
    assert {(i["entries"], i["kinds"], i["count:flag"]) for i in items} == {("1", "flag", "1")}
    assert all(answers[i["comment_id"]]["review"]["item_id"] == i["item_id"] for i in items)


def test_a_spool_left_behind_is_replayed_by_the_next_process(
    ingest_settings: Settings, private_redis: PrivateRedis
) -> None:
    """Redis is down for a whole process's life: its flags stay on disk when it stops, and
    the next process on the same state folder moves them into Redis."""
    settings = ingest_settings.model_copy(
        update={"redis_url": private_redis.url, "redis_prefix": "t"}
    )
    private_redis.kill()
    with TestClient(create_app(settings)) as client:
        moderated_by = time.time()
        deferred = [moderate(client, FLAG, id=f"d-{n}") for n in range(3)]
        batch = client.post(
            "/v1/moderate/batch", json={"items": [{"id": "d-3", "text": FLAG}, {"text": ALLOW}]}
        ).json()["results"]
        moderated_until = time.time()
        assert_error(client.post("/v1/reports", json=REPORT), 503, "queue_unavailable")
    assert {b["review"]["status"] for b in [*deferred, batch[0]]} == {"deferred"}
    assert batch[1]["review"] is None
    spool = settings.state_dir / "spool" / "t"
    # One lock file and the segments (a replay attempt closes the segment being written, so
    # how many depends on the replay thread's timing).
    assert sorted({p.suffix for p in spool.iterdir()}) == [".jsonl", ".lock"]
    assert len(list(spool.glob("*.lock"))) == 1

    time.sleep(0.5)
    private_redis.start()
    with TestClient(create_app(settings)) as client:
        _wait_for_empty_spool(client)
        status = client.get("/v1/comments/d-3").json()
        assert status["decision"] == "flag" and status["entries"] == 1
        # dated when it was moderated, not when it reached Redis
        created = datetime.fromisoformat(status["created_at"]).timestamp()
        assert moderated_by - 0.01 <= created <= moderated_until + 0.01
    assert list(spool.iterdir()) == []
    with redis.Redis.from_url(private_redis.url, decode_responses=True) as raw:
        pending = raw.zrange(QueueKeys("t").pending, 0, -1)
    assert sorted(pending) == sorted(item_id_for(f"d-{n}") for n in range(4))


# -- the spool on its own -----------------------------------------------------------------


def test_the_spool_skips_a_torn_line_and_sets_a_refused_record_aside(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    spool.append([{"n": 1}, {"n": 2}, {"n": 3}])
    [segment] = spool.segments()
    with segment.open("ab") as torn:  # a crash in the middle of a write: never acknowledged
        torn.write(b'{"n": 4')
    seen: list[dict] = []

    def write(records: list[dict]) -> None:
        if any(r["n"] == 2 for r in records):
            raise ValueError("refused")
        seen.extend(records)

    assert spool.drain(write) == 3
    assert seen == [{"n": 1}, {"n": 3}]
    rejected = (tmp_path / "rejected.jsonl").read_text().splitlines()
    assert len(rejected) == 1 and '"n":2' in rejected[0] and "refused" in rejected[0]
    assert spool.segments() == []
    spool.close()


def test_the_spool_keeps_records_until_written_and_leaves_a_live_process_alone(
    tmp_path: Path,
) -> None:
    ours, theirs = Spool(tmp_path), Spool(tmp_path)
    ours.append([{"n": 1}])
    seen: list[dict] = []
    assert theirs.drain(seen.extend) == 0 and seen == []  # its owner is alive

    def away(_records: list[dict]) -> None:
        raise QueueUnavailable("Redis is away")

    with pytest.raises(QueueUnavailable):
        ours.drain(away)
    assert len(ours.segments()) == 1
    ours.append([{"n": 2}])
    assert ours.drain(seen.extend) == 2 and seen == [{"n": 1}, {"n": 2}]
    ours.close()
    theirs.close()
    assert list(tmp_path.iterdir()) == []


def test_with_neither_redis_nor_a_writable_spool_the_answer_says_not_queued(
    ingest_settings: Settings, tmp_path: Path
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the state folder should be")
    dead = ingest_settings.model_copy(
        update={"redis_url": f"redis://127.0.0.1:{free_port()}/0", "state_dir": blocked}
    )
    with TestClient(create_app(dead)) as client:
        body = moderate(client, FLAG, id="c-lost")
        assert body["decision"] == "flag"
        assert body["review"] == {
            "item_id": item_id_for("c-lost"),
            "kind": "flag",
            "status": "not_queued",
        }
        assert client.app.state.ingest.not_queued_total == 1  # type: ignore[attr-defined]


def test_more_reporters_and_more_risk_come_first(api: TestClient, queue: ReviewQueue) -> None:
    # DESIGN: items are ordered by priority (risk, report count), then age.
    def report(comment_id: str, text: str, reporter: str) -> dict:
        body = {"comment_id": comment_id, "text": text, "reason": "abuse", "reporter_id": reporter}
        response = api.post("/v1/reports", json=body)
        assert response.status_code in (200, 201), response.text
        return response.json()

    once = report("r-civil", ALLOW, "reader-1")
    for n in range(4):
        many = report("r-threat", FLAG, f"reader-{n}")
    assert many["reports"] == 4 and many["priority"] > once["priority"]
    order = [item.comment_id for item in queue.pending()]
    assert order.index("r-threat") < order.index("r-civil")
