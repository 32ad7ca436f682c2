"""Log records as one JSON object a line (or plain text for people), tagged with the id of
the request being served.

`RequestContext` (moderation/api/middleware.py) puts each request's id in `request_id_var`;
`RequestIdFilter`, on the handler, copies it onto every record, so a line written anywhere
while the request runs (a route, the scorer, the threadpool it runs in) carries it. A JSON
line holds `timestamp` (ISO 8601, UTC, milliseconds), `level`, `logger`, `message`,
`request_id` (null outside a request), any `extra=` fields and, for an exception, `exc_info`.

Comment text never goes into a log line unless `MODERATION_LOG_COMMENT_TEXT` is on: the one
place that would write it is `moderation.observability.decisions`.
"""

from __future__ import annotations

import logging
import logging.config
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, Literal

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

LogFormat = Literal["json", "text"]

# Set (never reset) by RequestContext inside the request's own task: uvicorn runs each request
# in a task of its own, so the value cannot reach another request, and uvicorn's traceback of
# a failed request, written after the app returned, still carries it.
request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
# Record attributes that are not log fields: the standard ones, Python 3.12's task name and
# the ANSI-coloured copy of the message uvicorn adds to some of its lines.
_NOT_FIELDS = (*RESERVED_ATTRS, "taskName", "color_message")


class RequestIdFilter(logging.Filter):
    """Sets `record.request_id` to the current request's id, unless the call gave one."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id_var.get()
        return True


class _JsonLines(JsonFormatter):
    """python-json-logger's formatter with the timestamp first and in UTC."""

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        moment = datetime.fromtimestamp(record.created, tz=UTC)
        log_data["timestamp"] = moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        super().add_fields(log_data, record, message_dict)


def json_formatter() -> logging.Formatter:
    """One JSON object a line: timestamp, level, logger, message, request_id, extras."""
    return _JsonLines(
        ["levelname", "name", "message", "request_id"],
        rename_fields={"levelname": "level", "name": "logger"},
        reserved_attrs=_NOT_FIELDS,
    )


class _TextLines(logging.Formatter):
    """The text format, plus a decision's comment text when it was logged (the one field
    a JSON line has that its message does not say)."""

    def format(self, record: logging.LogRecord) -> str:
        given = getattr(record, "request_id", None)
        record.request_id = given or "-"  # outside a request
        try:
            line = super().format(record)
        finally:
            record.request_id = given  # other handlers see the record unchanged
        text = getattr(record, "text", None)
        return line if text is None else f"{line} text={text!r}"


def text_formatter() -> logging.Formatter:
    """`<time> <LEVEL> <logger> [<request id>] <message>`, for a terminal."""
    return _TextLines(TEXT_FORMAT)


def formatter(kind: LogFormat) -> logging.Formatter:
    return json_formatter() if kind == "json" else text_formatter()


def handler(kind: LogFormat, stream: Any = None) -> logging.Handler:
    """A stream handler (stderr by default) in `kind`'s format, tagging request ids."""
    out = logging.StreamHandler(stream)
    out.setFormatter(formatter(kind))
    out.addFilter(RequestIdFilter())
    return out


def log_config(*, kind: LogFormat, level: str) -> dict[str, Any]:
    """`logging.config.dictConfig` input: one stderr handler on the root logger, so our
    loggers and uvicorn's come out in one format; uvicorn's access lines are off."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {
            "json": {"()": json_formatter},
            "text": {"()": text_formatter},
        },
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": kind,
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["default"], "level": level.upper()},
        "loggers": {
            # uvicorn's loggers write through the root handler, not handlers of their own.
            "uvicorn": {"handlers": [], "propagate": True},
            "uvicorn.error": {"handlers": [], "propagate": True},
            # Off: `moderation.access` writes one richer line per request instead.
            "uvicorn.access": {"handlers": [], "propagate": False},
        },
    }


def configure(*, kind: LogFormat, level: str) -> None:
    """Set this process's logging up for the service (`moderation serve` and each of its
    workers, from the app factory: uvicorn configures a worker's logging before it can answer
    the supervisor's health pings, too early to import this package there)."""
    logging.addLevelName(5, "TRACE")  # uvicorn's level below DEBUG, for --log-level trace
    logging.config.dictConfig(log_config(kind=kind, level=level))
