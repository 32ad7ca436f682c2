"""The spam suite: the simulated streams (seeded, well-formed), the replay through the repeat
tracker on a real Redis (keys cleaned up), the report's shape, headline and table, and loose
bounds on the shipped model that a broken tracker or detector would miss."""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from pathlib import Path

import pytest
import redis

from moderation.scoring import Moderator
from training.suites import SUITES, spam
from training.suites.spam_streams import (
    EVAL_DIR,
    build_stream,
    civil_background,
    expand,
    load_campaigns,
    vary,
)


def test_the_suite_is_registered() -> None:
    assert SUITES["spam"] == "training.suites.spam"


def test_the_eval_sets_are_well_formed() -> None:
    mixed = [f"spam_{name}.jsonl" for name in spam.MIXED_SETS]
    for name in ("spam.jsonl", "spam_civil.jsonl", *mixed):
        rows = [json.loads(line) for line in (EVAL_DIR / name).read_text().splitlines()]
        assert rows and all(r["text"].strip() and r["kind"] for r in rows), name
        assert len({r["text"] for r in rows}) == len(rows), name
    assert len(spam._rows("spam.jsonl")) >= 100 and len(spam._rows("spam_civil.jsonl")) >= 100
    for name in ("outside", "blind"):  # written by other sessions: both labels, 100+ each
        labels = [r["spam"] for r in spam._rows(f"spam_{name}.jsonl")]
        assert labels.count(True) >= 100 and labels.count(False) >= 100, name


def test_templates_expand() -> None:
    rng = random.Random(1)
    text = expand("[Earn|Make] ${n} at {path} {emoji} ask {name} or {handle}", rng)
    assert not re.search(r"[\[\]{}]", text)
    assert re.match(r"(Earn|Make) \$\d+ at /", text)
    assert vary("Buy now.", ["punct"], random.Random(2)).startswith("Buy now")


def test_the_stream_is_seeded_sorted_and_complete() -> None:
    campaigns = load_campaigns()
    events = build_stream()
    assert events == build_stream()
    assert [e.t for e in events] == sorted(e.t for e in events)
    assert len({e.comment_id for e in events}) == len(events)
    per = Counter(e.campaign for e in events)
    assert all(per[c["name"]] == c["posts"] for c in campaigns)
    assert per["civil"] == len(civil_background())
    for c in campaigns:
        authors = {e.author for e in events if e.campaign == c["name"]}
        assert len(authors) == min(c["authors"], c["posts"])
        assert all(a.startswith(c["name"]) for a in authors)
    assert {e.spam for e in events} == {True, False}
    assert not any(re.search(r"\{[a-z]+\}", e.text) for e in events)


@pytest.fixture
def use_test_redis(redis_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.delenv("MODERATION_REDIS_URL", raising=False)
    monkeypatch.setenv("REDIS_URL", redis_url)
    return redis_url


@pytest.mark.usefixtures("use_test_redis")
def test_replay_counts_repeats_and_cleans_up(
    shipped_moderator: Moderator, redis_prefix: str, raw: redis.Redis
) -> None:
    # The shipped model: whether a condolence stays below the flag threshold depends on the
    # model's own spam score too (the tiny model, trained mostly on spam grammar, has no sense
    # of it), and a repeat alone must never flag it.
    campaigns = [c for c in load_campaigns() if c["name"] in ("giftcard_copy", "condolences")]
    events = build_stream(campaigns, civil=[], seed=3)
    with spam.stream_redis() as (client, where):
        assert where == "REDIS_URL"
        replayed = spam.replay(shipped_moderator, events, client, prefix=redis_prefix)
    flagged = dict(zip([e.comment_id for e in events], replayed["flagged"], strict=True))
    copies = [e for e in events if e.campaign == "giftcard_copy"]
    assert all(flagged[e.comment_id] for e in copies[3:])  # the 4th copy on is a campaign
    assert not any(flagged[e.comment_id] for e in events if e.campaign == "condolences")
    assert replayed["tracker_median_us"] > 0
    assert not list(raw.scan_iter(match=f"{redis_prefix}:*"))


def test_without_redis_url_an_embedded_server_serves(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("MODERATION_REDIS_URL", raising=False)
    with spam.stream_redis() as (client, where):
        assert where == "embedded" and client.ping()


@pytest.mark.usefixtures("use_test_redis")
def test_report_headline_and_table(tiny_moderator: Moderator) -> None:
    report = spam.run_suite(tiny_moderator, data_dir=None)
    assert report["test"] is None
    head = spam.headline(report)
    assert {"recall", "civil_flag_rate", "stream_recall", "holdout_recall"} <= set(head)
    assert {"blind_recall", "blind_civil_flag_rate", "outside_recall"} <= set(head)
    assert all(v is None or 0.0 <= v <= 1.0 for v in head.values())
    streams = report["streams"]
    assert streams["with_repeats"]["spam"]["n"] == streams["without_repeats"]["spam"]["n"] > 0
    table = spam.format_table(report)
    assert "| recall |" in table and "giftcard_copy" in table and "Streams" in table
    json.dumps(report)  # JSON-able


@pytest.mark.slow
@pytest.mark.usefixtures("use_test_redis")
def test_shipped_model_figures(shipped_moderator: Moderator) -> None:
    """Loose bounds, not today's figures: the tracker must add recall on the campaigns
    without flagging civil traffic, and the rules must not flag the civil look-alikes."""
    single = spam.run_single(shipped_moderator)
    assert single["civil"]["rate"] <= 0.02
    assert single["spam"]["rate"] >= 0.4
    streams = spam.run_streams(shipped_moderator)
    with_, without = streams["with_repeats"], streams["without_repeats"]
    assert with_["spam"]["rate"] >= without["spam"]["rate"] + 0.3
    assert with_["civil"]["rate"] <= 0.03
    assert with_["campaigns"]["generic_thanks"]["hits"] == 0


def test_cli_lists_the_suite() -> None:
    from click.testing import CliRunner

    from moderation.cli import main

    result = CliRunner().invoke(main, ["evaluate", "--help"])
    assert result.exit_code == 0 and "spam" in result.output


def test_eval_dir_jsonl_files_all_have_text() -> None:
    """bench/score.py reads every training/eval/*.jsonl as comments with a `text`."""
    for path in Path(EVAL_DIR).glob("spam*.jsonl"):
        assert all("text" in json.loads(line) for line in path.read_text().splitlines())
