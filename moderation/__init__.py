"""Comment moderation: seven-category scoring, evidence and policy decisions.

`Moderator` and `ModerationResult` are imported on first use: `import moderation.cli` stays
light, which matters beyond `moderation --help`. Each worker of `moderation serve --workers N`
is a spawned process that re-imports the CLI module before it answers uvicorn's health
check, and uvicorn kills a worker silent for 5 seconds: with scikit-learn imported eagerly,
that re-import alone took 4-5 s on a loaded 2-core machine, and workers were killed and
restarted in a loop.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:
    __version__ = version("moderation")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0"

if TYPE_CHECKING:
    from moderation.schemas import ModerationResult
    from moderation.scoring import Moderator

__all__ = ["ModerationResult", "Moderator", "__version__"]


def __getattr__(name: str) -> Any:
    if name == "Moderator":
        from moderation.scoring import Moderator

        return Moderator
    if name == "ModerationResult":
        from moderation.schemas import ModerationResult

        return ModerationResult
    raise AttributeError(f"module 'moderation' has no attribute {name!r}")
