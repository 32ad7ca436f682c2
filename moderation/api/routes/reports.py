"""`POST /v1/reports`: a reader reports a comment; it creates or joins the comment's item."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from moderation.api.deps import IngestDep, ModeratorDep
from moderation.api.errors_doc import ERROR_RESPONSES
from moderation.errors import InvalidInput
from moderation.queue.models import Entered, ReviewItem
from moderation.schemas import COMMENT_TEXT_SCHEMA, ErrorResponse

MAX_REASON_CHARS = 500


class EmptyReason(InvalidInput):
    code = "empty_reason"


class ReportRequest(BaseModel):
    """A reader's report of a comment."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "comment_id": "c-1001",
                    "text": "Call me at 555 0100 for cheap pills",
                    "reason": "spam",
                    "reporter_id": "u-7",
                }
            ]
        },
    )

    comment_id: str = Field(min_length=1, max_length=128, description="The comment's id.")
    text: str = Field(
        description="The comment as the site shows it (1 to 10,000 characters); scored when "
        "the service has no record of the comment.",
        json_schema_extra=COMMENT_TEXT_SCHEMA,
    )
    reason: str = Field(
        min_length=1,
        max_length=MAX_REASON_CHARS,
        description="Why the reader reports it, free text or the site's reason code (1 to 500 "
        "characters).",
    )
    reporter_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=128,
        description="The reporting reader; a reader counts once per comment. Without it "
        "every report counts.",
    )


class ReportAnswer(ReviewItem):
    """The review item the report created or joined."""

    entered: Entered = Field(
        description="`created` (201), `joined` the comment's item (200), or `unchanged`: this "
        "reporter had already reported the comment (200, nothing counted)."
    )
    request_id: str | None = None


router = APIRouter(
    prefix="/v1",
    tags=["review queue"],
    responses={
        **ERROR_RESPONSES,
        503: {
            "model": ErrorResponse,
            "description": "No model is loaded (`model_unavailable`), or Redis is unreachable "
            "(`queue_unavailable`): nothing was written, send the report again.",
        },
    },
)


@router.post(
    "/reports",
    status_code=201,
    response_model=ReportAnswer,
    summary="Report a comment",
    responses={200: {"model": ReportAnswer, "description": "Joined the comment's item."}},
)
def report(
    body: ReportRequest,
    request: Request,
    response: Response,
    moderator: ModeratorDep,
    ingest: IngestDep,
) -> ReportAnswer:
    """Enter a reader report (priority 300): 201 with a new item (the comment scored first),
    200 when it joined the comment's item or the reporter had reported it already."""
    moderator.validate_text(body.text)
    if not body.reason.strip():
        raise EmptyReason("reason is empty or only whitespace")
    entered = ingest.report(
        comment_id=body.comment_id,
        text=body.text,
        reason=body.reason.strip(),
        reporter_id=body.reporter_id,
        score=lambda: moderator.moderate(body.text, comment_id=body.comment_id),
    )
    if entered.status != "created":
        response.status_code = 200
    return ReportAnswer.model_validate(
        {
            **entered.item.model_dump(),
            "entered": entered.status,
            "request_id": request.state.request_id,
        }
    )
