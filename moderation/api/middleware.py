"""ASGI middleware: request ids (in a header, in `request.state` and in the log context) and a
request body cap enforced before parsing."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from moderation.api.errors import error_response
from moderation.observability.logs import request_id_var

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestContext:
    """Give every request an id (the caller's `X-Request-ID` when sane), echoed in a header,
    and refuse bodies over `max_body_bytes` (or a smaller per-route limit) with 413 before
    any of them is parsed, so an oversized body never costs JSON parsing on the event loop."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        route_limits: dict[str, int] | None = None,
        route_errors: dict[str, Callable[[int], Response]] | None = None,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.route_limits = route_limits or {}
        # Routes that answer in another API's error shape (Perspective's): limit -> response.
        self.route_errors = route_errors or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        given = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _SAFE_ID.match(given) else uuid.uuid4().hex[:16]
        scope.setdefault("state", {})["request_id"] = request_id
        request_id_var.set(request_id)  # every log line written for this request carries it
        limit = min(self.max_body_bytes, self.route_limits.get(scope["path"], self.max_body_bytes))
        scope["state"]["body_limit"] = limit
        render = self.route_errors.get(scope["path"])

        async def too_large() -> None:
            response = (
                render(limit)
                if render
                else error_response(
                    413,
                    "payload_too_large",
                    f"request body exceeds {limit} bytes",
                    {"limit_bytes": limit},
                    request_id=request_id,
                )
            )
            await response(scope, receive, send)

        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await too_large()
            return

        received = 0

        async def capped_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise HTTPException(413, f"request body exceeds {limit} bytes")
            return message

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = list(message.get("headers", []))
                if not any(k.lower() == b"x-request-id" for k, _ in raw):
                    raw.append((b"x-request-id", request_id.encode()))
                message["headers"] = raw
            await send(message)

        await self.app(scope, capped_receive, send_with_id)
