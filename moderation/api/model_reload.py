"""The model reload channel in each API worker: a message on it becomes a hot reload, and the
reload route announces its own reload on it (`moderation.model_channel`).

The subscriber is an asyncio task on the worker's event loop, started in `lifespan` and
cancelled at shutdown, not a thread: the route (`POST /v1/model/reload`) and the channel
share one `ModelSwapper`, whose `asyncio.Lock` serialises their loads with no hand-off
between threads, and the swap happens on the loop. Waiting for a message costs a socket, not
a thread; the load itself, CPU-bound, runs in a worker thread (`ModelSwapper.reload`).

It survives Redis going away: a Redis error drops the subscription, the task waits (backoff
with jitter, doubling up to `RECONNECT_MAX_SECONDS`) and subscribes again, logging one
warning when an outage starts and one line when it ends; it never raises. After every
subscription it catches up: when `ACTIVE` on this worker's disk names another version than
the one served, it reloads, so a promotion announced while the channel was down is not
missed. A message this worker published itself is skipped (it has loaded already); one
naming another version than this worker's `ACTIVE` is acted on all the same (the disk
decides) and the difference logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time

import redis.asyncio
from redis.asyncio.retry import Retry
from redis.backoff import EqualJitterBackoff, NoBackoff
from redis.exceptions import RedisError

from moderation.api.model_swap import ModelPinned, ModelSwapper, ReloadFailed, Swap
from moderation.errors import ModelError
from moderation.model_channel import ReloadMessage, publish_reload, reload_channel
from moderation.queue.connection import describe
from moderation.queue.items import ReviewQueue
from moderation.registry import active_version
from moderation.settings import Settings

log = logging.getLogger("moderation.model")

RECONNECT_MAX_SECONDS = 10.0
RECONNECT_FIRST_SECONDS = 0.25
LISTEN_SECONDS = 0.25  # longest wait for a message before looking at the stop flag again
HEALTH_CHECK_SECONDS = 15  # PING an idle subscription this often (a dead peer shows up)
STOP_SECONDS = 5.0  # how long shutdown waits for the task (a load in progress) to finish


class ReloadChannel:
    """Subscribes to the reload channel for `swapper` and announces this worker's reloads.

    Args:
        settings: the worker's settings (`redis_url` must be set).
        swapper: the worker's model.
        queue: the review queue, whose client publishes (None: announcing is off).
    """

    def __init__(
        self, settings: Settings, swapper: ModelSwapper, queue: ReviewQueue | None
    ) -> None:
        if not settings.redis_url:
            raise ValueError("the model reload channel needs Redis (REDIS_URL)")
        self.settings = settings
        self.swapper = swapper
        self.queue = queue
        self.channel = reload_channel(settings.redis_prefix)
        self.origin = f"{socket.gethostname()}:{os.getpid()}"
        self.subscribed = False
        self._client = redis.asyncio.Redis.from_url(
            settings.redis_url,
            socket_connect_timeout=settings.redis_connect_timeout,
            socket_timeout=settings.redis_socket_timeout,
            health_check_interval=HEALTH_CHECK_SECONDS,
            retry=Retry(NoBackoff(), 0),  # errors reach `_run`, which resubscribes and catches up
            client_name="moderation-reload",
        )
        self._backoff = EqualJitterBackoff(cap=RECONNECT_MAX_SECONDS, base=RECONNECT_FIRST_SECONDS)
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="model-reload-channel")

    async def stop(self) -> None:
        """Stop the subscriber: it sees the flag within `LISTEN_SECONDS` (a load in progress
        first finishes). Cancelling is only the last resort: a cancel that lands as redis-py's
        read timeout expires is lost on Python 3.11 (`asyncio.timeout` takes it for its own)
        and the task would then wait on its socket forever."""
        self._stopping.set()
        if self._task is not None:
            done, _ = await asyncio.wait({self._task}, timeout=STOP_SECONDS)
            if not done:
                self._task.cancel()
                await asyncio.wait({self._task}, timeout=1.0)
            self._task = None
        await self._client.aclose()  # also ends a task still reading, if any

    async def announce(self, swap: Swap) -> tuple[int | None, str | None]:
        """Tell the other workers to reload: (how many heard it, None) or (None, warning)."""
        if self.queue is None:
            return None, "no Redis client to publish with: no other worker was told"
        client, prefix = self.queue.client, self.settings.redis_prefix
        try:
            heard = await asyncio.to_thread(
                publish_reload,
                client,
                prefix,
                version=swap.model_version,
                reason="POST /v1/model/reload",
                origin=self.origin,
            )
        except RedisError as exc:
            found = describe(exc)
            return None, (
                f"the other workers were not told: Redis did not take the message "
                f"({found['error']}: {found['reason']}); each loads the active model when its "
                "subscription comes back, or call this route again"
            )
        return max(heard - (1 if self.subscribed else 0), 0), None

    # -- the subscriber task ------------------------------------------------------------------

    async def _run(self) -> None:
        failures = 0
        outage_since: float | None = None
        while not self._stopping.is_set():
            try:
                async with self._client.pubsub() as pubsub:
                    await pubsub.subscribe(self.channel)
                    self.subscribed = True
                    if outage_since is not None:
                        log.info(
                            "model reload channel: subscribed again after %.1f s",
                            time.monotonic() - outage_since,
                        )
                    failures, outage_since = 0, None
                    await self._catch_up()
                    await self._listen(pubsub)
            except (RedisError, OSError) as exc:
                self.subscribed = False
                if outage_since is None:
                    outage_since = time.monotonic()
                    log.warning(
                        "model reload channel: Redis unreachable (%s); subscribing again with "
                        "backoff, and reloading then if ACTIVE changed meanwhile",
                        type(exc).__name__,
                    )
            except Exception:  # a bug: logged, and the channel keeps trying
                self.subscribed = False
                log.exception("model reload channel failed; subscribing again")
            failures += 1
            with contextlib.suppress(TimeoutError):  # the pause, cut short by `stop`
                await asyncio.wait_for(self._stopping.wait(), self._backoff.compute(failures))
        self.subscribed = False

    async def _listen(self, pubsub: redis.asyncio.client.PubSub) -> None:
        while not self._stopping.is_set():
            message = await pubsub.get_message(
                ignore_subscribe_messages=True, timeout=LISTEN_SECONDS
            )
            if message is None:
                continue
            latest = self._ours(message["data"])
            # Messages that queued meanwhile: one load serves them all (it reads ACTIVE).
            while more := await pubsub.get_message(ignore_subscribe_messages=True, timeout=0):
                latest = self._ours(more["data"]) or latest
            if latest is not None:
                await self._reload(f"message: {latest.reason or 'reload'}", expected=latest.version)

    def _ours(self, payload: bytes | str) -> ReloadMessage | None:
        """The message, unless it is not one or this worker sent it."""
        try:
            message = ReloadMessage.decode(payload)
        except ValueError as exc:
            log.warning("model reload channel: ignored a message (%s)", exc)
            return None
        return None if message.origin == self.origin else message

    async def _catch_up(self) -> None:
        if self.swapper.pinned is not None:
            return
        try:
            active = await asyncio.to_thread(active_version, self.settings.models_dir)
        except ModelError as exc:
            log.error("model reload channel: cannot read the active version: %s", exc)
            return
        serving = self.swapper.moderator.model_version
        if active != serving:
            log.info(
                "model reload channel: ACTIVE names %s, this worker serves %s", active, serving
            )
            await self._reload("catch-up after subscribing")

    async def _reload(self, reason: str, *, expected: str | None = None) -> None:
        """Reload; `expected`: the version a message named (a mismatch is logged)."""
        try:
            swap = await self.swapper.reload(reason=reason)
        except (ModelPinned, ReloadFailed):
            return  # logged and counted by the swapper
        if expected is not None and swap.model_version != expected:
            log.warning(
                "model reload: the message named version %s, this worker's ACTIVE names %s "
                "(now served)",
                expected,
                swap.model_version,
            )
