"""The access log and the HTTP metrics: one `moderation.access` line and one count per request.

`AccessLog` wraps the whole app (outside `RequestContext`, so the 413s that refuses before
routing are seen too). Each request gives one line with `method`, `route` (the template, as in
`/v1/queue/{item_id}/decision`), `path` (without the query string, where Perspective clients
put their API key), `status`, `duration_ms` and `request_id`, and one observation in
`moderation_http_requests_total` and `moderation_http_request_duration_seconds`.

`moderation serve` turns uvicorn's own access lines off. `RedactKeys` keeps them free of API
keys for anyone who runs the app under uvicorn directly with its access log on.
"""

from __future__ import annotations

import logging
import re
import time
from urllib.parse import unquote

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from moderation.api import route_table
from moderation.observability.metrics import UNMATCHED, observe_request

log = logging.getLogger("moderation.access")

_PARAM = re.compile(r"([?&])([^=&\s]*)=([^&\s]*)")
_SECRET_NAMES = frozenset({"key", "access_token"})


class AccessLog:
    """ASGI middleware: times each HTTP request, counts it and logs it (see the module)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def route_template(self, scope: Scope) -> str:
        """The path template of the route that answered (`/v1/comments/{comment_id}`), or of
        the one that would have (a request refused before routing), else `unmatched`."""
        path = getattr(scope.get("route"), "path", None)
        if isinstance(path, str):
            return path
        app = scope.get("app")
        route = route_table.match(app, scope["path"]) if app is not None else None
        return route.template if route is not None else UNMATCHED

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status: int | None = None

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            # An exception before any answer: Starlette's outer handler answers 500.
            self._done(scope, status or 500, time.perf_counter() - start)

    def _done(self, scope: Scope, status: int, seconds: float) -> None:
        method, route = scope["method"], self.route_template(scope)
        observe_request(method=method, route=route, status=status, seconds=seconds)
        duration_ms = round(seconds * 1000, 2)
        log.info(
            "%s %s %d %.1f ms",
            method,
            route,
            status,
            duration_ms,
            extra={
                "method": method,
                "route": route,
                "path": scope.get("path"),
                "status": status,
                "duration_ms": duration_ms,
                "request_id": scope.get("state", {}).get("request_id"),
            },
        )


def _redact(match: re.Match[str]) -> str:
    """`?key=…` (however its name is percent-encoded or cased) becomes `?key=***`."""
    if unquote(match.group(2)).lower() in _SECRET_NAMES:
        return f"{match.group(1)}{match.group(2)}=***"
    return match.group(0)


class RedactKeys(logging.Filter):
    """Rewrites uvicorn's access-log path argument with `key=***`."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) >= 3:
            args = list(record.args)
            if isinstance(args[2], str) and "=" in args[2]:
                args[2] = _PARAM.sub(_redact, args[2])
                record.args = tuple(args)
        return True


def install() -> None:
    """Add the filter to uvicorn's access logger once per process."""
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactKeys) for f in logger.filters):
        logger.addFilter(RedactKeys())
