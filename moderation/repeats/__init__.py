"""Spam across comments: exact and near-duplicate repeats, posting velocity and link campaigns,
counted in Redis with expiry (`tracker.RepeatTracker`) and turned into `spam` findings that
`Moderator.moderate(..., signals=...)` merges with the comment's own evidence.

The pure parts (`fingerprint`, `signals`) import no Redis; `tracker` and `script` do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from moderation.detectors._links import registrable_domain
from moderation.repeats.fingerprint import Fingerprint, fingerprint
from moderation.repeats.keys import RepeatKeys
from moderation.repeats.signals import Counts, RepeatConfig, signal_findings
from moderation.repeats.tracker import Observation, RepeatTracker
from moderation.settings import Settings

if TYPE_CHECKING:
    import redis

__all__ = [
    "Counts",
    "Fingerprint",
    "Observation",
    "RepeatConfig",
    "RepeatKeys",
    "RepeatTracker",
    "config_from",
    "fingerprint",
    "open_tracker",
    "signal_findings",
]


def config_from(settings: Settings) -> RepeatConfig:
    """The tracker's windows and limits from the `MODERATION_SPAM_*` settings."""
    trusted = (d.strip() for d in settings.spam_trusted_domains.split(","))
    return RepeatConfig(
        repeat_window=settings.spam_repeat_window,
        velocity_window=settings.spam_velocity_window,
        velocity_limit=settings.spam_velocity_limit,
        link_window=settings.spam_link_window,
        trusted_domains=frozenset(registrable_domain(d) for d in trusted if d),
    )


def open_tracker(settings: Settings, client: redis.Redis | None) -> RepeatTracker | None:
    """The repeat tracker on `client` (the review queue's), or None when turned off or when
    there is no Redis."""
    if client is None or not settings.spam_repeats:
        return None
    return RepeatTracker(client, RepeatKeys(settings.redis_prefix), config_from(settings))
