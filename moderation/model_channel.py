"""The Redis pub/sub channel that tells every API worker to load the active model.

`moderation models promote|rollback` and `POST /v1/model/reload` publish one message here;
each worker subscribes (`moderation.api.model_reload`) and loads the version its models
folder's `ACTIVE` names, with the policy file re-read. The message says which version the
publisher made active and why; a worker trusts its own disk, and logs a mismatch. `origin`
names the publishing worker (`host:pid`, empty for the CLI), which has loaded the model
already and skips its own message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
import redis


def reload_channel(prefix: str) -> str:
    """The channel name under the site's Redis prefix."""
    return f"{prefix}:model:reload"


@dataclass(frozen=True)
class ReloadMessage:
    version: str
    reason: str
    at: str
    origin: str = ""

    def encode(self) -> bytes:
        data = {"version": self.version, "reason": self.reason, "at": self.at}
        if self.origin:
            data["origin"] = self.origin
        return orjson.dumps(data)

    @classmethod
    def decode(cls, payload: bytes | str) -> ReloadMessage:
        """A message from the channel; ValueError when it is not one of ours."""
        try:
            data: Any = orjson.loads(payload)
        except orjson.JSONDecodeError as exc:
            raise ValueError(f"reload message is not JSON: {exc}") from exc
        if not isinstance(data, dict) or not isinstance(data.get("version"), str):
            raise ValueError("reload message has no 'version'")
        return cls(
            version=data["version"],
            reason=str(data.get("reason", "")),
            at=str(data.get("at", "")),
            origin=str(data.get("origin", "")),
        )


def publish_reload(
    client: redis.Redis, prefix: str, *, version: str, reason: str, origin: str = ""
) -> int:
    """Tell every subscribed worker to load the active model; returns how many heard it.

    Redis errors propagate: the caller decides whether a promotion without a live signal
    is an error (the CLI says so and tells the operator to call the reload route)."""
    message = ReloadMessage(
        version=version,
        reason=reason,
        at=datetime.now(UTC).isoformat(timespec="seconds"),
        origin=origin,
    )
    return int(client.publish(reload_channel(prefix), message.encode()))
