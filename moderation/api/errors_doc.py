"""OpenAPI documentation helpers: the error responses every route can return, and request
schemas for routes that read their own bodies."""

from typing import Any

from moderation.schemas import ErrorResponse

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {
        "model": ErrorResponse,
        "description": "The body is not valid JSON (`invalid_json`), or nests deeper than "
        "`max_json_depth` (`json_too_deep`).",
    },
    413: {"model": ErrorResponse, "description": "The body exceeds the size cap."},
    415: {"model": ErrorResponse, "description": "The body is not sent as JSON."},
    422: {"model": ErrorResponse, "description": "Invalid input (empty or too long text…)."},
    431: {"model": ErrorResponse, "description": "The headers exceed `max_header_bytes`."},
    503: {"model": ErrorResponse, "description": "No model is loaded."},
}


#: The answers of every route that needs an API key (`moderation.api.security`).
AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "No API key, or an unknown or revoked one."},
    403: {"model": ErrorResponse, "description": "The API key lacks the route's scope."},
    429: {
        "model": ErrorResponse,
        "description": "A rate limit is reached (`Retry-After` says when to try again).",
        "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds."}},
    },
}


def inline_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` with its `$defs` references replaced by the definitions (our models nest
    without cycles), so it stands alone in a route's `openapi_extra` request body."""
    defs = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return resolve(defs[node["$ref"].rsplit("/", 1)[-1]])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(value) for value in node]
        return node

    resolved: dict[str, Any] = resolve(schema)
    return resolved
