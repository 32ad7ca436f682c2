"""The style gate runs with the suite, so CI fails on a lint error like on a failing test."""

import shutil
import subprocess

import pytest

from moderation.settings import REPO_DIR


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is not installed")
@pytest.mark.parametrize("command", [["ruff", "check", "."], ["ruff", "format", "--check", "."]])
def test_ruff_is_clean(command: list[str]) -> None:
    result = subprocess.run(command, cwd=REPO_DIR, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
