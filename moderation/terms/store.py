"""Where term lists live: shipped defaults in the package, a site's own lists in a folder.

A site list with the same name as a shipped one replaces it (an empty site list switches a
default off). Site lists are TOML files, one per list (`<name>.toml`), written by
`PUT /v1/lists/{name}` or by hand. Every process re-reads the folder when it changes (checked
at most once per `check_interval` seconds, and at once after its own write), so several
workers pick up a change without a restart. Each write bumps the list's `revision` and keeps
the replaced file under `.history/`. A broken file at start-up stops the service with a clear
message; a broken file written while running is logged and the last good lists stay in use.
"""

from __future__ import annotations

import fcntl
import logging
import os
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

from moderation.errors import InvalidInput, NotFound, PolicyError, describe_validation_error
from moderation.terms.matcher import CompiledLists
from moderation.terms.model import NAME_RE, TermList, TermListBody

log = logging.getLogger("moderation.terms")

SHIPPED_DIR = Path(__file__).resolve().parent / "defaults"
_HISTORY = ".history"
_LOCK = ".lock"


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
    ) -> None:
        self.site_dir = site_dir
        self.shipped_dir = shipped_dir
        self.check_interval = check_interval
        self._lock = threading.Lock()
        self._shipped = {p.stem: read_list_file(p, "shipped") for p in self._files(shipped_dir)}
        self._signature = self._site_signature()
        self._lists = self._merge(self._read_site())
        self._compiled = CompiledLists(list(self._lists.values()))
        self._checked = time.monotonic()

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

    def _merge(self, site: dict[str, TermList]) -> dict[str, TermList]:
        return {**self._shipped, **site}

    def current(self) -> CompiledLists:
        """The compiled active lists, re-read first if the site folder changed."""
        now = time.monotonic()
        if now - self._checked >= self.check_interval:
            self.refresh()
        return self._compiled

    def refresh(self, *, force: bool = False) -> None:
        """Re-read the site folder if any file in it changed; keep the old lists on error."""
        with self._lock:
            self._checked = time.monotonic()
            signature = self._site_signature()
            if signature == self._signature and not force:
                return
            try:
                lists = self._merge(self._read_site())
            except PolicyError as exc:
                log.error("term lists not reloaded, keeping the previous ones: %s", exc.message)
                self._signature = signature  # don't retry the same broken file every second
                return
            self._lists = lists
            self._compiled = CompiledLists(list(lists.values()))
            self._signature = signature
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
            previous = read_list_file(path, "site") if path.exists() else None
            stored = TermList(
                **body.model_dump(),
                name=name,
                origin="site",
                revision=(previous.revision + 1) if previous else 1,
                updated_at=datetime.now(UTC).isoformat(timespec="seconds"),
            )
            if previous is not None:
                self._archive(path, previous.revision)
            dumped = stored.model_dump(mode="json", exclude={"origin"}, exclude_none=True)
            order = ("name", "kind", "description", "revision", "updated_at", "terms")
            document = {key: dumped[key] for key in order if key in dumped}
            self._atomic_write(path, tomli_w.dumps(document))
        self.refresh(force=True)
        return self.get(name)

    def delete(self, name: str) -> TermList | None:
        """Remove the site list `name`; the shipped list of that name (if any) applies again."""
        with self._write_lock():
            path = self.site_dir / f"{name}.toml"
            if not path.exists():
                raise NotFound(f"no site term list named {name!r}", details={"name": name})
            self._archive(path, read_list_file(path, "site").revision)
            path.unlink()
        self.refresh(force=True)
        return self._lists.get(name)

    def _archive(self, path: Path, revision: int) -> None:
        """Keep a copy of the revision about to be replaced (the live file stays in place)."""
        history = self.site_dir / _HISTORY
        history.mkdir(exist_ok=True)
        shutil.copyfile(path, history / f"{path.stem}.r{revision}.toml")

    def _atomic_write(self, path: Path, text: str) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.site_dir, prefix=".tmp-", suffix=".toml")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
