"""Who may call a route: `Authorization: Bearer <key>` checked against the key's scopes.

Two steps. `authenticate`, run by `RequestContext` before the body is read, finds the caller
of any path whose operations need a key: no key, or a wrong one, is refused there, so an
anonymous caller never gets a body parsed. Then `authorize`, the route dependency, checks
that caller's scopes and counts the key's rate limit. Routers get their scope where the app
includes them (`app.py`), as `Security(authorize, scopes=[...])`, so the OpenAPI schema lists
each operation's scope under `security`. Perspective's routes take the key from `?key=` too
and answer in Google's shape: their route dependency does both steps. In development mode
(`MODERATION_DEV_MODE`) every caller has every scope.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer, SecurityScopes
from starlette.types import Scope

from moderation.api import route_table
from moderation.api.middleware import Refusal
from moderation.api.rate_limits import RateLimits
from moderation.auth import DEV_PRINCIPAL, KeyVerifier, Principal, Unauthorized
from moderation.errors import ModerationError
from moderation.integrations.perspective_discovery import BATCH_PATH
from moderation.integrations.perspective_protocol import PATH as PERSPECTIVE_PATH
from moderation.integrations.perspective_protocol import SUGGEST_PATH

#: Perspective's routes check keys themselves, after the body (their errors are Google's).
GOOGLE_SHAPED_PATHS = frozenset({PERSPECTIVE_PATH, SUGGEST_PATH, f"/{BATCH_PATH}"})

bearer = HTTPBearer(
    auto_error=False,
    description="An API key from `moderation keys create`, as `Authorization: Bearer mk_…`.",
)


async def _caller(app: Any, token: str | None) -> Principal:
    """The caller presenting `token` (any scopes); raises 401/503 errors."""
    if app.state.settings.dev_mode:
        return DEV_PRINCIPAL
    if not token:
        raise Unauthorized("this route needs an API key: send `Authorization: Bearer <key>`")
    verifier: KeyVerifier = app.state.keys
    principal = verifier.cached(token)  # no I/O: most requests stop here
    if principal is None:
        principal = await asyncio.to_thread(verifier.verify, token)
    return principal


async def authenticate(scope: Scope) -> Refusal | None:
    """`RequestContext`'s hook: refuse a request to a path that needs a key, before its body
    is read, unless it carries a valid one; the caller goes to `request.state.principal`."""
    app = scope["app"]
    route = route_table.match(app, scope["path"])
    needs_key = route is not None and any(route.scopes.values())
    if not needs_key or scope["path"] in GOOGLE_SHAPED_PATHS:
        return None
    try:
        principal = await _caller(app, _bearer_token(scope))
    except ModerationError as exc:
        return Refusal(exc.status, exc.code, exc.message, exc.details, exc.headers)
    scope.setdefault("state", {})["principal"] = principal
    return None


def _bearer_token(scope: Scope) -> str | None:
    for name, value in scope.get("headers") or []:
        if name.lower() == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token.strip() or None if scheme.lower() == "bearer" else None
    return None


async def principal_for(request: Request, token: str | None, scopes: list[str]) -> Principal:
    """The caller presenting `token`, checked for `scopes`; raises 401/403/429/503 errors.
    A caller `authenticate` already found is taken as found."""
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is None:
        principal = await _caller(request.app, token)
    principal.require(scopes)
    request.state.principal = principal
    limits: RateLimits = request.app.state.rate_limits
    if limits.counts_keys and principal is not DEV_PRINCIPAL:  # no key, nothing to count
        await asyncio.to_thread(limits.charge_key, principal.key_id)
    return principal


async def authorize(
    request: Request,
    security_scopes: SecurityScopes,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
) -> Principal:
    """The route dependency: the caller, holding every scope the route declares."""
    token = credentials.credentials if credentials is not None else None
    return await principal_for(request, token, security_scopes.scopes)


def scope(name: str) -> Any:
    """The dependency that admits callers holding scope `name` (for `include_router`)."""
    return Security(authorize, scopes=[name])
