"""POST /v1/integrations/coral on the shipped model, with requests built and signed as Coral
builds and signs them (server/src/core/server/services/comments/pipeline/phases/external.ts,
services/fetch/fetch.ts, models/settings/signingSecret/helpers.ts in coralproject/talk)."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from moderation.api.app import create_app
from moderation.settings import REPO_DIR, Settings
from tests.helpers import assert_error

URL = "/v1/integrations/coral"
SHIPPED_MODELS = REPO_DIR / "models"  # as in conftest.py: the committed model
# Coral mints a phase secret as "empsec_" + hex of 32-36 random bytes.
SECRET = "empsec_" + secrets.token_hex(34)
ROTATED_SECRET = "empsec_" + secrets.token_hex(33)

CIVIL = "Thanks for the thoughtful reporting, the council vote makes more sense now."
FLAGGED = "I will find where you live and hurt you"  # violence is flag-only in the policy
REJECTED = "You are a pathetic moron, shut the fuck up."  # discourtesy reaches reject
SPAM = "Buy cheap followers now at www.cheap-followers.biz, DM me on WhatsApp +1 555 123 4567"


def coral_request(body: str, *, action: str = "NEW", parent_id: str | None = None) -> bytes:
    """The body Coral POSTs: `JSON.stringify(request, null, 2)`, UTF-8, non-ASCII unescaped."""
    request = {
        "action": action,
        "comment": {"body": body, "parentID": parent_id},
        "author": {"id": "baf4e943-3594-4fcc-b2ba-3e8de7a76352", "role": "COMMENTER"},
        "story": {
            "id": "245b3856-b0a0-4d2f-a6bb-58c71f18d6a6",
            "url": "http://localhost:1313/posts/a-story-url/",
        },
        "site": {"id": "a4bede88-2d2c-4424-bc18-4322a9e285a6"},
        "tenantID": "19ba5794-7eeb-4d46-a81b-c00c61672501",
        "tenantDomain": "localhost",
    }
    return json.dumps(request, indent=2, ensure_ascii=False).encode("utf-8")


def coral_signature(payload: bytes, *keys: str) -> str:
    """Coral's `generateSignatures`: one `sha256=<hex>` per active secret, joined by commas."""
    return ",".join(
        "sha256=" + hmac.new(k.encode(), payload, hashlib.sha256).hexdigest() for k in keys
    )


def post(client: TestClient, payload: bytes, signature: str | None) -> Any:
    headers = {"Content-Type": "application/json", "User-Agent": "Coral Moderation/9.0.0"}
    if signature is not None:
        headers["X-Coral-Signature"] = signature
    return client.post(URL, content=payload, headers=headers)


@pytest.fixture(scope="module")
def coral_client() -> Iterator[TestClient]:
    """The shipped model, accepting two secrets (two Coral phases, or ours mid-rotation)."""
    settings = Settings(
        models_dir=SHIPPED_MODELS, coral_signing_secret=f"{SECRET},{ROTATED_SECRET}"
    )
    with TestClient(create_app(settings)) as client:
        yield client


# -- Coral's three answers --------------------------------------------------------------------


def test_civil_comment_gets_no_opinion(coral_client: TestClient) -> None:
    payload = coral_request(f"<p>{CIVIL}</p>")
    response = post(coral_client, payload, coral_signature(payload, SECRET))
    assert response.status_code == 204, response.text
    assert response.content == b""
    assert response.headers["x-request-id"]


def test_flagged_comment_is_withheld_with_a_toxic_flag(coral_client: TestClient) -> None:
    payload = coral_request(FLAGGED)
    response = post(coral_client, payload, coral_signature(payload, SECRET))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "status": "SYSTEM_WITHHELD",
        "actions": [{"actionType": "FLAG", "reason": "COMMENT_DETECTED_TOXIC"}],
    }


def test_abusive_comment_is_rejected(coral_client: TestClient) -> None:
    payload = coral_request(REJECTED)
    response = post(coral_client, payload, coral_signature(payload, SECRET))
    assert response.status_code == 200, response.text
    assert response.json() == {
        "status": "REJECTED",
        "actions": [{"actionType": "FLAG", "reason": "COMMENT_DETECTED_TOXIC"}],
    }


def test_spam_is_rejected_with_the_spam_reason(coral_client: TestClient) -> None:
    payload = coral_request(SPAM)
    response = post(coral_client, payload, coral_signature(payload, SECRET))
    assert response.json() == {
        "status": "REJECTED",
        "actions": [{"actionType": "FLAG", "reason": "COMMENT_DETECTED_SPAM"}],
    }


def test_edited_reply_in_html_is_scored_as_text(coral_client: TestClient) -> None:
    html = "<p>I will find where you live</p><p>and hurt you</p>"
    payload = coral_request(html, action="EDIT", parent_id="d79b787f-f406-49a0-a179-72e3652e54be")
    response = post(coral_client, payload, coral_signature(payload, SECRET))
    assert response.json()["status"] == "SYSTEM_WITHHELD"


@pytest.mark.parametrize(
    "body",
    [
        "<you are a pathetic moron, shut the fuck up>",  # plain-text phase: not a tag
        "<p>ok</p><![CDATA[You are a pathetic moron, shut the fuck up.]]>",
        "<!-- You are a pathetic moron, shut the fuck up. -->",
        # Words after a tag name Coral allows are still the author's, not attributes.
        "<i think you are a pathetic moron, shut the fuck up>",
        "<a pathetic moron, shut the fuck up>",
        "<p>ok</p><em fucking moron shut the fuck up>",
    ],
)
def test_abuse_in_angle_brackets_is_not_dropped_as_markup(
    coral_client: TestClient, body: str
) -> None:
    payload = coral_request(body)
    response = post(coral_client, payload, coral_signature(payload, SECRET))
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "REJECTED"


def test_non_ascii_body_is_verified_on_the_raw_utf8_bytes(coral_client: TestClient) -> None:
    payload = coral_request("Très bon article, merci — 👍")
    assert "👍".encode() in payload  # JSON.stringify does not escape it; neither do we here
    response = post(coral_client, payload, coral_signature(payload, SECRET))
    assert response.status_code == 204, response.text


def test_image_only_comment_gets_no_opinion(coral_client: TestClient) -> None:
    payload = coral_request("<p> </p>")
    assert post(coral_client, payload, coral_signature(payload, SECRET)).status_code == 204


def test_comment_too_long_to_score_is_withheld_not_waved_through(coral_client: TestClient) -> None:
    payload = coral_request("<p>" + "word " * 2_100 + "</p>")  # 10,500 characters of text
    response = post(coral_client, payload, coral_signature(payload, SECRET))
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "SYSTEM_WITHHELD"}


# -- signatures -------------------------------------------------------------------------------


def test_either_configured_secret_is_accepted(coral_client: TestClient) -> None:
    payload = coral_request(FLAGGED)
    response = post(coral_client, payload, coral_signature(payload, ROTATED_SECRET))
    assert response.status_code == 200, response.text


def test_rotation_header_with_an_unknown_and_a_known_signature(coral_client: TestClient) -> None:
    """Coral signs with every active secret during a rotation: one match is enough."""
    payload = coral_request(FLAGGED)
    header = coral_signature(payload, "empsec_" + secrets.token_hex(32), SECRET)
    assert header.count("sha256=") == 2
    assert post(coral_client, payload, header).status_code == 200


def test_wrong_secret_is_refused(coral_client: TestClient) -> None:
    payload = coral_request(REJECTED)
    response = post(coral_client, payload, coral_signature(payload, "empsec_" + "0" * 64))
    body = assert_error(response, 401, "invalid_signature")
    assert body["error"]["details"] == {"reason": "mismatch"}
    assert body["request_id"] == response.headers["x-request-id"]


def test_body_altered_after_signing_is_refused(coral_client: TestClient) -> None:
    signed = coral_request(CIVIL)
    altered = coral_request(CIVIL + " Visit www.cheap-pills.biz")
    assert_error(
        post(coral_client, altered, coral_signature(signed, SECRET)), 401, "invalid_signature"
    )
    reformatted = json.dumps(json.loads(signed)).encode()  # same JSON, other bytes
    assert_error(
        post(coral_client, reformatted, coral_signature(signed, SECRET)), 401, "invalid_signature"
    )


def test_missing_signature_is_refused(coral_client: TestClient) -> None:
    body = assert_error(post(coral_client, coral_request(CIVIL), None), 401, "invalid_signature")
    assert body["error"]["details"] == {"reason": "missing"}
    body = assert_error(post(coral_client, coral_request(CIVIL), ""), 401, "invalid_signature")
    assert body["error"]["details"] == {"reason": "missing"}


@pytest.mark.parametrize(
    "header",
    [
        "sha256",
        "sha256=",
        "sha256=not-hex-at-all",
        "sha256=abc123",
        "t=1700000000,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd",
        "{hex}",  # the digest without its sha256= prefix
        "sha1={hex}",
        "sha256={hex}0",  # one digit too many
        "garbage,,,===",
    ],
)
def test_garbled_signature_is_refused(coral_client: TestClient, header: str) -> None:
    payload = coral_request(REJECTED)
    digest = coral_signature(payload, SECRET).removeprefix("sha256=")
    response = post(coral_client, payload, header.format(hex=digest))
    body = assert_error(response, 401, "invalid_signature")
    assert body["error"]["details"] == {"reason": "malformed"}


def test_nothing_is_scored_before_the_signature_is_checked(coral_client: TestClient) -> None:
    """Invalid JSON with a bad signature is a 401, not a 400: the body is never parsed."""
    assert_error(post(coral_client, b"{not json", "sha256=" + "a" * 64), 401, "invalid_signature")


# -- malformed requests (correctly signed) ----------------------------------------------------


def test_signed_invalid_json_is_a_400(coral_client: TestClient) -> None:
    payload = b'{"action": "NEW", "comment": {"body": "hi"'
    assert_error(post(coral_client, payload, coral_signature(payload, SECRET)), 400, "invalid_json")


@pytest.mark.parametrize(
    "request_body",
    [
        {"action": "NEW", "tenantID": "t"},
        {"action": "NEW", "comment": {"parentID": None}},
        {"action": "NEW", "comment": {"body": 42, "parentID": None}},
        [],
    ],
)
def test_signed_request_without_a_comment_body_is_a_422(
    coral_client: TestClient, request_body: Any
) -> None:
    payload = json.dumps(request_body, indent=2).encode()
    response = post(coral_client, payload, coral_signature(payload, SECRET))
    body = assert_error(response, 422, "invalid_input")
    assert all("input" not in d for d in body["error"]["details"])


def test_signed_body_not_sent_as_json_is_a_415(coral_client: TestClient) -> None:
    payload = coral_request(CIVIL)
    response = coral_client.post(
        URL,
        content=payload,
        headers={
            "X-Coral-Signature": coral_signature(payload, SECRET),
            "Content-Type": "text/plain",
        },
    )
    assert_error(response, 415, "unsupported_media_type")


def test_oversized_body_is_a_413_before_anything_else(coral_client: TestClient) -> None:
    payload = coral_request("a" * 600_000)
    response = post(coral_client, payload, coral_signature(payload, SECRET))
    assert_error(response, 413, "payload_too_large")


# -- not configured ---------------------------------------------------------------------------


def test_without_a_secret_every_request_is_refused(tiny_models_dir: Path) -> None:
    with TestClient(create_app(Settings(models_dir=tiny_models_dir))) as client:
        payload = coral_request(REJECTED)
        for signature in (coral_signature(payload, SECRET), None, ""):
            body = assert_error(post(client, payload, signature), 503, "coral_not_configured")
            assert "MODERATION_CORAL_SIGNING_SECRET" in body["error"]["message"]


def test_the_route_is_documented_in_openapi(coral_client: TestClient) -> None:
    spec = coral_client.get("/openapi.json").json()
    operation = spec["paths"][URL]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert "body" in schema["properties"]["comment"]["properties"]
    assert {"200", "204", "401", "503"} <= set(operation["responses"])
    assert any(p["name"] == "x-coral-signature" for p in operation["parameters"])
