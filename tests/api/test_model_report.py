"""`GET /v1/model/report`: the served version's evaluation report, verified against its
manifest; 404 for a version without one; `GET /v1/model` says where it is."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from fastapi.testclient import TestClient

from moderation.api.app import create_app
from moderation.registry import load_bundle, set_active, write_version
from moderation.settings import Settings
from tests.helpers import assert_error


def test_the_served_versions_report_is_html(client: TestClient, tiny_models_dir: Path) -> None:
    response = client.get("/v1/model/report")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.content == (tiny_models_dir / "tiny-1" / "report.html").read_bytes()
    assert "script-src" not in response.headers["content-security-policy"]  # none may run
    assert client.get("/v1/model").json()["report_url"] == "/v1/model/report"


def test_a_version_without_a_report_answers_404(settings: Settings, tmp_path: Path) -> None:
    """A version made before reports: its manifest lists no report.html."""
    models = tmp_path / "models"
    source = settings.models_dir / "tiny-1"
    bundle, _ = load_bundle(settings.models_dir, "tiny-1")
    card = json.loads((source / "card.json").read_text())
    del card["report"]
    files = {
        "card.json": json.dumps({**card, "version": "old-1"}),
        "policy.toml": (source / "policy.toml").read_text(),
    }
    write_version(models, "old-1", bundle, files)
    set_active(models, "old-1")
    with TestClient(create_app(settings.model_copy(update={"models_dir": models}))) as client:
        body = assert_error(client.get("/v1/model/report"), 404, "report_not_found")
        assert "old-1" in body["error"]["message"]
        assert client.get("/v1/model").json()["report_url"] is None


def test_a_report_changed_on_disk_is_refused(settings: Settings, tmp_path: Path) -> None:
    models = tmp_path / "models"
    shutil.copytree(settings.models_dir, models)
    with (models / "tiny-1" / "report.html").open("a", encoding="utf-8") as handle:
        handle.write("<p>added after training</p>")
    with TestClient(create_app(settings.model_copy(update={"models_dir": models}))) as client:
        body = assert_error(client.get("/v1/model/report"), 503, "model_unavailable")
        assert "does not match the manifest" in body["error"]["message"]
