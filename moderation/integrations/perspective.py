"""Perspective API's AnalyzeComment (`POST /v1alpha1/comments:analyze`) answered by our
model: the mapping of Perspective's attributes onto our seven categories, its language rules,
`scoreThreshold`, span scores, and the answer in its shape. The wire format (request models,
parsing, Google-shaped errors) is `perspective_protocol`; word spans are `perspective_spans`.

The mapping (every score is one of our calibrated 0–1 probabilities):

- IDENTITY_ATTACK = racism, INSULT = discourtesy, PROFANITY = profanity, THREAT = violence,
  SEXUALLY_EXPLICIT = vulgarity, SPAM = spam: the same concept under Perspective's name.
- TOXICITY = the largest of violence, racism, profanity, vulgarity and discourtesy. Perspective
  defines toxicity as rude, disrespectful or unreasonable; any one of those five makes a comment
  that. The maximum of calibrated probabilities is the probability of the likeliest kind, a
  lower bound on "any kind" that does not double count categories that come together (insults
  and swearing): a noisy-or would. Doxing and spam are not toxicity (Perspective's model scores
  a phone number or an advert low), so they stay out.
- SEVERE_TOXICITY = the square of the largest of violence, racism, vulgarity and discourtesy.
  Perspective's severe model is "much less sensitive to positive uses of curse words", so
  profanity is left out; squaring keeps near-certain cases (0.95 → 0.90) and drops uncertain
  ones fast (0.7 → 0.49, 0.5 → 0.25), so it is never above TOXICITY and a threshold on it
  picks the clear-cut comments. The policy's reject thresholds cannot serve here: the shipped
  policy has none for violence and racism (flag only), the categories severity is about.
- Aliases: Perspective's non-English `*_EXPERIMENTAL` names and TOXICITY_FAST answer like their
  base attribute; OBSCENE (the NYT attribute, "obscene or vulgar language such as cursing") is
  the larger of profanity and vulgarity; VIOLENCE, RACISM, VULGARITY, DOXING and DISCOURTESY
  give our own categories to a Perspective client. `NAME@VERSION` is answered by the served
  model, under the name as requested.
- Perspective attributes we have no model for (FLIRTATION, UNSUBSTANTIAL, INCOHERENT,
  INFLAMMATORY, ATTACK_ON_AUTHOR, ATTACK_ON_COMMENTER, LIKELY_TO_REJECT) are refused with
  Perspective's "Unknown requested attribute" error rather than answered with a made-up score.

Languages: every attribute here reads the languages the model was trained on
(`Moderator.supported_languages`). Declared `languages` must all be among them, else
Perspective's LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE error; with none declared the detected
language must be (a text too short or mixed to tell is scored as the first one), and with
`dropUnsupportedAttributes` the attributes are dropped instead of failing. The answer's
`languages` are the declared ones, else the detected one; `detectedLanguages` is what detection
found, reported even when languages were declared, as Perspective does.

Nothing from this path is stored (no review item, no log of the text), whatever `doNotStore`
says. `context`, `sessionId`, `communityId` and `comment.type` = PLAIN_TEXT are accepted and
not used.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from moderation.categories import Category
from moderation.errors import ModerationError
from moderation.integrations.perspective_protocol import (
    SCORE_TYPE,
    AnalyzeCommentRequest,
    AttributeParameters,
    PerspectiveError,
)
from moderation.integrations.perspective_spans import utf16_offsets, word_scores
from moderation.scoring import Moderator

#: More distinct attribute names than Perspective's whole catalogue; bounds the answer's size.
MAX_REQUESTED_ATTRIBUTES = 32

_TOXIC: tuple[Category, ...] = ("violence", "racism", "profanity", "vulgarity", "discourtesy")
_SEVERE: tuple[Category, ...] = ("violence", "racism", "vulgarity", "discourtesy")


@dataclass(frozen=True, slots=True)
class Attribute:
    """A Perspective attribute as a rule over our seven scores."""

    categories: tuple[Category, ...]
    squared: bool = False

    def score(self, scores: Mapping[Category, float]) -> float:
        value = max(scores[c] for c in self.categories)
        return round(value * value if self.squared else value, 4)


_BASE: dict[str, Attribute] = {
    "TOXICITY": Attribute(_TOXIC),
    "SEVERE_TOXICITY": Attribute(_SEVERE, squared=True),
    "IDENTITY_ATTACK": Attribute(("racism",)),
    "INSULT": Attribute(("discourtesy",)),
    "PROFANITY": Attribute(("profanity",)),
    "THREAT": Attribute(("violence",)),
    "SEXUALLY_EXPLICIT": Attribute(("vulgarity",)),
    "SPAM": Attribute(("spam",)),
}
ATTRIBUTES: dict[str, Attribute] = {
    **_BASE,
    **{
        f"{name}_EXPERIMENTAL": _BASE[name]
        for name in (
            "TOXICITY",
            "SEVERE_TOXICITY",
            "IDENTITY_ATTACK",
            "INSULT",
            "PROFANITY",
            "THREAT",
        )
    },
    "TOXICITY_FAST": _BASE["TOXICITY"],
    "OBSCENE": Attribute(("profanity", "vulgarity")),
    "VIOLENCE": Attribute(("violence",)),
    "RACISM": Attribute(("racism",)),
    "VULGARITY": Attribute(("vulgarity",)),
    "DOXING": Attribute(("doxing",)),
    "DISCOURTESY": Attribute(("discourtesy",)),
}
#: In Perspective's catalogue (models.md) but not scored here.
UNSCORED: frozenset[str] = frozenset(
    {
        "FLIRTATION",
        "UNSUBSTANTIAL",
        "INCOHERENT",
        "INFLAMMATORY",
        "ATTACK_ON_AUTHOR",
        "ATTACK_ON_COMMENTER",
        "LIKELY_TO_REJECT",
    }
)


# -- the answer ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Requested:
    name: str
    attribute: Attribute
    threshold: float | None


def _comment_text(request: AnalyzeCommentRequest) -> str:
    comment = request.comment
    if comment is None or not comment.text or not comment.text.strip():
        raise PerspectiveError("Comment must be non-empty.", error_type="COMMENT_EMPTY")
    if comment.type not in (None, "", "TEXT_TYPE_UNSPECIFIED", "PLAIN_TEXT"):
        message = (
            "Currently, only 'PLAIN_TEXT' comments are supported"
            if comment.type == "HTML"
            else "Unknown text type"
        )
        raise PerspectiveError(message)
    context = request.context
    if context and context.entries and context.article_and_parent_comment:
        raise PerspectiveError(
            "Context can have either entries or article_and_parent_comment, "
            "but both fields were populated."
        )
    return comment.text


def _requested(request: AnalyzeCommentRequest) -> list[_Requested]:
    wanted = request.requested_attributes
    if not wanted:
        raise PerspectiveError("Missing requested_attributes", error_type="NO_REQUESTED_ATTRIBUTES")
    if len(wanted) > MAX_REQUESTED_ATTRIBUTES:
        raise PerspectiveError(
            f"Too many requested attributes: {len(wanted)} (at most {MAX_REQUESTED_ATTRIBUTES})."
        )
    out = []
    for name, params in wanted.items():
        attribute = ATTRIBUTES.get(name.split("@", 1)[0])
        if attribute is None:
            why = (
                "a Perspective attribute this service has no model for"
                if name.split("@", 1)[0] in UNSCORED
                else "not an attribute this service knows"
            )
            shown = name if len(name) <= 80 else f"{name[:77]}..."
            raise PerspectiveError(
                f"Unknown requested attribute: {shown} ({why}). Scored here: {', '.join(_BASE)}, "
                "and the aliases in the README's 'Switching from Perspective'."
            )
        params = params or AttributeParameters()
        if params.score_type not in (None, "", "SCORE_TYPE_UNSPECIFIED", SCORE_TYPE):
            raise PerspectiveError(
                f"Requested score type {params.score_type} is not supported by attribute {name}"
            )
        out.append(_Requested(name, attribute, params.score_threshold))
    return out


def _primary(language: str) -> str:
    """`en-US`, `en_GB`, `EN` → `en`."""
    return language.replace("_", "-").split("-", 1)[0].strip().lower()


def _language_error(attribute: str, languages: list[str], key: str) -> PerspectiveError:
    return PerspectiveError(
        f"Attribute {attribute} does not support request languages: {', '.join(languages)}",
        error_type="LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE",
        extra={"languageNotSupportedByAttributeError": {key: languages, "attribute": attribute}},
    )


def _score_error(exc: ModerationError) -> PerspectiveError:
    if exc.code == "empty_text":
        return PerspectiveError("Comment must be non-empty.", error_type="COMMENT_EMPTY")
    if exc.code == "text_too_long":
        return PerspectiveError(
            f"Comment text too long. {exc.message}.", error_type="COMMENT_TOO_LONG"
        )
    return PerspectiveError(f"Invalid comment text: {exc.message}.")


def _score(value: float) -> dict[str, Any]:
    return {"value": value, "type": SCORE_TYPE}


def analyze(moderator: Moderator, request: AnalyzeCommentRequest) -> dict[str, Any]:
    """Score the request's comment and answer in Perspective's shape (a JSON-ready dict)."""
    text = _comment_text(request)
    requested = _requested(request)
    asked = [lang for lang in request.languages or [] if lang.strip()]
    supported = tuple(moderator.supported_languages)
    try:
        moderator.validate_text(text)
        # Detected even when declared: Perspective reports both.
        detected = moderator.language_of(text)
        if asked:
            refused = [lang for lang in asked if _primary(lang) not in supported]
            key = "requestedLanguages"
        else:
            refused = [] if detected.supported else [detected.code or "und"]
            key = "detectedLanguages"
        if refused and not request.drop_unsupported_attributes:
            raise _language_error(requested[0].name, refused, key)
        if refused:  # every attribute here reads the same languages: all are dropped
            requested = []
        else:
            declared = [_primary(lang) for lang in asked] or [c for c in [detected.code] if c]
            scores = moderator.moderate(text, languages=declared or None).scores
    except ModerationError as exc:
        raise _score_error(exc) from exc

    words = word_scores(moderator, text) if request.span_annotations and requested else []
    utf16 = utf16_offsets(text)
    attribute_scores: dict[str, Any] = {}
    for want in requested:
        summary = want.attribute.score(scores)
        floor = want.threshold if want.threshold is not None else -math.inf
        if summary < floor:
            continue
        answer: dict[str, Any] = {"summaryScore": _score(summary)}
        if request.span_annotations:
            spans = ((w.start, w.end, want.attribute.score(w.scores)) for w in words)
            answer["spanScores"] = [
                {"begin": utf16(begin), "end": utf16(end), "score": _score(value)}
                for begin, end, value in spans
                if value >= floor
            ]
        attribute_scores[want.name] = answer

    # Proto3 JSON, as Perspective answers: empty fields are left out.
    out: dict[str, Any] = {}
    if attribute_scores:
        out["attributeScores"] = attribute_scores
    # Too short or mixed to tell: scored as the model's first language, and said so.
    out["languages"] = asked or [detected.code or supported[0]]
    if detected.code:
        out["detectedLanguages"] = [detected.code]
    if request.client_token:
        out["clientToken"] = request.client_token
    return out
