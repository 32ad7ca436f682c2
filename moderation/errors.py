"""Typed errors with a stable machine code and an HTTP status; the API and CLI render them."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import ValidationError


class ModerationError(Exception):
    """Base error: `status` is the HTTP status, `code` a stable machine-readable name."""

    status: int = 500
    code: str = "internal_error"
    exit_code: int = 1
    #: HTTP headers every answer of this kind carries (`WWW-Authenticate` on a 401).
    default_headers: ClassVar[dict[str, str]] = {}

    def __init__(
        self, message: str, *, details: Any = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        self.headers = {**self.default_headers, **(headers or {})}

    def to_dict(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


class InvalidInput(ModerationError):
    status = 422
    code = "invalid_input"
    exit_code = 2


class InvalidJson(InvalidInput):
    status = 400
    code = "invalid_json"


class PayloadTooLarge(ModerationError):
    status = 413
    code = "payload_too_large"
    exit_code = 2


class NotFound(ModerationError):
    status = 404
    code = "not_found"


class PolicyError(ModerationError):
    """The policy file is missing, unparsable or names an unknown category."""

    status = 500
    code = "policy_error"
    exit_code = 3


class ModelError(ModerationError):
    """The model artifact is missing, tampered with, or was built by incompatible libraries."""

    status = 503
    code = "model_unavailable"
    exit_code = 4


class Conflict(ModerationError):
    """The request contradicts state the service already holds."""

    status = 409
    code = "conflict"


class QueueUnavailable(ModerationError):
    """Redis (the review queue) is not configured, unreachable or refusing writes."""

    status = 503
    code = "queue_unavailable"
    exit_code = 5


def describe_validation_error(exc: ValidationError) -> str:
    """A pydantic error as one line: `where: what; where: what`."""
    return "; ".join(
        ": ".join(filter(None, (".".join(str(p) for p in err["loc"]), err["msg"])))
        for err in exc.errors()
    )
