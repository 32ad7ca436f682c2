"""`GET /v1/comments/{comment_id}`: the latest the service knows about a comment."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from moderation.api.deps import QueueDep
from moderation.api.errors_doc import ERROR_RESPONSES
from moderation.errors import NotFound
from moderation.queue.models import ReviewItem
from moderation.schemas import ErrorResponse


class CommentNotFound(NotFound):
    code = "comment_not_found"


class CommentStatus(ReviewItem):
    """A comment's review item: the automated decision on record, the review state and,
    once decided, the moderator's outcome."""

    request_id: str | None = None


router = APIRouter(
    prefix="/v1",
    tags=["review queue"],
    responses={
        **ERROR_RESPONSES,
        404: {
            "model": ErrorResponse,
            "description": "The service has no record of the comment (`comment_not_found`): "
            "allowed and rejected comments that were not sampled for audit leave none.",
        },
        503: {"model": ErrorResponse, "description": "Redis is unreachable."},
    },
)


@router.get(
    "/comments/{comment_id}", response_model=CommentStatus, summary="A comment's review status"
)
def comment_status(
    comment_id: Annotated[str, Path(min_length=1, max_length=128)],
    request: Request,
    queue: QueueDep,
) -> CommentStatus:
    """The comment's review item: `state` (`pending`, `claimed`, `decided`), `kinds`,
    `reports` and reasons, the automated `decision` and scores on record, and `outcome`,
    `labels`, `decided_by`, `decided_at` once a moderator decided."""
    queue.expire()  # a lease that ran out reads as pending, as the queue routes show it
    item = queue.get_by_comment(comment_id)
    if item is None:
        raise CommentNotFound(
            f"no record of comment {comment_id!r}: only comments that entered the review "
            "queue (flagged, reported, appealed or sampled for audit) are kept",
            details={"comment_id": comment_id},
        )
    return CommentStatus.model_validate(
        {**item.model_dump(), "request_id": request.state.request_id}
    )
