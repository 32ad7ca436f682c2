"""OpenAPI documentation of the error responses every route can return."""

from typing import Any

from moderation.schemas import ErrorResponse

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "The body is not valid JSON."},
    413: {"model": ErrorResponse, "description": "The body exceeds the size cap."},
    415: {"model": ErrorResponse, "description": "The body is not sent as JSON."},
    422: {"model": ErrorResponse, "description": "Invalid input (empty or too long text…)."},
    503: {"model": ErrorResponse, "description": "No model is loaded."},
}
