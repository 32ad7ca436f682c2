"""Fixtures of the fault tests: a private redis-server to break (never the shared one), and
settings whose timeouts and retry intervals are short enough for a test to wait them out."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from moderation.settings import Settings
from tests.helpers import POLICY, free_port
from tests.servers import PrivateRedis, Receiver

PREFIX = "fault"
WEBHOOK_SECRET = "whsec-fault-0123456789abcdef"


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    """A redis-server of this test's own on a free port, not started yet: the test starts,
    kills and stalls it. Killed at the end."""
    server = PrivateRedis(free_port(), tmp_path / "redis")
    yield server
    server.kill()


@pytest.fixture
def fault_settings(settings: Settings, private_redis: PrivateRedis, tmp_path: Path) -> Settings:
    """The service on the private Redis, with the test policy (the tiny model flags `FLAG`),
    half-second Redis timeouts and a spool replayed ten times a second."""
    policy = tmp_path / "policy.toml"
    policy.write_text(POLICY, encoding="utf-8")
    return settings.model_copy(
        update={
            "policy_path": policy,
            "redis_url": private_redis.url,
            "redis_prefix": PREFIX,
            "redis_socket_timeout": 0.5,
            "redis_connect_timeout": 0.5,
            "spool_replay_interval": 0.1,
        }
    )


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """The comment system's webhook receiver on a free port, not started yet: until the
    test starts it, deliveries meet a closed port. Stopped at the end."""
    receiver = Receiver(free_port())
    yield receiver
    receiver.stop()


@pytest.fixture
def webhook_settings(fault_settings: Settings, receiver: Receiver) -> Settings:
    """`fault_settings` delivering outcomes to `receiver`: retries after 50 ms, doubling up
    to 300 ms, one second per attempt."""
    return fault_settings.model_copy(
        update={
            "webhook_url": receiver.url,
            "webhook_secret": SecretStr(WEBHOOK_SECRET),
            "webhook_timeout": 1.0,
            "webhook_retry_initial": 0.05,
            "webhook_retry_max": 0.3,
        }
    )
