"""The reload channel while its Redis dies and comes back: the worker keeps serving, logs the
outage once, reloads through the route without telling anyone (and says so), and once Redis
is back subscribes again and catches up with a promotion made while it was down."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any

import httpx2
import pytest

from moderation.api.app import create_app
from moderation.registry import set_active
from moderation.settings import Settings
from tests.helpers import FLAG, copy_version, live_server, wait_for
from tests.servers import PrivateRedis


@pytest.fixture
def models(tiny_models_dir: Path, tmp_path: Path) -> Path:
    models = tmp_path / "models"
    shutil.copytree(tiny_models_dir, models)
    copy_version(models, "tiny-1", "tiny-2")
    return models


@pytest.mark.slow
def test_a_promotion_during_an_outage_is_caught_up_after_reconnecting(
    fault_settings: Settings,
    private_redis: PrivateRedis,
    models: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = fault_settings.model_copy(update={"models_dir": models, "dev_mode": True})
    private_redis.start()
    with (
        caplog.at_level(logging.INFO, logger="moderation.model"),
        live_server(create_app(settings)) as url,
        httpx2.Client(base_url=url, timeout=30) as http,
    ):

        def reload_state() -> dict[str, Any]:
            state: dict[str, Any] = http.get("/readyz").json()
            return state

        wait_for(lambda: reload_state()["model_reload"]["channel"] == "subscribed")
        private_redis.kill()
        wait_for(lambda: reload_state()["model_reload"]["channel"] == "down")

        # The route still reloads this worker; the publish fails, and the answer says so.
        set_active(models, "tiny-2")
        body = http.post("/v1/model/reload").json()
        assert body["model_version"] == "tiny-2" and body["workers_notified"] is None
        assert "not told" in body["warning"]
        # A promotion nobody could announce: Redis is down.
        set_active(models, "tiny-1")
        answer = http.post("/v1/moderate", json={"text": FLAG})
        assert answer.status_code == 200 and answer.json()["model_version"] == "tiny-2"

        private_redis.start()
        wait_for(lambda: reload_state()["model_version"] == "tiny-1", what="the catch-up")
        assert reload_state()["model_reload"]["channel"] == "subscribed"
        answer = http.post("/v1/moderate", json={"text": FLAG})
        assert answer.status_code == 200 and answer.json()["model_version"] == "tiny-1"

    messages = [r.getMessage() for r in caplog.records if r.name == "moderation.model"]
    # However many attempts the outage took, one warning for it and one line at its end.
    assert len([m for m in messages if "Redis unreachable" in m]) == 1, messages
    assert len([m for m in messages if "subscribed again" in m]) == 1, messages
    assert any("catch-up after subscribing" in m for m in messages), messages
