"""The metrics folder `moderation serve --workers N` shares between its worker processes.

With one worker there is one process and prometheus-client's ordinary registry is the whole
truth (and carries the `process_*` figures: memory, CPU, open files, which multiprocess mode
cannot give), so no folder is made. With several, each worker writes its figures to memory-
mapped files in `<state_dir>/metrics/<host name>/<pid of serve>/` and a scrape, whichever
worker answers it, sums them (`metrics.render`). The folder is emptied when a run starts and
removed when it ends; folders of earlier runs on this host whose process is gone (killed) are
removed at the next start. The host name keeps containers that share a state volume (and
often have the same pid for `serve`) out of each other's folders.

An operator who sets `PROMETHEUS_MULTIPROC_DIR` keeps their own folder: it is used as it is,
and neither emptied nor removed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

# prometheus-client's name for it. This module never imports the library: `serve` sets the
# variable before the library's first import.
MULTIPROC_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def remove_stale(parent: Path) -> list[Path]:
    """Remove run folders under `parent` whose `serve` process is gone; returns them."""
    removed: list[Path] = []
    if not parent.is_dir():
        return removed
    for folder in parent.iterdir():
        if folder.is_dir() and folder.name.isdigit() and not _alive(int(folder.name)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


@contextlib.contextmanager
def metrics_dir_for_serve(state_dir: Path, *, workers: int) -> Iterator[Path | None]:
    """For `moderation serve`: with several workers, a fresh per-run folder named in
    `PROMETHEUS_MULTIPROC_DIR` for the workers to inherit; yields it (None: not needed, or
    the operator's own). Enter it before anything imports prometheus-client in this process:
    the variable is read once, when the library is first imported."""
    given = os.environ.get(MULTIPROC_VARIABLE)
    if given:
        Path(given).mkdir(parents=True, exist_ok=True)
        yield None
        return
    if workers <= 1:
        yield None
        return
    parent = state_dir / "metrics" / socket.gethostname()
    remove_stale(parent)
    folder = parent / str(os.getpid())
    shutil.rmtree(folder, ignore_errors=True)  # a container's pid is the same every run
    folder.mkdir(parents=True, mode=0o700)
    os.environ[MULTIPROC_VARIABLE] = str(folder)
    try:
        yield folder
    finally:
        os.environ.pop(MULTIPROC_VARIABLE, None)
        shutil.rmtree(folder, ignore_errors=True)
