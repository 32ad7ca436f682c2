"""Request and response models shared by the API, the CLI and the library."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from moderation.categories import Category
from moderation.policy import Action, Decision

_EXAMPLE_SCORES: dict[str, Any] = {
    "violence": 0.7557,
    "racism": 0.0332,
    "profanity": 0.0097,
    "vulgarity": 0.0225,
    "doxing": 0.0,
    "discourtesy": 0.0793,
    "spam": 0.0011,
}


#: What the schema can say of a comment's text: some character that is not a space. The
#: service also refuses text made only of invisible characters, and text over
#: `MODERATION_MAX_TEXT_CHARS` (422 `empty_text`, `text_too_long`).
COMMENT_TEXT_SCHEMA: dict[str, Any] = {"minLength": 1, "pattern": r"\S"}


class Context(BaseModel):
    model_config = ConfigDict(extra="forbid")

    article_id: str | None = Field(default=None, max_length=256)
    parent_id: str | None = Field(default=None, max_length=256)
    url: str | None = Field(default=None, max_length=2048)


class ModerateRequest(BaseModel):
    """One comment to score."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "id": "c-1001",
                    "text": "I will find where you live and hurt you",
                    "author_id": "u-42",
                    "context": {"article_id": "a-7"},
                }
            ]
        },
    )

    id: str | None = Field(
        default=None, min_length=1, max_length=128, description="The comment system's id."
    )
    text: str = Field(
        description="The comment as the author typed it (1 to 10,000 characters).",
        json_schema_extra=COMMENT_TEXT_SCHEMA,
    )
    author_id: str | None = Field(default=None, max_length=128)
    context: Context | None = None


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[ModerateRequest] = Field(
        description="Comments to score, answered in order.", json_schema_extra={"minItems": 1}
    )


class Evidence(BaseModel):
    """A span of the original text that drove a category: `text == original[start:end]`."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    source: str = Field(
        description="`model` for the classifier's strongest words, `pii:<kind>` or "
        "`spam:<kind>` for a rule-based detector."
    )


class Triggered(BaseModel):
    category: Category
    score: float
    action: Action
    evidence: list[Evidence]


class Language(BaseModel):
    """The comment's language: detected, or as the caller declared it."""

    code: str | None = Field(
        description="ISO 639-1 code; null when the text is too short or mixed to tell."
    )
    confidence: float = Field(ge=0.0, le=1.0)
    supported: bool = Field(
        description="Whether the model was trained on this language (an undetermined "
        "language counts as supported)."
    )


class ReviewRef(BaseModel):
    """The review item a moderated comment entered."""

    item_id: str = Field(description="The comment's review item (`GET /v1/comments/{id}`).")
    kind: Literal["flag", "audit"] = Field(
        default="flag",
        description="`flag`, or `audit`: an allowed or rejected comment sampled for a "
        "moderator's look (act on `decision` as usual).",
    )
    status: Literal["queued", "deferred", "not_queued"] = Field(
        default="queued",
        description="`queued`: in the review queue. `deferred`: Redis was unreachable; the "
        "entry is on the service's disk and enters the queue when Redis is back. "
        "`not_queued`: neither Redis nor the disk took it; send the comment again later.",
    )


class ModerationResult(BaseModel):
    """The answer for one comment."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "c-1001",
                    "decision": "flag",
                    "scores": _EXAMPLE_SCORES,
                    "triggered": [
                        {
                            "category": "violence",
                            "score": 0.7557,
                            "action": "flag",
                            "evidence": [
                                {
                                    "start": 0,
                                    "end": 39,
                                    "text": "I will find where you live and hurt you",
                                    "source": "rule:threat",
                                }
                            ],
                        }
                    ],
                    "reasons": [],
                    "language": {"code": "en", "confidence": 0.98, "supported": True},
                    "review": None,
                    "model_version": "v1-20261127",
                    "policy_version": "v1-20261127",
                    "request_id": "9f1c0c7e5a6b4c1d",
                }
            ]
        }
    )

    id: str
    decision: Decision
    scores: dict[Category, float]
    triggered: list[Triggered]
    reasons: list[str] = Field(
        default_factory=list,
        description="Why the decision was taken beyond the triggered categories, e.g. "
        "`unsupported_language`.",
    )
    language: Language | None = None
    review: ReviewRef | None = None
    model_version: str
    policy_version: str
    request_id: str | None = None


class BatchResult(BaseModel):
    results: list[ModerationResult]
    request_id: str | None = None


class ModelInfo(BaseModel):
    version: str
    policy_version: str
    thresholds: dict[Category, dict[str, float | None]]
    card: dict[str, Any]
    #: Where the served version's evaluation report is (`GET /v1/model/report`); null when
    #: the version has none.
    report_url: str | None = None


class ReloadResult(BaseModel):
    """The answer of `POST /v1/model/reload`: this worker serves `model_version` now."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "previous_version": "v4-20261127",
                    "model_version": "v5-20261127",
                    "policy_version": "v5-20261127+lists.9f8b0af6",
                    "workers_notified": 3,
                    "warning": None,
                    "request_id": "5d0c2b6f8e1a4f7c",
                }
            ]
        }
    )

    previous_version: str = Field(description="The model this worker served before.")
    model_version: str = Field(description="The model this worker serves now.")
    policy_version: str = Field(description="Its policy version plus the term lists' digest.")
    workers_notified: int | None = Field(
        description="Other workers that received the reload message (they each load the "
        "active model, answering on the old one meanwhile); null when it could not be sent."
    )
    warning: str | None = Field(
        default=None, description="Why no other worker was told, when `workers_notified` is null."
    )
    request_id: str | None = None


class ErrorBody(BaseModel):
    code: str
    message: str
    details: Any = None


class ErrorResponse(BaseModel):
    """Every error the API returns has this shape."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "error": {
                        "code": "text_too_long",
                        "message": "text has 10001 characters; the limit is 10000",
                        "details": {"length": 10001, "limit": 10000},
                    },
                    "request_id": "71ec91aacb5341a9",
                }
            ]
        }
    )

    error: ErrorBody
    request_id: str | None = None
