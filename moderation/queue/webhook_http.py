"""One webhook delivery over HTTP: the signature, and a POST bounded in time that never raises.

Kept apart from the deliverer (`webhook.py`), which decides what to send and when; this module
only knows how to send one body and report what came back.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import http.client
import socket
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_ERROR_CHARS = 300  # of a failed answer's body, kept for operators


@dataclass(frozen=True)
class Attempt:
    """What one POST got: a status (None when no answer came) and, unless 2xx, why not."""

    status: int | None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    """The `X-Moderation-Signature` value: `sha256=` + hex HMAC-SHA256 of `<timestamp>.<body>`."""
    mac = hmac.new(secret, timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> Attempt:
    """POST `body` to `url`, taking `timeout` seconds at most in all; never raises.

    The socket timeout bounds each wait; a timer shuts the socket down at the deadline, so a
    receiver trickling its answer cannot hold the deliverer longer either.
    """
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    conn: http.client.HTTPConnection
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(parts.hostname or "", parts.port, timeout=timeout)
    else:
        conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout)
    expired = threading.Event()
    deadline = threading.Timer(timeout, _shut_down, (conn, expired))
    deadline.daemon = True
    deadline.start()
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        status = response.status
        if 200 <= status < 300:
            return Attempt(status)
        text = response.read(MAX_ERROR_CHARS).decode("utf-8", "replace").strip()
        return Attempt(status, f"HTTP {status} {response.reason}: {text}".strip(": "))
    except (OSError, http.client.HTTPException) as exc:
        if expired.is_set() or isinstance(exc, TimeoutError):
            return Attempt(None, f"no answer within {timeout:g} s")
        return Attempt(None, f"{type(exc).__name__}: {exc}")
    finally:
        deadline.cancel()
        conn.close()


def _shut_down(conn: http.client.HTTPConnection, expired: threading.Event) -> None:
    expired.set()
    sock = conn.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
