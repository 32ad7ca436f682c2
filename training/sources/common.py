"""Shared pieces of the dataset loaders: the output frame, groups, text clean-up and file helpers.

Every loader returns `make_frame(...)`: columns `text`, `source`, `group` and one float column
per category (1.0 positive, 0.0 negative, NaN when the source says nothing about it).
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from moderation.categories import CATEGORIES

NAN = float("nan")
COLUMNS: tuple[str, ...] = ("text", "source", "group", *CATEGORIES)
DROPPED_TEXTS = frozenset({"", "[deleted]", "[removed]"})

LabelValue: TypeAlias = float | np.ndarray | pd.Series | Sequence[float]


def raw_dir(data_dir: Path | str) -> Path:
    """The `raw/` folder of a data directory (or `data_dir` itself when it already is one)."""
    path = Path(data_dir)
    return path / "raw" if (path / "raw").is_dir() else path


def normalise_for_group(text: str) -> str:
    """Lower-cased, whitespace-collapsed text: exact duplicates up to case and spacing agree."""
    return " ".join(text.lower().split())


def text_group(text: str) -> str:
    """A stable group id from the text, so exact duplicates always land in the same split."""
    digest = hashlib.sha1(normalise_for_group(text).encode("utf-8")).hexdigest()
    return f"text:{digest[:20]}"


def join_key(text: str) -> str:
    """A loose key for joining files of one dataset by text: lower-case letters and digits only."""
    return re.sub(r"[\W_]+", "", text.lower())


def clean_text(text: Any) -> str:
    """Strip whitespace and a leading/trailing U+FEFF (byte-order mark / zero-width no-break)."""
    if not isinstance(text, str):
        return ""
    return text.strip().strip("\ufeff").strip()


_HTML_TAG = re.compile(r"</?(?:a|b|i|u|em|strong|span|p|div|br)\b[^<>]*>", re.IGNORECASE)
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)


def strip_html(text: str) -> str:
    """Drop `<br />` and simple inline tags (keeping their inner text), then decode entities."""
    text = _BR.sub(" ", text)
    text = _HTML_TAG.sub("", text)
    return html.unescape(text)


def flag(values: Any) -> np.ndarray:
    """A boolean-ish column (0/1, True/False, "TRUE"/"FALSE") as a float 0/1 array."""
    series = pd.Series(values)
    if series.dtype == object or pd.api.types.is_string_dtype(series):
        lowered = series.astype(str).str.strip().str.lower()
        return lowered.isin(["1", "1.0", "true", "yes"]).to_numpy(dtype=float)
    return (series.fillna(0).astype(float) > 0).to_numpy(dtype=float)


def known_where(condition: Any, value: Any = 1.0) -> np.ndarray:
    """`value` where `condition` holds, NaN elsewhere."""
    return np.where(np.asarray(condition, dtype=bool), value, NAN).astype(float)


def make_frame(
    source: str,
    texts: Sequence[str] | pd.Series,
    labels: Mapping[str, LabelValue],
    *,
    groups: Sequence[Any] | pd.Series | None = None,
    extra: Mapping[str, Sequence[Any] | pd.Series] | None = None,
) -> pd.DataFrame:
    """Assemble a loader's output: clean texts, drop empty ones, add groups and label columns.

    Args:
        source: dataset name, copied into the `source` column.
        texts: raw texts (non-strings become empty and are dropped).
        labels: category -> scalar or per-row values; categories not given are NaN.
        groups: the dataset's natural grouping (prefixed with `source:`); text hashes if None.
        extra: more per-row columns to carry along (kept in line with the rows kept).
    """
    unknown = set(labels) - set(CATEGORIES)
    if unknown:
        raise ValueError(f"unknown categories: {sorted(unknown)}")
    cleaned = [clean_text(t) for t in texts]
    n = len(cleaned)
    data: dict[str, Any] = {"text": cleaned, "source": [source] * n}
    if groups is None:
        data["group"] = [text_group(t) for t in cleaned]
    else:
        data["group"] = [f"{source}:{g}" for g in groups]
    for category in CATEGORIES:
        value = labels.get(category, NAN)
        array = value.to_numpy(dtype=float) if isinstance(value, pd.Series) else value
        data[category] = np.broadcast_to(np.asarray(array, dtype=float), (n,)).copy()
    for name, values in (extra or {}).items():
        data[name] = list(values)
    frame = pd.DataFrame(data, columns=[*COLUMNS, *(extra or {})])
    frame = frame.astype({"text": str, "source": str, "group": str})
    keep = ~frame["text"].str.lower().isin(DROPPED_TEXTS)
    return frame[keep].reset_index(drop=True)


def empty_frame() -> pd.DataFrame:
    """A zero-row frame with the loader columns and dtypes."""
    return make_frame("", [], {})
