"""Small helpers shared by test modules (fixtures live in conftest.py)."""

from __future__ import annotations

import socket
from typing import Any


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
