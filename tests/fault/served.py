"""The service as operators run it: `moderation serve` (uvicorn) in a subprocess, configured
through the environment from a `Settings`, talked to over real HTTP."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx2
from pydantic import SecretStr

from moderation.settings import REPO_DIR, Settings
from tests.helpers import free_port

STARTUP_SECONDS = 90  # importing, loading the model and warming up on a busy 2-core machine


def settings_env(settings: Settings) -> dict[str, str]:
    """`settings` as the `MODERATION_*` variables that make `get_settings()` rebuild them:
    every field that differs from its default, so whatever the test fixtures set (state
    folders, the model, later ones too) reaches the server process."""
    env: dict[str, str] = {}
    for name, info in Settings.model_fields.items():
        value = getattr(settings, name)
        if value is None or value == info.get_default(call_default_factory=True):
            continue
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        elif isinstance(value, bool):
            value = "true" if value else "false"
        env[f"MODERATION_{name.upper()}"] = str(value)
    return env


class ServedApp:
    """`moderation serve` on a free port, with this checkout's `moderation` package; its
    output goes to `log` (shown by `output()` when a test fails)."""

    def __init__(self, settings: Settings, log: Path) -> None:
        self.settings = settings
        self.port = free_port()
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def http(self, timeout: float = 10.0) -> httpx2.Client:
        """A client of its own (one per thread): connection pools are not shared."""
        return httpx2.Client(base_url=self.url, timeout=timeout, trust_env=False)

    def start(self) -> None:
        """Start the server and wait until `/healthz` answers."""
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("MODERATION_") and k != "REDIS_URL"
        }
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_DIR), env.get("PYTHONPATH")]))
        env.update(settings_env(self.settings))
        command = [sys.executable, "-m", "moderation.cli", "serve", "--port", str(self.port)]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [*command, "--log-level", "warning"], env=env, stdout=log, stderr=log
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        with self.http(timeout=1.0) as client:
            while True:
                if self.process.poll() is not None:
                    raise AssertionError(f"moderation serve exited:\n{self.output()}")
                try:
                    if client.get("/healthz").status_code == 200:
                        return
                except httpx2.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise AssertionError(f"moderation serve did not start:\n{self.output()}")
                time.sleep(0.1)

    def stop(self) -> int:
        """SIGTERM, as an orchestrator stops it: the lifespan's shutdown runs (the spool's
        last replay). Returns the exit code: uvicorn raises the signal again once it shut
        down cleanly, so a clean stop is -SIGTERM (or 0)."""
        if self.process is None:
            return 0
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"moderation serve did not stop:\n{self.output()}") from None
        finally:
            self.process = None
        return code

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-5000:]
