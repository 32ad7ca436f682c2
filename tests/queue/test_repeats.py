"""The repeat tracker on a real Redis: exact and near repeats across and within authors,
client retries, short generic comments, posting velocity, link campaigns, windows and expiry,
batches in one round trip, and a Redis that goes away mid-work."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from moderation.queue.connection import connect
from moderation.queue.embedded import EmbeddedRedis
from moderation.repeats import Observation, RepeatConfig, RepeatKeys, RepeatTracker
from moderation.settings import Settings

SPAM = (
    "Congrats to everyone reading this, Walmart is giving away $100 gift cards today only, "
    "claim yours at walmart-rewards-center.com"
)
NEAR = (
    "Congrats to all of you reading this, Walmart is handing out $100 gift cards today only, "
    "claim yours at walmart-rewards-center.com"
)
T0 = 1_800_000_000.0


@pytest.fixture
def tracker(redis_url: str, redis_prefix: str) -> Iterator[RepeatTracker]:
    client = connect(Settings(redis_url=redis_url, redis_prefix=redis_prefix))
    yield RepeatTracker(client, RepeatKeys(redis_prefix))
    client.close()


def _kinds(findings: list) -> dict[str, float]:  # type: ignore[type-arg]
    return {f.kind: round(f.score, 3) for f in findings}


def test_exact_repeats_across_authors_grow(tracker: RepeatTracker) -> None:
    scores = [
        _kinds(tracker.observe(SPAM, comment_id=f"c{k}", author_id=f"bot{k}", now=T0 + k)).get(
            "duplicate", 0.0
        )
        for k in range(4)
    ]
    assert scores == [0.0, 0.6, 0.9, 0.975]


def test_a_retry_never_counts_itself(tracker: RepeatTracker) -> None:
    assert tracker.observe(SPAM, comment_id="c1", author_id="a", now=T0) == []
    assert tracker.observe(SPAM, comment_id="c1", author_id="a", now=T0 + 1) == []
    first = _kinds(tracker.observe(SPAM, comment_id="c2", author_id="b", now=T0 + 2))
    again = _kinds(tracker.observe(SPAM, comment_id="c2", author_id="b", now=T0 + 3))
    assert first["duplicate"] == again["duplicate"] == 0.6
    assert "velocity" not in again


def test_repeats_within_one_author(tracker: RepeatTracker) -> None:
    tracker.observe(SPAM, comment_id="c1", author_id="a", now=T0)
    own = _kinds(tracker.observe(SPAM, comment_id="c2", author_id="a", now=T0 + 60))
    assert own["duplicate"] == 0.4
    anonymous = _kinds(tracker.observe(SPAM, comment_id="c3", now=T0 + 61))
    assert anonymous["duplicate"] == 0.6  # one other author (a, twice); no velocity
    assert "velocity" not in anonymous


def test_near_duplicates(tracker: RepeatTracker) -> None:
    tracker.observe(SPAM, comment_id="c1", author_id="a", now=T0)
    found = _kinds(tracker.observe(NEAR, comment_id="c2", author_id="b", now=T0 + 1))
    assert found.get("near_duplicate") == 0.5 and "duplicate" not in found


def test_short_generic_comments_are_not_counted(
    tracker: RepeatTracker, raw: redis.Redis, redis_prefix: str
) -> None:
    for k in range(20):
        for text in ("Thanks!", "Great article, thanks for sharing.", "+1"):
            assert tracker.observe(text, comment_id=f"{text}{k}", now=T0 + k) == []
    assert not list(raw.scan_iter(match=f"{redis_prefix}:*"))


def test_velocity_counts_one_authors_comments_in_the_window(tracker: RepeatTracker) -> None:
    window, limit = tracker.config.velocity_window, tracker.config.velocity_limit
    found = [
        _kinds(
            tracker.observe(f"comment number {k} on the bypass", comment_id=f"v{k}", author_id="a",
                            now=T0 + k)
        ).get("velocity", 0.0)
        for k in range(limit + 3)
    ]  # fmt: skip
    assert found[:limit] == [0.0] * limit
    assert found[limit:] == [0.3, 0.51, 0.657]
    later = tracker.observe(
        "and one more", comment_id="v-late", author_id="a", now=T0 + window + 20
    )
    assert later == []  # the earlier ones left the window


def test_link_campaign_needs_several_authors(tracker: RepeatTracker) -> None:
    texts = [
        "Interesting take, a better analysis at marketwatchers-pro.com/a",
        "The real numbers are on marketwatchers-pro.com/b",
        "Not what marketwatchers-pro.com/c says",
        "See https://www.marketwatchers-pro.com/d for the chart",
    ]
    found = [
        _kinds(tracker.observe(t, comment_id=f"l{k}", author_id=f"u{k}", now=T0 + k))
        for k, t in enumerate(texts)
    ]
    assert [f.get("link_campaign", 0.0) for f in found] == [0.0, 0.0, 0.4, 0.64]
    cited = [
        tracker.observe(f"As the BBC reports, https://www.bbc.co.uk/news/{k} says it all",
                        comment_id=f"b{k}", author_id=f"u{k}", now=T0 + k)
        for k in range(6)
    ]  # fmt: skip
    assert all("link_campaign" not in _kinds(f) for f in cited)


def test_repeats_leave_the_window(tracker: RepeatTracker) -> None:
    tracker.observe(SPAM, comment_id="c1", author_id="a", now=T0)
    late = T0 + tracker.config.repeat_window + 1
    assert tracker.observe(SPAM, comment_id="c2", author_id="b", now=late) == []


def test_every_key_has_the_hash_tag_and_expires(
    tracker: RepeatTracker, raw: redis.Redis, redis_prefix: str
) -> None:
    tracker.observe(SPAM, comment_id="c1", author_id="a")
    keys = list(raw.scan_iter(match=f"{redis_prefix}:*"))
    assert keys and all(k.startswith(f"{redis_prefix}:{{spam}}:") for k in keys)
    kinds = {k.split(":")[2] for k in keys}
    assert kinds == {"exact", "band", "author", "domain"}
    longest = 1000 * max(tracker.config.repeat_window, tracker.config.link_window)
    assert all(0 < raw.pttl(k) <= longest for k in keys)


def test_a_batch_is_one_round_trip_and_sees_its_own_earlier_comments(
    tracker: RepeatTracker,
) -> None:
    items = [Observation(SPAM, f"c{k}", f"bot{k}") for k in range(3)]
    found = tracker.observe_many(items, now=T0)
    assert [_kinds(f).get("duplicate", 0.0) for f in found] == [0.0, 0.6, 0.9]
    assert tracker.observe_many([]) == []


def test_settings_windows_apply(redis_url: str, redis_prefix: str) -> None:
    client = connect(Settings(redis_url=redis_url))
    tracker = RepeatTracker(
        client, RepeatKeys(redis_prefix), RepeatConfig(velocity_limit=1, velocity_window=5.0)
    )
    tracker.observe("first of two comments here", comment_id="a1", author_id="a", now=T0)
    found = tracker.observe("second of two comments", comment_id="a2", author_id="a", now=T0 + 1)
    assert _kinds(found) == {"velocity": 0.3}
    client.close()


def test_redis_going_away_mid_work(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    server = EmbeddedRedis(tmp_path / "redis")
    url = server.start()
    client = connect(Settings(redis_url=url))
    clock = [100.0]  # a fake monotonic clock: the retry delay is waited out by moving it
    tracker = RepeatTracker(client, RepeatKeys("t"), retry_after=5.0, clock=lambda: clock[0])
    try:
        tracker.observe(SPAM, comment_id="c1", author_id="a")
        assert _kinds(tracker.observe(SPAM, comment_id="c2", author_id="b"))["duplicate"] == 0.6
        server.stop()
        with caplog.at_level(logging.WARNING, logger="moderation.repeats"):
            assert tracker.observe(SPAM, comment_id="c3", author_id="c") == []
            clock[0] += 4.9
            assert tracker.observe(SPAM, comment_id="c4", author_id="d") == []  # not retried yet
        assert tracker.failures == 2 and not tracker.available
        assert [r.message for r in caplog.records].count(caplog.records[0].message) == 1
        assert "without cross-comment spam signals" in caplog.records[0].message
        server.start()  # the same data folder: what was recorded before is back
        assert not tracker.available  # Redis is back, but the tracker leaves it alone till 105
        clock[0] += 0.1
        assert tracker.available
        assert _kinds(tracker.observe(SPAM, comment_id="c5", author_id="e"))["duplicate"] == 0.9
    finally:
        client.close()
        server.stop()


def test_an_empty_author_id_is_anonymous(tracker: RepeatTracker) -> None:
    """ "" is anonymous for the author key *and* for velocity: an anonymous comment has no
    velocity count (not even a count of one under a key of its own)."""
    config = RepeatConfig(velocity_limit=0)
    tracker = RepeatTracker(tracker.client, tracker.keys, config)
    texts = [f"anonymous comment number {k} about the bypass plans" for k in range(4)]
    for k, text in enumerate(texts):
        found = tracker.observe(text, comment_id=f"e{k}", author_id="", now=T0 + k)
        assert "velocity" not in _kinds(found)
    named = tracker.observe(texts[0], comment_id="n0", author_id="n", now=T0 + 9)
    assert "velocity" in _kinds(named)  # a named author's comment does count
