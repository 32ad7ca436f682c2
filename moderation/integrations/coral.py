"""Coral Talk's external moderation phase: its request and answer, its signature, our mapping.

Coral (coralproject/talk) POSTs each new or edited comment, as `JSON.stringify(request, null,
2)`, to the phase's callback URL with `Content-Type: application/json` and an
`X-Coral-Signature` header of comma-separated `sha256=<hex>` values: the HMAC-SHA256 of the
raw body under each of the phase's active signing secrets (two while an old secret is kept
alive after a rotation). It waits the phase's timeout (milliseconds, 100–10,000, default 200);
a late, non-2xx or invalid answer makes it skip the phase and carry on. 204 means no opinion;
200 carries `{actions?, status?, tags?}`; Coral drops any other key.

Sources: server/EXTERNAL_MODERATION_PHASES.md, server/WEBHOOKS.md, and under
server/src/core/server/: services/comments/pipeline/phases/external.ts, services/fetch/fetch.ts,
models/settings/signingSecret/helpers.ts.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import re
from collections.abc import Sequence
from html.parser import HTMLParser
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from moderation.categories import Category
from moderation.errors import InvalidInput, InvalidJson, ModerationError
from moderation.schemas import ModerationResult
from moderation.scoring import EmptyText, Moderator, TextTooLong

SIGNATURE_HEADER = "X-Coral-Signature"
_HEX_SHA256 = re.compile(r"[0-9a-fA-F]{64}")

CommentStatus = Literal["NONE", "APPROVED", "REJECTED", "PREMOD", "SYSTEM_WITHHELD"]
# The only flag reasons Coral accepts from an external phase (its Joi schema).
FlagReason = Literal["COMMENT_DETECTED_TOXIC", "COMMENT_DETECTED_SPAM"]


class InvalidSignature(ModerationError):
    status = 401
    code = "invalid_signature"


class CoralNotConfigured(ModerationError):
    status = 503
    code = "coral_not_configured"


# -- what Coral sends -----------------------------------------------------------------------


class CoralComment(BaseModel):
    model_config = ConfigDict(extra="ignore")

    body: str = Field(description="The comment: HTML, or plain text if the phase says so.")
    parentID: str | None = Field(default=None, description="The parent comment of a reply.")


class CoralAuthor(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    role: str = Field(description="COMMENTER, MEMBER, STAFF, MODERATOR or ADMIN.")


class CoralStory(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    url: str


class CoralSite(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str


class CoralModerationRequest(BaseModel):
    """Coral's `ExternalModerationRequest`. Only `comment.body` is needed to score; the rest
    is optional here so that a Coral version that drops a field still gets an answer."""

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {
                    "action": "NEW",
                    "comment": {"body": "Here's a comment!", "parentID": None},
                    "author": {"id": "baf4e943-3594-4fcc-b2ba-3e8de7a76352", "role": "COMMENTER"},
                    "story": {
                        "id": "245b3856-b0a0-4d2f-a6bb-58c71f18d6a6",
                        "url": "http://localhost:1313/posts/a-story-url/",
                    },
                    "site": {"id": "a4bede88-2d2c-4424-bc18-4322a9e285a6"},
                    "tenantID": "19ba5794-7eeb-4d46-a81b-c00c61672501",
                    "tenantDomain": "localhost",
                }
            ]
        },
    )

    action: str | None = Field(default=None, description="NEW or EDIT.")
    comment: CoralComment
    author: CoralAuthor | None = None
    story: CoralStory | None = None
    site: CoralSite | None = None
    tenantID: str | None = None
    tenantDomain: str | None = None


# -- what we answer -------------------------------------------------------------------------


class CoralAction(BaseModel):
    actionType: Literal["FLAG"] = "FLAG"
    reason: FlagReason


class CoralModerationResponse(BaseModel):
    """Coral's `ExternalModerationResponse` (sent without the fields left `None`)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "status": "SYSTEM_WITHHELD",
                    "actions": [{"actionType": "FLAG", "reason": "COMMENT_DETECTED_TOXIC"}],
                }
            ]
        }
    )

    actions: list[CoralAction] | None = None
    status: CommentStatus | None = None
    tags: list[Literal["FEATURED", "STAFF"]] | None = None

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


# -- signature ------------------------------------------------------------------------------


def signing_secrets(configured: SecretStr | None) -> list[str]:
    """The configured secrets (comma-separated for several Coral phases or a rotation)."""
    if configured is None:
        return []
    return [s.strip() for s in configured.get_secret_value().split(",") if s.strip()]


def sign(body: bytes, secret: str) -> str:
    """The `sha256=<hex>` element Coral puts in `X-Coral-Signature` for one secret."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def header_signatures(header: str) -> list[str]:
    """The well-formed `sha256=<64 hex>` values of a header, lower-cased; others ignored."""
    found = []
    for element in header.split(","):
        prefix, sep, value = element.strip().partition("=")
        if prefix == "sha256" and sep and _HEX_SHA256.fullmatch(value.strip()):
            found.append(value.strip().lower())
    return found


def verify_signature(body: bytes, header: str | None, secrets: Sequence[str]) -> None:
    """Accept `body` when any signature in `header` is its HMAC under any of `secrets`.

    Every pair is compared in constant time and none is skipped, so the timing tells nothing
    about which (if any) matched. Raises `InvalidSignature` for a missing, garbled or wrong
    header.
    """
    if not header or not header.strip():
        raise InvalidSignature(f"missing {SIGNATURE_HEADER} header", details={"reason": "missing"})
    given = header_signatures(header)
    if not given:
        raise InvalidSignature(
            f"{SIGNATURE_HEADER} has no sha256=<64 hex digits> signature",
            details={"reason": "malformed"},
        )
    expected = [sign(body, secret).removeprefix("sha256=") for secret in secrets]
    matched = False
    for signature in given:
        for digest in expected:
            matched |= hmac.compare_digest(signature, digest)
    if not matched:
        raise InvalidSignature(
            f"{SIGNATURE_HEADER} matches the body under no configured signing secret",
            details={"reason": "mismatch"},
        )


# -- request body ---------------------------------------------------------------------------


def parse_request(body: bytes) -> CoralModerationRequest:
    """Parse a (verified) body; `InvalidJson` (400) or `InvalidInput` (422) in our shape."""
    try:
        return CoralModerationRequest.model_validate_json(body)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False)
        details = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in errors]
        if any(e["type"] == "json_invalid" for e in errors):
            raise InvalidJson("request body is not valid JSON", details=details) from exc
        raise InvalidInput(
            "request body is not a Coral moderation request", details=details
        ) from exc


_BREAK_BEFORE = {"br", "p", "div", "li", "blockquote", "ul", "ol", "pre"}
_BREAK_AFTER = {"p", "div", "li", "blockquote", "ul", "ol", "pre"}


class _TextExtractor(HTMLParser):
    """Coral's sanitised comment HTML as plain text: tags dropped, entities decoded, block
    elements on their own lines, and a link's address kept when its text does not show it
    (so a spam link behind innocent words is still seen)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._links: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BREAK_BEFORE:
            self.parts.append("\n")
        if tag == "a":
            self._links.append((dict(attrs).get("href") or "", len(self.parts)))

    def handle_endtag(self, tag: str) -> None:
        if tag in _BREAK_AFTER:
            self.parts.append("\n")
        if tag == "a" and self._links:
            href, start = self._links.pop()
            if href and href not in "".join(self.parts[start:]):
                self.parts.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


# The tags Coral's sanitiser lets through, as it writes them (attributes always quoted);
# anything else in angle brackets, "<i will find you>" included, is the author's.
_CORAL_TAG = re.compile(
    r"</?(?:a|b|blockquote|br|code|div|em|i|li|ol|p|pre|s|span|strike|strong|u|ul)"
    r"""(?:\s+[\w:-]+\s*=\s*(?:"[^"<>]*"|'[^'<>]*'))*\s*/?>""",
    re.IGNORECASE,
)


def _alnum(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


def _within(needle: str, haystack: str) -> bool:
    """Whether `needle`'s characters all appear in `haystack`, in order."""
    rest = iter(haystack)
    return all(ch in rest for ch in needle)


def comment_texts(body: str) -> list[str]:
    """The readings of Coral's body worth scoring. Coral sends HTML, or plain text when the
    phase says so, and we cannot tell which: a plain-text comment like `<you idiot>` parsed as
    HTML would vanish. So when taking out only Coral's own tags leaves other letters than
    the HTML reading does, both readings are scored (and the worse one answers)."""
    text = comment_text(body)
    if "<" not in body:
        return [text]
    literal = html.unescape(_CORAL_TAG.sub(" ", body)).strip()
    return [text] if _within(_alnum(literal), _alnum(text)) else [text, literal]


def comment_text(body: str) -> str:
    """The text to score from Coral's comment body, read as HTML."""
    if "<" not in body and "&" not in body:
        return body.strip()
    parser = _TextExtractor()
    parser.feed(body)
    parser.close()
    text = "".join(parser.parts)
    return re.sub(r"[ \t]*\n\s*", "\n", text).strip()


# -- our decision in Coral's terms ----------------------------------------------------------


def flag_reason(category: Category) -> FlagReason:
    """Coral knows two detected reasons: spam is spam, the other six are toxic."""
    return "COMMENT_DETECTED_SPAM" if category == "spam" else "COMMENT_DETECTED_TOXIC"


def to_coral(result: ModerationResult) -> CoralModerationResponse | None:
    """`allow` → no opinion (None: answer 204); `flag` → withheld for Coral's moderators with
    a FLAG per reason; `reject` → rejected, with the same FLAGs so moderators see why."""
    if result.decision == "allow":
        return None
    reasons = sorted({flag_reason(t.category) for t in result.triggered}, reverse=True)
    return CoralModerationResponse(
        status="REJECTED" if result.decision == "reject" else "SYSTEM_WITHHELD",
        actions=[CoralAction(reason=r) for r in reasons],
    )


def moderate(
    moderator: Moderator, request: CoralModerationRequest
) -> tuple[ModerationResult | None, CoralModerationResponse | None]:
    """Score Coral's comment; return our result (None when nothing was scored) and the
    answer in Coral's terms (None: no opinion, answer 204).

    A body with no text (an image-only comment) gets no opinion. One longer than the service
    scores is withheld for Coral's moderators without a flag, rather than answered with an
    error that would make Coral skip the phase and publish it unread.
    """
    results = []
    for text in comment_texts(request.comment.body):
        if not text:
            continue
        try:
            results.append(moderator.moderate(text))
        except EmptyText:
            continue
        except TextTooLong:
            return None, CoralModerationResponse(status="SYSTEM_WITHHELD")
    if not results:
        return None, None
    result = max(results, key=_severity)
    return result, to_coral(result)


_RANK = {"allow": 0, "flag": 1, "reject": 2}


def _severity(result: ModerationResult) -> tuple[int, float]:
    return _RANK[result.decision], max(result.scores.values())
