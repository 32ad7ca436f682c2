"""Who may call a route: `Authorization: Bearer <key>` checked against the key's scopes.

Routers get their scope where the app includes them (`app.py`), as
`Security(authorize, scopes=[...])`, so the OpenAPI schema lists each operation's scope under
`security`. In development mode (`MODERATION_DEV_MODE`) every caller has every scope.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer, SecurityScopes

from moderation.api.rate_limits import RateLimits
from moderation.auth import DEV_PRINCIPAL, KeyVerifier, Principal, Unauthorized

bearer = HTTPBearer(
    auto_error=False,
    description="An API key from `moderation keys create`, as `Authorization: Bearer mk_…`.",
)


async def principal_for(request: Request, token: str | None, scopes: list[str]) -> Principal:
    """The caller presenting `token`, checked for `scopes`; raises 401/403/503 errors."""
    principal: Principal | None = None
    if request.app.state.settings.dev_mode:
        principal = DEV_PRINCIPAL
    elif not token:
        raise Unauthorized("this route needs an API key: send `Authorization: Bearer <key>`")
    else:
        verifier: KeyVerifier = request.app.state.keys
        principal = verifier.cached(token)  # no I/O: most requests stop here
        if principal is None:
            principal = await asyncio.to_thread(verifier.verify, token)
    principal.require(scopes)
    request.state.principal = principal
    limits: RateLimits = request.app.state.rate_limits
    if limits.limiter is not None and limits.per_key:
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
