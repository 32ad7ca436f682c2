"""The README is part of the product: its commands and settings table must stay true."""

from __future__ import annotations

import re

from moderation.settings import REPO_DIR, Settings

README = (REPO_DIR / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented() -> None:
    for name in Settings.model_fields:
        assert f"`MODERATION_{name.upper()}`" in README, f"MODERATION_{name.upper()} undocumented"


def test_ci_runs_exactly_the_readme_test_command() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", README, flags=re.S)
    test_command = next(b.strip() for b in blocks if "pytest" in b)
    assert test_command == "pip install -e '.[test]' && python -m pytest"
    ci = (REPO_DIR / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -e '.[test]' && python -m pytest" in ci


def test_quick_start_serves_the_committed_model() -> None:
    assert "pip install -e . && moderation serve --dev" in README
    active = (REPO_DIR / "models" / "ACTIVE").read_text().strip()
    assert (REPO_DIR / "models" / active / "model.joblib").is_file()
