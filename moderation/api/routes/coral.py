"""`POST /v1/integrations/coral`: Coral Talk's external moderation phase.

The signature is checked on the raw bytes before anything is parsed or scored; with no
signing secret configured every request is refused. Scoring runs in the threadpool. Every
answer, 204 included, names the model and policy in `X-Model-Version` and `X-Policy-Version`
(Coral's answer shape has no room for them).
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, Response
from fastapi.responses import JSONResponse

from moderation.api.deps import ModeratorDep, SettingsDep
from moderation.api.errors_doc import ERROR_RESPONSES, inline_schema
from moderation.api.model_swap import version_headers
from moderation.errors import ModerationError
from moderation.integrations import coral
from moderation.observability.decisions import record_decisions
from moderation.schemas import ErrorResponse

log = logging.getLogger("moderation.api.coral")
router = APIRouter(prefix="/v1/integrations", tags=["integrations"], responses=ERROR_RESPONSES)


class NotJson(ModerationError):
    status = 415
    code = "unsupported_media_type"


async def _verified_request(
    request: Request,
    settings: SettingsDep,
    x_coral_signature: Annotated[
        str | None,
        Header(description="`sha256=<hex HMAC-SHA256 of the raw body>`, comma-separated."),
    ] = None,
) -> coral.CoralModerationRequest:
    """Refuse unless configured and signed; only then parse the body."""
    secrets = coral.signing_secrets(settings.coral_signing_secret)
    if not secrets:
        raise coral.CoralNotConfigured(
            "the Coral integration is off: set MODERATION_CORAL_SIGNING_SECRET to the signing "
            "secret Coral shows for this external moderation phase"
        )
    body = await request.body()
    coral.verify_signature(body, x_coral_signature, secrets)
    content_type = request.headers.get("content-type", "")
    if "json" not in content_type:
        raise NotJson(
            "send the body as JSON with the header Content-Type: application/json",
            details={"content_type": content_type or None},
        )
    return coral.parse_request(body)


VerifiedCoralRequest = Annotated[coral.CoralModerationRequest, Depends(_verified_request)]


@router.post(
    "/coral",
    summary="Coral Talk external moderation phase",
    response_model=None,
    status_code=200,
    responses={
        200: {
            "model": coral.CoralModerationResponse,
            "description": "`flag` (SYSTEM_WITHHELD) or `reject` (REJECTED), with FLAG reasons.",
        },
        204: {"description": "`allow`: no opinion, Coral carries on with the comment."},
        401: {"model": ErrorResponse, "description": "Missing, garbled or wrong signature."},
        503: {"model": ErrorResponse, "description": "No signing secret configured, or no model."},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": inline_schema(coral.CoralModerationRequest.model_json_schema())
                }
            },
        }
    },
)
def coral_phase(
    payload: VerifiedCoralRequest, moderator: ModeratorDep, settings: SettingsDep
) -> Response:
    """Point a Coral external moderation phase here. `allow` answers 204 (no opinion);
    `flag` withholds the comment for Coral's moderators; `reject` rejects it."""
    result, answer = coral.moderate(moderator, payload)
    coral_fields = {
        "integration": "coral",
        "coral_action": payload.action,
        "tenant": payload.tenantID,
        "story": payload.story.id if payload.story else None,
        "answer": answer.status if answer else 204,
    }
    if result is None:  # nothing scored: no text, or too long to score (withheld)
        log.info("coral: no decision; answer %s", coral_fields["answer"], extra=coral_fields)
    else:
        texts = [coral.comment_text(payload.comment.body)] if settings.log_comment_text else None
        record_decisions([result], texts, log_text=settings.log_comment_text, **coral_fields)
    scored_by = result or moderator  # nothing scored: the model that would have
    headers = version_headers(scored_by.model_version, scored_by.policy_version)
    if answer is None:
        return Response(status_code=204, headers=headers)
    return JSONResponse(answer.to_json(), headers=headers)
