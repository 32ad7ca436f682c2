"""Small helpers shared by test modules (fixtures live in conftest.py)."""

from __future__ import annotations

import socket
from typing import Any

from moderation.normalize import Normalized


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
