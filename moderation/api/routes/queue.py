"""The moderators' queue routes: list by state, claim a lease, decide, release, figures.

Thin adapters over `ReviewQueue`; the rules (leases, who may decide, idempotency) live in
its Lua scripts (`moderation.queue.scripts`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from moderation.api.deps import QueueDep
from moderation.api.errors_doc import ERROR_RESPONSES
from moderation.queue.models import (
    ClaimAnswer,
    ClaimRequest,
    DecisionAnswer,
    DecisionRequest,
    QueueList,
    QueueStats,
    ReleaseRequest,
    ReviewItem,
    State,
)
from moderation.schemas import ErrorResponse

router = APIRouter(
    prefix="/v1/queue",
    tags=["review queue"],
    responses={
        **ERROR_RESPONSES,
        503: {
            "model": ErrorResponse,
            "description": "Redis is unreachable or not configured (`queue_unavailable`).",
        },
    },
)

ITEM_ERRORS: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorResponse, "description": "No such item (`item_not_found`)."},
    409: {
        "model": ErrorResponse,
        "description": "The moderator does not hold the item (`not_held`), their lease ran "
        "out (`lease_expired`), or it was decided otherwise (`already_decided`).",
    },
}


@router.get("", response_model=QueueList, summary="List review items by state")
def list_items(
    queue: QueueDep,
    state: State = "pending",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> QueueList:
    """Pending and claimed items come highest priority first, then oldest; decided items
    latest decision first. Expired leases return to pending before listing."""
    total, items = queue.by_state(state, limit=limit, offset=offset)
    return QueueList(state=state, total=total, limit=limit, offset=offset, items=items)


@router.post("/claim", response_model=ClaimAnswer, summary="Lease pending items")
def claim(body: ClaimRequest, queue: QueueDep) -> ClaimAnswer:
    """Lease up to `limit` (1 to 100) pending items to `moderator` for
    `lease_seconds`: highest priority first, then oldest. No two moderators hold one item;
    an item neither decided nor released in time returns to pending by itself."""
    items = queue.claim(
        moderator=body.moderator, limit=body.limit, lease_seconds=body.lease_seconds
    )
    expires = items[0].lease_expires_at if items else None
    return ClaimAnswer(moderator=body.moderator, lease_expires_at=expires, items=items)


@router.post(
    "/{item_id}/decision",
    response_model=DecisionAnswer,
    summary="Decide an item you hold",
    responses=ITEM_ERRORS,
)
def decide(item_id: str, body: DecisionRequest, queue: QueueDep) -> DecisionAnswer:
    """Approve or reject the comment, with the categories it breaks and a note. Final: the
    same moderator sending the same outcome again gets `result: "unchanged"`; anything else
    on a decided item is 409. The decision, its audit-log entry and its webhook message are
    written together."""
    result, item = queue.decide(
        item_id,
        moderator=body.moderator,
        outcome=body.outcome,
        labels=body.labels,
        note=body.note,
    )
    return DecisionAnswer.model_validate({**item.model_dump(), "result": result})


@router.post(
    "/{item_id}/release",
    response_model=ReviewItem,
    summary="Give a claimed item back",
    responses=ITEM_ERRORS,
)
def release(item_id: str, body: ReleaseRequest, queue: QueueDep) -> ReviewItem:
    """Return an item the moderator holds to pending (409 `not_held` otherwise)."""
    return queue.release(item_id, moderator=body.moderator)


@router.get("/stats", response_model=QueueStats, summary="Queue figures")
def stats(queue: QueueDep) -> QueueStats:
    """Depth by state and kind, oldest pending age, decisions by outcome and moderator,
    median time to decision, and the model's agreement with moderators on audit items."""
    return queue.stats()
