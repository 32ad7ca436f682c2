"""`GET /v1/model`: the served model version, its card and the policy thresholds;
`GET /v1/model/report`: that version's evaluation report (HTML, from `training/report.py`)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import HTMLResponse

from moderation.api.deps import ModeratorDep, SettingsDep
from moderation.api.errors_doc import ERROR_RESPONSES
from moderation.errors import NotFound
from moderation.registry import read_report
from moderation.schemas import ErrorResponse, ModelInfo

REPORT_URL = "/v1/model/report"
#: The report needs no script and nothing from elsewhere: its own styles and data: images.
REPORT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

router = APIRouter(prefix="/v1", tags=["model"], responses=ERROR_RESPONSES)


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
