"""Real servers the tests start and break on purpose: a private `redis-server` on a free port
(killed with SIGKILL, restarted on its data, stalled) and an HTTP receiver for the outcome
webhook (down, then back). Never the shared Redis at 6379."""

from __future__ import annotations

import functools
import hashlib
import hmac
import http.server
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis

# -- a private redis-server ------------------------------------------------------------------


@functools.cache
def _redis_server() -> tuple[str, tuple[str, ...]]:
    """The redis-server binary on PATH and the arguments that let a local client run DEBUG
    (Redis 7 refuses it unless `enable-debug-command` says otherwise; 6 has no such option)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not on PATH")
    version = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True)
    found = re.search(r"v=(\d+)\.", version.stdout)
    major = int(found.group(1)) if found else 0
    return binary, (("--enable-debug-command", "local") if major >= 7 else ())


class PrivateRedis:
    """A redis-server of the test's own on a TCP port. No RDB snapshots; the append-only
    file, fsynced on every write, makes what it acknowledged survive `kill -9`, and `start`
    after `kill` reloads it from the same folder."""

    def __init__(self, port: int, data_dir: Path) -> None:
        self.port = port
        self.data_dir = data_dir
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self, **options: Any) -> redis.Redis:
        """A plain client (strings, not bytes) on this server."""
        return redis.Redis.from_url(self.url, decode_responses=True, **options)

    def start(self) -> None:
        """Start the server and wait until it answers (its append-only file loaded)."""
        binary, debug = _redis_server()
        self.data_dir.mkdir(exist_ok=True)
        args = ["--port", str(self.port), "--save", "", "--dir", str(self.data_dir)]
        args += ["--appendonly", "yes", "--appendfsync", "always", *debug]
        self.process = subprocess.Popen(
            [binary, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                with redis.Redis.from_url(self.url, socket_connect_timeout=0.2) as client:
                    client.ping()
                return
            except redis.ConnectionError:  # refused, or still loading its data
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise
                time.sleep(0.02)

    def kill(self) -> None:
        """SIGKILL: no goodbye, connections cut mid-command."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


# -- an HTTP receiver for the outcome webhook ------------------------------------------------


@dataclass
class Request:
    headers: dict[str, str]
    body: bytes
    started: float
    ended: float = 0.0
    status: int = 0

    def signed_with(self, secret: str) -> bool:
        """Whether `X-Moderation-Signature` is the HMAC-SHA256 of `<timestamp>.<body>`."""
        timestamp = self.headers["X-Moderation-Timestamp"]
        mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + self.body, hashlib.sha256)
        return self.headers["X-Moderation-Signature"] == f"sha256={mac.hexdigest()}"


@dataclass
class Receiver:
    """An HTTP server on a loopback port recording every request; `answer(request)` gives
    the status to send (default 200), `delay` seconds to wait before answering. Until
    `start` (and after `stop`) nothing listens on the port: connections are refused."""

    port: int
    answer: Callable[[Request], int] = lambda _request: 200
    delay: float = 0.0
    requests: list[Request] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: http.server.ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/moderation?site=test"

    def start(self) -> None:
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                request = Request(dict(self.headers), self.rfile.read(length), time.monotonic())
                assert self.path == "/hooks/moderation?site=test"
                time.sleep(receiver.delay)
                request.status = receiver.answer(request)
                request.ended = time.monotonic()
                with receiver.lock:
                    receiver.requests.append(request)
                self.send_response(request.status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *_args: Any) -> None:
                pass

        class Server(http.server.ThreadingHTTPServer):
            allow_reuse_address = True

            def handle_error(self, *_args: Any) -> None:
                pass

        self.server = Server(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def by_delivery(self) -> dict[str, list[Request]]:
        with self.lock:
            seen: dict[str, list[Request]] = {}
            for request in self.requests:
                seen.setdefault(request.headers["X-Moderation-Delivery"], []).append(request)
            return seen

    def delivered(self) -> set[str]:
        return {d for d, rs in self.by_delivery().items() if any(r.status == 200 for r in rs)}
