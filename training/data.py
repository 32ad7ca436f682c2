"""Training data: loading the public datasets onto the seven categories, the generic
labelled-file loader and the data-source description that goes into the model card.

Every loader returns one row per comment with columns `text`, `source`, `group` (the unit that
must never be split across train/validation/test) and one float column per category: 1.0
positive, 0.0 negative, NaN when the source says nothing about that category. The trainer fits
each category only on rows where it is known. The per-dataset loaders are in `training.sources`
and the registry of datasets (files, licenses, label mappings) in `training.sources.registry`.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm import tqdm

from moderation.categories import CATEGORIES
from moderation.errors import InvalidInput
from moderation.registry import sha256_file
from moderation.settings import Settings
from training.sources.common import COLUMNS, empty_frame, make_frame, raw_dir
from training.sources.lexicon import Lexicon, lexicon_kinds, lexicon_matches, load_lexicon
from training.sources.news import toxic_span_terms
from training.sources.registry import SOURCES, SourceInfo
from training.sources.spam_pii import PiiRecord, PiiSpan, presidio_spans

log = logging.getLogger(__name__)

COMMERCIAL = "commercial"  # special `licenses` value: every source whose license allows it


def select_sources(
    sources: Iterable[str] | None = None, licenses: Iterable[str] | None = None
) -> list[str]:
    """Source names in registry order, filtered by name and by allowed license strings.

    `licenses` may contain `"commercial"`, which admits every source with `commercial_ok`.
    """
    requested = list(SOURCES) if sources is None else list(sources)
    unknown = [n for n in requested if n not in SOURCES]
    if unknown:
        raise InvalidInput(
            f"unknown data source(s): {', '.join(unknown)}", details={"known": list(SOURCES)}
        )
    names = [n for n in SOURCES if n in requested]  # registry order: reproducible concatenation
    if licenses is not None:
        allowed = set(licenses)
        names = [
            n
            for n in names
            if SOURCES[n].license in allowed or (COMMERCIAL in allowed and SOURCES[n].commercial_ok)
        ]
    return names


def missing_files(data_dir: Path | str, name: str) -> list[str]:
    """The files of source `name` that are not under `data_dir/raw`."""
    root = raw_dir(data_dir)
    return [f for f in SOURCES[name].files if not (root / f).is_file()]


def load_all(
    data_dir: Path | str,
    *,
    sources: Iterable[str] | None = None,
    licenses: Iterable[str] | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    """Load and concatenate the chosen sources; a source with missing files is skipped."""
    frames = []
    names = select_sources(sources, licenses)
    for name in tqdm(names, desc="load sources", unit="source", disable=not progress):
        missing = missing_files(data_dir, name)
        if missing:
            log.warning("skipping source %s: missing %s", name, ", ".join(missing))
            continue
        frame = SOURCES[name].loader(data_dir)
        log.info("loaded %s: %d rows", name, len(frame))
        if len(frame):
            frames.append(frame)
    if not frames:
        return empty_frame()
    return pd.concat(frames, ignore_index=True)


def describe_sources(
    data_dir: Path | str, names: Iterable[str], *, frame: pd.DataFrame | None = None
) -> list[dict[str, Any]]:
    """Per source: name, license, files (path, sha256, bytes), rows, positives and known labels.

    Pass the already loaded `frame` (from `load_all`) to count rows without reloading.
    """
    root = raw_dir(data_dir)
    described = []
    for name in select_sources(names):
        info = SOURCES[name]
        rows = frame[frame["source"] == name] if frame is not None else info.loader(data_dir)
        described.append(
            {
                "name": name,
                "license": info.license,
                "commercial_ok": info.commercial_ok,
                "files": [
                    {
                        "path": f"raw/{rel}",
                        "sha256": sha256_file(root / rel),
                        "bytes": (root / rel).stat().st_size,
                    }
                    for rel in info.files
                ],
                "rows": len(rows),
                "positives": {c: int((rows[c] == 1).sum()) for c in CATEGORIES},
                "known": {c: int(rows[c].notna().sum()) for c in CATEGORIES},
            }
        )
    return described


def default_data_dir() -> Path | None:
    """`$MODERATION_DATA_DIR`, else `../shared/data` from the working directory or the repo."""
    configured = Settings().data_dir
    if configured is not None:
        return configured
    for candidate in (
        Path.cwd() / ".." / "shared" / "data",
        Path(__file__).resolve().parents[1] / ".." / "shared" / "data",
    ):
        if candidate.is_dir():
            return candidate.resolve()
    return None


_TRUE = {"1", "1.0", "true", "yes"}
_FALSE = {"0", "0.0", "false", "no"}


def _label_value(value: Any, *, column: str, line: int) -> float:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return math.nan
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float) and value in (0, 1):
        return float(value)
    text = str(value).strip().lower()
    if text in ("", "nan", "null", "none"):
        return math.nan
    if text in _TRUE or text in _FALSE:
        return 1.0 if text in _TRUE else 0.0
    raise InvalidInput(
        f"row {line}: {column} must be 0/1, true/false or blank, got {value!r}",
        details={"row": line, "column": column},
    )


def _read_records(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if suffix in (".jsonl", ".ndjson", ".json"):
        records = []
        with open(path, encoding="utf-8-sig") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InvalidInput(f"line {number}: not JSON ({exc.msg})") from exc
                if not isinstance(record, dict):
                    raise InvalidInput(f"line {number}: expected a JSON object")
                records.append(record)
        return pd.DataFrame.from_records(records)
    raise InvalidInput(f"unsupported file type {path.suffix!r}: use .csv or .jsonl")


def load_labelled_file(
    path: Path | str, *, source: str | None = None, keep: Iterable[str] = ()
) -> pd.DataFrame:
    """A CSV or JSONL file with a `text` column and any of the seven category columns.

    Labels may be 0/1, booleans or blank (unknown). A `group` column, when present, gives the
    split group (prefixed with the source name); otherwise the group is a hash of the text.
    `source` defaults to the file name without extension; `keep` names more columns to carry
    along when the file has them (a queue export's `kinds`, `comment_id`, `decided_at`).
    """
    path = Path(path)
    records = _read_records(path)
    if "text" not in records.columns:
        raise InvalidInput(f"{path.name}: no 'text' column", details={"columns": list(records)})
    present = [c for c in CATEGORIES if c in records.columns]
    if not present:
        raise InvalidInput(
            f"{path.name}: no category column (expected any of {', '.join(CATEGORIES)})"
        )
    labels: dict[str, list[float]] = {
        c: [_label_value(v, column=c, line=i) for i, v in enumerate(records[c], start=1)]
        for c in present
    }
    texts = records["text"].map(lambda t: t if isinstance(t, str) else "")
    groups = records["group"].astype(str) if "group" in records.columns else None
    extra = {c: records[c] for c in keep if c in records.columns}
    return make_frame(source or path.stem, texts, labels, groups=groups, extra=extra)


__all__ = [
    "COLUMNS",
    "COMMERCIAL",
    "SOURCES",
    "Lexicon",
    "PiiRecord",
    "PiiSpan",
    "SourceInfo",
    "default_data_dir",
    "describe_sources",
    "lexicon_kinds",
    "lexicon_matches",
    "load_all",
    "load_labelled_file",
    "load_lexicon",
    "missing_files",
    "presidio_spans",
    "select_sources",
    "toxic_span_terms",
]
