"""uvicorn's httptools HTTP protocol with a bound on the request head.

uvicorn's httptools protocol reads a request line and headers of any size: measured against
`moderation serve`, one 50 MB header was read whole and answered 200, the worker growing by as
much. (Its h11 protocol has a bound, `h11_max_incomplete_event_size`, but answers a plain-text
400.) This subclass counts the bytes read while a request's head is incomplete and, past
`max_header_bytes`, answers 431 in the service's error shape and closes the connection without
reading more. `moderation serve` runs uvicorn with it (`http=` takes an import string, so the
worker processes of `--workers N` load it too).

Bytes that follow a finished request in the same read (a pipelined request) start the next
head's count late, by at most one read (asyncio reads 256 KiB at most): still bounded.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from moderation.settings import get_settings


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """`HttpToolsProtocol` that answers 431 to a request head over `max_header_bytes`."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.max_head_bytes = get_settings().max_header_bytes
        self.head_bytes: int | None = 0  # read of the current head; None once it is complete
        self.heads_completed = 0

    def on_headers_complete(self) -> None:
        self.head_bytes = None
        self.heads_completed += 1
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self.head_bytes = 0

    def data_received(self, data: bytes) -> None:
        if self.head_bytes is None:
            super().data_received(data)
            return
        room = self.max_head_bytes - self.head_bytes
        if len(data) <= room:
            self.head_bytes += len(data)
            super().data_received(data)
            return
        heads_before = self.heads_completed
        super().data_received(data[:room])
        if self.transport.is_closing():
            return
        if self.heads_completed == heads_before:  # the head goes on past the limit
            self.refuse_head()
            return
        self.data_received(data[room:])

    def refuse_head(self) -> None:
        """Answer 431 in our error shape and close: nothing more of the request is read."""
        limit = self.max_head_bytes
        self.logger.warning("Request head over %d bytes refused with 431.", limit)
        body = json.dumps(
            {
                "error": {
                    "code": "headers_too_large",
                    "message": f"request headers exceed {limit} bytes",
                    "details": {"limit_bytes": limit},
                }
            }
        ).encode()
        self.transport.write(
            b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
            b"content-type: application/json\r\n"
            b"content-length: " + str(len(body)).encode() + b"\r\n"
            b"connection: close\r\n\r\n" + body
        )
        self.transport.close()
