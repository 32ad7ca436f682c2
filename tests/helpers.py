"""Small helpers shared by test modules (fixtures live in conftest.py)."""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn

from moderation.normalize import Normalized
from moderation.registry import MANIFEST_FILE, sha256_file

# Every category flags at 0.5 and only profanity rejects, so the tiny test model gives each
# decision on a text we choose.
POLICY = "\n".join(
    ['version = "test-ingest"']
    + [
        f"[categories.{c}]\nflag = 0.5\nreject = {'0.9' if c == 'profanity' else 'false'}"
        for c in ("violence", "racism", "profanity", "vulgarity", "doxing", "discourtesy", "spam")
    ]
)
FLAG = "I will find where you live and hurt you"
REJECT = "fuck you, you fucking idiot asshole"
ALLOW = "Thanks for the thoughtful article, I learned a lot."


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    """`response` is an error in the service's one shape, with this status and code."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code and body["error"]["message"]
    return body


def free_port() -> int:
    """A loopback TCP port nothing listens on (for a Redis or receiver that is not there)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def check_offset_map(result: Normalized) -> None:
    """Every normalised character maps to a non-empty span inside the original, in order."""
    size = len(result.original)
    assert len(result.starts) == len(result.ends) == len(result.text)
    for start, end in zip(result.starts, result.ends, strict=True):
        assert 0 <= start < end <= size
    assert list(result.starts) == sorted(result.starts)
    assert list(result.ends) == sorted(result.ends)


@contextmanager
def live_server(app: Any) -> Iterator[str]:
    """`app` under a real uvicorn on a free loopback port, in a thread; yields its base URL."""
    config = uvicorn.Config(app, ws="none", lifespan="on", log_config=None, access_log=False)
    server = uvicorn.Server(config)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            assert thread.is_alive(), "uvicorn exited during startup"
            assert time.monotonic() < deadline, "uvicorn did not start in 10 s"
            time.sleep(0.01)
        try:
            yield f"http://127.0.0.1:{sock.getsockname()[1]}"
        finally:
            server.should_exit = True
            thread.join(timeout=10)
    assert not thread.is_alive(), "uvicorn did not shut down"


def wait_for(predicate: Callable[[], object], *, timeout: float = 15.0, what: str = "") -> None:
    """Poll `predicate` until it is true; fail after `timeout` seconds (a bound against hangs,
    never a speed assertion)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        time.sleep(0.05)


def dead_redis() -> Any:
    """A client of a Redis that is not there, failing at once: no retries (redis-py's default
    client retries with backoff, seconds per call) and a short connect timeout."""
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return redis.Redis(port=free_port(), socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))


def set_version_files(models: Path, version: str, files: dict[str, str]) -> None:
    """Write text `files` into model version `version` and its manifest's hashes, as
    `moderation train` would have written them."""
    folder = models / version
    manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
        manifest["files"][name] = sha256_file(folder / name)
    manifest["version"] = version
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def copy_version(models: Path, source: str, target: str, *, policy: str | None = None) -> None:
    """Model version `source` copied as `target` (the same model under another name), with
    `policy` as its policy.toml when given; card and manifest name `target`."""
    shutil.copytree(models / source, models / target)
    card = json.loads((models / target / "card.json").read_text(encoding="utf-8"))
    files = {"card.json": json.dumps({**card, "version": target}, indent=2) + "\n"}
    if policy is not None:
        files["policy.toml"] = policy
    set_version_files(models, target, files)
