"""Which policy a model version is served with: the site's file, else the version's own
policy.toml (verified like its model), else the packaged default."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from moderation.errors import ModelError, PolicyError
from moderation.model_policy import read_policy, served_policy
from moderation.policy import DEFAULT_POLICY_PATH, load_policy
from moderation.registry import active_version, set_active
from moderation.scoring import Moderator
from moderation.settings import REPO_DIR, Settings
from tests.helpers import POLICY, copy_version, set_version_files

OWN = POLICY.replace('version = "test-ingest"', 'version = "tiny-2-own"')


@pytest.fixture
def models(tiny_models_dir: Path, tmp_path: Path) -> Path:
    """tiny-1 (the packaged default's thresholds) and tiny-2 (its own, `OWN`)."""
    models = tmp_path / "models"
    shutil.copytree(tiny_models_dir, models)
    copy_version(models, "tiny-1", "tiny-2", policy=OWN)
    return models


def test_a_version_is_served_with_its_own_policy(models: Path, tmp_path: Path) -> None:
    settings = Settings(models_dir=models, lists_dir=tmp_path / "lists")
    assert served_policy(settings).version == load_policy(DEFAULT_POLICY_PATH).version
    set_active(models, "tiny-2")
    assert served_policy(settings).version == "tiny-2-own"
    moderator = Moderator.load(settings=settings)
    assert moderator.model_version == "tiny-2"
    assert moderator.policy_version.startswith("tiny-2-own+lists.")


def test_the_sites_policy_file_wins(models: Path, tmp_path: Path) -> None:
    site = tmp_path / "site.toml"
    site.write_text(POLICY, encoding="utf-8")
    set_active(models, "tiny-2")
    settings = Settings(models_dir=models, policy_path=site)
    assert served_policy(settings).version == "test-ingest"


def test_a_pinned_version_brings_its_own_policy(models: Path) -> None:
    settings = Settings(models_dir=models, model_version="tiny-2")
    assert active_version(models) == "tiny-1"
    assert served_policy(settings).version == "tiny-2-own"


def test_a_version_without_a_policy_gets_the_packaged_default(models: Path) -> None:
    manifest = models / "tiny-2" / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"policy.toml"', '"policy.old"'))
    assert read_policy(models, "tiny-2") is None
    settings = Settings(models_dir=models, model_version="tiny-2")
    assert served_policy(settings) == load_policy(DEFAULT_POLICY_PATH)


def test_a_policy_that_differs_from_the_manifest_is_refused(models: Path) -> None:
    with (models / "tiny-2" / "policy.toml").open("a") as handle:
        handle.write("\n[categories.spam]\nflag = 0.01\n")
    with pytest.raises(ModelError, match="does not match the manifest"):
        read_policy(models, "tiny-2")


def test_a_broken_policy_in_a_version_is_a_policy_error(models: Path) -> None:
    set_version_files(models, "tiny-2", {"policy.toml": 'version = "x"\n'})
    with pytest.raises(PolicyError, match=r"tiny-2/policy\.toml is invalid: categories"):
        read_policy(models, "tiny-2")


def test_the_shipped_model_is_served_with_its_own_policy() -> None:
    shipped = REPO_DIR / "models"
    active = active_version(shipped)
    own = read_policy(shipped, active)
    assert own is not None and own.version == active
    assert served_policy(Settings(models_dir=shipped)) == own
