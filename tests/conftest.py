"""Shared fixtures: a tiny model trained from tests/fixtures (seconds, fixed seed), settings
pointing at it, and an API client whose lifespan runs (`with TestClient(...)`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from click.testing import CliRunner
from fastapi.testclient import TestClient

from moderation.api.app import create_app
from moderation.auth import SCOPES, KeyStore
from moderation.policy import DEFAULT_POLICY_PATH
from moderation.queue import QueueKeys, ReviewQueue
from moderation.queue.connection import connect
from moderation.scoring import Moderator
from moderation.settings import REPO_DIR, Settings, get_settings
from tests.helpers import set_version_files

FIXTURE_DATA = Path(__file__).resolve().parent / "fixtures" / "data"
SHIPPED_MODELS = REPO_DIR / "models"


@pytest.fixture(scope="session")
def fixture_data() -> Path:
    """Tiny hand-written datasets in the real files' formats (tests/fixtures/data/raw/)."""
    return FIXTURE_DATA


@pytest.fixture(scope="session")
def tiny_models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from training.pipeline import run_training
    from training.train import TrainConfig

    models = tmp_path_factory.mktemp("models")
    config = TrainConfig(word_min_df=1, char_min_df=1, progress=False, suites=False)
    run_training(FIXTURE_DATA, models, version="tiny-1", config=config, activate=True)
    # A version is served with its own policy.toml (moderation.model_policy); the tests were
    # written against the packaged default's thresholds, so tiny-1 carries those.
    default = DEFAULT_POLICY_PATH.read_text(encoding="utf-8")
    set_version_files(models, "tiny-1", {"policy.toml": default})
    return models


@pytest.fixture(scope="session")
def registry_models(tiny_models_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tiny-1 (active), tiny-equal (tiny-1's bundle written again: the same figures) and
    tiny-worse (20 word and 20 char features, no augmentation: clearly worse), for the
    registry's tests; copy it before changing ACTIVE."""
    import json
    import shutil

    from moderation.registry import load_bundle, read_card, write_version
    from training.pipeline import run_training
    from training.train import TrainConfig

    models = tmp_path_factory.mktemp("registry")
    shutil.copytree(tiny_models_dir / "tiny-1", models / "tiny-1")
    (models / "ACTIVE").write_text("tiny-1\n", encoding="utf-8")
    bundle, _ = load_bundle(models, "tiny-1")
    card = {**read_card(models, "tiny-1"), "version": "tiny-equal"}
    files = {
        "card.json": json.dumps(card),
        "policy.toml": (models / "tiny-1" / "policy.toml").read_text(encoding="utf-8"),
    }
    write_version(models, "tiny-equal", {**bundle, "version": "tiny-equal"}, files)
    worse = TrainConfig(
        word_min_df=1,
        char_min_df=1,
        word_max_features=20,
        char_max_features=20,
        identity_augmentation=False,
        spam_augmentation=False,
        progress=False,
        suites=False,
    )
    run_training(FIXTURE_DATA, models, version="tiny-worse", config=worse)
    return models


@pytest.fixture
def runner(
    tiny_models_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[CliRunner]:
    """The `moderation` CLI on the tiny model, with its state folder in the test's tmp dir."""
    monkeypatch.setenv("MODERATION_MODELS_DIR", str(tiny_models_dir))
    monkeypatch.setenv("MODERATION_STATE_DIR", str(tmp_path / "state"))  # never the checkout's
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


@pytest.fixture
def settings(tiny_models_dir: Path, tmp_path: Path) -> Settings:
    # Site term lists go to a per-test folder, never into the checkout's var/.
    # Spools and other local state go to the test's folder too, and no comment is sampled
    # for audit unless a test asks for it (sampling is a hash of the random comment id).
    # With no Redis there is no key store: these apps run in development mode. Apps on the
    # real Redis (`queue_settings`) check API keys.
    return Settings(
        models_dir=tiny_models_dir,
        lists_dir=tmp_path / "lists",
        state_dir=tmp_path / "state",
        audit_sample_rate=0.0,
        dev_mode=True,
    )


@pytest.fixture
def tiny_moderator(settings: Settings) -> Moderator:
    return Moderator.load(settings=settings)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def shipped_moderator() -> Moderator:
    """The committed default model with the shipped policy (behavioural tests)."""
    settings = Settings(models_dir=SHIPPED_MODELS, lists_dir=Path("/nonexistent/site-lists"))
    return Moderator.load(settings=settings)


# -- Redis (the review queue): the real server, one key prefix per test ----------------------

TEST_REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The real Redis of the queue tests ($MODERATION_TEST_REDIS_URL, else local 6379)."""
    import os

    import redis

    url = os.environ.get("MODERATION_TEST_REDIS_URL", TEST_REDIS_URL)
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.fail(f"no Redis at {url} ({exc}): redis-server --daemonize yes --save ''")
    finally:
        client.close()
    return url


@pytest.fixture
def redis_prefix(redis_url: str) -> Iterator[str]:
    """A key prefix of this test's own; its keys are deleted afterwards (never FLUSHDB)."""
    import uuid

    import redis

    prefix = f"test-{uuid.uuid4().hex[:12]}"
    yield prefix
    with redis.Redis.from_url(redis_url) as client:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)


@pytest.fixture
def queue_settings(settings: Settings, redis_url: str, redis_prefix: str) -> Settings:
    """Settings on the real Redis under this test's prefix, API keys checked."""
    return settings.model_copy(
        update={"redis_url": redis_url, "redis_prefix": redis_prefix, "dev_mode": False}
    )


@pytest.fixture
def mint_key(redis_url: str, redis_prefix: str) -> Iterator[Callable[..., str]]:
    """Mints real API keys in this test's prefix: `mint_key("moderate", "review")`."""
    client = connect(Settings(redis_url=redis_url, redis_prefix=redis_prefix))
    store = KeyStore(client, redis_prefix)

    def mint(*scopes: str, name: str = "tests") -> str:
        token, _record = store.create(name, frozenset(scopes or SCOPES))
        return token

    yield mint
    client.close()


@pytest.fixture
def auth_headers(mint_key: Callable[..., str]) -> dict[str, str]:
    """`Authorization` for a key holding every scope."""
    return {"Authorization": f"Bearer {mint_key(*SCOPES)}"}


@pytest.fixture
def queue_client(queue_settings: Settings, auth_headers: dict[str, str]) -> Iterator[TestClient]:
    """Like `client`, with the review queue on the real Redis under this test's prefix and
    every request carrying a real API key with every scope."""
    with TestClient(create_app(queue_settings), headers=auth_headers) as test_client:
        yield test_client


@pytest.fixture
def raw(redis_url: str) -> Iterator[redis.Redis]:
    """A plain client on the test Redis (strings, not bytes), to look at keys directly."""
    with redis.Redis.from_url(redis_url, decode_responses=True) as client:
        yield client


@pytest.fixture
def queue(redis_url: str, redis_prefix: str) -> Iterator[ReviewQueue]:
    """The review queue on the real Redis, under this test's key prefix."""
    client = connect(Settings(redis_url=redis_url, redis_prefix=redis_prefix))
    yield ReviewQueue(client, QueueKeys(redis_prefix))
    client.close()
