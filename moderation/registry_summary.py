"""One line per model version for `moderation models list`: the figures its card holds.

Reads cards only (sha256-verified, never the model), so listing is quick and a version whose
files were damaged shows up with its error instead of hiding the others.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from moderation.categories import CATEGORIES
from moderation.errors import ModelError
from moderation.registry import read_card

#: The suite figures shown beside each version: the issue's headline numbers.
KEY_SUITE_FIGURES: tuple[tuple[str, str], ...] = (
    ("identity", "false_flag_rate"),
    ("identity", "attack_recall"),
    ("doxing", "recall"),
    ("spam", "recall"),
    ("spam", "civil_flag_rate"),
    ("spans", "span_f1"),
)


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def describe_version(models_dir: Path, version: str, *, active: str | None) -> dict[str, Any]:
    """Name, creation time, whether active, test ROC AUC (mean and per category), key suite
    figures, training rows, licenses, report.html, size on disk; `error` when unreadable."""
    folder = models_dir / version
    entry: dict[str, Any] = {
        "version": version,
        "active": version == active,
        "bytes": folder_bytes(folder),
        "report_html": (folder / "report.html").is_file(),
    }
    try:
        card = read_card(models_dir, version)
    except ModelError as exc:
        return {**entry, "error": exc.message}
    test = card.get("test", {})
    categories = test.get("categories", {})
    suites = card.get("suites") or {}
    entry.update(
        created=card.get("created"),
        mean_roc_auc=test.get("mean_roc_auc"),
        roc_auc={c: categories.get(c, {}).get("roc_auc") for c in CATEGORIES},
        suites={
            f"{suite}.{figure}": suites.get(suite, {}).get(figure)
            for suite, figure in KEY_SUITE_FIGURES
        },
        train_rows=card.get("splits", {}).get("train"),
        licenses=card.get("licenses", []),
    )
    return entry


def size_text(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size / 1e3:.0f} kB"
