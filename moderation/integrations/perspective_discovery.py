"""The Google API Discovery document of our Perspective-compatible API, so Google's client
libraries (Python's `googleapiclient.discovery.build`, Node's `googleapis.discoverAPI`) work
against this service when only their discovery URL changes.

The document describes OUR service, in the Discovery format Google's own
`commentanalyzer-api.json` uses (`discoveryVersion` v1, `resources.comments.methods`, `schemas`
whose `$ref`s name each other): `rootUrl` is the address the request came in on, the schemas
are generated from the pydantic models in `perspective_protocol` (our field descriptions, our
score type), `requestedAttributes` lists the attributes scored here, and errors are described
as we send them. Google's `auth` block is left out: no OAuth here, so a client built without
credentials does not go looking for Google's. `comments.suggestscore` is listed, marked as
answered 501 UNIMPLEMENTED, so a client calling it gets that clear error instead of a missing
method. `batchPath` is "batch", which this service answers 501 too (Python's client posts
batches to `rootUrl` + "batch" even when a document has no `batchPath`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from moderation import __version__
from moderation.integrations.perspective import ATTRIBUTES, MAX_REQUESTED_ATTRIBUTES, UNSCORED
from moderation.integrations.perspective_protocol import (
    PATH,
    SUGGEST_PATH,
    AnalyzeCommentRequest,
    AnalyzeCommentResponse,
    PerspectiveError,
    not_found,
    unimplemented,
)

NAME = "commentanalyzer"
VERSION = "v1alpha1"
BATCH_PATH = "batch"

_ERRORS = (
    'Errors are `{"error": {"code", "message", "status", "details"}}` as Google sends them, '
    "with Perspective's errorType values (COMMENT_EMPTY, NO_REQUESTED_ATTRIBUTES, "
    "COMMENT_TOO_LONG, LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE, INVALID_REQUEST)."
)
_DESCRIPTION = (
    "Perspective's AnalyzeComment served by a comment moderation service: its own model's "
    "calibrated scores under Perspective's attribute names (the README's 'Switching from "
    "Perspective' has the mapping). Nothing sent here is stored. " + _ERRORS
)
_IGNORED = "Accepted and ignored."
#: Google's standard query parameters that clients send; all but `key` are ignored here.
_PARAMETERS: dict[str, dict[str, Any]] = {
    "key": {"description": "API key: accepted, not checked yet."},
    "alt": {
        "description": "Response format: JSON only.",
        "default": "json",
        "enum": ["json"],
        "enumDescriptions": ["Responses with Content-Type of application/json"],
    },
    "prettyPrint": {"description": _IGNORED, "type": "boolean"},
    "fields": {"description": _IGNORED + " The whole answer is sent."},
    "quotaUser": {"description": _IGNORED},
}

_UNIMPLEMENTED_SUGGEST = (
    "Not implemented here: answers 501 UNIMPLEMENTED (score suggestions are not accepted yet)."
)


def _discovery_schema(node: dict[str, Any]) -> dict[str, Any]:
    """A pydantic JSON Schema node in the Discovery format: `X | None` is X (proto3: null is
    unset), `const` an `enum`, bounds strings, and JSON Schema's other keywords dropped."""
    if "anyOf" in node:
        kept = [option for option in node["anyOf"] if option.get("type") != "null"]
        if len(kept) != 1:
            raise ValueError(f"no Discovery form for a union: {node['anyOf']}")
        extra = {key: value for key, value in node.items() if key == "description"}
        return _discovery_schema({**kept[0], **extra})
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "properties":
            out[key] = {name: _discovery_schema(prop) for name, prop in value.items()}
        elif key in ("items", "additionalProperties") and isinstance(value, dict):
            out[key] = _discovery_schema(value)
        elif key == "const":
            out["enum"] = [value]
        elif key in ("minimum", "maximum"):
            out[key] = str(value)  # Discovery's bounds are strings
        elif key in ("type", "format", "description", "enum", "$ref"):
            out[key] = value
    return out


def _schemas(languages: Sequence[str] | None) -> dict[str, dict[str, Any]]:
    models: list[tuple[type[BaseModel], Any]] = [
        (AnalyzeCommentRequest, "validation"),
        (AnalyzeCommentResponse, "serialization"),
    ]
    _, generated = models_json_schema(models, by_alias=True, ref_template="{model}")
    schemas = {
        name: {"id": name, **_discovery_schema(schema)}
        for name, schema in generated["$defs"].items()
    }
    request = schemas["AnalyzeCommentRequest"]["properties"]
    request["requestedAttributes"]["description"] = (
        f"Attribute name to its parameters, at most {MAX_REQUESTED_ATTRIBUTES}. Scored here: "
        f"{', '.join(ATTRIBUTES)}; NAME@VERSION is answered by the served model. Perspective "
        f"attributes with no model here ({', '.join(sorted(UNSCORED))}) and unknown names are "
        "refused with 400 INVALID_REQUEST."
    )
    if languages:
        request["languages"]["description"] = (
            f"ISO 639-1 or BCP-47 codes, all among the served model's: {', '.join(languages)} "
            "(else 400 LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE); unset: detected."
        )
    schemas["SuggestCommentScoreRequest"] = {
        "id": "SuggestCommentScoreRequest",
        "type": "object",
        "description": "Perspective's SuggestCommentScore request. Not read here.",
    }
    schemas["SuggestCommentScoreResponse"] = {
        "id": "SuggestCommentScoreResponse",
        "type": "object",
        "description": "Never sent: comments:suggestscore answers 501 UNIMPLEMENTED.",
    }
    return schemas


def _method(name: str, path: str, description: str, schema: str) -> dict[str, Any]:
    relative = path.lstrip("/")
    return {
        "id": f"{NAME}.comments.{name}",
        "description": description,
        "httpMethod": "POST",
        "path": relative,
        "flatPath": relative,
        "parameters": {},
        "parameterOrder": [],
        "request": {"$ref": f"{schema}Request"},
        "response": {"$ref": f"{schema}Response"},
    }


def document(
    root_url: str, *, api: str, version: str, languages: Sequence[str] | None = None
) -> dict[str, Any]:
    """The Discovery document of `api` `version` as served from `root_url` (ending in "/"),
    or a 404 `PerspectiveError` for any API but commentanalyzer v1alpha1. `languages`: the
    served model's, named in the `languages` field's description when given."""
    if (api, version) != (NAME, VERSION):
        shown = f"{api} version: {version}"
        raise not_found(
            f"Discovery document not found for API service: {shown[:120]}. "
            f"This service describes {NAME} {VERSION} only."
        )
    return {
        "kind": "discovery#restDescription",
        "discoveryVersion": "v1",
        "id": f"{NAME}:{VERSION}",
        "name": NAME,
        "version": VERSION,
        "revision": __version__,
        "title": "Comment Analyzer API (Perspective-compatible)",
        "canonicalName": "Comment Analyzer",
        "description": _DESCRIPTION,
        "documentationLink": f"{root_url}docs",
        "protocol": "rest",
        "rootUrl": root_url,
        "servicePath": "",
        "baseUrl": root_url,
        "basePath": "",
        "batchPath": BATCH_PATH,
        "parameters": {
            name: {"type": "string", "location": "query", **spec}
            for name, spec in _PARAMETERS.items()
        },
        "resources": {
            "comments": {
                "methods": {
                    "analyze": _method(
                        "analyze",
                        PATH,
                        "Scores the comment for the requested attributes.",
                        "AnalyzeComment",
                    ),
                    "suggestscore": _method(
                        "suggestscore", SUGGEST_PATH, _UNIMPLEMENTED_SUGGEST, "SuggestCommentScore"
                    ),
                }
            }
        },
        "schemas": _schemas(languages),
    }


def suggest_score_unimplemented() -> PerspectiveError:
    return unimplemented(
        "SuggestCommentScore is not implemented by this service: score suggestions are not "
        "accepted here yet. Scores come from its own model; see the README's 'Switching from "
        "Perspective'."
    )


def batch_unimplemented() -> PerspectiveError:
    return unimplemented(
        "Batch requests are not implemented by this service: send each request on its own."
    )
