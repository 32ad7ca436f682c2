"""Dependency aliases for routes: `IngestDep`, `ModeratorDep`, `QueueDep`, `RateLimitsDep`,
`RepeatsDep`, `SettingsDep`, `SwapperDep`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from moderation.api.model_swap import ModelSwapper
from moderation.api.rate_limits import RateLimits
from moderation.errors import ModelError, QueueUnavailable
from moderation.queue.ingest import ReviewIngest
from moderation.queue.items import ReviewQueue
from moderation.repeats import RepeatTracker
from moderation.scoring import Moderator
from moderation.settings import Settings


def _moderator(request: Request) -> Moderator:
    moderator: Moderator | None = getattr(request.app.state, "moderator", None)
    if moderator is None:
        raise ModelError("no model is loaded")
    return moderator


def _swapper(request: Request) -> ModelSwapper:
    swapper: ModelSwapper | None = getattr(request.app.state, "model_swapper", None)
    if swapper is None:
        raise ModelError("no model is loaded")
    return swapper


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _queue(request: Request) -> ReviewQueue:
    queue: ReviewQueue | None = getattr(request.app.state, "queue", None)
    if queue is None:
        raise QueueUnavailable("no Redis is configured for the review queue (set REDIS_URL)")
    return queue


def _repeats(request: Request) -> RepeatTracker | None:
    """The spam repeat tracker, or None (no Redis, or `spam_repeats` off)."""
    tracker: RepeatTracker | None = getattr(request.app.state, "repeats", None)
    return tracker


def _rate_limits(request: Request) -> RateLimits:
    limits: RateLimits = request.app.state.rate_limits
    return limits


def _ingest(request: Request) -> ReviewIngest:
    ingest: ReviewIngest = request.app.state.ingest
    return ingest


RateLimitsDep = Annotated[RateLimits, Depends(_rate_limits)]
IngestDep = Annotated[ReviewIngest, Depends(_ingest)]
ModeratorDep = Annotated[Moderator, Depends(_moderator)]
QueueDep = Annotated[ReviewQueue, Depends(_queue)]
RepeatsDep = Annotated[RepeatTracker | None, Depends(_repeats)]
SettingsDep = Annotated[Settings, Depends(_settings)]
SwapperDep = Annotated[ModelSwapper, Depends(_swapper)]
