"""API keys and scopes on the real app and the real Redis: every route in the OpenAPI schema
is walked and proven closed to callers without its scope; keys are minted, stored hashed,
revoked; development mode opens everything and only on loopback."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
from click.testing import CliRunner
from fastapi.testclient import TestClient

from moderation.api.app import create_app
from moderation.auth import SCOPES, KeyStore, KeyVerifier
from moderation.auth.keys import digest
from moderation.cli import main
from moderation.settings import Settings, get_settings
from tests.helpers import assert_error, dead_redis

#: DESIGN.md's endpoint table: the scope each path needs (None: open to anyone).
DESIGN_SCOPES: dict[str, str | None] = {
    "/v1/moderate": "moderate",
    "/v1/moderate/batch": "moderate",
    "/v1/reports": "moderate",
    "/v1/comments/{comment_id}": "moderate",
    "/v1/appeals": "moderate",
    "/v1/queue": "review",
    "/v1/queue/claim": "review",
    "/v1/queue/{item_id}/decision": "review",
    "/v1/queue/{item_id}/release": "review",
    "/v1/queue/stats": "review",
    "/v1/model": "admin",
    "/v1/model/report": "admin",
    "/v1/model/reload": "admin",
    "/v1/lists": "admin",
    "/v1/lists/{name}": "admin",
    "/review": "review",
    "/v1alpha1/comments:analyze": "moderate",
    "/v1alpha1/comments:suggestscore": "moderate",
    "/batch": "moderate",
    # Open: probes, metrics, Perspective's Discovery documents, and Coral's route, which
    # checks Coral's signing secret instead of a key.
    "/healthz": None,
    "/readyz": None,
    "/metrics": None,
    "/$discovery/rest": None,
    "/discovery/v1/apis/{api}/{version}/rest": None,
    "/v1/integrations/coral": None,
}
GOOGLE_SHAPED = {"/v1alpha1/comments:analyze", "/v1alpha1/comments:suggestscore", "/batch"}


def _operations(app_client: TestClient) -> list[tuple[str, str, dict[str, Any]]]:
    schema = app_client.get("/openapi.json").json()
    return [
        (method.upper(), path, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]


def _call(client: TestClient, method: str, path: str, key: str | None) -> Any:
    url = re.sub(r"\{[^}]+\}", "x", path)
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    body = None if method in {"GET", "DELETE"} else {}
    return client.request(method, url, json=body, headers=headers)


def _assert_denied(response: Any, path: str, status: int) -> None:
    if path in GOOGLE_SHAPED:
        assert response.status_code == status, response.text
        google = {401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED"}[status]
        assert response.json()["error"]["status"] == google
        return
    assert_error(response, status, {401: "unauthorized", 403: "forbidden"}[status])
    if status == 401:
        assert response.headers["www-authenticate"].startswith("Bearer")


def test_every_route_in_the_schema_needs_its_scope(
    queue_settings: Settings, mint_key: Callable[..., str]
) -> None:
    keys = {scope: mint_key(scope) for scope in SCOPES}
    others = {scope: mint_key(*(s for s in SCOPES if s != scope)) for scope in SCOPES}
    with TestClient(create_app(queue_settings)) as client:
        operations = _operations(client)
        assert len(operations) >= 20
        for method, path, operation in operations:
            assert path in DESIGN_SCOPES, f"{method} {path} is missing from the scope table"
            needed = DESIGN_SCOPES[path]
            declared = [s for req in operation.get("security", []) for s in req.values()]
            if needed is None:
                assert not declared, f"{method} {path} declares a scope but should be open"
                continue
            assert declared and all(needed in s for s in declared), (method, path, declared)
            _assert_denied(_call(client, method, path, None), path, 401)
            _assert_denied(_call(client, method, path, "mk_aaaaaaaaaaaaaaaa_nope"), path, 401)
            _assert_denied(_call(client, method, path, others[needed]), path, 403)
            allowed = _call(client, method, path, keys[needed])
            assert allowed.status_code not in {401, 403}, (method, path, allowed.text)


def test_open_routes_answer_without_a_key(queue_client: TestClient) -> None:
    anonymous = TestClient(queue_client.app)
    assert anonymous.get("/healthz").status_code == 200
    assert anonymous.get("/readyz").status_code == 200
    assert anonymous.get("/openapi.json").status_code == 200
    assert anonymous.get("/$discovery/rest").status_code == 200


def test_a_forbidden_answer_names_the_missing_scope(
    queue_settings: Settings, mint_key: Callable[..., str]
) -> None:
    key = mint_key("moderate")
    with TestClient(create_app(queue_settings)) as client:
        answer = client.get("/v1/queue", headers={"Authorization": f"Bearer {key}"})
    body = assert_error(answer, 403, "forbidden")
    assert body["error"]["details"] == {"required": ["review"], "key_scopes": ["moderate"]}


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "bearer mk_",
        "Bearer mk_" + "a" * 10_000,
        "Bearer mk_aaaaaaaaaaaaaaaa_" + "\u00e9",
        "Bearer mk_../../etc_passwd",
    ],
)
def test_malformed_authorization_is_a_401(queue_settings: Settings, header: str) -> None:
    with TestClient(create_app(queue_settings)) as client:
        answer = client.post(
            "/v1/moderate",
            json={"text": "hello"},
            headers={"Authorization": header.encode("utf-8")},  # raw bytes, UTF-8 included
        )
    assert_error(answer, 401, "unauthorized")


def test_a_revoked_key_stops_working(
    queue_settings: Settings, mint_key: Callable[..., str], redis_url: str, redis_prefix: str
) -> None:
    settings = queue_settings.model_copy(update={"auth_cache_seconds": 0.0})
    key = mint_key("moderate")
    headers = {"Authorization": f"Bearer {key}"}
    with TestClient(create_app(settings)) as client:
        assert client.post("/v1/moderate", json={"text": "hi"}, headers=headers).status_code == 200
        with redis.Redis.from_url(redis_url) as raw:
            store = KeyStore(raw, redis_prefix)
            [record] = store.list()
            store.revoke(record.key_id)
        answer = client.post("/v1/moderate", json={"text": "hi"}, headers=headers)
    assert_error(answer, 401, "unauthorized")


def test_keys_are_stored_only_as_digests(
    mint_key: Callable[..., str], redis_url: str, redis_prefix: str
) -> None:
    key = mint_key("moderate", "review")
    with redis.Redis.from_url(redis_url, decode_responses=True) as raw:
        stored = [
            (name, raw.type(name), raw.hgetall(name) if raw.type(name) == "hash" else None)
            for name in raw.scan_iter(match=f"{redis_prefix}:{{auth}}:*")
        ]
    assert stored and key not in repr(stored)
    [(_name, _type, record)] = [s for s in stored if s[1] == "hash"]
    assert record["digest"] == digest(key) and record["scopes"] == "moderate,review"


def test_the_perspective_route_takes_the_key_as_a_query_parameter(
    queue_settings: Settings, mint_key: Callable[..., str]
) -> None:
    key = mint_key("moderate")
    body = {"comment": {"text": "you are an idiot"}, "requestedAttributes": {"TOXICITY": {}}}
    with TestClient(create_app(queue_settings)) as client:
        denied = client.post("/v1alpha1/comments:analyze", json=body)
        wrong = client.post("/v1alpha1/comments:analyze?key=mk_nope", json=body)
        allowed = client.post(f"/v1alpha1/comments:analyze?key={key}", json=body)
    assert denied.status_code == 401 and denied.json()["error"]["status"] == "UNAUTHENTICATED"
    assert wrong.status_code == 401
    assert allowed.status_code == 200, allowed.text
    assert "TOXICITY" in allowed.json()["attributeScores"]


def test_development_mode_needs_no_key(settings: Settings) -> None:
    assert settings.dev_mode
    with TestClient(create_app(settings)) as client:
        assert client.post("/v1/moderate", json={"text": "hi"}).status_code == 200
        assert client.get("/v1/model").status_code == 200


def test_without_redis_and_outside_development_mode_keys_cannot_be_checked(
    settings: Settings,
) -> None:
    closed = settings.model_copy(update={"dev_mode": False})
    with TestClient(create_app(closed)) as client:
        answer = client.post(
            "/v1/moderate", json={"text": "hi"}, headers={"Authorization": "Bearer mk_x"}
        )
        missing = client.post("/v1/moderate", json={"text": "hi"})
        shaped = client.post(
            "/v1/moderate",
            json={"text": "hi"},
            headers={"Authorization": f"Bearer mk_{'a' * 16}_{'b' * 43}"},
        )
    assert_error(answer, 401, "unauthorized")  # not one of our keys: no lookup needed
    assert_error(missing, 401, "unauthorized")
    assert_error(shaped, 503, "auth_unavailable")


# -- the verifier when Redis goes away ---------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(redis_url: str, redis_prefix: str) -> Iterator[KeyStore]:
    client = redis.Redis.from_url(redis_url, socket_timeout=1)
    yield KeyStore(client, redis_prefix)
    client.close()


def test_a_known_key_is_admitted_through_a_redis_outage_for_a_while(store: KeyStore) -> None:
    from moderation.auth import AuthUnavailable

    known, _ = store.create("comment-system", frozenset({"moderate"}))
    stranger, _ = store.create("other", frozenset({"moderate"}))
    clock = Clock()
    verifier = KeyVerifier(store, cache_seconds=10, stale_seconds=60, clock=clock)
    assert verifier.verify(known).scopes == {"moderate"}
    # Redis goes away: the same store object now points at a port nothing listens on.
    store.client = dead_redis()
    clock.now += 30  # past the cache, within the stale window
    assert verifier.cached(known) is None
    assert verifier.verify(known).name == "comment-system"
    assert verifier.cached(known) is not None  # Redis known down: no I/O for a while
    with pytest.raises(AuthUnavailable) as refused:
        verifier.verify(stranger)
    assert refused.value.details == {"error": "Redis unreachable"}  # never Redis's address
    clock.now += 60  # past the stale window too
    with pytest.raises(AuthUnavailable):
        verifier.verify(known)


def test_the_cache_never_admits_a_wrong_secret(store: KeyStore) -> None:
    from moderation.auth import Unauthorized

    key, record = store.create("site", frozenset({"moderate"}))
    verifier = KeyVerifier(store, cache_seconds=60)
    verifier.verify(key)
    forged = f"mk_{record.key_id}_{'A' * 43}"
    assert verifier.cached(forged) is None
    with pytest.raises(Unauthorized):
        verifier.verify(forged)


# -- the CLI ------------------------------------------------------------------------------------


@pytest.fixture
def keys_cli(
    redis_url: str, redis_prefix: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[CliRunner]:
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("MODERATION_REDIS_PREFIX", redis_prefix)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_keys_are_created_listed_without_secrets_and_revoked(
    keys_cli: CliRunner, queue_settings: Settings
) -> None:
    created = keys_cli.invoke(
        main, ["keys", "create", "--scopes", "moderate,review", "--name", "cs"]
    )
    assert created.exit_code == 0, created.output
    key = created.stdout.strip()
    assert key.startswith("mk_") and "never shown again" in created.stderr

    listed = keys_cli.invoke(main, ["keys", "list", "--json"])
    assert listed.exit_code == 0 and key not in listed.output
    [shown] = [line for line in listed.stdout.splitlines() if line]
    assert '"scopes": ["moderate", "review"]' in shown and '"revoked_at": null' in shown
    key_id = key.split("_")[1]

    settings = queue_settings.model_copy(update={"auth_cache_seconds": 0.0})
    with TestClient(create_app(settings), headers={"Authorization": f"Bearer {key}"}) as client:
        assert client.get("/v1/queue/stats").status_code == 200
        revoked = keys_cli.invoke(main, ["keys", "revoke", key_id])
        assert revoked.exit_code == 0 and f"revoked {key_id}" in revoked.output
        assert client.get("/v1/queue/stats").status_code == 401
    assert "revoked 20" in keys_cli.invoke(main, ["keys", "list"]).stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scopes", "moderate,superuser", "--name", "x"], "scopes must be some of"),
        (["--scopes", "", "--name", "x"], "scopes must be some of"),
        (["--scopes", "admin", "--name", " "], "name is 1 to 100"),
    ],
)
def test_bad_key_requests_are_refused(keys_cli: CliRunner, args: list[str], message: str) -> None:
    result = keys_cli.invoke(main, ["keys", "create", *args])
    assert result.exit_code == 2 and message in result.stderr


def test_revoking_an_unknown_key_is_an_error(keys_cli: CliRunner) -> None:
    result = keys_cli.invoke(main, ["keys", "revoke", "nosuchkey"])
    assert result.exit_code == 1 and "no API key 'nosuchkey'" in result.stderr


def test_development_mode_refuses_a_public_address(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MODERATION_DEV_MODE", "true")
    result = runner.invoke(main, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "development mode serves without API keys" in result.stderr


def test_an_anonymous_body_is_refused_before_it_is_read(queue_settings: Settings) -> None:
    with TestClient(create_app(queue_settings)) as client:
        malformed = client.post(
            "/v1/moderate/batch",
            content=b'{"items": [' + b"[" * 20 + b"not json",
            headers={"content-type": "application/json"},
        )
        forged = client.post(
            "/v1/moderate",
            content=b"{broken",
            headers={"content-type": "application/json", "Authorization": "Bearer mk_x_y"},
        )
    assert_error(malformed, 401, "unauthorized")  # not 400 invalid_json: never parsed
    assert malformed.headers["x-request-id"]
    assert_error(forged, 401, "unauthorized")


def test_perspectives_rate_limit_answer_is_googles(
    queue_settings: Settings, mint_key: Callable[..., str]
) -> None:
    limited = queue_settings.model_copy(update={"rate_limit_per_key": "1/minute"})
    key = mint_key("moderate")
    body = {"comment": {"text": "hello"}, "requestedAttributes": {"TOXICITY": {}}}
    with TestClient(create_app(limited)) as client:
        first = client.post(f"/v1alpha1/comments:analyze?key={key}", json=body)
        second = client.post(f"/v1alpha1/comments:analyze?key={key}", json=body)
    assert first.status_code == 200
    assert second.status_code == 429 and second.json()["error"]["status"] == "RESOURCE_EXHAUSTED"
    assert int(second.headers["retry-after"]) >= 1


def test_a_key_minted_without_a_name_is_named_by_its_scopes(keys_cli: CliRunner) -> None:
    created = keys_cli.invoke(main, ["keys", "create", "--scopes", "moderate,review"])
    assert created.exit_code == 0, created.output
    listed = keys_cli.invoke(main, ["keys", "list"]).stdout
    assert "moderate+review 20" in listed


def test_an_unknown_key_is_remembered_for_the_cache_interval(store: KeyStore) -> None:
    from moderation.auth import Unauthorized

    clock = Clock()
    verifier = KeyVerifier(store, cache_seconds=10, clock=clock)
    made_up = f"mk_{'q' * 16}_{'s' * 43}"
    with pytest.raises(Unauthorized):
        verifier.verify(made_up)
    # Redis goes away: the made-up key is still refused from memory, not with a 503.
    store.client = dead_redis()
    with pytest.raises(Unauthorized):
        verifier.verify(made_up)
    clock.now += 11
    from moderation.auth import AuthUnavailable

    with pytest.raises(AuthUnavailable):  # forgotten: Redis is asked again, and is down
        verifier.verify(made_up)
