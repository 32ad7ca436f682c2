"""Evaluation suites beside the plain test split: obfuscated harmful comments and identity
mentions (`moderation evaluate --suite NAME`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from moderation.scoring import Moderator

SUITES = ("obfuscation", "identity")


def run_suite(name: str, moderator: Moderator, *, data_dir: Path | None = None) -> dict[str, Any]:
    """The report of suite `name`; `data_dir` adds the model's test split (obfuscation)."""
    from training.suites import identity, obfuscation

    if name == "identity":
        return identity.run_suite(moderator)
    return obfuscation.run_suite(moderator, data_dir=data_dir)


def format_table(name: str, report: dict[str, Any]) -> str:
    from training.suites import identity, obfuscation

    return (identity if name == "identity" else obfuscation).format_table(report)
