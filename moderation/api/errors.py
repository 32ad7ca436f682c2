"""One error shape for every failure: `{"error": {"code", "message", "details"}}`."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from moderation.api import route_table
from moderation.errors import ModerationError

_HTTP_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


def error_response(
    status: int,
    code: str,
    message: str,
    details: Any = None,
    request: Request | None = None,
    *,
    request_id: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    headers = dict(headers or {})
    request_id = request_id or getattr(getattr(request, "state", None), "request_id", None)
    if request_id:
        headers["X-Request-ID"] = request_id
    body: dict[str, Any] = {"error": {"code": code, "message": message, "details": details}}
    if request_id:
        body["request_id"] = request_id
    return JSONResponse(status_code=status, content=body, headers=headers)


def _clean_validation(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """pydantic's errors without echoing the (possibly huge) input back."""
    return [
        {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
        for e in errors
    ]


def _allowed_methods(request: Request) -> list[str]:
    """Every method the schema lists at the request's path (Starlette's own 405 names only
    the first route matching the path, though PUT and DELETE may be other routes)."""
    route = route_table.match(request.app, request.url.path)
    return sorted(route.scopes) if route is not None else []


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ModerationError)
    async def _moderation_error(request: Request, exc: ModerationError) -> JSONResponse:
        return error_response(
            exc.status, exc.code, exc.message, exc.details, request, headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = _clean_validation(list(exc.errors()))
        content_type = request.headers.get("content-type", "")
        if request.method == "POST" and "json" not in content_type:
            return error_response(
                415,
                "unsupported_media_type",
                "send the body as JSON with the header Content-Type: application/json",
                {"content_type": content_type or None},
                request,
            )
        if any(d["type"] == "json_invalid" for d in details):
            return error_response(
                400, "invalid_json", "request body is not valid JSON", details, request
            )
        return error_response(
            422, "invalid_input", "request body failed validation", details, request
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
            # FastAPI's "error parsing the body", raised from what `json.loads` refused
            # besides syntax: bytes that are not UTF-8, an integer of over 4,300 digits.
            details = [{"loc": ["body"], "msg": str(exc.__cause__)[:200], "type": "json_invalid"}]
            return error_response(
                400, "invalid_json", "request body is not valid JSON", details, request
            )
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        headers = dict(exc.headers or {})
        if exc.status_code == 405 and (allowed := _allowed_methods(request)):
            headers["Allow"] = ", ".join(allowed)
        return error_response(
            exc.status_code, code, str(exc.detail), None, request, headers=headers
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, _exc: Exception) -> JSONResponse:
        return error_response(500, "internal_error", "unexpected server error", None, request)
