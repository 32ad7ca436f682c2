"""Cross-comment spam through the API on the real Redis: `/v1/moderate` and the batch route
pass each comment (id, author) to the repeat tracker before scoring and merge its findings
into the decision; retries do not count; without Redis the answer still comes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient

from moderation.api.app import create_app
from moderation.settings import Settings
from tests.helpers import assert_error, free_port

POLICY = "\n".join(
    ['version = "test-repeats"']
    + [
        f"[categories.{c}]\nflag = {0.85 if c == 'spam' else 0.99}\nreject = false"
        for c in ("violence", "racism", "profanity", "vulgarity", "doxing", "discourtesy", "spam")
    ]
)
# With a channel (the handle): a repeat alone, without one, stays below any flag.
CAMPAIGN = (
    "This newspaper has been bought by the developers. Read between the lines, the riverside "
    "project will destroy our town and the council knows it. The truth: @riverside_truth"
)
CIVIL = "Rest in peace Officer Daniels, my thoughts are with his wife and two children."


@pytest.fixture
def repeat_settings(queue_settings: Settings, tmp_path: Path) -> Settings:
    policy = tmp_path / "policy.toml"
    policy.write_text(POLICY, encoding="utf-8")
    # Repeats are the subject here, not keys (tests/api/test_auth.py): development mode.
    return queue_settings.model_copy(update={"policy_path": policy, "dev_mode": True})


@pytest.fixture
def api(repeat_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(repeat_settings)) as client:
        yield client


def _post(client: TestClient, text: str, **fields: Any) -> dict[str, Any]:
    response = client.post("/v1/moderate", json={"text": text, **fields})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _sources(body: dict[str, Any]) -> set[str]:
    return {e["source"] for t in body["triggered"] for e in t["evidence"]}


def test_copies_from_many_authors_are_flagged_with_the_repeat_as_evidence(
    api: TestClient,
) -> None:
    answers = [_post(api, CAMPAIGN, id=f"c{k}", author_id=f"bot{k}") for k in range(3)]
    assert [a["decision"] for a in answers[:2]] == ["allow", "allow"]
    assert answers[0]["scores"]["spam"] < answers[1]["scores"]["spam"]
    third = answers[2]
    assert third["decision"] == "flag" and third["scores"]["spam"] >= 0.85
    spam = next(t for t in third["triggered"] if t["category"] == "spam")
    duplicate = next(e for e in spam["evidence"] if e["source"] == "spam:duplicate")
    assert (duplicate["start"], duplicate["end"], duplicate["text"]) == (
        0,
        len(CAMPAIGN),
        CAMPAIGN,
    )
    assert third["review"]["item_id"]  # a flag enters the review queue as usual


def test_copies_of_a_civil_comment_are_not_flagged(api: TestClient) -> None:
    """Readers posting the same condolence: no channel, no lure, so however many post it the
    repeat alone never reaches the spam threshold."""
    answers = [_post(api, CIVIL, id=f"r{k}", author_id=f"reader{k}") for k in range(5)]
    assert [a["decision"] for a in answers] == ["allow"] * 5
    assert all(a["scores"]["spam"] < 0.8 for a in answers)


def test_a_client_retry_is_not_a_repeat(api: TestClient) -> None:
    first = _post(api, CAMPAIGN, id="same", author_id="a")
    again = [_post(api, CAMPAIGN, id="same", author_id="a") for _ in range(3)]
    assert {a["scores"]["spam"] for a in again} == {first["scores"]["spam"]}


def test_comments_without_an_id_are_each_counted(api: TestClient) -> None:
    one = _post(api, CAMPAIGN, author_id="a")
    two = _post(api, CAMPAIGN, author_id="a")
    assert one["id"].startswith("c_") and two["id"].startswith("c_") and one["id"] != two["id"]
    assert two["scores"]["spam"] > one["scores"]["spam"]  # the author's own second copy


def test_the_batch_counts_its_own_earlier_items(api: TestClient) -> None:
    items = [{"id": f"b{k}", "text": CAMPAIGN, "author_id": f"bot{k}"} for k in range(3)]
    response = api.post("/v1/moderate/batch", json={"items": items})
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["id"] for r in results] == ["b0", "b1", "b2"]
    assert [r["decision"] for r in results] == ["allow", "allow", "flag"]
    assert "spam:duplicate" in _sources(results[2])


def test_a_refused_comment_is_not_recorded(
    api: TestClient, raw: redis.Redis, repeat_settings: Settings
) -> None:
    assert_error(
        api.post("/v1/moderate", json={"text": "   ", "author_id": "a"}), 422, "empty_text"
    )
    invisible = {"text": "\u200b\u200b\u2060", "author_id": "a"}  # passes strip(), not scoring
    assert_error(api.post("/v1/moderate", json=invisible), 422, "empty_text")
    items = [{"text": CAMPAIGN, "author_id": "a"}, {"text": "x" * 10_001}]
    assert_error(api.post("/v1/moderate/batch", json={"items": items}), 422, "text_too_long")
    items[1] = invisible
    assert_error(api.post("/v1/moderate/batch", json={"items": items}), 422, "empty_text")
    assert not list(raw.scan_iter(match=f"{repeat_settings.redis_prefix}:{{spam}}:*"))


def test_turned_off_there_are_no_cross_comment_signals(repeat_settings: Settings) -> None:
    off = repeat_settings.model_copy(update={"spam_repeats": False})
    with TestClient(create_app(off)) as client:
        answers = [_post(client, CAMPAIGN, id=f"o{k}", author_id=f"bot{k}") for k in range(3)]
    assert len({a["scores"]["spam"] for a in answers}) == 1


def test_without_redis_the_answer_still_comes(repeat_settings: Settings) -> None:
    down = repeat_settings.model_copy(
        update={"redis_url": f"redis://127.0.0.1:{free_port()}/0", "redis_connect_timeout": 0.2}
    )
    with TestClient(create_app(down)) as client:
        answers = [_post(client, CAMPAIGN, id=f"d{k}", author_id=f"bot{k}") for k in range(3)]
        assert client.app.state.repeats.failures >= 1  # type: ignore[attr-defined]
    assert {a["decision"] for a in answers} == {"allow"}
    assert all("spam:duplicate" not in _sources(a) for a in answers)
