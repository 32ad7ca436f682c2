"""`POST /v1/appeals`: an author's appeal of a rejected comment enters the review queue."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from moderation.api.deps import ModeratorDep, QueueDep
from moderation.api.errors_doc import ERROR_RESPONSES
from moderation.queue.appeals import submit_appeal
from moderation.queue.models import AppealAnswer, AppealRequest
from moderation.schemas import ErrorResponse

router = APIRouter(
    prefix="/v1",
    tags=["review queue"],
    responses={
        **ERROR_RESPONSES,
        409: {
            "model": ErrorResponse,
            "description": "The comment is on record with another author (`author_mismatch`).",
        },
        503: {
            "model": ErrorResponse,
            "description": "No model is loaded "
            "(`model_unavailable`), or Redis is unreachable (`queue_unavailable`).",
        },
    },
)


@router.post(
    "/appeals",
    status_code=201,
    response_model=AppealAnswer,
    summary="Appeal a rejected comment",
    responses={
        200: {
            "model": AppealAnswer,
            "description": "Joined the comment's item, or "
            "the comment was already appealed (`entered`).",
        }
    },
)
def appeal(
    body: AppealRequest,
    request: Request,
    response: Response,
    moderator: ModeratorDep,
    queue: QueueDep,
) -> AppealAnswer:
    """Re-score the comment with the current model and put it in the review queue as an
    `appeal` (priority 900): 201 with a new item, 200 when it joined the comment's item or
    the comment was already appealed (nothing changes then)."""
    result = moderator.moderate(body.text, comment_id=body.comment_id)
    entered = submit_appeal(queue, body, result)
    if entered.status != "created":
        response.status_code = 200
    return AppealAnswer.model_validate(
        {
            **entered.item.model_dump(),
            "entered": entered.status,
            "request_id": request.state.request_id,
        }
    )
