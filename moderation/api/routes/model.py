"""`GET /v1/model`: the served model version, its card and the policy thresholds;
`GET /v1/model/report`: that version's evaluation report (HTML, from `training/report.py`);
`POST /v1/model/reload`: load the active model in this worker, then tell the others."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from moderation.api.deps import ModeratorDep, SettingsDep, SwapperDep
from moderation.api.errors_doc import ERROR_RESPONSES
from moderation.api.model_reload import ReloadChannel
from moderation.errors import NotFound
from moderation.registry import read_report
from moderation.schemas import ErrorResponse, ModelInfo, ReloadResult

REPORT_URL = "/v1/model/report"
#: The report needs no script and nothing from elsewhere: its own styles and data: images.
REPORT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

router = APIRouter(prefix="/v1", tags=["model"], responses=ERROR_RESPONSES)

RELOAD_ERRORS: dict[int | str, dict[str, Any]] = {
    409: {
        "model": ErrorResponse,
        "description": "`model_pinned`: MODERATION_MODEL_VERSION pins the served version; "
        "nothing was loaded.",
    },
    503: {
        "model": ErrorResponse,
        "description": "`model_reload_failed`: the active model could not be loaded (missing "
        "version, hash mismatch, broken policy); the previous model still serves "
        "(`details`: `serving_version`, `reason`). `model_unavailable`: no model is loaded.",
    },
}


class ReportNotFound(NotFound):
    code = "report_not_found"


@router.get("/model", response_model=ModelInfo, summary="The active model and policy")
def model_info(moderator: ModeratorDep) -> ModelInfo:
    policy = moderator.policy
    return ModelInfo(
        version=moderator.model_version,
        policy_version=moderator.policy_version,
        thresholds={c: {"flag": t.flag, "reject": t.reject} for c, t in policy.categories.items()},
        card=moderator.card,
        report_url=REPORT_URL if moderator.card.get("report") else None,
    )


@router.get(
    "/model/report",
    summary="The served model's evaluation report",
    # Plain Response (no media type): FastAPI then documents the errors as JSON, and the
    # 200 only as the HTML given below.
    response_class=Response,
    responses={
        200: {
            "content": {"text/html": {"schema": {"type": "string"}}},
            "description": "A self-contained HTML page: plots and figures of the test split "
            "per category and per source, and the diff against the version that was active "
            "when this one was trained.",
        },
        404: {
            "model": ErrorResponse,
            "description": "The served version has no report (`report_not_found`): it was "
            "made before reports, or trained without one.",
        },
        503: {
            "model": ErrorResponse,
            "description": "No model is loaded, or the report's sha256 differs from the "
            "version's manifest (`model_unavailable`).",
        },
    },
)
def model_report(moderator: ModeratorDep, settings: SettingsDep) -> HTMLResponse:
    """The served version's `report.html`, refused (503) unless its sha256 matches the
    version's manifest. A sync route: the file is read off the event loop."""
    version = moderator.model_version
    report = read_report(settings.models_dir, version)
    if report is None:
        raise ReportNotFound(f"model version {version!r} has no evaluation report")
    return HTMLResponse(report, headers={"Content-Security-Policy": REPORT_CSP})


@router.post(
    "/model/reload",
    response_model=ReloadResult,
    summary="Load the active model in every worker, dropping no request",
    responses=RELOAD_ERRORS,
)
async def reload_model(request: Request, swapper: SwapperDep) -> ReloadResult:
    """Load the version `ACTIVE` names (with the policy it is served with) in this worker and
    answer once it serves; requests in flight finish on the old model. Then publish on the
    reload channel so every other worker does the same. A publish Redis refuses fails no
    reload: `workers_notified` is then null and `warning` says why."""
    swap = await swapper.reload(reason="POST /v1/model/reload")
    channel: ReloadChannel | None = request.app.state.reload_channel
    notified: int | None
    warning: str | None
    if channel is None:
        notified, warning = None, "no Redis is configured: no other worker was told"
    else:
        notified, warning = await channel.announce(swap)
    return ReloadResult(
        previous_version=swap.previous_version,
        model_version=swap.model_version,
        policy_version=swap.policy_version,
        workers_notified=notified,
        warning=warning,
        request_id=request.state.request_id,
    )
