"""The site's comment policy: per-category flag/reject thresholds, and the decision rule.

A policy is data (a versioned TOML file read and validated here, written by `policy_toml`), not
settings. Decision rule from
DESIGN.md: `reject` if any category reaches its reject threshold, else `flag` if any reaches
its flag threshold, else `allow`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from moderation.categories import CATEGORIES, Category
from moderation.errors import PolicyError, describe_validation_error

DEFAULT_POLICY_PATH = Path(__file__).resolve().parent / "policies" / "default.toml"

Decision = Literal["allow", "flag", "reject"]
Action = Literal["flag", "reject"]


class Thresholds(BaseModel):
    """Thresholds on a calibrated 0–1 score. `reject = false` disables rejection (flag only)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    flag: float = Field(gt=0.0, le=1.0)
    reject: float | None = Field(default=None, gt=0.0, le=1.0)

    @field_validator("reject", mode="before")
    @classmethod
    def _false_disables(cls, value: object) -> object:
        return None if value is False else value

    @model_validator(mode="after")
    def _reject_above_flag(self) -> Thresholds:
        if self.reject is not None and self.reject < self.flag:
            raise ValueError(f"reject ({self.reject}) is below flag ({self.flag})")
        return self


class LanguagePolicy(BaseModel):
    """What to do with a comment in a language the model was not trained on.

    `flag` (default) holds it for a human with reason `unsupported_language`, at least: it is
    still scored in full, so English abuse padded with another script, or a phone number, can
    still be rejected; `reject` refuses it; `score` decides on the scores alone (the answer
    still names the language).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    unsupported: Literal["flag", "reject", "score"] = "flag"


class Policy(BaseModel):
    """A versioned policy naming every one of the seven categories."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(min_length=1)
    description: str = ""
    categories: dict[Category, Thresholds]
    languages: LanguagePolicy = LanguagePolicy()

    @model_validator(mode="after")
    def _all_categories(self) -> Policy:
        missing = [c for c in CATEGORIES if c not in self.categories]
        if missing:
            raise ValueError(f"categories missing from the policy: {', '.join(missing)}")
        return self

    def action(self, category: Category, score: float) -> Action | None:
        """The action one category's score triggers on its own, if any."""
        limits = self.categories[category]
        if limits.reject is not None and score >= limits.reject:
            return "reject"
        if score >= limits.flag:
            return "flag"
        return None

    def threshold(self, category: Category, action: Action) -> float:
        """The score at which `category` takes `action` (flag's when rejection is off)."""
        limits = self.categories[category]
        if action == "reject" and limits.reject is not None:
            return limits.reject
        return limits.flag

    def decide(
        self,
        scores: dict[Category, float],
        at_least: dict[Category, Action] | None = None,
        reasons: dict[str, Action] | None = None,
    ) -> PolicyOutcome:
        """Apply the decision rule to the seven scores.

        `at_least` raises categories to an action whatever their score (a site deny term);
        `reasons` are actions not tied to a category (e.g. `unsupported_language`).
        """
        actions = {c: a for c in CATEGORIES if (a := self.action(c, scores[c])) is not None}
        for category, floor in (at_least or {}).items():
            if actions.get(category) != "reject":
                actions[category] = floor
        actions = {c: actions[c] for c in CATEGORIES if c in actions}
        every = [*actions.values(), *(reasons or {}).values()]
        if "reject" in every:
            decision: Decision = "reject"
        elif every:
            decision = "flag"
        else:
            decision = "allow"
        return PolicyOutcome(decision=decision, actions=actions, reasons=list(reasons or {}))


@dataclass(frozen=True, slots=True)
class PolicyOutcome:
    decision: Decision
    actions: dict[Category, Action]
    reasons: list[str]


def load_policy(path: Path | None = None) -> Policy:
    """Read and validate a policy file; any problem raises `PolicyError` with a clear message."""
    path = path or DEFAULT_POLICY_PATH
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise PolicyError(f"policy file not found: {path}") from exc
    except OSError as exc:
        raise PolicyError(f"policy file {path} cannot be read: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise PolicyError(f"policy file {path} is not valid TOML: {exc}") from exc
    return parse_policy(text, source=str(path))


def parse_policy(text: str, *, source: str) -> Policy:
    """Validate a policy's TOML text; `source` names it in error messages."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"policy file {source} is not valid TOML: {exc}") from exc
    if not isinstance(raw.get("categories", {}), dict):
        raise PolicyError(f"policy file {source}: [categories] must be a table of categories")
    unknown = sorted(set(raw.get("categories", {})) - set(CATEGORIES))
    if unknown:
        raise PolicyError(
            f"policy file {source} names unknown categories: {', '.join(unknown)}; "
            f"the categories are: {', '.join(CATEGORIES)}",
            details={"unknown": unknown},
        )
    try:
        return Policy.model_validate(raw)
    except ValidationError as exc:
        problems = describe_validation_error(exc)
        raise PolicyError(f"policy file {source} is invalid: {problems}") from exc


POLICY_HEADER = (
    "Comment policy: scores are calibrated probabilities (0-1). A category triggers",
    "`reject` at or above `reject`, else `flag` at or above `flag`; `reject = false` makes",
    "it flag-only. Override the shipped one with MODERATION_POLICY_PATH.",
)


def policy_toml(policy: Policy, *, header: Sequence[str] = POLICY_HEADER) -> str:
    """The policy as TOML (the format `load_policy` reads), under `header` as comment lines.

    `[languages]` is written only when it differs from the default, so a file the default
    never named gains no table a reviewer has to read past."""
    data: dict[str, Any] = {"version": policy.version, "description": policy.description}
    if policy.languages != LanguagePolicy():
        data["languages"] = policy.languages.model_dump()
    data["categories"] = {c: _limits_table(policy.categories[c]) for c in CATEGORIES}
    comments = "".join(f"# {line}\n" if line else "#\n" for line in header)
    return comments + tomli_w.dumps(data)


def _limits_table(limits: Thresholds) -> dict[str, float | bool]:
    return {"flag": limits.flag, "reject": False if limits.reject is None else limits.reject}
