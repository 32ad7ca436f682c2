"""Rate limits per API key and per author, counted in the real Redis: 429 with Retry-After,
shared by every app on the same Redis (as uvicorn workers are), and never in the way when
Redis is down."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from moderation.api.app import create_app
from moderation.settings import Settings
from tests.helpers import assert_error, dead_redis, free_port


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_a_key_over_its_limit_gets_429_with_retry_after(
    queue_settings: Settings, mint_key: Callable[..., str]
) -> None:
    limited = queue_settings.model_copy(update={"rate_limit_per_key": "3/minute"})
    busy, quiet = mint_key("moderate"), mint_key("moderate")
    with TestClient(create_app(limited)) as client:
        answers = [
            client.post("/v1/moderate", json={"text": "hello"}, headers=_bearer(busy))
            for _ in range(4)
        ]
        other = client.post("/v1/moderate", json={"text": "hello"}, headers=_bearer(quiet))
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    body = assert_error(answers[-1], 429, "rate_limited")
    retry_after = int(answers[-1].headers["retry-after"])
    assert 1 <= retry_after <= 60
    assert body["error"]["details"] == {
        "limit": "3 per 1 minute",
        "scope": "key",
        "retry_after": retry_after,
    }
    assert other.status_code == 200


def test_the_count_is_shared_by_every_worker_on_the_redis(
    queue_settings: Settings, mint_key: Callable[..., str]
) -> None:
    limited = queue_settings.model_copy(update={"rate_limit_per_key": "3/minute"})
    headers = _bearer(mint_key("review"))
    with (
        TestClient(create_app(limited), headers=headers) as first,
        TestClient(create_app(limited), headers=headers) as second,
    ):
        statuses = [c.get("/v1/queue/stats").status_code for c in (first, second, first, second)]
    assert statuses == [200, 200, 200, 429]


def test_an_author_over_the_limit_is_refused_and_others_are_not(
    queue_settings: Settings, auth_headers: dict[str, str]
) -> None:
    limited = queue_settings.model_copy(update={"rate_limit_per_author": "2/minute"})
    with TestClient(create_app(limited), headers=auth_headers) as client:

        def post(author: str | None) -> int:
            body = {"text": "Interesting article.", "author_id": author}
            return client.post("/v1/moderate", json=body).status_code

        assert [post("ana") for _ in range(3)] == [200, 200, 429]
        assert post("ben") == 200
        assert [post(None) for _ in range(3)] == [200, 200, 200]  # anonymous: not limited

        batch = {"items": [{"text": "hi there", "author_id": "cy"} for _ in range(3)]}
        refused = client.post("/v1/moderate/batch", json=batch)
        body = assert_error(refused, 429, "rate_limited")
        assert body["error"]["details"]["scope"] == "author"
        # the refused batch counted for nothing: cy still has two comments left
        assert [post("cy") for _ in range(3)] == [200, 200, 429]


def test_with_redis_down_limits_step_aside(settings: Settings) -> None:
    down = settings.model_copy(
        update={
            "redis_url": f"redis://127.0.0.1:{free_port()}/0",
            "rate_limit_per_key": "1/minute",
            "rate_limit_per_author": "1/minute",
            "redis_connect_timeout": 0.2,
        }
    )
    assert down.dev_mode  # no key to look up: the author limit is the Redis work here
    with TestClient(create_app(down)) as client:
        statuses = [
            client.post("/v1/moderate", json={"text": "hello", "author_id": "a"}).status_code
            for _ in range(3)
        ]
    assert statuses == [200, 200, 200]


def test_development_mode_has_no_key_to_count(queue_settings: Settings) -> None:
    dev = queue_settings.model_copy(update={"dev_mode": True, "rate_limit_per_key": "1/minute"})
    with TestClient(create_app(dev)) as client:
        statuses = [client.post("/v1/moderate", json={"text": "hi"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]


@pytest.mark.parametrize("bad", ["lots", "5/fortnight", "-1/second"])
def test_a_limit_that_does_not_parse_is_refused_at_start(bad: str) -> None:
    with pytest.raises(ValidationError, match="is not a rate limit"):
        Settings(rate_limit_per_key=bad)


def test_after_a_redis_failure_the_limits_pause_instead_of_timing_out_each_time(
    caplog: pytest.LogCaptureFixture,
) -> None:

    from moderation.api.rate_limits import PAUSE_AFTER_FAILURE, RateLimits

    now = [100.0]
    client = dead_redis()
    limits = RateLimits(client, Settings(rate_limit_per_key="1/minute"), clock=lambda: now[0])
    for _ in range(3):
        limits.charge_key("k")  # the first call fails; the next two never reach Redis
    assert len([r for r in caplog.records if "not checked" in r.message]) == 1
    now[0] += PAUSE_AFTER_FAILURE + 1
    limits.charge_key("k")
    assert len([r for r in caplog.records if "not checked" in r.message]) == 2
