"""What every `moderation` command shares: the error-to-exit-code wrapper and model loading."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from moderation.errors import ModerationError

F = TypeVar("F", bound=Callable[..., Any])


def errors_to_exit(func: F) -> F:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ModerationError as exc:
            click.echo(f"Error: {exc.message}", err=True)
            sys.exit(exc.exit_code)

    return wrapper  # type: ignore[return-value]


def load_moderator(model: str | None = None) -> Any:
    from moderation.scoring import Moderator
    from moderation.settings import get_settings

    return Moderator.load(version=model, settings=get_settings())
