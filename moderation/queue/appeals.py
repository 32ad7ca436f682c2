"""Author appeals: re-score the rejected comment and put it in front of a moderator.

An appeal enters the comment's review item as kind `appeal` at priority 900 (a person is
waiting), creating the item or joining the one the comment already has; a decided item goes
back to pending. The appeal's own text and fresh scoring are kept in its entry; the text and
decision on record stay what was moderated (a new item takes the appeal's as its record).
A comment is appealed once: a repeat by the same author (or by an unnamed one) changes
nothing and gets the item back as it stands; another author gets 409.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from moderation.errors import Conflict, InvalidInput
from moderation.queue.items import PRIORITY, EnterResult, ReviewQueue
from moderation.queue.models import AppealRequest

APPEAL_PRIORITY = PRIORITY["appeal"]


class EmptyMessage(InvalidInput):
    code = "empty_message"


class AuthorMismatch(Conflict):
    code = "author_mismatch"


def submit_appeal(queue: ReviewQueue, body: AppealRequest, result: BaseModel) -> EnterResult:
    """Enter `body` (already re-scored as `result`) into the queue.

    `result` is the Moderator's answer for `body.text`, used as an opaque model: its dump,
    less the per-request fields, is the scoring on record.
    """
    if not body.message.strip():
        raise EmptyMessage("message is empty or only whitespace")
    scoring: dict[str, Any] = result.model_dump(mode="json", exclude={"id", "review", "request_id"})
    entered = queue.enter(
        comment_id=body.comment_id,
        kind="appeal",
        priority=APPEAL_PRIORITY,
        scoring=scoring,
        # The appeal keeps its own text and fresh scoring; the item keeps the comment on
        # record (a new item takes them as its record).
        entry={
            "message": body.message,
            "author_id": body.author_id,
            "text": body.text,
            "scoring": scoring,
        },
        keep_record=True,
        text=body.text,
        author_id=body.author_id,
        context=body.context.model_dump(exclude_none=True) if body.context else None,
        guard_author=body.author_id,
    )
    if entered.status == "author_mismatch":
        raise AuthorMismatch(
            f"comment {body.comment_id!r} is on record with another author_id",
            details={"item_id": entered.item.item_id},
        )
    return entered
