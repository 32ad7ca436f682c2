"""Liveness and readiness probes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from redis.exceptions import RedisError

from moderation.queue.outbox import outbox_stats

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="Liveness: the process answers")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="Readiness: a model is loaded and Redis answers")
def readyz(request: Request) -> JSONResponse:
    moderator = getattr(request.app.state, "moderator", None)
    checks: dict[str, Any] = {"model": moderator is not None}
    queue = getattr(request.app.state, "queue", None)
    redis: dict[str, Any] = {"configured": queue is not None}
    if queue is not None:  # without Redis (a library or test app) scoring still works
        redis.update(queue.ping())
        checks["redis"] = redis["reachable"]
    ready = all(checks.values())
    body: dict[str, Any] = {
        "status": "ready" if ready else "not_ready",
        "checks": checks,
        "model_version": moderator.model_version if moderator else None,
        "redis": redis,
    }
    webhook = getattr(request.app.state, "webhook", None)
    if webhook is not None:  # the outcome deliverer: never a reason to be "not ready"
        body["webhook"] = webhook.local_stats()  # the outbox's figures need Redis: below
        if queue is not None and redis.get("reachable"):
            try:
                body["webhook"]["outbox"] = outbox_stats(queue.client, queue.keys.prefix)
            except RedisError as exc:
                body["webhook"]["outbox"] = {"error": type(exc).__name__}
    swapper = getattr(request.app.state, "model_swapper", None)
    if swapper is not None:  # a failed reload leaves the old model serving: never "not ready"
        channel = getattr(request.app.state, "reload_channel", None)
        body["model_reload"] = {
            "pinned_version": swapper.pinned,
            "channel": "off" if channel is None else "subscribed" if channel.subscribed else "down",
            "last": swapper.last,
        }
    if moderator is not None and moderator.lists is not None:
        # A broken site list file does not stop scoring (the lists that read fine are in
        # force), but the operator should see it.
        body["term_lists"] = {
            "version": moderator.lists.version,
            "problems": moderator.lists.problems,
        }
    return JSONResponse(status_code=200 if ready else 503, content=body)
