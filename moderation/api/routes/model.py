"""`GET /v1/model`: the served model version, its card and the policy thresholds."""

from __future__ import annotations

from fastapi import APIRouter

from moderation.api.deps import ModeratorDep
from moderation.api.errors_doc import ERROR_RESPONSES
from moderation.schemas import ModelInfo

router = APIRouter(prefix="/v1", tags=["model"], responses=ERROR_RESPONSES)


@router.get("/model", response_model=ModelInfo, summary="The active model and policy")
def model_info(moderator: ModeratorDep) -> ModelInfo:
    policy = moderator.policy
    return ModelInfo(
        version=moderator.model_version,
        policy_version=moderator.policy_version,
        thresholds={c: {"flag": t.flag, "reject": t.reject} for c, t in policy.categories.items()},
        card=moderator.card,
    )
