"""Keep API keys out of the access log: Perspective clients send theirs as `?key=…`."""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote

_PARAM = re.compile(r"([?&])([^=&\s]*)=([^&\s]*)")
_SECRET_NAMES = frozenset({"key", "access_token"})


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
