"""The seven policy categories, named exactly as in the product contract (DESIGN.md)."""

from typing import Literal

Category = Literal["violence", "racism", "profanity", "vulgarity", "doxing", "discourtesy", "spam"]

CATEGORIES: tuple[Category, ...] = (
    "violence",
    "racism",
    "profanity",
    "vulgarity",
    "doxing",
    "discourtesy",
    "spam",
)
