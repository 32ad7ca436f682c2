"""The pure parts of the Coral integration: signatures, HTML bodies, the decision mapping and
the signing-secret setting."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from moderation.integrations.coral import (
    InvalidSignature,
    comment_text,
    header_signatures,
    sign,
    signing_secrets,
    to_coral,
    verify_signature,
)
from moderation.schemas import ModerationResult
from moderation.settings import Settings, SettingsError

SECRET = "empsec_" + "ab" * 34
BODY = b'{\n  "action": "NEW"\n}'


def test_sign_is_hmac_sha256_hex_of_the_raw_body() -> None:
    expected = hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest()
    assert sign(BODY, SECRET) == f"sha256={expected}"


def test_header_signatures_keeps_only_well_formed_sha256_values() -> None:
    good = "a" * 64
    header = f"sha256={good}, sha256={'B' * 64},v1={'c' * 64},sha256=xyz,sha256"
    assert header_signatures(header) == [good, "b" * 64]


@pytest.mark.parametrize(
    ("header", "reason"),
    [(None, "missing"), ("  ", "missing"), ("sha256=", "malformed"), ("sha256=zz", "malformed")],
)
def test_verify_refuses_missing_and_garbled_headers(header: str | None, reason: str) -> None:
    with pytest.raises(InvalidSignature) as info:
        verify_signature(BODY, header, [SECRET])
    assert info.value.status == 401
    assert info.value.details == {"reason": reason}


def test_verify_accepts_any_signature_under_any_secret() -> None:
    other = "empsec_" + "cd" * 34
    verify_signature(BODY, f"{sign(BODY, other)},{sign(BODY, SECRET)}", [SECRET])
    verify_signature(BODY, sign(BODY, other), [SECRET, other])
    with pytest.raises(InvalidSignature):
        verify_signature(BODY + b" ", sign(BODY, SECRET), [SECRET])
    with pytest.raises(InvalidSignature):
        verify_signature(BODY, sign(BODY, SECRET), [])


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ("plain words", "plain words"),
        ("<p>one</p><p>two<br>three</p>", "one\ntwo\nthree"),
        ("<b>Tom</b> &amp; <i>Jerry</i> &lt;3", "Tom & Jerry <3"),
        ('<a href="https://x.biz/pills">click</a>', "click (https://x.biz/pills)"),
        ('<a href="https://x.biz">https://x.biz</a>', "https://x.biz"),
        ("<blockquote>quoted</blockquote>reply", "quoted\nreply"),
        ("<p> </p>", ""),
    ],
)
def test_comment_text_turns_coral_html_into_text(body: str, text: str) -> None:
    assert comment_text(body) == text


def _result(decision: str, categories: list[str]) -> ModerationResult:
    action = "reject" if decision == "reject" else "flag"
    return ModerationResult.model_validate(
        {
            "id": "c-1",
            "decision": decision,
            "scores": {},
            "triggered": [
                {"category": c, "score": 0.9, "action": action, "evidence": []} for c in categories
            ],
            "model_version": "m",
            "policy_version": "p",
        }
    )


def test_mapping_allow_flag_reject() -> None:
    assert to_coral(_result("allow", [])) is None
    flagged = to_coral(_result("flag", ["violence", "racism"]))
    assert flagged is not None
    assert flagged.to_json() == {
        "status": "SYSTEM_WITHHELD",
        "actions": [{"actionType": "FLAG", "reason": "COMMENT_DETECTED_TOXIC"}],
    }
    rejected = to_coral(_result("reject", ["spam", "discourtesy"]))
    assert rejected is not None
    assert rejected.to_json() == {
        "status": "REJECTED",
        "actions": [
            {"actionType": "FLAG", "reason": "COMMENT_DETECTED_TOXIC"},
            {"actionType": "FLAG", "reason": "COMMENT_DETECTED_SPAM"},
        ],
    }


def test_secret_setting_splits_on_commas_and_treats_blank_as_unset(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MODERATION_CORAL_SIGNING_SECRET", f" {SECRET} , {SECRET[::-1]} ")
    assert signing_secrets(Settings().coral_signing_secret) == [SECRET, SECRET[::-1]]
    assert SECRET not in repr(Settings())
    monkeypatch.setenv("MODERATION_CORAL_SIGNING_SECRET", "  ")
    assert Settings().coral_signing_secret is None
    assert signing_secrets(None) == []


@pytest.mark.parametrize("value", ["changeme", f"{SECRET},", f"{SECRET},short-one"])
def test_weak_secret_stops_the_service_without_echoing_it(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("MODERATION_CORAL_SIGNING_SECRET", value)
    with pytest.raises(SettingsError) as info:
        Settings()
    assert "MODERATION_CORAL_SIGNING_SECRET" in info.value.message
    assert SECRET not in str(info.value)
    assert "short-one" not in str(info.value)
    assert "changeme" not in str(info.value)
