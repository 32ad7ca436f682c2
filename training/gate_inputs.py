"""What the promotion gate is run on: the public data folder and the moderators' audit sample
(queue exports, or the live review queue's decided audit items). A part that is not there is
not an error: its reason goes into `skipped`, which the gate prints and the history keeps."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from moderation.errors import QueueUnavailable
from moderation.queue import close_queue, open_queue
from moderation.queue.stats import export_rows
from training.data import default_data_dir
from training.labels import audit_sample

if TYPE_CHECKING:
    from moderation.settings import Settings


def audit_from_queue(
    redis_settings: Settings | None, why_not: str, skipped: dict[str, str]
) -> pd.DataFrame | None:
    """The live queue's decided audit items (latest decision per comment), as an export file
    of them would give (`training.labels.audit_sample`)."""
    if redis_settings is None:
        skipped["audit"] = f"the queue's Redis is unreachable ({why_not}); pass --audit FILE"
        return None
    queue = open_queue(redis_settings)
    if queue is None:  # service_redis always gives a URL; this keeps the types honest
        skipped["audit"] = "no Redis URL"
        return None
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "queue.jsonl"
            with path.open("w", encoding="utf-8") as handle:
                for row in export_rows(queue):
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            rows = audit_sample([path]) if path.stat().st_size else None
    except QueueUnavailable as exc:
        skipped["audit"] = f"the queue's Redis is unreachable ({exc.message}); pass --audit FILE"
        return None
    finally:
        close_queue(queue)
    if rows is None or rows.empty:
        skipped["audit"] = "no decided audit items in the review queue"
    return rows


def audit_from_files(files: tuple[Path, ...], skipped: dict[str, str]) -> pd.DataFrame:
    """The audit items of `moderation queue export` files (other rows are left out)."""
    rows = audit_sample(files)
    if rows.empty:
        skipped["audit"] = f"no decided audit items in {', '.join(p.name for p in files)}"
    return rows


def public_data(
    data_dir: Path | None, *, skip_public: bool, skipped: dict[str, str]
) -> Path | None:
    """The public data folder for the test split, or None with the reason in `skipped`."""
    if skip_public:
        skipped["test"] = "--skip-public (the suites ran without their test-split samples too)"
        return None
    found = data_dir or default_data_dir()
    if found is None or not found.is_dir():
        skipped["test"] = "no public data folder: pass --data-dir or set MODERATION_DATA_DIR"
        return None
    return found
