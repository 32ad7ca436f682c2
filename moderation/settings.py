"""Service settings: one pydantic-settings class, read from `MODERATION_*` environment variables."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from moderation.errors import ModerationError

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
CORAL_SECRET_MIN_CHARS = 16
WEBHOOK_SECRET_MIN_CHARS = 16


class SettingsError(ModerationError):
    """A setting the service refuses to run with. Not a pydantic error, so that the message
    never echoes a secret's value back."""

    code = "invalid_settings"
    exit_code = 2


class Settings(BaseSettings):
    """Everything an operator can set. Each field is documented in the README's table."""

    model_config = SettingsConfigDict(env_prefix="MODERATION_", extra="ignore")

    models_dir: Path = Field(
        default=REPO_DIR / "models",
        description="Model registry: one folder per version plus the ACTIVE pointer file.",
    )
    model_version: str | None = Field(
        default=None,
        description="Serve this model version instead of the one named in ACTIVE; reloads "
        "then leave it in place.",
    )
    data_dir: Path | None = Field(
        default=None,
        description="Public datasets for `moderation train` (default: ../shared/data when it "
        "exists).",
    )
    promotion_max_auc_drop: float = Field(
        default=0.005,
        ge=0,
        le=1,
        description="`moderation models promote` refuses a version whose ROC AUC (a category's "
        "on the public test split or the audit sample, or a suite's) is lower than the active "
        "version's by more than this.",
    )
    promotion_max_recall_drop: float = Field(
        default=0.02,
        ge=0,
        le=1,
        description="`moderation models promote` refuses a version whose recall at the flag "
        "threshold (a category's on the public test split or the audit sample, or a suite's) "
        "is lower than the active version's by more than this.",
    )
    policy_path: Path | None = Field(
        default=None,
        description="The site's own policy TOML, read again at every model reload. Unset: the "
        "served model version's own policy.toml, else moderation/policies/default.toml.",
    )
    lists_dir: Path | None = Field(
        default=None,
        description="The site's own term lists, one TOML file per list, layered over the "
        "shipped ones (default: `<state_dir>/lists`).",
    )
    max_text_chars: int = Field(
        default=10_000, ge=1, description="Longest comment accepted, in characters."
    )
    max_batch_items: int = Field(
        default=256, ge=1, description="Most comments accepted in one batch request."
    )
    max_body_bytes: int = Field(
        default=8 * 1024 * 1024,
        ge=1024,
        description="Largest request body accepted, in bytes; checked before parsing.",
    )
    max_json_depth: int = Field(
        default=32,
        ge=1,
        le=256,
        description="Deepest nesting of arrays and objects accepted in a JSON body (a "
        "request nests 4 levels at most); checked before parsing, deeper is a 400.",
    )
    max_header_bytes: int = Field(
        default=32_768,
        ge=1024,
        le=1024 * 1024,
        description="Largest request head (request line and headers) accepted, in bytes; "
        "`moderation serve` stops reading past it and answers 431.",
    )
    max_evidence_spans: int = Field(
        default=5, ge=1, le=50, description="Most evidence spans returned per triggered category."
    )
    host: str = Field(default="127.0.0.1", description="Address `moderation serve` binds to.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `moderation serve` binds to.")
    workers: int = Field(default=1, ge=1, description="Uvicorn worker processes.")
    log_level: str = Field(default="info", description="Log level for the service.")
    log_format: Literal["json", "text"] = Field(
        default="json",
        description="Log lines of `moderation serve`: `json` (one object a line: timestamp, "
        "level, logger, message, request_id and fields) or `text` (for a terminal).",
    )
    log_comment_text: bool = Field(
        default=False,
        description="Write each moderated comment's text into its decision log line (field "
        "`text`). Off: logs hold ids, decisions and categories, never comment text.",
    )
    shutdown_timeout: int = Field(
        default=20,
        ge=1,
        le=3600,
        description="Seconds `moderation serve` lets requests in flight finish after SIGTERM "
        "(a full batch of long comments takes a few) before cancelling them; give the "
        "container's stop timeout a few seconds more.",
    )
    redis_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("MODERATION_REDIS_URL", "REDIS_URL", "redis_url"),
        description="Redis of the review queue (`redis://`, `rediss://` or `unix://` URL); "
        "`REDIS_URL` works too. Unset: `moderation serve` starts an embedded Redis.",
    )
    redis_prefix: str = Field(
        default="moderation",
        pattern=r"^[A-Za-z0-9][A-Za-z0-9:._-]{0,63}$",
        description="Prefix of every Redis key the service writes.",
    )
    redis_socket_timeout: float = Field(
        default=2.0, gt=0, le=60, description="Seconds to wait for a Redis reply."
    )
    redis_connect_timeout: float = Field(
        default=1.0, gt=0, le=60, description="Seconds to wait for a Redis connection."
    )
    state_dir: Path = Field(
        default=REPO_DIR / "var",
        description="Local state: the embedded Redis's data (`<state_dir>/redis`), the review "
        "spool (`<state_dir>/spool`) and, by default, the site's term lists "
        "(`<state_dir>/lists`).",
    )
    audit_sample_rate: float = Field(
        default=0.01,
        ge=0.0,
        le=1.0,
        description="Fraction (0 to 1) of `allow` and `reject` decisions that become `audit` "
        "review items; chosen by a hash of the comment id, so a retried comment is sampled "
        "the same way.",
    )
    spool_replay_interval: float = Field(
        default=1.0,
        gt=0,
        le=3600,
        description="Seconds between attempts to move review items written to the local spool "
        "(`<state_dir>/spool`, while Redis was unreachable) into Redis.",
    )
    coral_signing_secret: SecretStr | None = Field(
        default=None,
        description="Signing secret of Coral's external moderation phase; several "
        "comma-separated ones are all accepted. Unset: `/v1/integrations/coral` refuses requests.",
    )
    webhook_url: str | None = Field(
        default=None,
        description="The comment system's URL (http or https) that moderator outcomes are "
        "POSTed to, signed. Unset: no delivery; outcomes wait in the Redis outbox.",
    )
    webhook_secret: SecretStr | None = Field(
        default=None,
        description="Key of the outcome webhook's HMAC-SHA256 signature, at least 16 "
        "characters; required when `webhook_url` is set.",
    )
    webhook_timeout: float = Field(
        default=5.0,
        gt=0,
        le=60,
        description="Seconds one webhook delivery may take in all (connect, send, answer).",
    )
    webhook_retry_initial: float = Field(
        default=1.0,
        gt=0,
        le=3600,
        description="Seconds before the first retry of a failed webhook delivery; each further "
        "retry waits twice as long as the one before.",
    )
    webhook_retry_max: float = Field(
        default=300.0,
        gt=0,
        le=86_400,
        description="Longest wait between two webhook delivery attempts, in seconds.",
    )
    spam_repeats: bool = Field(
        default=True,
        description="Count spam repeats across comments in Redis (duplicates, near-duplicates, "
        "posting velocity, link campaigns) before scoring `/v1/moderate`; off: each comment is "
        "judged on its own text.",
    )
    spam_repeat_window: float = Field(
        default=21_600.0,
        gt=0,
        le=30 * 86_400,
        description="Seconds a comment counts as a repeat (exact or near-duplicate) of later ones.",
    )
    spam_velocity_window: float = Field(
        default=600.0,
        gt=0,
        le=86_400,
        description="Seconds over which an author's comments are counted for posting velocity.",
    )
    spam_velocity_limit: int = Field(
        default=10,
        ge=1,
        description="Comments an author may post within `spam_velocity_window` before each "
        "further one counts as spam evidence.",
    )
    spam_link_window: float = Field(
        default=3_600.0,
        gt=0,
        le=30 * 86_400,
        description="Seconds over which distinct authors linking to one domain are counted "
        "(a link campaign).",
    )
    spam_trusted_domains: str = Field(
        default="",
        description="Comma-separated domains (the site's own, its partners) whose links never "
        "count towards a link campaign, beside the built-in citation sites.",
    )

    dev_mode: bool = Field(
        default=False,
        description="Development mode: every route answers without an API key, as if the "
        "caller held every scope. `moderation serve --dev` sets it and refuses to bind to "
        "anything but a loopback address; a warning is logged at start-up. Never in production.",
    )
    auth_cache_seconds: float = Field(
        default=10.0,
        ge=0,
        le=3_600,
        description="Seconds a worker trusts an API key's record read from Redis before reading "
        "it again: a revoked key stops working within this time.",
    )
    rate_limit_per_key: str = Field(
        default="5000/second",
        description="Requests one API key may make, counted in Redis across workers, as "
        "`limits` strings (`100/second;5000/minute`); over it: 429 with Retry-After. The "
        "default only stops a runaway client; empty: no limit.",
    )
    rate_limit_per_author: str = Field(
        default="",
        description="Comments one `author_id` may send for scoring (`/v1/moderate`, `/batch`), "
        "e.g. `5/minute;30/hour`; over it: 429 with Retry-After. Empty (the default): no limit; "
        "fast posters are still scored, with posting velocity as spam evidence.",
    )
    auth_stale_seconds: float = Field(
        default=600.0,
        ge=0,
        le=86_400,
        description="While Redis is unreachable, a key whose record was read within this many "
        "seconds still gets in; other keys get 503 `auth_unavailable`.",
    )

    @field_validator("rate_limit_per_key", "rate_limit_per_author")
    @classmethod
    def _limits_parse(cls, value: str) -> str:
        from limits import parse_many

        if value.strip():
            try:
                parse_many(value)
            except ValueError as exc:
                raise ValueError(
                    f"{value!r} is not a rate limit such as `100/second;2000/minute`"
                ) from exc
        return value

    @field_validator("coral_signing_secret")
    @classmethod
    def _coral_secrets_are_strong(cls, value: SecretStr | None) -> SecretStr | None:
        """Blank means unset; every comma-separated secret needs CORAL_SECRET_MIN_CHARS."""
        if value is None or not value.get_secret_value().strip():
            return None
        secrets = value.get_secret_value().split(",")
        if any(len(s.strip()) < CORAL_SECRET_MIN_CHARS for s in secrets):
            raise SettingsError(
                "MODERATION_CORAL_SIGNING_SECRET: each comma-separated secret needs at least "
                f"{CORAL_SECRET_MIN_CHARS} characters (Coral's are 'empsec_' + 64+ hex digits)"
            )
        return value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url_is_http(cls, value: str | None) -> str | None:
        """Blank means unset; otherwise an http(s) URL with a host and no credentials."""
        if value is None or not value.strip():
            return None
        value = value.strip()
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018 - raises ValueError on a bad port
        except ValueError as exc:
            raise SettingsError(f"MODERATION_WEBHOOK_URL is not a URL: {exc}") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SettingsError("MODERATION_WEBHOOK_URL must be an http:// or https:// URL")
        if parts.username is not None or parts.password is not None:
            raise SettingsError(
                "MODERATION_WEBHOOK_URL may not carry credentials: receivers authenticate "
                "deliveries by their signature (MODERATION_WEBHOOK_SECRET)"
            )
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret_is_strong(cls, value: SecretStr | None) -> SecretStr | None:
        """Blank means unset; a set secret needs WEBHOOK_SECRET_MIN_CHARS."""
        if value is None or not value.get_secret_value().strip():
            return None
        if len(value.get_secret_value()) < WEBHOOK_SECRET_MIN_CHARS:
            raise SettingsError(
                f"MODERATION_WEBHOOK_SECRET needs at least {WEBHOOK_SECRET_MIN_CHARS} characters"
            )
        return value

    @model_validator(mode="after")
    def _webhook_is_signed(self) -> Settings:
        require_webhook_secret(self)
        return self


def require_webhook_secret(settings: Settings) -> None:
    """Refuse a webhook URL without a secret: the receiver could not tell our deliveries from
    anyone else's. (Also called where settings were copied without validation.)"""
    if settings.webhook_url and settings.webhook_secret is None:
        raise SettingsError(
            "MODERATION_WEBHOOK_URL is set but MODERATION_WEBHOOK_SECRET is not: set the secret "
            "the comment system verifies deliveries with, or unset the URL"
        )


def site_lists_dir(settings: Settings) -> Path:
    """Where the site's term lists live."""
    return settings.lists_dir or settings.state_dir / "lists"


def is_loopback(host: str) -> bool:
    """Whether binding to `host` keeps the server to this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
