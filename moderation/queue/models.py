"""Pydantic models of the review queue: the item moderators and callers see, and appeals."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from moderation.categories import Category
from moderation.policy import Decision
from moderation.schemas import Context, Triggered

Kind = Literal["flag", "report", "audit", "appeal"]
State = Literal["pending", "claimed", "decided"]
Entered = Literal["created", "joined", "unchanged"]
KINDS: tuple[Kind, ...] = ("flag", "report", "audit", "appeal")
MAX_APPEAL_MESSAGE_CHARS = 2_000


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
        description="The rejected comment as the author typed it (1 to 10,000 characters)."
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
