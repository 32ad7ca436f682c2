"""`moderation serve` as a real process: worker processes share their state through Redis,
SIGTERM lets a request in flight finish, and the HTTP protocol bounds request heads."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest
import redis

from moderation.settings import REPO_DIR
from tests.helpers import free_port

pytestmark = pytest.mark.slow

# Every category flags at 0.5 and none rejects: the tiny model flags FLAG.
POLICY = 'version = "test-serve"\n' + "\n".join(
    f"[categories.{c}]\nflag = 0.5\nreject = false"
    for c in ("violence", "racism", "profanity", "vulgarity", "doxing", "discourtesy", "spam")
)
FLAG = "I will find where you live and hurt you"


class Server:
    """A `moderation serve` subprocess on a free port, its output in a file."""

    def __init__(
        self, process: subprocess.Popen[bytes], port: int, log: Path, key: str | None
    ) -> None:
        self.process, self.port, self.log, self.key = process, port, log, key

    def connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def request(self, method: str, path: str, body: object = None) -> tuple[int, dict]:
        conn = self.connect()
        try:
            return _exchange(conn, method, path, body, self.key)
        finally:
            conn.close()

    def workers(self) -> list[int]:
        """Pids of the processes listening on the port (uvicorn's workers)."""
        return [
            proc.pid
            for proc in psutil.Process(self.process.pid).children(recursive=True)
            if any(
                c.status == psutil.CONN_LISTEN and c.laddr.port == self.port
                for c in proc.net_connections(kind="tcp")
            )
        ]

    def connection_to(self, pid: int) -> http.client.HTTPConnection:
        """A fresh connection that worker `pid` accepted (the kernel picks the worker: try
        until it is that one). Used at once, before uvicorn's keep-alive timeout closes it."""
        for _ in range(200):
            conn = self.connect()
            assert _exchange(conn, "GET", "/healthz")[0] == 200
            if self.worker_of(conn) == pid:
                return conn
            conn.close()
        raise AssertionError(f"worker {pid} accepted none of 200 connections")

    def worker_of(self, conn: http.client.HTTPConnection) -> int:
        """The pid of the process holding the server end of `conn` (kept alive)."""
        assert conn.sock is not None
        client_port = conn.sock.getsockname()[1]
        for pid in self.workers():
            for c in psutil.Process(pid).net_connections(kind="tcp"):
                if c.raddr and (c.laddr.port, c.raddr.port) == (self.port, client_port):
                    return pid
        raise AssertionError("no worker holds the connection")


def _exchange(
    conn: http.client.HTTPConnection,
    method: str,
    path: str,
    body: object = None,
    key: str | None = None,
) -> tuple[int, dict]:
    payload = None if body is None else json.dumps(body)
    headers = {"content-type": "application/json"} if payload else {}
    if key is not None:
        headers["authorization"] = f"Bearer {key}"
    conn.request(method, path, body=payload, headers=headers)
    response = conn.getresponse()
    return response.status, json.loads(response.read() or b"{}")


@pytest.fixture
def serve_env(
    tiny_models_dir: Path, tmp_path: Path, redis_url: str, redis_prefix: str
) -> dict[str, str]:
    policy = tmp_path / "policy.toml"
    policy.write_text(POLICY, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODERATION_")}
    env.update(
        PYTHONPATH=os.pathsep.join([str(REPO_DIR), env.get("PYTHONPATH", "")]),
        REDIS_URL=redis_url,
        MODERATION_REDIS_PREFIX=redis_prefix,
        MODERATION_MODELS_DIR=str(tiny_models_dir),
        MODERATION_POLICY_PATH=str(policy),
        MODERATION_STATE_DIR=str(tmp_path / "state"),
        MODERATION_AUDIT_SAMPLE_RATE="0",
    )
    return env


@contextmanager
def serving(env: dict[str, str], log: Path, *args: str, key: str | None = None) -> Iterator[Server]:
    port = free_port()
    command = [sys.executable, "-m", "moderation.cli", "serve", "--port", str(port), *args]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(process, port, log, key)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if server.request("GET", "/readyz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_two_workers_share_the_review_queue_through_redis(
    serve_env: dict[str, str], tmp_path: Path, mint_key: Callable[..., str]
) -> None:
    key = mint_key("moderate", "review")
    with serving(serve_env, tmp_path / "serve.log", "--workers", "2", key=key) as server:
        workers = server.workers()
        assert len(workers) == 2, workers

        def call(pid: int, method: str, path: str, body: object = None) -> tuple[int, dict]:
            conn = server.connection_to(pid)
            try:
                return _exchange(conn, method, path, body, key)
            finally:
                conn.close()

        # Flagged through one worker, claimed and looked up through the other.
        status, flagged = call(workers[0], "POST", "/v1/moderate", {"id": "c-1", "text": FLAG})
        assert status == 200 and flagged["decision"] == "flag", flagged
        item_id = flagged["review"]["item_id"]
        claim = {"moderator": "ana", "limit": 5, "lease_seconds": 60}
        status, claimed = call(workers[1], "POST", "/v1/queue/claim", claim)
        assert status == 200, claimed
        assert [item["item_id"] for item in claimed["items"]] == [item_id]
        status, comment = call(workers[0], "GET", "/v1/comments/c-1")
        assert status == 200 and comment["state"] == "claimed", comment
        status, comment = call(workers[1], "GET", "/v1/comments/c-1")
        assert status == 200 and comment["state"] == "claimed", comment


def test_sigterm_lets_a_batch_in_flight_finish(
    serve_env: dict[str, str],
    tmp_path: Path,
    redis_url: str,
    redis_prefix: str,
    mint_key: Callable[..., str],
) -> None:
    items = [
        {"id": f"c{k}", "author_id": "drain", "text": f"comment {k} " + "word " * 1_900}
        for k in range(64)
    ]
    answer: dict[str, object] = {}
    key = mint_key("moderate")
    with serving(serve_env, tmp_path / "serve.log", "--workers", "2", key=key) as server:

        def send() -> None:
            answer["status"], answer["body"] = server.request(
                "POST", "/v1/moderate/batch", {"items": items}
            )

        sender = threading.Thread(target=send)
        sender.start()
        # The batch is being scored once the repeat tracker has recorded its author.
        with redis.Redis.from_url(redis_url) as client:
            deadline = time.monotonic() + 60
            while not list(client.scan_iter(match=f"{redis_prefix}:{{spam}}:author:*")):
                assert time.monotonic() < deadline and sender.is_alive()
                time.sleep(0.005)
        server.process.send_signal(signal.SIGTERM)
        sender.join(timeout=60)
        assert server.process.wait(timeout=60) == 0
    assert answer["status"] == 200, answer
    results = answer["body"]["results"]  # type: ignore[index]
    assert [r["id"] for r in results] == [i["id"] for i in items]
    log = server.log.read_text()
    assert "Waiting for connections to close" in log, log  # the signal came mid-request


def test_a_request_head_over_the_limit_is_a_431_without_reading_it(
    serve_env: dict[str, str], tmp_path: Path
) -> None:
    with serving(serve_env, tmp_path / "serve.log") as server:
        assert server.request("GET", "/healthz") == (200, {"status": "ok"})
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
            # 40 KB of one header, never finished: the server answers without the rest.
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 40_000)
            answer = b""
            while chunk := sock.recv(65536):  # until the server closes
                answer += chunk
        head, body = answer.split(b"\r\n\r\n", 1)
        assert head.startswith(b"HTTP/1.1 431 "), head
        assert json.loads(body)["error"] == {
            "code": "headers_too_large",
            "message": "request headers exceed 32768 bytes",
            "details": {"limit_bytes": 32768},
        }
        conn = server.connect()  # a head under the limit is served
        conn.request("GET", "/healthz", headers={"X-Big": "a" * 16_000})
        assert conn.getresponse().status == 200
        conn.close()
