"""Dependency aliases for routes: `ModeratorDep`, `SettingsDep`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from moderation.errors import ModelError
from moderation.scoring import Moderator
from moderation.settings import Settings


def _moderator(request: Request) -> Moderator:
    moderator: Moderator | None = getattr(request.app.state, "moderator", None)
    if moderator is None:
        raise ModelError("no model is loaded")
    return moderator


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


ModeratorDep = Annotated[Moderator, Depends(_moderator)]
SettingsDep = Annotated[Settings, Depends(_settings)]
