"""`/v1/lists`: the site's deny and allow term lists, live without a restart."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel

from moderation.api.deps import ModeratorDep
from moderation.api.errors_doc import ERROR_RESPONSES
from moderation.errors import ModerationError
from moderation.policy import Action
from moderation.schemas import ErrorResponse
from moderation.scoring import Moderator
from moderation.terms import ListStore, TermList, TermListBody
from moderation.terms.model import NAME_RE, ListKind

router = APIRouter(
    prefix="/v1/lists",
    tags=["term lists"],
    responses={
        **ERROR_RESPONSES,
        404: {"model": ErrorResponse, "description": "No (site) term list of that name."},
    },
)

ListName = Annotated[str, Path(pattern=f"^{NAME_RE.pattern}$", max_length=64)]


class ListSummary(BaseModel):
    name: str
    kind: ListKind
    origin: str
    revision: int
    updated_at: str | None
    terms: int
    actions: dict[Action, int]


class ListIndex(BaseModel):
    policy_version: str
    lists: list[ListSummary]


class ListAnswer(TermList):
    policy_version: str


class DeleteAnswer(BaseModel):
    name: str
    deleted: bool
    now_active: TermList | None
    policy_version: str


class ListsUnavailable(ModerationError):
    status = 503
    code = "term_lists_unavailable"


def _store(moderator: Moderator) -> ListStore:
    if moderator.lists is None:
        raise ListsUnavailable("this Moderator was built without term lists")
    return moderator.lists


@router.get("", response_model=ListIndex, summary="All term lists in force")
def list_lists(moderator: ModeratorDep) -> ListIndex:
    store = _store(moderator)
    summaries = [
        ListSummary(
            name=t.name,
            kind=t.kind,
            origin=t.origin,
            revision=t.revision,
            updated_at=t.updated_at,
            terms=len(t.terms),
            actions={a: sum(1 for term in t.terms if term.action == a) for a in ("flag", "reject")}
            if t.kind == "deny"
            else {},
        )
        for t in store.all()
    ]
    return ListIndex(policy_version=moderator.policy_version, lists=summaries)


@router.get(
    "/{name}", response_model=ListAnswer, response_model_exclude_none=True, summary="One term list"
)
def get_list(name: ListName, moderator: ModeratorDep) -> ListAnswer:
    found = _store(moderator).get(name)
    return ListAnswer(**found.model_dump(), policy_version=moderator.policy_version)


@router.put(
    "/{name}",
    response_model=ListAnswer,
    response_model_exclude_none=True,
    summary="Create or replace a site term list",
    responses={201: {"model": ListAnswer, "description": "The list is new (revision 1)."}},
)
def put_list(
    name: ListName, body: TermListBody, moderator: ModeratorDep, response: Response
) -> ListAnswer:
    """Replace the site list `name` (a shipped list of that name is overridden). The change
    applies to the next comment in this process and within a second in every other worker."""
    stored = _store(moderator).put(name, body)
    response.status_code = 201 if stored.revision == 1 else 200
    return ListAnswer(**stored.model_dump(), policy_version=moderator.policy_version)


@router.delete(
    "/{name}",
    response_model=DeleteAnswer,
    summary="Remove a site term list",
)
def delete_list(name: ListName, moderator: ModeratorDep) -> DeleteAnswer:
    """Remove the site list `name`; a shipped list of the same name applies again."""
    now_active = _store(moderator).delete(name)
    return DeleteAnswer(
        name=name, deleted=True, now_active=now_active, policy_version=moderator.policy_version
    )
