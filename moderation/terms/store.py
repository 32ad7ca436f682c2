"""Where term lists live: shipped defaults in the package, a site's own lists in a folder.

A site list with the same name as a shipped one replaces it (an empty site list switches a
default off). Site lists are TOML files, one per list (`<name>.toml`), written by
`PUT /v1/lists/{name}` or by hand. Every process re-reads the folder when it changes (checked
at most once per `check_interval` seconds, and at once after its own write), so several
workers pick up a change without a restart; the API watches the folder from a background
thread, so no request ever waits for a reload. Each write bumps the list's `revision` and keeps
the replaced file under `.history/` (the last `HISTORY_KEEP` revisions of each list). A broken
file at start-up stops the service with a clear message; a broken file written while running
is logged and the last good lists stay in use, and a `PUT` says so and names it.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import shutil
import tempfile
import threading
import time
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import ValidationError

from moderation.errors import (
    InvalidInput,
    ModerationError,
    NotFound,
    PolicyError,
    describe_validation_error,
)
from moderation.terms.matcher import CompiledLists
from moderation.terms.model import NAME_RE, TermList, TermListBody

log = logging.getLogger("moderation.terms")

SHIPPED_DIR = Path(__file__).resolve().parent / "defaults"
_HISTORY = ".history"
_LOCK = ".lock"
HISTORY_KEEP = 20


class ListsBroken(ModerationError):
    """A list was saved but the lists in force did not change: a file in the folder is bad."""

    status = 409
    code = "term_lists_broken"


def read_list_file(path: Path, origin: str) -> TermList:
    """Parse and validate one list file; problems raise `PolicyError` naming the file."""
    try:
        raw: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PolicyError(f"term list {path} cannot be read: {exc}") from exc
    raw.setdefault("name", path.stem)
    if raw["name"] != path.stem:
        raise PolicyError(f"term list {path} says name = {raw['name']!r}; it must match the file")
    try:
        return TermList.model_validate({**raw, "origin": origin})
    except ValidationError as exc:
        raise PolicyError(f"term list {path} is invalid: {describe_validation_error(exc)}") from exc


class ListStore:
    """The shipped and site term lists, compiled, reloaded when the site folder changes."""

    def __init__(
        self,
        site_dir: Path,
        *,
        shipped_dir: Path = SHIPPED_DIR,
        check_interval: float = 1.0,
        strict: bool = True,
    ) -> None:
        """`strict`: a broken site file raises `PolicyError` (start-up checks, the CLI);
        otherwise it is left out and logged, and named in `problems` (an API worker, which
        uvicorn may restart at any time, must come up with the lists it can read)."""
        self.site_dir = site_dir
        self.shipped_dir = shipped_dir
        self.check_interval = check_interval
        self.problems: list[str] = []
        self._lock = threading.Lock()
        self._shipped = {p.stem: read_list_file(p, "shipped") for p in self._files(shipped_dir)}
        self._signature = self._site_signature()
        self._lists = self._merge(self._read_site() if strict else self._read_site_leniently())
        self._compiled = CompiledLists(list(self._lists.values()))
        self._checked = time.monotonic()
        self._watcher: threading.Thread | None = None
        self._stop = threading.Event()

    # -- reading --------------------------------------------------------------------------

    @staticmethod
    def _files(folder: Path) -> list[Path]:
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.glob("*.toml") if not p.name.startswith("."))

    def _site_signature(self) -> tuple[tuple[str, int, int], ...]:
        out = []
        for path in self._files(self.site_dir):
            try:
                st = path.stat()
            except FileNotFoundError:  # removed between listing and stat
                continue
            out.append((path.name, st.st_mtime_ns, st.st_size))
        return tuple(out)

    def _read_site(self) -> dict[str, TermList]:
        return {p.stem: read_list_file(p, "site") for p in self._files(self.site_dir)}

    def _read_site_leniently(self) -> dict[str, TermList]:
        lists: dict[str, TermList] = {}
        for path in self._files(self.site_dir):
            try:
                lists[path.stem] = read_list_file(path, "site")
            except PolicyError as exc:
                log.error("term list left out: %s", exc.message)
                self.problems.append(exc.message)
        return lists

    def _merge(self, site: dict[str, TermList]) -> dict[str, TermList]:
        return {**self._shipped, **site}

    def current(self) -> CompiledLists:
        """The compiled active lists. Without a watcher thread (the CLI, tests), the folder is
        checked here at most once per `check_interval`."""
        if self._watcher is None and time.monotonic() - self._checked >= self.check_interval:
            self.refresh()
        return self._compiled

    def start_watching(self) -> None:
        """Check the folder every `check_interval` seconds from a daemon thread."""
        if self._watcher is not None:
            return
        self._stop.clear()

        def watch() -> None:
            while not self._stop.wait(self.check_interval):
                try:
                    self.refresh()
                except Exception:  # a watcher that dies silently would freeze the lists
                    log.exception("term lists watcher: refresh failed")

        self._watcher = threading.Thread(target=watch, name="term-lists-watcher", daemon=True)
        self._watcher.start()

    def stop_watching(self) -> None:
        if self._watcher is not None:
            self._stop.set()
            self._watcher.join(timeout=5)
            self._watcher = None

    def refresh(self, *, force: bool = False, strict: bool = False) -> None:
        """Re-read the site folder if any file in it changed; keep the old lists on error
        (`strict`: raise `ListsBroken` instead)."""
        with self._lock:
            self._checked = time.monotonic()
            signature = self._site_signature()
            if signature == self._signature and not force:
                return
            try:
                lists = self._merge(self._read_site())
            except PolicyError as exc:
                log.error("term lists not reloaded, keeping the previous ones: %s", exc.message)
                self.problems = [exc.message]
                self._signature = signature  # don't retry the same broken file every second
                if strict:
                    raise ListsBroken(
                        f"saved, but the lists in force did not change: {exc.message}; fix or "
                        "delete that file (PUT replaces it)",
                        details={"problem": exc.message},
                    ) from exc
                return
            self._lists = lists
            self._compiled = CompiledLists(list(lists.values()))
            self._signature = signature
            self.problems = []
            log.info("term lists reloaded: version %s", self._compiled.digest)

    @property
    def version(self) -> str:
        return self.current().digest

    def all(self) -> list[TermList]:
        self.current()
        return sorted(self._lists.values(), key=lambda t: t.name)

    def get(self, name: str) -> TermList:
        self.current()
        try:
            return self._lists[name]
        except KeyError:
            raise NotFound(f"no term list named {name!r}", details={"name": name}) from None

    # -- writing --------------------------------------------------------------------------

    @contextmanager
    def _write_lock(self) -> Iterator[None]:
        """One writer at a time across processes (workers share the folder)."""
        self.site_dir.mkdir(parents=True, exist_ok=True)
        with (self.site_dir / _LOCK).open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def put(self, name: str, body: TermListBody) -> TermList:
        """Create or replace the site list `name`; the change is live when this returns."""
        if not NAME_RE.fullmatch(name):
            raise InvalidInput(f"list name {name!r} must match {NAME_RE.pattern}")
        with self._write_lock():
            path = self.site_dir / f"{name}.toml"
            previous = self._readable(path)
            stored = TermList(
                **body.model_dump(),
                name=name,
                origin="site",
                revision=self._next_revision(name, previous),
                updated_at=datetime.now(UTC).isoformat(timespec="seconds"),
            )
            if path.exists():
                self._archive(path, previous.revision if previous else None)
            dumped = stored.model_dump(mode="json", exclude={"origin"}, exclude_none=True)
            order = ("name", "kind", "description", "revision", "updated_at", "terms")
            document = {key: dumped[key] for key in order if key in dumped}
            self._atomic_write(path, tomli_w.dumps(document))
            self.refresh(force=True, strict=True)
        return stored

    def delete(self, name: str) -> TermList | None:
        """Remove the site list `name`; the shipped list of that name (if any) applies again."""
        with self._write_lock():
            path = self.site_dir / f"{name}.toml"
            if not path.exists():
                raise NotFound(f"no site term list named {name!r}", details={"name": name})
            previous = self._readable(path)
            self._archive(path, previous.revision if previous else None)
            path.unlink()
            self.refresh(force=True, strict=True)
            return self._lists.get(name)

    @staticmethod
    def _readable(path: Path) -> TermList | None:
        """The list in `path`, or None when there is none or it is broken (a PUT or DELETE
        replaces a broken file; its bytes go to the history)."""
        if not path.exists():
            return None
        try:
            return read_list_file(path, "site")
        except PolicyError:
            return None

    def _next_revision(self, name: str, previous: TermList | None) -> int:
        """One past the highest revision the list ever had, deleted ones included, so an
        archived revision is never overwritten."""
        archived = [
            int(match.group(1))
            for p in (self.site_dir / _HISTORY).glob(f"{name}.r*.toml")
            if (match := re.fullmatch(rf"{re.escape(name)}\.r(\d+)\.toml", p.name))
        ]
        return max([previous.revision if previous else 0, *archived]) + 1

    def _archive(self, path: Path, revision: int | None) -> None:
        """Keep a copy of the revision about to be replaced (the live file stays in place),
        and only the last `HISTORY_KEEP` of each list. A broken file is kept by timestamp."""
        history = self.site_dir / _HISTORY
        history.mkdir(exist_ok=True)
        if revision is None:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
            target = history / f"{path.stem}.broken-{stamp}.toml"
        else:
            target = history / f"{path.stem}.r{revision}.toml"
        if not target.exists():  # a hand-edited file may repeat a revision: keep the first
            shutil.copyfile(path, target)
        kept = sorted(
            (int(m.group(1)), p)
            for p in history.glob(f"{path.stem}.r*.toml")
            if (m := re.fullmatch(rf"{re.escape(path.stem)}\.r(\d+)\.toml", p.name))
        )
        for _, old in kept[:-HISTORY_KEEP]:
            old.unlink(missing_ok=True)

    def _atomic_write(self, path: Path, text: str) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.site_dir, prefix=".tmp-", suffix=".toml")
        try:
            os.fchmod(fd, 0o644)  # mkstemp makes 0600; lists are not secret
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
