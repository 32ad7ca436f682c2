"""Who made which model version active, when and why: `models/HISTORY.jsonl`, append-only.

Every `moderation models promote` and `rollback` changes `ACTIVE` and appends one JSON line
(`at`, `action`, `from`, `to`, `by`, `forced`, `reason`, `gate`) under one file lock
(`models/.registry.lock`, the `filelock` library: `flock` on POSIX), so two commands at once
never interleave their `ACTIVE` write and their record, and a command whose gate compared
against a version that is no longer active is refused instead of overwriting the newer choice.
`train --activate` and hand edits of `ACTIVE` leave no record; the history then says what was
active last time a registry command ran, and a rollback returns there.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from moderation.errors import Conflict, ModelError
from moderation.registry import ACTIVE_FILE, active_version, previous_version, set_active, versions

log = logging.getLogger(__name__)

HISTORY_FILE = "HISTORY.jsonl"
LOCK_FILE = ".registry.lock"
LOCK_TIMEOUT = 30.0  # the lock is held for one file write and one append: milliseconds


@contextmanager
def registry_lock(models_dir: Path, *, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the registry's file lock (another holder: wait up to `timeout` s, then Conflict)."""
    lock = FileLock(models_dir / LOCK_FILE, timeout=timeout)
    try:
        lock.acquire()
    except Timeout as exc:
        raise Conflict(
            f"another promotion or rollback holds {models_dir / LOCK_FILE}; try again"
        ) from exc
    try:
        yield
    finally:
        lock.release()


def active_or_none(models_dir: Path) -> str | None:
    """The active version, or None in a registry that never had one."""
    return active_version(models_dir) if (models_dir / ACTIVE_FILE).exists() else None


def read_history(models_dir: Path) -> list[dict[str, Any]]:
    """Every record, oldest first; a line that is not a JSON object (a write cut short) is
    skipped with a warning rather than blocking an emergency rollback."""
    path = models_dir / HISTORY_FILE
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    records = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            record = None
        if not isinstance(record, dict):
            log.warning("%s line %d is not a history record: skipped", path, number)
            continue
        records.append(record)
    return records


def active_chain(records: list[dict[str, Any]]) -> list[str]:
    """The versions made active one after another, replaying promotions (push) and rollbacks
    (pop): the last is the latest active, the one before it what a rollback returns to."""
    chain: list[str] = []
    for record in records:
        old, new = record.get("from"), record.get("to")
        if record.get("action") == "rollback":
            # A rollback leaves the version it left; one made active outside the registry
            # (`train --activate`) was never on the chain and must not join it, or the next
            # rollback would return to it.
            if chain and chain[-1] == old:
                chain.pop()
        elif old and (not chain or chain[-1] != old):
            chain.append(old)
        if new and (not chain or chain[-1] != new):
            chain.append(new)
    return chain


def rollback_target(models_dir: Path, current: str) -> tuple[str | None, str]:
    """The version that was active before `current`, and how it was found."""
    chain = active_chain(read_history(models_dir))
    if chain and chain[-1] == current:
        if len(chain) > 1:
            return chain[-2], f"the history ({HISTORY_FILE})"
    elif chain:
        return chain[-1], f"the history: {current} was made active outside the registry commands"
    return previous_version(models_dir, current), "creation order (no earlier history)"


def change_active(
    models_dir: Path,
    *,
    action: str,
    expected: str | None,
    to: str,
    by: str,
    reason: str,
    forced: bool = False,
    gate: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Under the lock: check `expected` is still active, point ACTIVE at `to`, append the
    record; returns it. Conflict when another command changed ACTIVE in the meantime."""
    if to not in versions(models_dir):
        raise ModelError(f"model version {to!r} not found in {models_dir}")
    with registry_lock(models_dir):
        now = active_or_none(models_dir)
        if now != expected:
            raise Conflict(f"ACTIVE changed from {expected} to {now} meanwhile; run it again")
        record = {
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "action": action,
            "from": expected,
            "to": to,
            "by": by,
            "forced": forced,
            "reason": reason,
            "gate": gate,
        }
        set_active(models_dir, to)
        with (models_dir / HISTORY_FILE).open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, ensure_ascii=False, sort_keys=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
    return record
