"""Hostile input through the HTTP API: every request gets a 4xx in the error shape, or a 200
where the input is legitimately valid; never a 500, never a lost batch item."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from moderation.api.app import create_app
from moderation.categories import CATEGORIES
from moderation.settings import Settings
from tests.helpers import assert_error

JSON = {"content-type": "application/json"}
SIZE = 10_000


def _fill(unit: str, size: int = SIZE) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _post(client: TestClient, body: bytes, path: str = "/v1/moderate") -> object:
    return client.post(path, content=body, headers=JSON)


# (what, body, status, code): raw bodies to POST /v1/moderate.
REFUSED = [
    ("no body", b"", 422, "invalid_input"),
    ("whitespace-only body", b"  \n\t ", 400, "invalid_json"),
    ("malformed JSON", b'{"text": "hi"', 400, "invalid_json"),
    ("trailing garbage", b'{"text": "hi"} x', 400, "invalid_json"),
    ("single quotes", b"{'text': 'hi'}", 400, "invalid_json"),
    ("bytes that are not UTF-8", b'{"text": "\xff\xfe"}', 400, "invalid_json"),
    ("raw NUL byte in a string", b'{"text": "a\x00b"}', 400, "invalid_json"),
    ("raw control character in a string", b'{"text": "a\x07b"}', 400, "invalid_json"),
    ("integer of 5,000 digits", b'{"text": "hi", "id": ' + b"9" * 5000 + b"}", 400, "invalid_json"),
    ("JSON null", b"null", 422, "invalid_input"),
    ("array for object", b'["hi"]', 422, "invalid_input"),
    ("number for text", b'{"text": 42}', 422, "invalid_input"),
    ("NaN for text", b'{"text": NaN}', 422, "invalid_input"),
    ("1e999999 for text", b'{"text": 1e999999}', 422, "invalid_input"),
    ("list for text", b'{"text": ["hi"]}', 422, "invalid_input"),
    ("object for context", b'{"text": "hi", "context": "a-7"}', 422, "invalid_input"),
    ("empty text", b'{"text": ""}', 422, "empty_text"),
    ("whitespace-only text", b'{"text": "  \\n\\t\\u00a0 "}', 422, "empty_text"),
    ("zero-width-only text", b'{"text": "' + b"\\u200b" * 500 + b'"}', 422, "empty_text"),
    ("NUL-only text", b'{"text": "\\u0000\\u0000"}', 422, "empty_text"),
    ("text over the limit", json.dumps({"text": "a" * (SIZE + 1)}).encode(), 422, "text_too_long"),
    ("lone surrogate in text", b'{"text": "you id\\ud800iot"}', 422, "invalid_input"),
    ("lone low surrogate in text", b'{"text": "\\udfff"}', 422, "invalid_input"),
    ("lone surrogate in id", b'{"text": "hi", "id": "\\ud800"}', 422, "invalid_input"),
    ("lone surrogate, author", b'{"text": "hi", "author_id": "\\ud800"}', 422, "invalid_input"),
    ("surrogate, context", b'{"text": "hi", "context": {"url": "\\ud800"}}', 422, "invalid_input"),
    ("unknown field", b'{"text": "hi", "html": "<b>"}', 422, "invalid_input"),
    ("100,000 nested arrays", b"[" * 100_000, 400, "json_too_deep"),
    ("20,000 nested objects", b'{"a":' * 20_000, 400, "json_too_deep"),
    ("deep text value", b'{"text": ' + b"[" * 9_999 + b"]" * 9_999 + b"}", 400, "json_too_deep"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("body", "status", "code"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED]
)
def test_refused_bodies_get_a_4xx_in_the_error_shape(
    client: TestClient, body: bytes, status: int, code: str
) -> None:
    response = _post(client, body)
    assert_error(response, status, code)
    assert response.json()["request_id"] == response.headers["x-request-id"]


# Hostile but legitimate comments: each is scored.
SCORED = {
    "10,000 emoji": _fill("😀🤬👍🏽👨‍👩‍👧🔥"),
    "10,000 combining marks on one letter": "a" + "\u0301" * (SIZE - 1),
    "10,000 of one character": "a" * SIZE,
    "zero-width characters between letters": _fill("i\u200bd\u200bi\u200bo\u200bt\u200b "),
    "10,000-char leetspeak token": _fill("1d10+5h!7@55h0l3|\\/|0r0n"),
    "RTL/LTR overrides": _fill("\u202eloot\u202c \u202dkill\u202c \u2067שלום\u2069 "),
    "10,000-char URL": ("https://example.com/" + _fill("ab/c?d=e&"))[:SIZE],
    "NUL and control characters inside": "you \u0000idiot\u0007 \u001b[31mred\u001b[0m \x7f",
    "a surrogate pair": "hi \U0001f600",
    "brackets in the text": "[" * 5000 + "]" * 5000,
}


@pytest.mark.parametrize("text", list(SCORED.values()), ids=list(SCORED))
def test_hostile_but_valid_text_is_scored(client: TestClient, text: str) -> None:
    response = client.post("/v1/moderate", json={"id": "c-1", "text": text})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == "c-1" and body["decision"] in {"allow", "flag", "reject"}
    assert list(body["scores"]) == list(CATEGORIES)
    for item in body["triggered"]:
        for ev in item["evidence"]:
            assert text[ev["start"] : ev["end"]] == ev["text"]


def test_a_batch_of_hostile_comments_answers_every_item_in_order(client: TestClient) -> None:
    texts = list(SCORED.values())
    items = [{"id": f"c{k}", "text": texts[k % len(texts)][:2000]} for k in range(256)]
    response = client.post("/v1/moderate/batch", json={"items": items})
    assert response.status_code == 200, response.text
    assert [r["id"] for r in response.json()["results"]] == [i["id"] for i in items]


def test_huge_batches_are_refused_whole(client: TestClient) -> None:
    huge = {"items": [{"text": "hi"}] * 100_000}  # 1.5 MB: under the body cap
    body = assert_error(client.post("/v1/moderate/batch", json=huge), 422, "batch_too_large")
    assert body["error"]["details"] == {"items": 100_000, "limit": 256}
    bad_item = {"items": [{"text": "fine"}] * 200 + [{"text": "\ud800"}]}
    raw = json.dumps(bad_item).encode()  # json.dumps escapes the surrogate as \\ud800
    body = assert_error(_post(client, raw, "/v1/moderate/batch"), 422, "invalid_input")
    assert body["error"]["details"]["index"] == 200
    over = {"items": [{"text": "x" * 9_000}] * 1_000}  # 9 MB: over the 8 MiB cap
    assert_error(client.post("/v1/moderate/batch", json=over), 413, "payload_too_large")


@pytest.mark.parametrize(("depth", "code"), [(32, "invalid_input"), (33, "json_too_deep")])
def test_nesting_is_refused_just_past_the_limit(client: TestClient, depth: int, code: str) -> None:
    # `{"text": "hi", "context": {"a": {"a": ...}}}` is `depth` levels deep in all.
    nested = b'{"text": "hi", "context": ' + b'{"a": ' * (depth - 1) + b"1" + b"}" * depth
    assert_error(_post(client, nested), 422 if code == "invalid_input" else 400, code)


def test_nesting_limit_comes_from_settings(settings: Settings) -> None:
    with TestClient(create_app(settings.model_copy(update={"max_json_depth": 2}))) as client:
        body = assert_error(
            client.post("/v1/moderate/batch", json={"items": [{}]}), 400, "json_too_deep"
        )
        assert body["error"]["details"] == {"limit_depth": 2}
        assert client.post("/v1/moderate", json={"text": "[[[{{{"}).status_code == 200


def test_every_route_refuses_deep_bodies(client: TestClient) -> None:
    deep = b"[" * 50_000
    deep_objects = b'{"items": [' + b'{"a": ' * 100_000
    assert_error(_post(client, deep_objects, "/v1/moderate/batch"), 400, "json_too_deep")
    for path in ("/v1/moderate/batch", "/v1/reports", "/v1/appeals", "/v1/queue/claim"):
        assert_error(_post(client, deep, path), 400, "json_too_deep")
    # Perspective's route answers in Google's shape, as it does for every error.
    response = _post(client, deep, "/v1alpha1/comments:analyze")
    assert response.status_code == 400
    assert response.json()["error"]["status"] == "INVALID_ARGUMENT"


def test_oversized_headers_are_a_431(client: TestClient) -> None:
    big = {"X-Padding": "a" * 40_000}
    body = assert_error(
        client.post("/v1/moderate", json={"text": "hi"}, headers=big), 431, "headers_too_large"
    )
    assert body["error"]["details"] == {"limit_bytes": 32_768}
    many = {f"X-H{k}": "v" * 20 for k in range(2_000)}
    assert_error(client.get("/healthz", headers=many), 431, "headers_too_large")
    fine = {"X-Padding": "a" * 8_000}
    assert client.post("/v1/moderate", json={"text": "hi"}, headers=fine).status_code == 200


def test_a_hostile_request_id_is_replaced(client: TestClient) -> None:
    for given in ("x" * 5_000, "a b", "../../etc", "<script>"):
        response = client.post("/v1/moderate", json={"text": "hi"}, headers={"X-Request-ID": given})
        assert response.status_code == 200
        assert response.headers["x-request-id"] != given


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("DELETE", "/v1/moderate", "POST"),
        ("GET", "/v1/moderate/batch", "POST"),
        ("POST", "/v1/lists/site-deny", "DELETE, GET, PUT"),
        ("HEAD", "/healthz", "GET"),
    ],
)
def test_a_405_names_every_method_the_path_serves(
    client: TestClient, method: str, path: str, allow: str
) -> None:
    answer = client.request(method, path)
    assert answer.status_code == 405 and answer.headers["allow"] == allow
