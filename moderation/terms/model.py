"""What a site term list is: a named deny or allow list of words and phrases.

- A **deny** term names a category and an action: a comment containing it is at least
  flagged (or rejected) for that category, whatever the model says.
- An **allow** term never triggers on its own: the model ignores the features that lie wholly
  inside it (its word and the character n-grams of its token) and detector findings inside it
  are dropped, while the words around it still count. "Scunthorpe" stops scoring as
  profanity and "I am gay" as an attack, yet "kill all the gays" is still caught by the rest.

Terms are matched on normalised text (`moderation.normalize`) as whole words, so `sh1t` and
`s h i t` match the term `shit` while `Scunthorpe` never matches `cunt`.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from moderation.categories import Category
from moderation.features import WORD_RE
from moderation.normalize import normalize
from moderation.policy import Action

ListKind = Literal["deny", "allow"]
NAME_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
MAX_TERMS = 10_000
MAX_TERM_CHARS = 100
MAX_TERM_WORDS = 8


# Phone keyboards type ’ for the apostrophe; terms and comments are matched with one form.
_APOSTROPHES = str.maketrans(dict.fromkeys("’ʼ‘′`´ꞌ", "'"))


def match_form(normalized: str) -> str:
    """Normalised text as terms are matched on: apostrophes folded, offsets unchanged."""
    return normalized.translate(_APOSTROPHES)


def term_words(term: str) -> tuple[str, ...]:
    """The normalised words of a term, as comments are matched."""
    return tuple(WORD_RE.findall(match_form(normalize(term))))


class Term(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    term: str = Field(min_length=1, max_length=MAX_TERM_CHARS)
    category: Category | None = Field(
        default=None, description="Deny lists: the category a match triggers."
    )
    action: Action | None = Field(
        default=None, description="Deny lists: `flag` (the default) or `reject`."
    )
    note: str | None = Field(default=None, max_length=500)

    @field_validator("term")
    @classmethod
    def _has_words(cls, value: str) -> str:
        words = term_words(value)
        if not words:
            raise ValueError(f"term {value!r} has no letters or digits once normalised")
        if len(words) > MAX_TERM_WORDS:
            raise ValueError(f"term {value!r} has more than {MAX_TERM_WORDS} words")
        return value


class TermListBody(BaseModel):
    """A list as a site sends it (`PUT /v1/lists/{name}`) or writes it in a file."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "deny",
                    "description": "Insults our community guidelines name",
                    "terms": [{"term": "libtard", "category": "discourtesy", "action": "reject"}],
                },
                {"kind": "allow", "terms": [{"term": "Scunthorpe"}]},
            ]
        },
    )

    kind: ListKind
    description: str = Field(default="", max_length=1000)
    terms: list[Term] = Field(default_factory=list, max_length=MAX_TERMS)

    @model_validator(mode="after")
    def _terms_fit_the_kind(self) -> TermListBody:
        if self.kind == "deny":
            missing = [t.term for t in self.terms if t.category is None]
            if missing:
                raise ValueError(f"deny terms need a category: {', '.join(missing[:5])}")
            self.terms = [
                t if t.action else t.model_copy(update={"action": "flag"}) for t in self.terms
            ]
        else:
            extra = [t.term for t in self.terms if t.category or t.action]
            if extra:
                raise ValueError(f"allow terms take no category or action: {', '.join(extra[:5])}")
        return self


class TermList(TermListBody):
    """A stored list: the body plus where it came from and its revision."""

    name: str
    origin: Literal["shipped", "site"]
    revision: int = Field(default=1, ge=1)
    updated_at: str | None = None

    @field_validator("name")
    @classmethod
    def _valid_name(cls, value: str) -> str:
        if not NAME_RE.fullmatch(value):
            raise ValueError(f"list name {value!r} must match {NAME_RE.pattern}")
        return value
