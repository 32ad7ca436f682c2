"""`POST /v1/moderate` and `POST /v1/moderate/batch`: thin adapters over `Moderator`, with the
results that need a person entered into the review queue (`moderation.queue.ingest`).

Before scoring, each comment goes to the spam repeat tracker (`moderation.repeats`: repeats
across comments and authors, posting velocity, link campaigns, in Redis) under its id, so a
client's retry with the same id never counts as a repeat; its findings join the comment's own
evidence. A comment without an id gets one here (`c_<hex>`, as the Moderator would)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request

from moderation.api.deps import IngestDep, ModeratorDep, RateLimitsDep, RepeatsDep, SettingsDep
from moderation.api.errors_doc import ERROR_RESPONSES
from moderation.errors import InvalidInput
from moderation.observability.decisions import record_decisions
from moderation.repeats import Observation
from moderation.schemas import BatchRequest, BatchResult, ModerateRequest, ModerationResult

router = APIRouter(prefix="/v1", tags=["moderation"], responses=ERROR_RESPONSES)


class BatchTooLarge(InvalidInput):
    code = "batch_too_large"


@router.post("/moderate", response_model=ModerationResult, summary="Moderate one comment")
def moderate(
    body: ModerateRequest,
    request: Request,
    moderator: ModeratorDep,
    settings: SettingsDep,
    ingest: IngestDep,
    repeats: RepeatsDep,
    limits: RateLimitsDep,
) -> ModerationResult:
    """Score a comment in the seven categories and decide `allow`, `flag` or `reject`.

    A `flag`, and a sampled share of `allow` and `reject`, enters the review queue: `review`
    names the item (`status: "deferred"` while Redis is unreachable). Runs in the threadpool
    (a sync route), so scoring never blocks the event loop.
    """
    moderator.validate_text(body.text)  # a refused comment is not counted nor recorded
    limits.charge_authors([body.author_id])
    comment_id = body.id or _new_id()
    signals = []
    if repeats is not None:
        signals = repeats.observe(body.text, comment_id=comment_id, author_id=body.author_id)
    result = moderator.moderate(body.text, comment_id=comment_id, signals=signals)
    ingest.admit([result], [body])
    record_decisions([result], [body.text], log_text=settings.log_comment_text)
    result.request_id = request.state.request_id
    return result


@router.post("/moderate/batch", response_model=BatchResult, summary="Moderate many comments")
def moderate_batch(
    body: BatchRequest,
    request: Request,
    moderator: ModeratorDep,
    settings: SettingsDep,
    ingest: IngestDep,
    repeats: RepeatsDep,
    limits: RateLimitsDep,
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
    for index, item in enumerate(body.items):  # a refused batch is not counted nor recorded
        try:
            moderator.validate_text(item.text)
        except InvalidInput as exc:
            exc.message = f"item {index}: {exc.message}"
            exc.details = {**(exc.details or {}), "index": index}
            raise
    limits.charge_authors(item.author_id for item in body.items)
    ids = [item.id or _new_id() for item in body.items]
    signals = None
    if repeats is not None:
        signals = repeats.observe_many(
            [Observation(i.text, c, i.author_id) for i, c in zip(body.items, ids, strict=True)]
        )
    results = moderator.moderate_many([item.text for item in body.items], ids=ids, signals=signals)
    ingest.admit(results, body.items)
    texts = [item.text for item in body.items]
    record_decisions(results, texts, log_text=settings.log_comment_text)
    for result in results:
        result.request_id = request.state.request_id
    return BatchResult(results=results, request_id=request.state.request_id)


def _new_id() -> str:
    return f"c_{uuid.uuid4().hex}"
