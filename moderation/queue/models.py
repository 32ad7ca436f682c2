"""Pydantic models of the review queue: the item moderators and callers see, appeals, and
the bodies and answers of the queue routes (claim, decision, release, list, stats)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from moderation.categories import Category
from moderation.policy import Decision
from moderation.schemas import COMMENT_TEXT_SCHEMA, Context, Triggered

Kind = Literal["flag", "report", "audit", "appeal"]
State = Literal["pending", "claimed", "decided"]
Entered = Literal["created", "joined", "unchanged"]
Outcome = Literal["approve", "reject"]
KINDS: tuple[Kind, ...] = ("flag", "report", "audit", "appeal")
STATES: tuple[State, ...] = ("pending", "claimed", "decided")
MAX_APPEAL_MESSAGE_CHARS = 2_000
MAX_NOTE_CHARS = 2_000
MAX_CLAIM = 100
MIN_LEASE_SECONDS, MAX_LEASE_SECONDS = 10, 3_600
Moderator = Annotated[
    str,
    StringConstraints(
        min_length=1, max_length=128, pattern=r"^[^\s,\x00-\x1f\x7f][^,\x00-\x1f\x7f]*$"
    ),
    Field(description="The moderator's id (1 to 128 characters, no commas or control characters)."),
]


class Scoring(BaseModel):
    """An automated decision on record: what the model and policy said about the text."""

    decision: Decision
    scores: dict[Category, float]
    triggered: list[Triggered]
    model_version: str
    policy_version: str


class AppealRecord(BaseModel):
    """The author's appeal on an item."""

    message: str
    author_id: str | None = None
    created_at: datetime
    text: str | None = Field(
        default=None,
        description="The comment as the appeal sent it (may differ from the "
        "text on record, which is what was moderated).",
    )
    scoring: Scoring | None = Field(
        default=None, description="The appeal's text scored by the current model and policy."
    )
    original: Scoring | None = Field(
        default=None,
        description="The decision on record when the appeal arrived; null when the comment "
        "had no review item before (the service keeps no allowed or rejected comments).",
    )


class ReportReason(BaseModel):
    """One reader report's reason."""

    reason: str
    reporter_id: str | None = None
    at: datetime


class ReviewItem(BaseModel):
    """One comment waiting for (or having had) a moderator's look."""

    item_id: str = Field(description="Stable and URL-safe; derived from the comment id.")
    comment_id: str
    kind: Kind = Field(description="The kind that set the item's current priority.")
    kinds: list[Kind] = Field(description="Every kind that entered the item, first first.")
    state: State
    priority: int = Field(description="0–1000; higher is served first, then older first.")
    created_at: datetime
    updated_at: datetime
    reopened_at: datetime | None = None
    entries: int = Field(description="How many times the comment entered the queue.")
    text: str | None = None
    author_id: str | None = None
    context: Context | None = None
    decision: Decision | None = Field(
        default=None, description="The automated decision on record (the latest scoring)."
    )
    scores: dict[Category, float] | None = None
    triggered: list[Triggered] | None = None
    model_version: str | None = None
    policy_version: str | None = None
    appeal: AppealRecord | None = None
    reports: int = Field(default=0, description="Reader reports counted (one per reporter).")
    reasons: list[ReportReason] = Field(
        default_factory=list, description="The latest reader reports' reasons (up to 20)."
    )
    claimed_by: str | None = Field(default=None, description="The lease holder, when claimed.")
    lease_expires_at: datetime | None = None
    outcome: Outcome | None = Field(default=None, description="The moderator's outcome.")
    labels: list[Category] | None = Field(
        default=None, description="The categories the moderator says the comment breaks."
    )
    note: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None


class AppealRequest(BaseModel):
    """An author's appeal of a rejected comment."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "comment_id": "c-1001",
                    "text": "Those people are idiots and you know it",
                    "message": "I was quoting the article, not calling anyone names.",
                    "author_id": "u-42",
                    "context": {"article_id": "a-7"},
                }
            ]
        },
    )

    comment_id: str = Field(min_length=1, max_length=128, description="The comment's id.")
    text: str = Field(
        description="The rejected comment as the author typed it (1 to 10,000 characters).",
        json_schema_extra=COMMENT_TEXT_SCHEMA,
    )
    message: str = Field(
        min_length=1,
        max_length=MAX_APPEAL_MESSAGE_CHARS,
        description="The author's appeal (1 to 2,000 characters).",
    )
    author_id: str | None = Field(default=None, max_length=128)
    context: Context | None = None


class AppealAnswer(ReviewItem):
    """The review item the appeal created or joined."""

    entered: Entered = Field(
        description="`created` (201), `joined` an item the comment already had (200), or "
        "`unchanged`: the comment was already appealed, nothing changed (200)."
    )
    request_id: str | None = None


class ClaimRequest(BaseModel):
    """Lease up to `limit` pending items to a moderator."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"moderator": "m-ana", "limit": 5, "lease_seconds": 300}]},
    )

    moderator: Moderator
    limit: int = Field(default=10, ge=1, le=MAX_CLAIM, description="1 to 100 items.")
    lease_seconds: int = Field(
        default=300,
        ge=MIN_LEASE_SECONDS,
        le=MAX_LEASE_SECONDS,
        description="How long the items stay with the moderator (10 to 3,600 s); an item not "
        "decided or released by then returns to pending by itself.",
    )


class ClaimAnswer(BaseModel):
    moderator: str
    lease_expires_at: datetime | None = Field(description="null when nothing was pending.")
    items: list[ReviewItem]


class DecisionRequest(BaseModel):
    """A moderator's decision on an item they hold."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "moderator": "m-ana",
                    "outcome": "reject",
                    "labels": ["discourtesy"],
                    "note": "name-calling",
                }
            ]
        },
    )

    moderator: Moderator
    outcome: Outcome
    labels: list[Category] = Field(
        default_factory=list,
        max_length=7,
        description="The categories the comment breaks, as the moderator sees them.",
    )
    note: str | None = Field(default=None, max_length=MAX_NOTE_CHARS)


class DecisionAnswer(ReviewItem):
    result: Literal["decided", "unchanged"] = Field(
        description="`decided` now, or `unchanged`: this moderator had already decided the "
        "item with this outcome, nothing was written."
    )


class ReleaseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    moderator: Moderator


class QueueList(BaseModel):
    state: State
    total: int = Field(description="Items in this state.")
    limit: int
    offset: int
    items: list[ReviewItem]


class DecisionCounts(BaseModel):
    total: int
    by_outcome: dict[str, int]
    by_moderator: dict[str, int]
    median_seconds_to_decision: float | None = Field(
        description="Median time from entering (or reopening) to decision, over the latest "
        "decided items (up to `sample`)."
    )
    sample: int


class AuditAgreement(BaseModel):
    """How the automated decision of audit items fares against the moderators' outcomes,
    counting `reject` (and `flag`) as positive on both sides."""

    decided: int
    true_positive: int
    false_positive: int
    false_negative: int
    true_negative: int
    agreement: float | None
    precision: float | None
    recall: float | None


class QueueStats(BaseModel):
    at: datetime
    depth: dict[State, int]
    depth_by_kind: dict[Literal["pending", "claimed"], dict[Kind, int]] = Field(
        description="Open items by their current kind (the one that set their priority)."
    )
    oldest_pending_age_seconds: float | None
    decisions: DecisionCounts
    audit: AuditAgreement
    audit_log_entries: int
