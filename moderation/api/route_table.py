"""The app's routes as the OpenAPI schema lists them: path template, the regex Starlette
matches it by, and each method's scopes. The schema is the one public view of every included
route however routers nest (FastAPI may keep included routers as objects of their own in
`app.router.routes`). Built once per app, on first use, after every route is included.

Used by the access log (a refused request's route template), the 405 answer (`Allow`) and
authentication before the body is read (which paths need a key).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from starlette.routing import compile_path


@dataclass(frozen=True)
class Route:
    template: str
    pattern: re.Pattern[str]
    #: Method (upper case) to the scopes its operation declares; empty for open operations.
    scopes: dict[str, tuple[str, ...]]


def routes(app: Any) -> list[Route]:
    """The app's routes (cached on `app.state`); [] for an app without a schema."""
    cached: list[Route] | None = getattr(app.state, "route_table", None)
    if cached is not None:
        return cached
    try:
        paths: dict[str, dict[str, Any]] = app.openapi()["paths"]
    except Exception:  # no app, or no schema: nothing to match against
        return []
    table = [
        Route(
            template,
            compile_path(template)[0],
            {
                method.upper(): tuple(
                    s for req in op.get("security", []) for v in req.values() for s in v
                )
                for method, op in operations.items()
            },
        )
        for template, operations in paths.items()
    ]
    app.state.route_table = table
    return table


def match(app: Any, path: str) -> Route | None:
    """The route whose template matches `path`, if any."""
    for route in routes(app):
        if route.pattern.match(path):
            return route
    return None
