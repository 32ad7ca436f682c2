"""Perspective's Discovery document, and Google's own Python client library
(google-api-python-client) against the real app under uvicorn, changed only in its discovery
URL; plus the methods not served (`comments:suggestscore`, `batch`)."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from googleapiclient import discovery
from googleapiclient.errors import HttpError

from moderation.api.app import create_app
from moderation.integrations.perspective import ATTRIBUTES
from moderation.integrations.perspective_protocol import (
    AnalyzeCommentRequest,
    AnalyzeCommentResponse,
)
from moderation.settings import REPO_DIR, Settings
from tests.helpers import live_server

DISCOVERY = "/$discovery/rest?version=v1alpha1"
# Perspective's Python sample: its request, sent by its client unchanged.
SAMPLE_REQUEST = {
    "comment": {"text": "friendly greetings from python"},
    "requestedAttributes": {"TOXICITY": {}},
}


def refs(node: Any) -> Iterator[str]:
    """Every `$ref` in a Discovery document (or part of one)."""
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"]
        for value in node.values():
            yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def assert_google_error(response: Any, status: int, google_status: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == status
    assert body["error"]["status"] == google_status
    assert body["error"]["message"]
    return dict(body["error"])


# -- the document ------------------------------------------------------------------------------


def test_discovery_document_describes_analyze(client: TestClient) -> None:
    response = client.get(f"{DISCOVERY}&key=any")  # Google's clients add their key
    assert response.status_code == 200, response.text
    doc = response.json()
    assert (doc["kind"], doc["discoveryVersion"]) == ("discovery#restDescription", "v1")
    assert (doc["name"], doc["version"], doc["id"]) == (
        "commentanalyzer",
        "v1alpha1",
        "commentanalyzer:v1alpha1",
    )
    assert (doc["rootUrl"], doc["servicePath"], doc["batchPath"]) == (
        "http://testserver/",
        "",
        "batch",
    )
    assert "auth" not in doc  # no OAuth: a client without credentials must not look for Google's
    analyze = doc["resources"]["comments"]["methods"]["analyze"]
    assert analyze["httpMethod"] == "POST"
    assert doc["rootUrl"] + doc["servicePath"] + analyze["path"] == (
        "http://testserver/v1alpha1/comments:analyze"
    )
    assert analyze["request"] == {"$ref": "AnalyzeCommentRequest"}
    assert analyze["response"] == {"$ref": "AnalyzeCommentResponse"}
    # Standard parameters apply to every method; `key` is the one Perspective clients send.
    assert doc["parameters"]["key"]["location"] == "query"
    suggest = doc["resources"]["comments"]["methods"]["suggestscore"]
    assert "501 UNIMPLEMENTED" in suggest["description"]


def test_every_ref_resolves_and_schemas_are_ours(client: TestClient) -> None:
    doc = client.get(DISCOVERY).json()
    schemas = doc["schemas"]
    assert set(refs(doc)) <= set(schemas)
    assert all(schema["id"] == name for name, schema in schemas.items())
    assert "$defs" not in json.dumps(doc) and "anyOf" not in json.dumps(doc)
    request = schemas["AnalyzeCommentRequest"]["properties"]
    # The fields our parser reads, under their lowerCamelCase names.
    assert set(request) == {
        field.serialization_alias or name
        for name, field in AnalyzeCommentRequest.model_fields.items()
    }
    assert request["requestedAttributes"]["additionalProperties"] == {"$ref": "AttributeParameters"}
    assert all(name in request["requestedAttributes"]["description"] for name in ATTRIBUTES)
    assert "en" in request["languages"]["description"]  # the served model's languages
    assert schemas["Score"]["properties"]["type"]["enum"] == ["PROBABILITY"]


def test_root_url_follows_the_request(client: TestClient) -> None:
    doc = client.get(DISCOVERY, headers={"host": "comments.example:8443"}).json()
    assert doc["rootUrl"] == "http://comments.example:8443/"
    standard = "/discovery/v1/apis/commentanalyzer/v1alpha1/rest"
    assert client.get(standard).json() == client.get(DISCOVERY).json()


@pytest.mark.parametrize(
    "path",
    [
        "/$discovery/rest?version=v1",
        "/discovery/v1/apis/commentanalyzer/v1/rest",
        "/discovery/v1/apis/youtube/v3/rest",
    ],
)
def test_other_apis_and_versions_are_a_google_404(client: TestClient, path: str) -> None:
    error = assert_google_error(client.get(path), 404, "NOT_FOUND")
    assert "commentanalyzer v1alpha1 only" in error["message"]


def test_real_answers_match_the_documented_response(client: TestClient) -> None:
    body = {
        "comment": {"text": "Nice try, 1d10t 🙄 Call me at 555-867-5309."},
        "languages": ["en"],
        "requestedAttributes": {"TOXICITY": {}, "SPAM": {"scoreThreshold": 1.0}},
        "spanAnnotations": True,
        "clientToken": "c-1",
    }
    answer = client.post("/v1alpha1/comments:analyze", json=body).json()
    AnalyzeCommentResponse.model_validate(answer)  # extra fields forbidden
    del body["spanAnnotations"], body["clientToken"]
    AnalyzeCommentResponse.model_validate(
        client.post("/v1alpha1/comments:analyze", json=body).json()
    )


# -- the methods not served --------------------------------------------------------------------


def test_suggestscore_is_unimplemented_in_googles_shape(client: TestClient) -> None:
    body = {"comment": {"text": "hi"}, "attributeScores": {"TOXICITY": {}}}
    response = client.post("/v1alpha1/comments:suggestscore?key=any", json=body)
    error = assert_google_error(response, 501, "UNIMPLEMENTED")
    assert "score suggestions are not accepted here yet" in error["message"]
    big = client.post("/v1alpha1/comments:suggestscore", content=b"x" * 20_000_000)
    assert_google_error(big, 400, "INVALID_ARGUMENT")  # the body cap, Google-shaped too


def test_batch_is_unimplemented_in_googles_shape(client: TestClient) -> None:
    error = assert_google_error(client.post("/batch", content=b"--x--"), 501, "UNIMPLEMENTED")
    assert error["message"].startswith("Batch requests are not implemented")


# -- Google's Python client, against the app under uvicorn -------------------------------------


@pytest.fixture(scope="module")
def server(tiny_models_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real app under uvicorn on a free loopback port, in a thread; its base URL."""
    settings = Settings(
        models_dir=tiny_models_dir, lists_dir=tmp_path_factory.mktemp("lists"), dev_mode=True
    )
    with live_server(create_app(settings)) as base:
        yield base


def perspective_client(base: str) -> Any:
    """Perspective's Python sample's client, only its discovery URL changed (used in `with`,
    which closes its connections)."""
    return discovery.build(
        "commentanalyzer",
        "v1alpha1",
        developerKey="any",
        discoveryServiceUrl=f"{base}{DISCOVERY}",
        static_discovery=False,
    )


def test_googles_python_client_analyzes(server: str) -> None:
    with perspective_client(server) as client:
        response = client.comments().analyze(body=SAMPLE_REQUEST).execute()
    AnalyzeCommentResponse.model_validate(response)
    score = response["attributeScores"]["TOXICITY"]["summaryScore"]
    assert score["type"] == "PROBABILITY" and 0.0 <= score["value"] <= 1.0
    assert response["languages"] == ["en"]


def test_the_readme_run_of_perspectives_sample_is_true(
    server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's Python block, run as printed but for the port."""
    readme = (REPO_DIR / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    sample = next(b for b in blocks if "discovery.build" in b)
    assert 'discoveryServiceUrl="http://localhost:8799/$discovery/rest' in sample
    namespace: dict[str, Any] = {}
    exec(sample.replace("http://localhost:8799", server), namespace)
    namespace["client"].close()  # the sample leaves its connection open
    printed = json.loads(capsys.readouterr().out)
    AnalyzeCommentResponse.model_validate(printed)
    assert list(printed["attributeScores"]) == ["TOXICITY"]


def test_googles_python_client_gets_perspectives_errors(server: str) -> None:
    body = {**SAMPLE_REQUEST, "languages": ["de"]}
    with perspective_client(server) as client, pytest.raises(HttpError) as caught:
        client.comments().analyze(body=body).execute()
    assert caught.value.resp.status == 400
    error = json.loads(caught.value.content)["error"]
    assert error["status"] == "INVALID_ARGUMENT"
    assert error["message"] == "Attribute TOXICITY does not support request languages: de"
    assert error["details"][0]["errorType"] == "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE"
    with perspective_client(server) as client, pytest.raises(HttpError) as caught:
        client.comments().suggestscore(body={"comment": {"text": "hi"}}).execute()
    assert caught.value.resp.status == 501


def test_googles_python_client_builds_from_the_standard_discovery_path(server: str) -> None:
    """google-api-python-client's own default URL template, pointed at this host."""
    with discovery.build(
        "commentanalyzer",
        "v1alpha1",
        developerKey="any",
        discoveryServiceUrl=f"{server}/discovery/v1/apis/{{api}}/{{apiVersion}}/rest",
    ) as client:
        response = client.comments().analyze(body=SAMPLE_REQUEST).execute()
    assert "TOXICITY" in response["attributeScores"]


def test_root_url_honours_forwarded_proto_from_a_local_proxy(server: str) -> None:
    """uvicorn trusts X-Forwarded-Proto from 127.0.0.1 (FORWARDED_ALLOW_IPS widens that);
    the Host header a proxy passes through is the rest of `rootUrl`."""
    request = urllib.request.Request(
        f"{server}{DISCOVERY}",
        headers={"X-Forwarded-Proto": "https", "Host": "comments.example"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert json.load(response)["rootUrl"] == "https://comments.example/"
