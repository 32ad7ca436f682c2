"""Comment moderation: seven-category scoring, evidence and policy decisions."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("moderation")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0"

from moderation.schemas import ModerationResult
from moderation.scoring import Moderator

__all__ = ["ModerationResult", "Moderator", "__version__"]
