"""`POST /v1alpha1/comments:analyze`: Perspective API's AnalyzeComment, so a Perspective client
switches to us by changing its base URL; and its Discovery document (`GET /$discovery/rest`,
`GET /discovery/v1/apis/commentanalyzer/v1alpha1/rest`), so a client built from one (Google's
client libraries) switches by changing its discovery URL. `comments:suggestscore` and `batch`
answer 501 UNIMPLEMENTED.

Every error on these routes is in Google's shape (`integrations.perspective_protocol`), never
in ours: the body is read, parsed and validated here, not by FastAPI, and nothing escapes to
the app's error handlers. The API key may come as `Authorization: Bearer` or as the `key`
query parameter Perspective clients send; it needs the `moderate` scope (the Discovery
document needs none). Scoring runs in the threadpool. An answer names the model and
policy that scored it in the `X-Model-Version` and `X-Policy-Version` headers.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Security
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, SecurityScopes

from moderation.api.errors_doc import inline_schema
from moderation.api.middleware import Refusal
from moderation.api.model_swap import version_headers
from moderation.api.rate_limits import RateLimited
from moderation.api.security import bearer, principal_for
from moderation.auth import AuthUnavailable, Forbidden, Unauthorized
from moderation.integrations import perspective, perspective_discovery, perspective_protocol
from moderation.integrations.perspective_protocol import AnalyzeCommentRequest, PerspectiveError
from moderation.scoring import Moderator

log = logging.getLogger("moderation.api.perspective")
router = APIRouter(tags=["perspective"])
PATH = perspective_protocol.PATH
SUGGEST_PATH = perspective_protocol.SUGGEST_PATH
BATCH_PATH = f"/{perspective_discovery.BATCH_PATH}"
#: Routes whose every answer, a body over the cap included, is in Google's error shape.
GOOGLE_SHAPED = (PATH, SUGGEST_PATH, BATCH_PATH)


def _error(exc: PerspectiveError) -> JSONResponse:
    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)


def refused(refusal: Refusal) -> JSONResponse:
    """The answer `RequestContext` gives these routes for a request it refuses before reading
    it (a body over the cap, nested too deep, headers too large)."""
    if refusal.code == "payload_too_large":
        return _error(
            perspective_protocol.payload_too_large((refusal.details or {})["limit_bytes"])
        )
    return _error(PerspectiveError(refusal.message, error_type=None, status=refusal.status))


async def _body(request: Request) -> bytes:
    """The raw body (`RequestContext` has already refused one over the cap)."""
    return await request.body()


async def _access(
    request: Request,
    security_scopes: SecurityScopes,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
    key: Annotated[
        str | None,
        Query(description="Perspective clients' API key; `Authorization: Bearer` works too."),
    ] = None,
) -> PerspectiveError | None:
    """None when the caller may use the route, else the Google-shaped error to answer."""
    token = credentials.credentials if credentials is not None else key
    try:
        await principal_for(request, token, security_scopes.scopes)
    except (Unauthorized, Forbidden, AuthUnavailable, RateLimited) as exc:
        return perspective_protocol.access_denied(exc.status, exc.message, exc.headers)
    return None


AccessDep = Annotated[PerspectiveError | None, Security(_access, scopes=["moderate"])]
_ERROR_DOC = {"description": "Google's error shape: `{error: {code, message, status, details}}`."}


@router.post(
    PATH,
    summary="Perspective API AnalyzeComment",
    response_model=None,
    responses={
        200: {
            "model": perspective_protocol.AnalyzeCommentResponse,
            "description": "`{attributeScores, languages, detectedLanguages, clientToken}`",
        },
        400: _ERROR_DOC,
        401: _ERROR_DOC,
        403: _ERROR_DOC,
        500: _ERROR_DOC,
        503: _ERROR_DOC,
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": inline_schema(AnalyzeCommentRequest.model_json_schema(by_alias=True))
                }
            },
        }
    },
)
def analyze(
    request: Request,
    denied: AccessDep,
    body: Annotated[bytes, Depends(_body)],
) -> JSONResponse:
    """Score a comment for the requested Perspective attributes (TOXICITY, INSULT, ...).

    Request and answer as Perspective documents them; see the README's *Switching from
    Perspective* for the attribute mapping and the differences.
    """
    if denied is not None:
        return _error(denied)
    moderator: Moderator | None = getattr(request.app.state, "moderator", None)
    try:
        if moderator is None:
            raise perspective_protocol.unavailable()
        parsed = perspective_protocol.parse_request(body)
        answer: dict[str, Any] = perspective.analyze(moderator, parsed)
    except PerspectiveError as exc:
        return _error(exc)
    except Exception:
        log.exception("perspective analyze failed")  # the line carries the request id
        return _error(perspective_protocol.internal())
    return JSONResponse(
        answer, headers=version_headers(moderator.model_version, moderator.policy_version)
    )


# -- Discovery, and the methods not served ----------------------------------------------------


def _discovery(request: Request, *, api: str, version: str) -> JSONResponse:
    moderator: Moderator | None = getattr(request.app.state, "moderator", None)
    try:
        document = perspective_discovery.document(
            str(request.base_url),
            api=api,
            version=version,
            languages=moderator.supported_languages if moderator else None,
        )
    except PerspectiveError as exc:
        return _error(exc)
    return JSONResponse(document)


_DISCOVERY_DOC: dict[int | str, dict[str, Any]] = {
    200: {"description": "The Discovery document; `rootUrl` is the URL this request came to."},
    404: _ERROR_DOC,
}


@router.get(
    "/$discovery/rest",
    summary="Discovery document of the Perspective-compatible API",
    response_model=None,
    responses=_DISCOVERY_DOC,
)
def discovery(
    request: Request,
    version: Annotated[
        str, Query(description="The API version: v1alpha1, the only one.")
    ] = perspective_discovery.VERSION,
) -> JSONResponse:
    """Google's API Discovery format, describing this service: what Perspective's samples
    (`discoveryServiceUrl=.../$discovery/rest?version=v1alpha1`) build their client from."""
    return _discovery(request, api=perspective_discovery.NAME, version=version)


@router.get(
    "/discovery/v1/apis/{api}/{version}/rest",
    summary="Discovery document, at Google's Discovery service path",
    response_model=None,
    responses=_DISCOVERY_DOC,
)
def discovery_v1(request: Request, api: str, version: str) -> JSONResponse:
    """The same document for `commentanalyzer`/`v1alpha1`; any other API or version is a
    404."""
    return _discovery(request, api=api, version=version)


@router.post(
    SUGGEST_PATH,
    summary="Perspective API SuggestCommentScore: not implemented",
    response_model=None,
    responses={401: _ERROR_DOC, 403: _ERROR_DOC, 501: _ERROR_DOC},
)
def suggest_score(denied: AccessDep) -> JSONResponse:
    """Answers 501 UNIMPLEMENTED in Google's error shape: score suggestions are not accepted
    here yet. The body is not read."""
    return _error(denied or perspective_discovery.suggest_score_unimplemented())


@router.post(
    BATCH_PATH,
    summary="Google batch requests: not implemented",
    response_model=None,
    responses={401: _ERROR_DOC, 403: _ERROR_DOC, 501: _ERROR_DOC},
)
def batch(denied: AccessDep) -> JSONResponse:
    """The discovery document's `batchPath`; answers 501 UNIMPLEMENTED in Google's error
    shape. The body is not read."""
    return _error(denied or perspective_discovery.batch_unimplemented())
