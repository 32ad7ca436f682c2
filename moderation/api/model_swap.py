"""The model one API worker serves, and its hot swap.

`ModelSwapper` owns `app.state.moderator`. It loads the model at start-up and, on a hot
reload (`POST /v1/model/reload`, or a message on the reload channel: `model_reload`), loads
the version `ACTIVE` names with the policy that version is served with (`model_policy`) and
swaps it in:

- fully and off the event loop: verified, unpickled and warmed up with one scoring call in a
  worker thread (`asyncio.to_thread`), so requests are served meanwhile and none is ever
  answered by a half-loaded model;
- in one assignment: a request takes the Moderator once, when its dependencies are resolved
  (`ModeratorDep`), and keeps that object to its end, so requests in flight finish on the old
  model (freed when the last of them returns) and every answer names the model that scored it;
- one load at a time (an `asyncio.Lock`); each reads `ACTIVE` when it starts, so of two
  reloads close together the later one decides what is served.

A load that fails (a version missing, a file whose hash differs from its manifest, a broken
policy) keeps the old model serving: logged as an error, counted in
`moderation_model_reloads_total{result="failed"}` and shown in `/readyz` (`model_reload`).
A version pinned with `MODERATION_MODEL_VERSION` is never replaced: a reload is ignored
(logged, counted) and the route answers 409 `model_pinned`.

The site's term list store carries over from one Moderator to the next (it watches its
folder in a thread of its own).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from moderation.errors import Conflict, ModelError, ModerationError
from moderation.observability import metrics
from moderation.scoring import Moderator
from moderation.settings import Settings
from moderation.terms import ListStore

log = logging.getLogger("moderation.model")

#: Scored once by every freshly loaded model before it serves: the first request must not
#: pay for lazily built tables (and a model that cannot score never serves).
WARM_UP_TEXT = "Thanks for the article: more at https://example.org, or call 555-0100."


def version_headers(model_version: str, policy_version: str) -> dict[str, str]:
    """Headers naming the model and policy that scored an answer whose body has no room for
    them (Perspective's and Coral's shapes are theirs)."""
    return {"X-Model-Version": model_version, "X-Policy-Version": policy_version}


class ReloadFailed(ModelError):
    """The active model could not be loaded; the previous one still serves."""

    code = "model_reload_failed"


class ModelPinned(Conflict):
    """`MODERATION_MODEL_VERSION` pins the served version: reloads do not follow ACTIVE."""

    code = "model_pinned"


@dataclass(frozen=True)
class Swap:
    previous_version: str
    model_version: str
    policy_version: str


class ModelSwapper:
    """Loads and swaps `state.moderator` (`state` is `app.state`)."""

    def __init__(self, state: Any, settings: Settings) -> None:
        self.state = state
        self.settings = settings
        self._lock = asyncio.Lock()
        self._gauge: tuple[str, str] | None = None  # labels counted in moderation_model_loaded
        #: The last reload's outcome for `/readyz`: {result, at, model_version (the version
        #: served after it), error}; None before the first.
        self.last: dict[str, Any] | None = None

    @property
    def moderator(self) -> Moderator:
        moderator: Moderator = self.state.moderator
        return moderator

    @property
    def pinned(self) -> str | None:
        """The version `MODERATION_MODEL_VERSION` pins, if any."""
        return self.settings.model_version

    def start(self) -> Moderator:
        """Load and serve the model at start-up, in the caller's thread."""
        moderator = self._load(lists=None)
        self._serve(moderator)
        log.info("model %s and policy %s loaded", moderator.model_version, moderator.policy_version)
        return moderator

    def stop(self) -> None:
        """Stop serving: the gauge forgets this worker's model, the term lists stop watching."""
        if self._gauge is not None:
            metrics.model_unloaded(*self._gauge)
            self._gauge = None
        moderator: Moderator | None = self.state.moderator
        if moderator is not None and moderator.lists is not None:
            moderator.lists.stop_watching()
        self.state.moderator = None

    async def reload(self, *, reason: str) -> Swap:
        """Load the active model and serve it; raises `ModelPinned` or `ReloadFailed` (the
        old model still serving)."""
        if self.pinned is not None:
            self._record("ignored", self.pinned, None)
            log.warning(
                "model reload (%s) ignored: MODERATION_MODEL_VERSION pins version %s",
                reason,
                self.pinned,
            )
            raise ModelPinned(
                f"MODERATION_MODEL_VERSION pins model version {self.pinned}: this worker does "
                "not follow ACTIVE (unset the setting and restart to follow promotions)",
                details={"pinned_version": self.pinned},
            )
        async with self._lock:
            previous = self.moderator
            try:
                moderator = await asyncio.to_thread(self._load, lists=previous.lists)
            except Exception as exc:
                # /readyz is open: it shows the error's code; the message (paths, hashes) goes
                # to the log and to the admin route's answer.
                self._record("failed", previous.model_version, getattr(exc, "code", "error"))
                log.error(
                    "model reload (%s) failed, still serving %s: %s",
                    reason,
                    previous.model_version,
                    exc,
                    exc_info=not isinstance(exc, ModerationError),
                )
                raise ReloadFailed(
                    f"the active model could not be loaded ({exc}); model "
                    f"{previous.model_version} still serves",
                    details={"serving_version": previous.model_version, "reason": str(exc)},
                ) from exc
            self._serve(moderator)
        swap = Swap(previous.model_version, moderator.model_version, moderator.policy_version)
        self._record("loaded", swap.model_version, None)
        log.info(
            "model reload (%s): serving model %s (was %s), policy %s",
            reason,
            swap.model_version,
            swap.previous_version,
            swap.policy_version,
        )
        return swap

    def _load(self, *, lists: ListStore | None) -> Moderator:
        """A Moderator loaded, verified and warmed up (blocking: minutes of CPU at worst)."""
        moderator = Moderator.load(settings=self.settings, strict_lists=False, lists=lists)
        moderator.moderate(WARM_UP_TEXT[: moderator.max_text_chars])
        return moderator

    def _serve(self, moderator: Moderator) -> None:
        self.state.moderator = moderator  # the swap: one assignment
        gauge = (moderator.model_version, moderator.policy_version)
        metrics.model_loaded(*gauge)
        if self._gauge is not None:
            metrics.model_unloaded(*self._gauge)
        self._gauge = gauge

    def _record(self, result: str, version: str, error: str | None) -> None:
        metrics.count_reload(result)
        self.last = {
            "result": result,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "model_version": version,
            "error": error,
        }
