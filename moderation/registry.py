"""Model versions on disk: one immutable folder per version plus an `ACTIVE` pointer.

```
models/
  ACTIVE                      # the served version's name
  <version>/model.joblib      # the scikit-learn bundle (joblib = pickle: verified before loading)
  <version>/manifest.json     # sha256 of every file + library versions it was built with
  <version>/card.json, card.md
  <version>/report.html       # the evaluation report (training/report.py), in newer versions
```
"""

from __future__ import annotations

import hashlib
import io
import json
import platform
import re
from pathlib import Path
from typing import Any

import joblib
import numpy
import scipy
import sklearn

from moderation.errors import ModelError

ACTIVE_FILE = "ACTIVE"
MODEL_FILE = "model.joblib"
MANIFEST_FILE = "manifest.json"
REPORT_FILE = "report.html"
VERSION_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")  # used with fullmatch


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "joblib": joblib.__version__,
        # The training grammars draw names, cities and handles from Faker: its version decides
        # their rows (absent where only serving is installed).
        "faker": _version_of("faker"),
    }


def _version_of(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def active_version(models_dir: Path) -> str:
    pointer = models_dir / ACTIVE_FILE
    try:
        version = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError as exc:
        raise ModelError(
            f"no active model: {pointer} is missing (train one with `moderation train`)"
        ) from exc
    if not VERSION_RE.fullmatch(version):
        raise ModelError(f"{pointer} names an invalid version: {version!r}")
    return version


def versions(models_dir: Path) -> list[str]:
    """The versions on disk (folders with a manifest), oldest first by their card's `created`
    time, then by name."""
    found: list[tuple[str, str]] = []
    for folder in models_dir.iterdir() if models_dir.is_dir() else ():
        if not (VERSION_RE.fullmatch(folder.name) and (folder / MANIFEST_FILE).is_file()):
            continue
        try:
            created = str(json.loads((folder / "card.json").read_text("utf-8")).get("created", ""))
        except (OSError, ValueError):
            created = ""
        found.append((created, folder.name))
    return [name for _, name in sorted(found)]


def previous_version(models_dir: Path, version: str) -> str | None:
    """The version created just before `version` (what a rollback would return to)."""
    ordered = versions(models_dir)
    if version not in ordered:
        return None
    at = ordered.index(version)
    return ordered[at - 1] if at > 0 else None


def set_active(models_dir: Path, version: str) -> None:
    if not (models_dir / version / MANIFEST_FILE).is_file():
        raise ModelError(f"model version {version!r} not found in {models_dir}")
    tmp = models_dir / f".{ACTIVE_FILE}.tmp"
    tmp.write_text(version + "\n", encoding="utf-8")
    tmp.replace(models_dir / ACTIVE_FILE)


def write_version(
    models_dir: Path, version: str, bundle: dict[str, Any], files: dict[str, str]
) -> Path:
    """Write a new immutable version: the bundle, extra text `files` and the manifest."""
    if not VERSION_RE.fullmatch(version):
        raise ModelError(f"invalid version name {version!r}")
    target = models_dir / version
    if target.exists():
        raise ModelError(f"model version {version!r} already exists in {models_dir}")
    target.mkdir(parents=True)
    joblib.dump(bundle, target / MODEL_FILE, compress=("zlib", 6))
    for name, content in files.items():
        (target / name).write_text(content, encoding="utf-8")
    names = [MODEL_FILE, *sorted(files)]
    manifest = {
        "version": version,
        "files": {name: sha256_file(target / name) for name in names},
        "libraries": library_versions(),
    }
    (target / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return target


def read_manifest(models_dir: Path, version: str) -> dict[str, Any]:
    path = models_dir / version / MANIFEST_FILE
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ModelError(f"model version {version!r} has no manifest at {path}") from exc
    except json.JSONDecodeError as exc:
        raise ModelError(f"manifest {path} is not valid JSON: {exc}") from exc
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise ModelError(f"manifest {path} has no 'files' table")
    return manifest


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def load_bundle(models_dir: Path, version: str | None = None) -> tuple[dict[str, Any], str]:
    """Verify and load a version's bundle; returns (bundle, version).

    Refuses a file whose sha256 differs from the manifest (joblib loading runs code) and a
    bundle pickled by another scikit-learn minor release (its objects may not unpickle right).
    """
    version = version or active_version(models_dir)
    if not VERSION_RE.fullmatch(version):
        raise ModelError(f"invalid version name {version!r}")
    manifest = read_manifest(models_dir, version)
    path = models_dir / version / MODEL_FILE
    # Hash the very bytes we unpickle: no window between the check and the load.
    payload = verified_bytes(models_dir, version, MODEL_FILE, manifest)
    built = str(manifest.get("libraries", {}).get("scikit-learn", ""))
    if _minor(built) != _minor(sklearn.__version__):
        raise ModelError(
            f"model {version!r} was built with scikit-learn {built}, this environment has "
            f"{sklearn.__version__}; install scikit-learn=={built} or retrain"
        )
    bundle: dict[str, Any] = joblib.load(io.BytesIO(payload))
    if not isinstance(bundle, dict) or "classifiers" not in bundle:
        raise ModelError(f"{path} does not hold a moderation model bundle")
    return bundle, version


def verified_bytes(
    models_dir: Path, version: str, name: str, manifest: dict[str, Any] | None = None
) -> bytes:
    """A version's file, refused unless its sha256 matches the manifest."""
    manifest = manifest or read_manifest(models_dir, version)
    path = models_dir / version / name
    expected = manifest["files"].get(name)
    try:
        payload = path.read_bytes()
    except FileNotFoundError as exc:
        raise ModelError(f"model file missing: {path}") from exc
    actual = hashlib.sha256(payload).hexdigest()
    if actual != expected:
        raise ModelError(
            f"refusing to load {path}: sha256 {actual} does not match the manifest ({expected})"
        )
    return payload


def read_card(models_dir: Path, version: str) -> dict[str, Any]:
    """The version's model card, verified like the model (empty when the version has none)."""
    manifest = read_manifest(models_dir, version)
    if "card.json" not in manifest["files"]:
        return {}
    try:
        card: dict[str, Any] = json.loads(verified_bytes(models_dir, version, "card.json"))
    except json.JSONDecodeError as exc:
        raise ModelError(f"model card of {version!r} is not valid JSON: {exc}") from exc
    return card


def read_report(models_dir: Path, version: str) -> bytes | None:
    """The version's evaluation report (HTML), verified like the model; None when the version
    has none (made before reports, or trained with `TrainConfig.report` off)."""
    manifest = read_manifest(models_dir, version)
    if REPORT_FILE not in manifest["files"]:
        return None
    return verified_bytes(models_dir, version, REPORT_FILE, manifest)
