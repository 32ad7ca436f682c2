"""Evaluation suites beside the plain test split (`moderation evaluate --suite NAME`).

Each suite is a module of this package with the same three functions:

- ``run_suite(moderator, *, data_dir)`` → a JSON-able report (``data_dir`` is the public
  data folder or ``None``; a suite that can use it, like obfuscation's test-split sample,
  does, and every suite also runs without it);
- ``format_table(report)`` → the report as Markdown tables for a terminal or the README;
- ``headline(report)`` → ``{figure: value}``, the few numbers the issue's targets name, for
  the side-by-side comparison of two models and the model card.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from moderation.scoring import Moderator

#: Suite name -> module in this package.
SUITES: dict[str, str] = {
    "obfuscation": "training.suites.obfuscation",
    "identity": "training.suites.identity",
    "doxing": "training.suites.doxing",
    "spans": "training.suites.spans",
    "spam": "training.suites.spam",
}


def suite_module(name: str) -> ModuleType:
    if name not in SUITES:
        raise KeyError(f"unknown suite {name!r}; known: {', '.join(SUITES)}")
    return importlib.import_module(SUITES[name])


def run_suite(name: str, moderator: Moderator, *, data_dir: Path | None = None) -> dict[str, Any]:
    """The report of suite `name` for `moderator`."""
    report: dict[str, Any] = suite_module(name).run_suite(moderator, data_dir=data_dir)
    return report


def format_table(name: str, report: dict[str, Any]) -> str:
    table: str = suite_module(name).format_table(report)
    return table


def headline(name: str, report: dict[str, Any]) -> dict[str, float | None]:
    figures: dict[str, float | None] = suite_module(name).headline(report)
    return figures
