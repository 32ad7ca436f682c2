"""A durable local spool for review entries Redis could not take.

Each process appends to its own segments, `<token>.<seq>.jsonl` (one JSON object a line),
and holds an exclusive `flock` on `<token>.lock` for as long as it lives. An append is
written, flushed and fsynced before it returns, so an entry the API acknowledged survives a
crash of the process or the machine. Draining closes the segment being written (new appends
go to the next one), hands each closed segment's records to a writer in chunks and deletes
the segment once all went through. It then adopts the segments of processes that died (their
lock file can be locked): a restarted service replays what its predecessor left.

A writer that raises `QueueUnavailable` stops the drain with the segment kept (some of its
records may be in Redis already: the writer must be idempotent). A record the writer refuses
for another reason goes to `rejected.jsonl` with the error, so one bad line never blocks the
rest. A line that does not parse (the tail of a write cut short by a crash, never
acknowledged) is skipped with a warning.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import orjson

from moderation.errors import QueueUnavailable

log = logging.getLogger("moderation.queue")

Record = dict[str, Any]
Writer = Callable[[list[Record]], None]
CHUNK = 256
REJECTED = "rejected.jsonl"


class Spool:
    """This process's spool segments in `directory` (created on the first append)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.token = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._lock = threading.Lock()  # appends and segment switches
        self._draining = threading.Lock()  # one drain at a time
        self._lockfile: IO[str] | None = None
        self._active: IO[bytes] | None = None
        self._seq = 0

    # -- writing --------------------------------------------------------------------------

    def append(self, records: list[Record]) -> None:
        """Write `records` durably (fsynced) before returning."""
        data = b"".join(orjson.dumps(r) + b"\n" for r in records)
        with self._lock:
            if self._active is None:
                self._open_segment()
            assert self._active is not None
            self._active.write(data)
            self._active.flush()
            os.fsync(self._active.fileno())

    def _open_segment(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        if self._lockfile is None:
            self._lockfile = _own_lock(self.directory / f"{self.token}.lock")
        path = self._segment(self.token, self._seq)
        self._active = path.open("ab")
        _fsync_dir(self.directory)  # the new file's name is durable too

    def _segment(self, token: str, seq: int) -> Path:
        return self.directory / f"{token}.{seq:08d}.jsonl"

    # -- draining -------------------------------------------------------------------------

    def drain(self, write: Writer) -> int:
        """Hand every closed record of this process, then of dead ones, to `write`; returns
        how many went through. Raises `QueueUnavailable` as `write` does."""
        with self._draining:
            return self._drain(write)

    def _drain(self, write: Writer) -> int:
        with self._lock:
            if self._active is not None:
                self._active.close()
                self._active = None
                self._seq += 1
            limit = self._seq
        if not self.directory.is_dir():
            return 0
        moved = 0
        for path in self._segments(self.token):
            if _seq_of(path) < limit:
                moved += self._replay(path, write)
        for token in self._other_tokens():
            moved += self._adopt(token, write)
        return moved

    def segments(self) -> list[Path]:
        """Every segment in the folder (all processes), oldest first per process."""
        return sorted(self.directory.glob("*.*.jsonl")) if self.directory.is_dir() else []

    def _segments(self, token: str) -> list[Path]:
        return sorted(self.directory.glob(f"{token}.*.jsonl"))

    def _other_tokens(self) -> list[str]:
        return sorted(p.stem for p in self.directory.glob("*.lock") if p.stem != self.token)

    def _adopt(self, token: str, write: Writer) -> int:
        """Replay a dead process's segments (its lock is free), then remove its lock file."""
        path = self.directory / f"{token}.lock"
        try:
            lockfile = path.open("a+", encoding="utf-8")
        except FileNotFoundError:
            return 0
        try:
            try:
                fcntl.flock(lockfile, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return 0  # its owner is alive and drains it
            moved = 0
            for segment in self._segments(token):
                moved += self._replay(segment, write)
            if moved:
                log.info("replayed %d review entries spooled by process %s", moved, token)
            path.unlink(missing_ok=True)
            return moved
        finally:
            lockfile.close()

    def _replay(self, path: Path, write: Writer) -> int:
        records = _read(path)
        for start in range(0, len(records), CHUNK):
            chunk = records[start : start + CHUNK]
            try:
                write(chunk)
            except QueueUnavailable:
                raise
            except Exception:
                self._one_by_one(chunk, write)
        path.unlink()
        return len(records)

    def _one_by_one(self, records: list[Record], write: Writer) -> None:
        for record in records:
            try:
                write([record])
            except QueueUnavailable:
                raise
            except Exception as exc:
                # The comment's id, never its text or author: logs carry no comment content.
                log.error(
                    "review spool: entry for comment %r refused (%s); kept in %s",
                    record.get("comment_id"),
                    type(exc).__name__,
                    REJECTED,
                )
                line = orjson.dumps({"record": record, "error": repr(exc)}) + b"\n"
                with (self.directory / REJECTED).open("ab") as rejected:
                    rejected.write(line)
                    rejected.flush()
                    os.fsync(rejected.fileno())

    # -- closing --------------------------------------------------------------------------

    def close(self) -> None:
        """Close the segment being written and release the lock; the lock file goes too when
        nothing of this process is left, else the next process adopts the segments."""
        with self._lock:
            if self._active is not None:
                self._active.close()
                self._active = None
                self._seq += 1
            if self._lockfile is not None:
                if not self._segments(self.token):
                    (self.directory / f"{self.token}.lock").unlink(missing_ok=True)
                self._lockfile.close()
                self._lockfile = None


def _own_lock(path: Path) -> IO[str]:
    """Take the lock file of this process, making sure it is the file at `path` (an adopter
    may have unlinked a lock file it thought orphaned between our open and flock)."""
    while True:
        lockfile = path.open("a+", encoding="utf-8")
        fcntl.flock(lockfile, fcntl.LOCK_EX)
        try:
            if os.fstat(lockfile.fileno()).st_ino == path.stat().st_ino:
                return lockfile
        except FileNotFoundError:
            pass
        lockfile.close()


def _seq_of(path: Path) -> int:
    return int(path.name.rsplit(".", 2)[1])


def _read(path: Path) -> list[Record]:
    records: list[Record] = []
    for number, line in enumerate(path.read_bytes().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError:
            log.warning("review spool: skipping unreadable line %d of %s", number, path)
            continue
        records.append(record)
    return records


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
