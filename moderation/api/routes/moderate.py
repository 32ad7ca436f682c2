"""`POST /v1/moderate` and `POST /v1/moderate/batch`: thin adapters over `Moderator`, with the
results that need a person entered into the review queue (`moderation.queue.ingest`)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from moderation.api.deps import IngestDep, ModeratorDep, SettingsDep
from moderation.api.errors_doc import ERROR_RESPONSES
from moderation.errors import InvalidInput
from moderation.schemas import BatchRequest, BatchResult, ModerateRequest, ModerationResult

router = APIRouter(prefix="/v1", tags=["moderation"], responses=ERROR_RESPONSES)


class BatchTooLarge(InvalidInput):
    code = "batch_too_large"


@router.post("/moderate", response_model=ModerationResult, summary="Moderate one comment")
def moderate(
    body: ModerateRequest, request: Request, moderator: ModeratorDep, ingest: IngestDep
) -> ModerationResult:
    """Score a comment in the seven categories and decide `allow`, `flag` or `reject`.

    A `flag`, and a sampled share of `allow` and `reject`, enters the review queue: `review`
    names the item (`status: "deferred"` while Redis is unreachable). Runs in the threadpool
    (a sync route), so scoring never blocks the event loop.
    """
    result = moderator.moderate(body.text, comment_id=body.id)
    ingest.admit([result], [body])
    result.request_id = request.state.request_id
    return result


@router.post("/moderate/batch", response_model=BatchResult, summary="Moderate many comments")
def moderate_batch(
    body: BatchRequest,
    request: Request,
    moderator: ModeratorDep,
    settings: SettingsDep,
    ingest: IngestDep,
) -> BatchResult:
    """Score up to `max_batch_items` comments; results come back in request order. The
    batch's queue entries go to Redis in one round trip."""
    if not body.items:
        raise InvalidInput("items is empty")
    if len(body.items) > settings.max_batch_items:
        raise BatchTooLarge(
            f"batch has {len(body.items)} items; the limit is {settings.max_batch_items}",
            details={"items": len(body.items), "limit": settings.max_batch_items},
        )
    results = moderator.moderate_many(
        [item.text for item in body.items], ids=[item.id for item in body.items]
    )
    ingest.admit(results, body.items)
    for result in results:
        result.request_id = request.state.request_id
    return BatchResult(results=results, request_id=request.state.request_id)
