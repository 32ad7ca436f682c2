"""Hot reload in one worker, on the real Redis: `POST /v1/model/reload`, a message on the
reload channel, a load that fails, a pinned version, requests in flight, the policy that
comes with each version. (`tests/test_serve_reload.py`: two workers under load;
`tests/fault/test_reload_redis_restart.py`: Redis going away.)"""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
import redis
from fastapi.testclient import TestClient
from pydantic import SecretStr

from moderation.api.app import create_app
from moderation.api.deps import _moderator
from moderation.model_channel import publish_reload
from moderation.policy import DEFAULT_POLICY_PATH, load_policy
from moderation.registry import set_active
from moderation.settings import Settings
from tests.api.test_coral import SECRET as CORAL_SECRET
from tests.api.test_coral import coral_request, coral_signature
from tests.api.test_coral import post as post_to_coral
from tests.api.test_metrics import moved, scrape
from tests.helpers import FLAG, POLICY, assert_error, copy_version, live_server, wait_for

OWN = POLICY.replace('version = "test-ingest"', 'version = "tiny-2-own"')
DEFAULT = load_policy(DEFAULT_POLICY_PATH).version  # tiny-1's thresholds (tests/conftest.py)


@pytest.fixture
def models(tiny_models_dir: Path, tmp_path: Path) -> Path:
    """A registry of the test's own: tiny-1 (active; the packaged default's thresholds) and
    tiny-2, the same model with thresholds of its own (`OWN`: every category flags at 0.5)."""
    models = tmp_path / "models"
    shutil.copytree(tiny_models_dir, models)
    copy_version(models, "tiny-1", "tiny-2", policy=OWN)
    return models


@pytest.fixture
def reload_settings(queue_settings: Settings, models: Path) -> Settings:
    return queue_settings.model_copy(update={"models_dir": models})


@pytest.fixture
def admin(mint_key: Callable[..., str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_key('moderate', 'admin')}"}


def serving(settings: Settings, headers: dict[str, str]) -> TestClient:
    return TestClient(create_app(settings), headers=headers)


def subscribed(client: TestClient) -> None:
    """Wait until the worker listens on the reload channel (a message sent before is lost)."""
    wait_for(
        lambda: client.get("/readyz").json()["model_reload"]["channel"] == "subscribed",
        what="the reload channel's subscription",
    )


def served(client: TestClient) -> str:
    version: str = client.get("/readyz").json()["model_version"]
    return version


def scored_by(client: TestClient, text: str = FLAG) -> dict[str, Any]:
    response = client.post("/v1/moderate", json={"text": text})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def client(reload_settings: Settings, admin: dict[str, str]) -> Iterator[TestClient]:
    with serving(reload_settings, admin) as client:
        subscribed(client)
        yield client


def test_the_route_loads_the_active_model_and_answers_after_the_swap(
    client: TestClient, models: Path
) -> None:
    before = scored_by(client)
    assert before["model_version"] == "tiny-1"
    assert before["policy_version"].startswith(f"{DEFAULT}+lists.")
    set_active(models, "tiny-2")

    response = client.post("/v1/model/reload")

    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {
        "previous_version",
        "model_version",
        "policy_version",
        "workers_notified",
        "warning",
        "request_id",
    }
    assert body["previous_version"] == "tiny-1" and body["model_version"] == "tiny-2"
    assert body["policy_version"].startswith("tiny-2-own+lists.")
    assert body["workers_notified"] == 0  # subscribed: this worker only, which loaded already
    assert body["warning"] is None
    assert body["request_id"] == response.headers["X-Request-ID"]
    # Answered after the swap: the very next request is scored by the new model, with the
    # thresholds that came with it (every category flags at 0.5).
    after = scored_by(client)
    assert after["model_version"] == "tiny-2"
    assert after["policy_version"] == body["policy_version"]
    info = client.get("/v1/model").json()
    assert info["version"] == "tiny-2" and info["card"]["version"] == "tiny-2"
    assert info["thresholds"]["violence"] == {"flag": 0.5, "reject": None}
    last = client.get("/readyz").json()["model_reload"]["last"]
    assert last["result"] == "loaded" and last["model_version"] == "tiny-2"


def test_the_route_needs_the_admin_scope(
    reload_settings: Settings, mint_key: Callable[..., str]
) -> None:
    with serving(reload_settings, {}) as client:
        assert_error(client.post("/v1/model/reload"), 401, "unauthorized")
        moderate_only = {"Authorization": f"Bearer {mint_key('moderate')}"}
        refused = client.post("/v1/model/reload", headers=moderate_only)
        body = assert_error(refused, 403, "forbidden")
        assert body["error"]["details"]["required"] == ["admin"]
        assert served(client) == "tiny-1"


def test_a_message_on_the_channel_makes_the_worker_load_active(
    client: TestClient, models: Path, raw: redis.Redis, redis_prefix: str, caplog: Any
) -> None:
    set_active(models, "tiny-2")
    assert publish_reload(raw, redis_prefix, version="tiny-2", reason="promote") == 1
    wait_for(lambda: served(client) == "tiny-2", what="tiny-2 served")
    assert scored_by(client)["model_version"] == "tiny-2"

    # The worker trusts its own disk: a message naming another version loads ACTIVE, logged.
    set_active(models, "tiny-1")
    with caplog.at_level(logging.WARNING, logger="moderation.model"):
        publish_reload(raw, redis_prefix, version="tiny-9", reason="rollback")
        wait_for(lambda: served(client) == "tiny-1", what="tiny-1 served")
        wait_for(lambda: any("tiny-9" in r.getMessage() for r in caplog.records))


def test_of_two_reloads_close_together_the_later_one_wins(
    client: TestClient, models: Path, raw: redis.Redis, redis_prefix: str
) -> None:
    copy_version(models, "tiny-1", "tiny-3")
    set_active(models, "tiny-2")
    publish_reload(raw, redis_prefix, version="tiny-2", reason="promote")
    set_active(models, "tiny-3")
    publish_reload(raw, redis_prefix, version="tiny-3", reason="promote again")
    wait_for(lambda: served(client) == "tiny-3", what="tiny-3 served")
    # Loads are serialised and each reads ACTIVE when it starts: the route's load waits for
    # any still pending, and finds tiny-3 served before it.
    body = client.post("/v1/model/reload").json()
    assert body["previous_version"] == body["model_version"] == "tiny-3"


def test_a_failed_load_keeps_the_old_model_serving(client: TestClient, models: Path) -> None:
    with (models / "tiny-2" / "model.joblib").open("ab") as handle:
        handle.write(b"tampered")
    set_active(models, "tiny-2")
    before = scrape(client)

    body = assert_error(client.post("/v1/model/reload"), 503, "model_reload_failed")

    details = body["error"]["details"]
    assert details["serving_version"] == "tiny-1"
    assert "does not match the manifest" in details["reason"]
    assert scored_by(client)["model_version"] == "tiny-1"
    ready = client.get("/readyz")
    assert ready.status_code == 200  # the old model serves: still ready
    last = ready.json()["model_reload"]["last"]
    assert last["result"] == "failed" and last["model_version"] == "tiny-1"
    assert last["error"] == "model_unavailable"  # the code only: /readyz is open
    reloads = "moderation_model_reloads_total"
    assert moved(before, scrape(client), reloads, result="failed") == 1

    # A version ACTIVE names that is not on disk fails the same way.
    (models / "ACTIVE").write_text("tiny-9\n")
    body = assert_error(client.post("/v1/model/reload"), 503, "model_reload_failed")
    assert "tiny-9" in body["error"]["details"]["reason"]
    assert scored_by(client)["model_version"] == "tiny-1"


def test_a_pinned_version_ignores_reloads(
    reload_settings: Settings,
    admin: dict[str, str],
    models: Path,
    raw: redis.Redis,
    redis_prefix: str,
) -> None:
    pinned = reload_settings.model_copy(update={"model_version": "tiny-1"})
    with serving(pinned, admin) as client:
        subscribed(client)
        set_active(models, "tiny-2")
        body = assert_error(client.post("/v1/model/reload"), 409, "model_pinned")
        assert body["error"]["details"] == {"pinned_version": "tiny-1"}
        assert "MODERATION_MODEL_VERSION" in body["error"]["message"]

        before = scrape(client)
        publish_reload(raw, redis_prefix, version="tiny-2", reason="promote")
        reloads = "moderation_model_reloads_total"
        wait_for(
            lambda: moved(before, scrape(client), reloads, result="ignored") == 1,
            what="the message to be handled",
        )
        state = client.get("/readyz").json()
        assert state["model_reload"]["pinned_version"] == "tiny-1"
        assert state["model_reload"]["last"]["result"] == "ignored"
        assert state["model_version"] == "tiny-1"
        assert scored_by(client)["model_version"] == "tiny-1"


def test_the_sites_policy_file_is_read_again_on_reload(
    reload_settings: Settings, admin: dict[str, str], tmp_path: Path
) -> None:
    site = tmp_path / "site-policy.toml"
    site.write_text(POLICY.replace("test-ingest", "site-1"), encoding="utf-8")
    with serving(reload_settings.model_copy(update={"policy_path": site}), admin) as client:
        assert scored_by(client)["policy_version"].startswith("site-1+lists.")
        site.write_text(POLICY.replace("test-ingest", "site-2"), encoding="utf-8")
        body = client.post("/v1/model/reload").json()
        assert body["model_version"] == "tiny-1"
        assert body["policy_version"].startswith("site-2+lists.")
        assert scored_by(client)["policy_version"] == body["policy_version"]


def test_a_request_keeps_the_model_it_started_with(client: TestClient, models: Path) -> None:
    """What a route holds is the object `ModeratorDep` gave it when the request began: the
    swap replaces `app.state.moderator`, never that object."""
    app: Any = client.app
    request = type("Request", (), {"app": app})()
    held = _moderator(request)  # type: ignore[arg-type]
    set_active(models, "tiny-2")
    assert client.post("/v1/model/reload").status_code == 200
    assert app.state.moderator is not held
    assert held.moderate(FLAG).model_version == "tiny-1"  # still whole, still scoring
    assert _moderator(request).model_version == "tiny-2"  # type: ignore[arg-type]


def test_a_batch_in_flight_is_scored_by_one_model(
    reload_settings: Settings, admin: dict[str, str], models: Path
) -> None:
    """Batches of 200 comments keep coming while the model flips: every batch answer names
    one version for all its results, and both versions answer batches."""
    batch = {"items": [{"text": f"{FLAG} number {n}"} for n in range(200)]}
    answers: list[set[str]] = []
    stop = threading.Event()
    with live_server(create_app(reload_settings)) as url:

        def send() -> None:
            with httpx2.Client(base_url=url, headers=admin, timeout=60) as http:
                while not stop.is_set():
                    response = http.post("/v1/moderate/batch", json=batch)
                    assert response.status_code == 200, response.text
                    answers.append({r["model_version"] for r in response.json()["results"]})

        sender = threading.Thread(target=send)
        sender.start()
        try:
            with httpx2.Client(base_url=url, headers=admin, timeout=60) as http:
                for version in ("tiny-2", "tiny-1", "tiny-2"):
                    set_active(models, version)
                    assert http.post("/v1/model/reload").json()["model_version"] == version
                    seen = len(answers)
                    wait_for(lambda seen=seen: len(answers) > seen + 1, what="batches answered")
        finally:
            stop.set()
            sender.join(timeout=120)
    assert all(len(versions) == 1 for versions in answers), answers
    assert {v for versions in answers for v in versions} == {"tiny-1", "tiny-2"}


def test_without_redis_the_route_reloads_this_worker_and_says_nobody_else_was_told(
    settings: Settings, models: Path
) -> None:
    with TestClient(create_app(settings.model_copy(update={"models_dir": models}))) as client:
        assert client.get("/readyz").json()["model_reload"]["channel"] == "off"
        set_active(models, "tiny-2")
        body = client.post("/v1/model/reload").json()
        assert body["model_version"] == "tiny-2" and body["workers_notified"] is None
        assert "no Redis is configured" in body["warning"]


def test_perspective_and_coral_answers_name_the_model_in_headers(
    reload_settings: Settings, admin: dict[str, str], models: Path
) -> None:
    """Their body shapes are Perspective's and Coral's: the versions travel as headers, on a
    Coral 204 (no opinion) too."""
    coral_settings = reload_settings.model_copy(
        update={"coral_signing_secret": SecretStr(CORAL_SECRET)}
    )
    analyze = {"comment": {"text": FLAG}, "requestedAttributes": {"TOXICITY": {}}}
    civil = coral_request("Thanks for the thoughtful article, I learned a lot.")
    signature = coral_signature(civil, CORAL_SECRET)
    with serving(coral_settings, admin) as client:
        for version, policy in (("tiny-1", f"{DEFAULT}+"), ("tiny-2", "tiny-2-own+")):
            set_active(models, version)
            assert client.post("/v1/model/reload").status_code == 200
            google = client.post("/v1alpha1/comments:analyze", json=analyze)
            coral = post_to_coral(client, civil, signature)
            assert google.status_code == 200, google.text
            assert coral.status_code == 204, coral.text  # civil: no opinion, no body
            for answer in (google, coral):
                assert answer.headers["X-Model-Version"] == version
                assert answer.headers["X-Policy-Version"].startswith(policy)
