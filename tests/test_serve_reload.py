"""Hot reload under concurrent load: `moderation serve --workers 2` answers `/v1/moderate`
to 8 client threads while the model is promoted (ACTIVE + a message on the reload channel,
as `moderation models promote` does) and rolled back (`POST /v1/model/reload`). No request
fails, every answer names the old or the new version with that version's own policy, and
every worker ends on the version ACTIVE names. Run with `-s` to see the answers per version.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
import redis
from prometheus_client.parser import text_string_to_metric_families

from moderation.model_channel import publish_reload
from moderation.policy import DEFAULT_POLICY_PATH, load_policy
from moderation.registry import set_active
from moderation.settings import REPO_DIR
from tests.helpers import FLAG, POLICY, copy_version, wait_for
from tests.test_serve import Server, serving

pytestmark = pytest.mark.slow

CLIENTS = 8
OWN = POLICY.replace('version = "test-ingest"', 'version = "tiny-2-own"')


class Load:
    """Client threads posting comments until stopped; each answer's (status, versions)."""

    def __init__(self, server: Server, key: str) -> None:
        self.server, self.key = server, key
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.answers: list[tuple[int, str, str]] = []  # status, model, policy version
        self.errors: list[str] = []
        self.threads = [threading.Thread(target=self._post, args=(n,)) for n in range(CLIENTS)]

    def _post(self, client: int) -> None:
        conn = self.server.connect()
        body = json.dumps({"text": FLAG})
        headers = {"content-type": "application/json", "authorization": f"Bearer {self.key}"}
        n = 0
        while not self.stop.is_set():
            n += 1
            try:
                conn.request("POST", "/v1/moderate", body=body, headers=headers)
                response = conn.getresponse()
                answer = json.loads(response.read())
            except (OSError, http.client.HTTPException, ValueError) as exc:
                with self.lock:
                    self.errors.append(f"client {client} request {n}: {exc!r}")
                conn.close()
                conn = self.server.connect()
                continue
            with self.lock:
                self.answers.append(
                    (response.status, answer.get("model_version"), answer.get("policy_version"))
                )
        conn.close()

    def count(self, version: str | None = None) -> int:
        with self.lock:
            return sum(1 for _, v, _ in self.answers if version is None or v == version)

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)


def per_worker(server: Server, path: str) -> dict[int, dict]:
    """`path`'s answer from each worker."""
    answers = {}
    for pid in server.workers():
        conn = server.connection_to(pid)
        try:
            conn.request("GET", path)
            answers[pid] = json.loads(conn.getresponse().read())
        finally:
            conn.close()
    return answers


def every_worker_serves(server: Server, version: str) -> bool:
    return all(a["model_version"] == version for a in per_worker(server, "/readyz").values())


def loaded_gauge(server: Server) -> Counter[str]:
    """`moderation_model_loaded` summed over the workers, by model version."""
    page = server.connect()
    page.request("GET", "/metrics")
    text = page.getresponse().read().decode()
    page.close()
    gauge: Counter[str] = Counter()
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "moderation_model_loaded":
                gauge[sample.labels["model_version"]] += int(sample.value)
            if sample.name == "moderation_model_reloads_total":
                gauge[f"reloads:{sample.labels['result']}"] += int(sample.value)
    return gauge


def test_two_workers_switch_models_under_load_without_a_failed_request(
    tiny_models_dir: Path,
    tmp_path: Path,
    redis_url: str,
    redis_prefix: str,
    raw: redis.Redis,
    mint_key: Callable[..., str],
) -> None:
    models = tmp_path / "models"
    shutil.copytree(tiny_models_dir, models)
    copy_version(models, "tiny-1", "tiny-2", policy=OWN)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODERATION_")}
    env.update(
        PYTHONPATH=os.pathsep.join([str(REPO_DIR), env.get("PYTHONPATH", "")]),
        REDIS_URL=redis_url,
        MODERATION_REDIS_PREFIX=redis_prefix,
        MODERATION_MODELS_DIR=str(models),  # no MODERATION_POLICY_PATH: policy follows model
        MODERATION_STATE_DIR=str(tmp_path / "state"),
        MODERATION_LISTS_DIR=str(tmp_path / "lists"),
        MODERATION_AUDIT_SAMPLE_RATE="0",
        MODERATION_LOG_LEVEL="warning",
    )
    key = mint_key("moderate", "admin")
    with serving(env, tmp_path / "serve.log", "--workers", "2", key=key) as server:
        assert len(server.workers()) == 2
        wait_for(
            lambda: all(
                a["model_reload"]["channel"] == "subscribed"
                for a in per_worker(server, "/readyz").values()
            ),
            what="both workers subscribed",
        )
        with Load(server, key) as load:
            wait_for(lambda: load.count() >= 200, timeout=60, what="answers before")

            # Promotion, as the CLI does it: ACTIVE, then the message.
            set_active(models, "tiny-2")
            assert publish_reload(raw, redis_prefix, version="tiny-2", reason="test") == 2
            wait_for(lambda: every_worker_serves(server, "tiny-2"), timeout=60, what="tiny-2")
            switched = load.count("tiny-2")
            wait_for(lambda: load.count("tiny-2") >= switched + 200, timeout=60)

            # Rollback through the route: one worker loads, then tells the other.
            set_active(models, "tiny-1")
            status, body = server.request("POST", "/v1/model/reload")
            assert status == 200, body
            assert body["previous_version"] == "tiny-2" and body["model_version"] == "tiny-1"
            assert body["workers_notified"] == 1 and body["warning"] is None
            wait_for(lambda: every_worker_serves(server, "tiny-1"), timeout=60, what="tiny-1")
            back = load.count("tiny-1")
            wait_for(lambda: load.count("tiny-1") >= back + 200, timeout=60)
        gauge = loaded_gauge(server)

    statuses = Counter(status for status, _, _ in load.answers)
    versions = Counter((model, policy.split("+")[0]) for _, model, policy in load.answers)
    print(f"\n{len(load.answers)} answers; statuses {dict(statuses)}; errors {len(load.errors)}")
    for (model, policy), count in sorted(versions.items()):
        print(f"  model {model} policy {policy}: {count}")
    assert load.errors == []
    assert set(statuses) == {200}
    # Each version answers with the policy it came with, and with no other.
    default = load_policy(DEFAULT_POLICY_PATH).version  # tiny-1's (tests/conftest.py)
    assert set(versions) == {("tiny-1", default), ("tiny-2", "tiny-2-own")}
    # Both workers serve tiny-1 and count it; four loads in all (each worker twice: the
    # worker that answered the route skipped its own message).
    assert gauge["tiny-1"] == 2 and gauge["tiny-2"] == 0, gauge
    assert gauge["reloads:loaded"] == 4 and gauge["reloads:failed"] == 0, gauge
