"""Keep API keys out of the access log: Perspective clients send theirs as `?key=…`."""

from __future__ import annotations

import logging
import re

_SECRET_PARAMS = re.compile(r"([?&](?:key|access_token)=)[^&\s]*", re.IGNORECASE)


class RedactKeys(logging.Filter):
    """Rewrites uvicorn's access-log path argument with `key=***`."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) >= 3:
            args = list(record.args)
            if isinstance(args[2], str) and "=" in args[2]:
                args[2] = _SECRET_PARAMS.sub(r"\1***", args[2])
                record.args = tuple(args)
        return True


def install() -> None:
    """Add the filter to uvicorn's access logger once per process."""
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactKeys) for f in logger.filters):
        logger.addFilter(RedactKeys())
