"""`GET /metrics`: Prometheus's text format, open like the health probes."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from moderation.observability.metrics import CONTENT_TYPE, render

router = APIRouter(tags=["operations"])


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text format."}},
)
def metrics(request: Request) -> Response:
    """The service's figures, summed over `moderation serve` workers, plus the review queue,
    webhook outbox and spool read now. A sync route: the Redis read runs off the event loop;
    Redis being away leaves its figures out (`moderation_redis_up 0`), never fails the page."""
    state = getattr(request.app.state, "metrics_state", None)
    return Response(render(state), media_type=CONTENT_TYPE)
