import json
import shutil
from pathlib import Path

import pytest

from moderation.errors import ModelError
from moderation.registry import (
    active_version,
    load_bundle,
    previous_version,
    read_card,
    set_active,
    versions,
)


@pytest.fixture
def registry(tiny_models_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "models"
    shutil.copytree(tiny_models_dir, target)
    return target


def test_loads_the_active_version(registry: Path) -> None:
    bundle, version = load_bundle(registry)
    assert version == active_version(registry) == "tiny-1"
    assert set(bundle["classifiers"]) <= set(bundle["categories"])


def test_refuses_a_tampered_model_file(registry: Path) -> None:
    with (registry / "tiny-1" / "model.joblib").open("ab") as handle:
        handle.write(b"\0")
    with pytest.raises(ModelError, match="does not match the manifest"):
        load_bundle(registry)


def test_refuses_another_sklearn_release(registry: Path) -> None:
    path = registry / "tiny-1" / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["libraries"]["scikit-learn"] = "0.24.2"
    path.write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match=r"scikit-learn 0\.24\.2"):
        load_bundle(registry)


def test_missing_active_pointer_and_unknown_version(registry: Path) -> None:
    (registry / "ACTIVE").unlink()
    with pytest.raises(ModelError, match="no active model"):
        load_bundle(registry)
    with pytest.raises(ModelError, match="not found"):
        set_active(registry, "nope")
    with pytest.raises(ModelError, match="invalid version"):
        load_bundle(registry, "../etc")


def test_refuses_a_broken_manifest_or_card(registry: Path) -> None:
    card = registry / "tiny-1" / "card.json"
    card.write_text(card.read_text() + " ")
    with pytest.raises(ModelError, match="does not match the manifest"):
        read_card(registry, "tiny-1")
    (registry / "tiny-1" / "manifest.json").write_text("[1, 2]")
    with pytest.raises(ModelError, match="no 'files' table"):
        load_bundle(registry)
    with pytest.raises(ModelError, match="invalid version"):
        load_bundle(registry, "tiny-1\n")


def test_versions_are_ordered_by_creation_and_know_their_predecessor(registry: Path) -> None:
    older = registry / "tiny-0"
    shutil.copytree(registry / "tiny-1", older)
    card = json.loads((older / "card.json").read_text())
    card["created"] = "2000-01-01T00:00:00Z"
    (older / "card.json").write_text(json.dumps(card))
    (registry / "not-a-model").mkdir()  # no manifest: not a version

    assert versions(registry) == ["tiny-0", "tiny-1"]
    assert previous_version(registry, "tiny-1") == "tiny-0"
    assert previous_version(registry, "tiny-0") is None
    assert previous_version(registry, "unknown") is None
