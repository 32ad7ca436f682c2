"""`moderation serve --workers N` and its metrics: the per-run folder the workers share, and a
real two-worker server whose `/metrics` reports the sum whichever worker answers."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from moderation.observability.multiproc import (
    MULTIPROC_VARIABLE,
    metrics_dir_for_serve,
    remove_stale,
)
from tests.helpers import free_port

DEAD_PID = 4_194_305  # above Linux's pid_max: never a running process


def test_one_worker_needs_no_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MULTIPROC_VARIABLE, raising=False)
    with metrics_dir_for_serve(tmp_path, workers=1) as folder:
        assert folder is None and MULTIPROC_VARIABLE not in os.environ
    assert not (tmp_path / "metrics").exists()


def test_several_workers_get_a_fresh_folder_removed_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(MULTIPROC_VARIABLE, raising=False)
    parent = tmp_path / "metrics" / socket.gethostname()  # one host's runs
    stale, alive = parent / str(DEAD_PID), parent / str(os.getppid())
    for folder in (stale, alive, parent / str(os.getpid())):
        folder.mkdir(parents=True)
        (folder / "counter_1.db").write_bytes(b"old")
    with metrics_dir_for_serve(tmp_path, workers=2) as folder:
        assert folder == parent / str(os.getpid())
        assert os.environ[MULTIPROC_VARIABLE] == str(folder)
        assert list(folder.iterdir()) == []  # last run's figures (same pid) are gone
        assert not stale.exists() and alive.is_dir()  # a dead run's folder too, not a live one
    assert not folder.exists() and MULTIPROC_VARIABLE not in os.environ
    assert remove_stale(parent) == [] and alive.is_dir()


def test_an_operators_folder_is_left_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    theirs = tmp_path / "theirs"
    monkeypatch.setenv(MULTIPROC_VARIABLE, str(theirs))
    with metrics_dir_for_serve(tmp_path / "state", workers=4) as folder:
        assert folder is None and theirs.is_dir()
        (theirs / "counter_9.db").write_bytes(b"x")
    assert (theirs / "counter_9.db").exists()
    assert os.environ[MULTIPROC_VARIABLE] == str(theirs)


def _get(
    url: str, *, body: bytes | None = None, key: str | None = None
) -> tuple[int, bytes, str | None]:
    """One request on a connection of its own (so the kernel may hand it to any worker)."""
    headers = {"Content-Type": "application/json"}
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    request = urllib.request.Request(url, data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read(), response.headers.get("X-Request-ID")


def _samples(base: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    _, page, _ = _get(base + "/metrics")
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(page.decode())
        for s in family.samples
    }


@pytest.mark.slow
def test_two_workers_report_one_sum(
    tiny_models_dir: Path,
    tmp_path: Path,
    redis_url: str,
    redis_prefix: str,
    mint_key: Callable[..., str],
) -> None:
    api_key = mint_key("moderate")
    port, state = free_port(), tmp_path / "state"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("MODERATION_", "PROMETHEUS"))},
        "REDIS_URL": redis_url,
        "MODERATION_REDIS_PREFIX": redis_prefix,
        "MODERATION_MODELS_DIR": str(tiny_models_dir),
        "MODERATION_STATE_DIR": str(state),
        "MODERATION_LISTS_DIR": str(tmp_path / "lists"),
    }
    command = [sys.executable, "-c", "from moderation.cli import main; main()", "serve"]
    with (tmp_path / "serve.log").open("w+") as log:
        server = subprocess.Popen(
            [*command, "--workers", "2", "--port", str(port)], env=env, stdout=log, stderr=log
        )
        base = f"http://127.0.0.1:{port}"
        loaded = "moderation_model_loaded"
        try:
            deadline = time.monotonic() + 90
            while True:  # until both workers have loaded the model
                assert server.poll() is None, (tmp_path / "serve.log").read_text()
                try:
                    if sum(v for (n, _), v in _samples(base).items() if n == loaded) == 2:
                        break
                except OSError:
                    pass
                assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
                time.sleep(0.2)
            folder = state / "metrics" / socket.gethostname() / str(server.pid)
            assert folder.is_dir()

            ids = []
            for n in range(12):
                body = json.dumps({"id": f"c-{n}", "text": "you stupid idiot"}).encode()
                status, _, request_id = _get(base + "/v1/moderate", body=body, key=api_key)
                assert status == 200
                ids.append(request_id)
            key = (
                "moderation_http_requests_total",
                frozenset({"method": "POST", "route": "/v1/moderate", "status": "200"}.items()),
            )
            # Every scrape, whichever worker answers it, reports all twelve.
            for _ in range(6):
                samples = _samples(base)
                assert samples[key] == 12
                assert sum(v for (n, _), v in samples.items() if n == loaded) == 2
                assert samples[("moderation_redis_up", frozenset())] == 1
            # Both workers keep their figures in the run's folder.
            assert len(list(folder.glob("gauge_livesum_*.db"))) == 2
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        assert server.returncode == 0
        assert not folder.exists()  # removed with the run

        log.seek(0)
        lines = [json.loads(line) for line in log.read().splitlines() if line.startswith("{")]
        access = [line for line in lines if line["logger"] == "moderation.access"]
        logged = {a["request_id"] for a in access if a["route"] == "/v1/moderate"}
        assert logged == set(ids)
        assert {line["logger"] for line in lines} >= {"uvicorn.error", "moderation.decisions"}
        assert all("stupid" not in json.dumps(line) for line in lines)
