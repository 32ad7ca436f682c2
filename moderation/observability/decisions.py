"""One place where a moderation decision given to the comment system is counted and logged.

Each decision is one INFO line on the `moderation.decisions` logger: the comment's id, the
decision, the triggered categories with their actions, the model and policy versions and the
request's id. The comment's text joins it (field `text`) only with
`MODERATION_LOG_COMMENT_TEXT=true`: logs travel further than the review queue does.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from moderation.observability.metrics import count_results
from moderation.schemas import ModerationResult

log = logging.getLogger("moderation.decisions")


def record_decisions(
    results: Sequence[ModerationResult],
    texts: Sequence[str] | None = None,
    *,
    log_text: bool,
    **fields: Any,
) -> None:
    """Count `results` and log one line each; `texts` (in the same order) are logged only
    when `log_text`; `fields` (bounded, never text) join every line."""
    count_results(results)
    if not log.isEnabledFor(logging.INFO):
        return
    for index, result in enumerate(results):
        triggered = {t.category: t.action for t in result.triggered}
        extra: dict[str, Any] = {
            "comment_id": result.id,
            "decision": result.decision,
            "triggered": triggered,
            "model_version": result.model_version,
            "policy_version": result.policy_version,
            **fields,
        }
        if log_text and texts is not None:
            extra["text"] = texts[index]
        summary = ", ".join(f"{c}:{a}" for c, a in triggered.items()) or "-"
        log.info("comment %s: %s (%s)", result.id, result.decision, summary, extra=extra)
