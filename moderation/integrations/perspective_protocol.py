"""Perspective API's wire format: the AnalyzeComment request and answer as pydantic models,
the body parser, and errors in Google's shape.

Sources: conversationai/perspectiveapi (2-api/methods.md, limits.md) and the API's discovery
document (as mirrored in APIs-guru/openapi-directory, googleapis.com/commentanalyzer/v1alpha1):
field names in lowerCamelCase or the proto's snake_case, proto3 semantics (null = unset), and
errors as `{"error": {"code", "message", "status", "details": [{"@type", "errorType"}]}}` with
the `errorType` values limits.md lists. Fields it does not describe are ignored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import orjson
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError

from moderation.integrations.relaxed_json import to_strict

PATH = "/v1alpha1/comments:analyze"
SUGGEST_PATH = "/v1alpha1/comments:suggestscore"
SCORE_TYPE = "PROBABILITY"
#: Largest body read in the relaxed syntax (hand-written requests are small; strict JSON has
#: no such limit).
RELAXED_MAX_BYTES = 64 * 1024
_ERROR_TYPE = "type.googleapis.com/google.commentanalyzer.v1alpha1.Error"
_BAD_REQUEST_TYPE = "type.googleapis.com/google.rpc.BadRequest"


# -- errors, in Google's shape ----------------------------------------------------------------


class PerspectiveError(Exception):
    """An error rendered as Google APIs do: `{"error": {code, message, status, details}}`."""

    def __init__(
        self,
        message: str,
        *,
        error_type: str | None = "INVALID_REQUEST",
        status: int = 400,
        google_status: str = "INVALID_ARGUMENT",
        extra: Mapping[str, Any] | None = None,
        violations: Sequence[Mapping[str, str]] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.headers: dict[str, str] = {}  # `Retry-After` on a 429
        self.google_status = google_status
        self.details: list[dict[str, Any]] = []
        if error_type is not None:
            self.details.append({"@type": _ERROR_TYPE, "errorType": error_type, **(extra or {})})
        if violations:
            self.details.append({"@type": _BAD_REQUEST_TYPE, "fieldViolations": list(violations)})

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {
            "code": self.status,
            "message": self.message,
            "status": self.google_status,
        }
        if self.details:
            error["details"] = self.details
        return {"error": error}


def payload_too_large(limit: int) -> PerspectiveError:
    return PerspectiveError(
        f"Request payload size exceeds the limit: {limit} bytes.", error_type=None
    )


def unavailable() -> PerspectiveError:
    return PerspectiveError(
        "The service is starting: no model is loaded yet.",
        error_type=None,
        status=503,
        google_status="UNAVAILABLE",
    )


def not_found(message: str) -> PerspectiveError:
    return PerspectiveError(message, error_type=None, status=404, google_status="NOT_FOUND")


_ACCESS_STATUS = {
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    429: "RESOURCE_EXHAUSTED",
    503: "UNAVAILABLE",
}


def access_denied(
    status: int, message: str, headers: Mapping[str, str] | None = None
) -> PerspectiveError:
    """A missing, unknown or under-scoped API key (401/403), a rate limit reached (429, with
    its `Retry-After`), or keys uncheckable (503)."""
    error = PerspectiveError(
        message, error_type=None, status=status, google_status=_ACCESS_STATUS[status]
    )
    error.headers = dict(headers or {})
    return error


def unimplemented(message: str) -> PerspectiveError:
    return PerspectiveError(message, error_type=None, status=501, google_status="UNIMPLEMENTED")


def internal() -> PerspectiveError:
    return PerspectiveError(
        "Internal error encountered.", error_type=None, status=500, google_status="INTERNAL"
    )


def _invalid_payload(description: str, field: str | None = None) -> PerspectiveError:
    message = f"Invalid JSON payload received. {description}"
    violation = (
        {"description": message} if field is None else {"field": field, "description": message}
    )
    return PerspectiveError(message, violations=[violation])


# -- the request --------------------------------------------------------------------------


def _camel(camel: str, snake: str, description: str | None = None) -> Any:
    """Proto JSON accepts a field's lowerCamelCase name and its original snake_case one."""
    return Field(
        default=None,
        validation_alias=AliasChoices(camel, snake),
        serialization_alias=camel,
        description=description,
    )


class _Message(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class TextEntry(_Message):
    """A piece of text: the comment, or context around it."""

    text: str | None = None
    type: str | None = Field(default=None, description="PLAIN_TEXT (HTML is refused).")


class ArticleAndParentComment(_Message):
    """Accepted and not used."""

    article: TextEntry | None = None
    parent_comment: TextEntry | None = _camel("parentComment", "parent_comment")


class CommentContext(_Message):
    """Accepted and not used: entries or articleAndParentComment, not both."""

    entries: list[TextEntry] | None = None
    article_and_parent_comment: ArticleAndParentComment | None = _camel(
        "articleAndParentComment", "article_and_parent_comment"
    )


class AttributeParameters(_Message):
    """How to score one attribute."""

    score_type: str | None = _camel(
        "scoreType", "score_type", "PROBABILITY (or unset): the only score type."
    )
    score_threshold: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        allow_inf_nan=False,
        validation_alias=AliasChoices("scoreThreshold", "score_threshold"),
        serialization_alias="scoreThreshold",
        description="Leave out the attribute, and its spans, when they score below this.",
    )


class AnalyzeCommentRequest(_Message):
    """Perspective's AnalyzeComment request (camelCase or snake_case field names)."""

    model_config = ConfigDict(
        extra="ignore",
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "comment": {"text": "What kind of idiot name is foo?"},
                    "languages": ["en"],
                    "requestedAttributes": {"TOXICITY": {}, "INSULT": {"scoreThreshold": 0.5}},
                    "spanAnnotations": True,
                    "clientToken": "comment-53922",
                }
            ]
        },
    )

    comment: TextEntry | None = Field(default=None, description="The comment to score.")
    context: CommentContext | None = None
    requested_attributes: dict[str, AttributeParameters | None] | None = _camel(
        "requestedAttributes",
        "requested_attributes",
        "Attribute name (TOXICITY, INSULT, ...) to its parameters.",
    )
    span_annotations: bool | None = _camel(
        "spanAnnotations", "span_annotations", "Score each word too (spanScores)."
    )
    languages: list[str] | None = Field(
        default=None,
        description="ISO 639-1 or BCP-47 codes, all read by the model; unset: detected.",
    )
    do_not_store: bool | None = _camel(
        "doNotStore", "do_not_store", "Accepted: nothing sent here is stored, whatever it says."
    )
    client_token: str | None = _camel("clientToken", "client_token", "Echoed in the answer.")
    session_id: str | None = _camel("sessionId", "session_id", "Accepted and not used.")
    community_id: str | None = _camel("communityId", "community_id", "Accepted and not used.")
    drop_unsupported_attributes: bool | None = _camel(
        "dropUnsupportedAttributes",
        "drop_unsupported_attributes",
        "Answer without the attributes instead of failing when the language is not supported.",
    )


# -- the answer ---------------------------------------------------------------------------
# `perspective.analyze` builds the answer as a dict; these models describe it (OpenAPI, the
# discovery document) and a test validates real answers against them, extra fields forbidden.


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Score(_Answer):
    """A score and its type."""

    value: float = Field(ge=0.0, le=1.0, description="A calibrated probability, 4 decimals.")
    type: Literal["PROBABILITY"] = Field(description="Always PROBABILITY.")


class SpanScore(_Answer):
    """The score of one word of the comment."""

    begin: int = Field(description="The word's first UTF-16 code unit in the comment text.")
    end: int = Field(description="One past the word's last UTF-16 code unit.")
    score: Score


class AttributeScores(_Answer):
    """One requested attribute's scores."""

    summary_score: Score = Field(alias="summaryScore", description="The whole comment's score.")
    span_scores: list[SpanScore] | None = Field(
        default=None,
        alias="spanScores",
        description="Word scores when spanAnnotations is true, those below the threshold left out.",
    )


class AnalyzeCommentResponse(_Answer):
    """Perspective's AnalyzeComment answer, in proto3 JSON (empty fields left out)."""

    attribute_scores: dict[str, AttributeScores] | None = Field(
        default=None,
        alias="attributeScores",
        description="Scores by attribute name, in request order; those below their "
        "scoreThreshold are left out.",
    )
    languages: list[str] = Field(
        description="The request's languages, else the detected one (else the model's first)."
    )
    detected_languages: list[str] | None = Field(
        default=None,
        alias="detectedLanguages",
        description="The detected language, also when languages were declared; absent when "
        "the text is too short or mixed to tell.",
    )
    client_token: str | None = Field(
        default=None, alias="clientToken", description="The request's clientToken."
    )


def _relaxed(body: bytes) -> Any:
    """`body` in the relaxed syntax (`relaxed_json`); ValueError when it is not that either."""
    if len(body) > RELAXED_MAX_BYTES:
        raise ValueError("too long for the relaxed syntax")
    strict = to_strict(body.decode("utf-8"))  # UnicodeDecodeError is a ValueError
    if strict is None:
        raise ValueError("a string never closes")
    return orjson.loads(strict)  # so is orjson.JSONDecodeError


def _load_json(body: bytes) -> Any:
    """Strict JSON; else, for a body of at most `RELAXED_MAX_BYTES`, the relaxed syntax Google's
    front end also takes (Perspective's own samples send it)."""
    if not body.strip():
        return {}
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as strict:
        try:
            return _relaxed(body)
        except ValueError:
            raise _invalid_payload(str(strict)) from strict


def parse_request(body: bytes) -> AnalyzeCommentRequest:
    """The request from raw bytes, or a `PerspectiveError` saying what is wrong."""
    data = _load_json(body)
    if not isinstance(data, dict):
        raise _invalid_payload("Root element must be a message.")
    try:
        return AnalyzeCommentRequest.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise _invalid_payload(f"Invalid value at '{field}': {first['msg']}.", field) from exc
