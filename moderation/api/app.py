"""The FastAPI application factory. The model loads in `lifespan`, never at import."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from moderation import __version__, language, normalize
from moderation.api import access_log
from moderation.api.access_log import AccessLog
from moderation.api.errors import install_error_handlers
from moderation.api.errors_doc import AUTH_RESPONSES
from moderation.api.middleware import RequestContext
from moderation.api.model_reload import ReloadChannel
from moderation.api.model_swap import ModelSwapper
from moderation.api.rate_limits import RateLimits
from moderation.api.routes import (
    appeals,
    comments,
    coral,
    health,
    lists,
    metrics,
    model,
    moderate,
    perspective,
    queue,
    reports,
)
from moderation.api.security import authenticate, scope
from moderation.auth import KeyStore, KeyVerifier
from moderation.detectors import pii
from moderation.model_policy import served_policy
from moderation.observability import logs
from moderation.observability import metrics as service_metrics
from moderation.observability.collector import ServiceState
from moderation.queue import close_queue, open_queue
from moderation.queue.ingest import ReviewIngest
from moderation.queue.models import MAX_APPEAL_MESSAGE_CHARS
from moderation.queue.spool import Spool
from moderation.queue.webhook import start_deliverer
from moderation.repeats import open_tracker
from moderation.settings import Settings, get_settings, require_webhook_secret

log = logging.getLogger("moderation.api")

#: Each router and the scope its routes need (the endpoint table of DESIGN.md). Health,
#: readiness, metrics and the docs need none; Coral's route checks Coral's signing secret;
#: Perspective's checks the key itself, to answer in Google's error shape.
SCOPED_ROUTERS = (
    (moderate, "moderate"),
    (reports, "moderate"),
    (comments, "moderate"),
    (appeals, "moderate"),
    (queue, "review"),
    (model, "admin"),
    (lists, "admin"),
)
OPEN_ROUTERS = (perspective, coral, health, metrics)

DESCRIPTION = """Scores news-site comments in seven categories (violence, racism, profanity,
vulgarity, doxing, discourtesy, spam) and answers `allow`, `flag` or `reject` with the
evidence behind each triggered category. Errors always have the shape
`{"error": {"code", "message", "details"}}`."""


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; `settings` defaults to the environment's."""
    settings = settings or get_settings()
    # Fail fast on a broken policy (the site's, or the served version's): before the server
    # accepts a connection. The lifespan reads it again, as every reload does.
    served_policy(settings)
    require_webhook_secret(settings)  # settings copied with model_copy skip their validators

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        swapper = app.state.model_swapper = ModelSwapper(app.state, settings)
        moderator = swapper.start()  # app.state.moderator; hot reloads replace it
        if moderator.lists is not None:
            moderator.lists.start_watching()  # reloads off the request path
        normalize.warm_up()
        language.warm_up()
        pii.warm_up()  # phone metadata of every region, off the first request's path
        app.state.queue = open_queue(settings)  # connects lazily: a down Redis is no obstacle
        app.state.keys = KeyVerifier(
            app.state.queue and KeyStore(app.state.queue.client, settings.redis_prefix),
            cache_seconds=settings.auth_cache_seconds,
            stale_seconds=settings.auth_stale_seconds,
        )
        app.state.rate_limits = RateLimits(app.state.queue and app.state.queue.client, settings)
        # Flags and audit samples Redis cannot take wait in a spool of the queue's own.
        ingest = app.state.ingest = ReviewIngest(
            app.state.queue,
            Spool(settings.state_dir / "spool" / settings.redis_prefix),
            audit_sample_rate=settings.audit_sample_rate,
            replay_interval=settings.spool_replay_interval,
        )
        ingest.start()
        app.state.metrics_state = ServiceState.open(settings, ingest.spool)
        # Spam repeats across comments, on the queue's Redis (None: no Redis, or turned off).
        app.state.repeats = open_tracker(settings, app.state.queue and app.state.queue.client)
        # Sends moderator outcomes from the Redis outbox, in a thread of its own.
        app.state.webhook = start_deliverer(settings, app.state.queue and app.state.queue.client)
        # Every worker follows promotions: a message on the reload channel loads ACTIVE.
        if settings.redis_url:
            app.state.reload_channel = ReloadChannel(settings, swapper, app.state.queue)
            app.state.reload_channel.start()
        yield
        if app.state.reload_channel is not None:
            await app.state.reload_channel.stop()
            app.state.reload_channel = None
        swapper.stop()
        app.state.repeats = None
        if app.state.webhook is not None:  # waits for a delivery in flight, off the loop
            await asyncio.to_thread(app.state.webhook.stop)
        await asyncio.to_thread(ingest.stop)  # one last replay, off the loop
        close_queue(app.state.queue)
        app.state.metrics_state.close()
        app.state.metrics_state = None
        service_metrics.process_stopping()

    app = FastAPI(
        title="Comment moderation service",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    access_log.install()
    if settings.dev_mode:
        log.warning(
            "DEVELOPMENT MODE (MODERATION_DEV_MODE): every route answers WITHOUT an API key, "
            "admin routes included. Never expose this server."
        )
    app.state.settings = settings
    app.state.keys = KeyVerifier(None)
    app.state.rate_limits = RateLimits(None, settings)
    app.state.moderator = None
    app.state.model_swapper = None
    app.state.reload_channel = None
    app.state.queue = None
    app.state.repeats = None
    app.state.ingest = ReviewIngest(None, None, audit_sample_rate=0.0)
    app.state.webhook = None
    app.state.metrics_state = None
    install_error_handlers(app)
    # One comment can take at most 12 bytes per character as JSON (a surrogate pair escaped
    # as two \uXXXX), plus room for the other fields.
    single_comment_bytes = 12 * settings.max_text_chars + 16_384
    app.add_middleware(
        RequestContext,
        max_body_bytes=settings.max_body_bytes,
        max_json_depth=settings.max_json_depth,
        max_header_bytes=settings.max_header_bytes,
        route_limits={
            "/v1/moderate": single_comment_bytes,
            "/v1/appeals": single_comment_bytes + 12 * MAX_APPEAL_MESSAGE_CHARS,
            "/v1/reports": single_comment_bytes + 12 * reports.MAX_REASON_CHARS,
            # Coral sends the comment as HTML, pretty-printed JSON: room for the markup.
            "/v1/integrations/coral": 4 * single_comment_bytes,
            # Perspective requests may carry `context` (a parent comment, an article excerpt).
            perspective.PATH: 4 * single_comment_bytes,
        },
        route_errors=dict.fromkeys(perspective.GOOGLE_SHAPED, perspective.refused),
        authenticate=authenticate,  # before the body is read: anonymous bodies go unparsed
    )
    app.add_middleware(AccessLog)  # outermost: sees the 413s RequestContext answers too
    for module, needed in SCOPED_ROUTERS:
        app.include_router(module.router, dependencies=[scope(needed)], responses=AUTH_RESPONSES)
    for module in OPEN_ROUTERS:
        app.include_router(module.router)
    return app


def create_served_app() -> FastAPI:
    """`moderation serve`'s factory, run in each worker: the worker's logging (format and
    level from the settings, which `serve` exports), then the app."""
    settings = get_settings()
    logs.configure(kind=settings.log_format, level=settings.log_level)
    return create_app(settings)
