"""ASGI middleware: request ids (in a header, in `request.state` and in the log context), and
limits on headers and bodies enforced before parsing."""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from moderation.api.errors import error_response
from moderation.api.json_depth import too_deep
from moderation.observability.logs import request_id_var

_SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


@dataclass(frozen=True)
class Refusal:
    """A request refused before the app saw it, for a route to render in its own shape."""

    status: int
    code: str
    message: str
    details: dict[str, Any] | None
    headers: dict[str, str] = field(default_factory=dict)


#: Authenticates a request from its scope alone, before its body is read: None lets it on.
Authenticate = Callable[[Scope], Awaitable[Refusal | None]]


class RequestContext:
    """Give every request an id (the caller's `X-Request-ID` when sane), echoed in a header,
    and refuse, before any route or parser sees the request:

    - headers over `max_header_bytes` with 431 (`moderation serve`'s HTTP protocol bounds the
      request head while reading it; this check answers in our shape under any server);
    - a request `authenticate` refuses (a route that needs an API key, sent without a valid
      one), before its body is read or parsed;
    - a body over `max_body_bytes` (or a smaller per-route limit) with 413, without reading
      more of it than the limit;
    - a body nesting arrays and objects deeper than `max_json_depth` with 400, so that no
      parser recurses through it (`json_depth`).

    A body is read whole here and handed on in one piece; the routes read it whole anyway.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        max_json_depth: int,
        max_header_bytes: int,
        route_limits: dict[str, int] | None = None,
        route_errors: dict[str, Callable[[Refusal], Response]] | None = None,
        authenticate: Authenticate | None = None,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_json_depth = max_json_depth
        self.max_header_bytes = max_header_bytes
        self.route_limits = route_limits or {}
        # Routes that answer in another API's error shape (Perspective's).
        self.route_errors = route_errors or {}
        self.authenticate = authenticate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw_headers: list[tuple[bytes, bytes]] = list(scope.get("headers") or [])
        headers = dict(raw_headers)
        given = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _SAFE_ID.fullmatch(given) else uuid.uuid4().hex[:16]
        scope.setdefault("state", {})["request_id"] = request_id
        request_id_var.set(request_id)  # every log line written for this request carries it
        limit = min(self.max_body_bytes, self.route_limits.get(scope["path"], self.max_body_bytes))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = list(message.get("headers", []))
                if not any(k.lower() == b"x-request-id" for k, _ in raw):
                    raw.append((b"x-request-id", request_id.encode()))
                message["headers"] = raw
            await send(message)

        async def refuse(refusal: Refusal) -> None:
            render = self.route_errors.get(scope["path"])
            response = (
                render(refusal)
                if render
                else error_response(
                    refusal.status,
                    refusal.code,
                    refusal.message,
                    refusal.details,
                    request_id=request_id,
                    headers=refusal.headers,
                )
            )
            await response(scope, receive, send_with_id)

        header_bytes = sum(len(name) + len(value) + 4 for name, value in raw_headers)
        if header_bytes > self.max_header_bytes:
            await refuse(headers_too_large(self.max_header_bytes))
            return
        if self.authenticate is not None:
            refusal = await self.authenticate(scope)
            if refusal is not None:
                await refuse(refusal)
                return

        if b"content-length" in headers or b"transfer-encoding" in headers:
            declared = headers.get(b"content-length", b"")
            if declared.isdigit() and int(declared) > limit:
                await refuse(payload_too_large(limit))
                return
            body = await _read_body(receive, limit)
            if body is None:  # the client went away
                return
            if len(body) > limit:
                await refuse(payload_too_large(limit))
                return
            if too_deep(body, self.max_json_depth):
                await refuse(json_too_deep(self.max_json_depth))
                return
            receive = _replay(body, receive)

        await self.app(scope, receive, send_with_id)


def headers_too_large(limit: int) -> Refusal:
    return Refusal(
        431,
        "headers_too_large",
        f"request headers exceed {limit} bytes",
        {"limit_bytes": limit},
    )


def payload_too_large(limit: int) -> Refusal:
    return Refusal(
        413, "payload_too_large", f"request body exceeds {limit} bytes", {"limit_bytes": limit}
    )


def json_too_deep(limit: int) -> Refusal:
    return Refusal(
        400,
        "json_too_deep",
        f"request body nests arrays and objects more than {limit} levels deep",
        {"limit_depth": limit},
    )


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or its first `limit + 1` bytes or more when it is longer (the rest is
    left unread); None when the client disconnected first."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if size > limit or not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """`receive` for the app: the body in one message, then the server's own messages
    (a disconnect) as they come."""
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if delivered:
            return await receive()
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay
