"""Which policy a model version is served with.

The rule, applied at every load (start-up and each hot reload):

1. `MODERATION_POLICY_PATH` when set: the site's own thresholds, read afresh each time, so a
   reload picks up an edit of the file;
2. else the version's own `policy.toml` (the thresholds `moderation train` chose on its
   validation split), verified against the version's manifest like its model and card;
3. else the packaged `moderation/policies/default.toml` (a version written without one).

So a promotion or a rollback brings its thresholds along, unless the site pins its own.
"""

from __future__ import annotations

from pathlib import Path

from moderation.errors import ModelError
from moderation.policy import DEFAULT_POLICY_PATH, Policy, load_policy, parse_policy
from moderation.registry import active_version, read_manifest, verified_bytes
from moderation.settings import Settings

POLICY_FILE = "policy.toml"


def read_policy(models_dir: Path, version: str) -> Policy | None:
    """A version's own policy, verified against its manifest; None when it has none.

    Raises `ModelError` when the file differs from the manifest (or is gone) and
    `PolicyError` when it is no valid policy."""
    manifest = read_manifest(models_dir, version)
    if POLICY_FILE not in manifest["files"]:
        return None
    payload = verified_bytes(models_dir, version, POLICY_FILE, manifest)
    source = models_dir / version / POLICY_FILE
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ModelError(f"{source} is not UTF-8 text: {exc}") from exc
    return parse_policy(text, source=str(source))


def served_policy(
    settings: Settings, *, models_dir: Path | None = None, version: str | None = None
) -> Policy:
    """The policy to serve `version` with (default: the pinned or active version)."""
    if settings.policy_path is not None:
        return load_policy(settings.policy_path)
    models_dir = models_dir or settings.models_dir
    version = version or settings.model_version or active_version(models_dir)
    return own_policy(models_dir, version)


def own_policy(models_dir: Path, version: str) -> Policy:
    """The thresholds `version` was trained with (its verified policy.toml), else the packaged
    default: what comparing two models judges each by, whatever the site serves."""
    return read_policy(models_dir, version) or load_policy(DEFAULT_POLICY_PATH)


def served_policy_file(
    settings: Settings, *, models_dir: Path | None = None, version: str | None = None
) -> Path:
    """The file `served_policy` reads for `version` (for messages and `diff` hints)."""
    if settings.policy_path is not None:
        return settings.policy_path
    models_dir = models_dir or settings.models_dir
    version = version or settings.model_version or active_version(models_dir)
    manifest = read_manifest(models_dir, version)
    if POLICY_FILE in manifest["files"]:
        return models_dir / version / POLICY_FILE
    return DEFAULT_POLICY_PATH
