"""Moderators' outcomes as a weighted sample of every moderated comment: what
`moderation policy suggest` tunes thresholds on.

Which comments reach a moderator is not left to chance (`moderation/queue/ingest.py`): every
`flag` enters the queue, a fraction `audit_sample_rate` of `allow` and `reject` decisions
enters as `audit`, and reader reports and appeals bring in what readers and authors pick.
Flags alone hold only the flag band and audit items alone almost none of it (a flagged
comment never becomes an audit item), so neither alone can place both thresholds. Each
decided item instead weighs as many moderated comments as it stands for (Horvitz–Thompson:
one over the chance it had to be in the sample):

- an item that entered as `flag`: weight 1, since every flag enters (whatever model and policy
  were in force then, so a changed policy does not bias the sample);
- one that entered as `audit`: 1 / its `audit_rate`, the rate kept on the item when it entered,
  so changing MODERATION_AUDIT_SAMPLE_RATE later mis-weighs nothing. Items from before the
  rate was kept fall back on `default_rate` (the current setting); the sample counts them;
- one that entered only by a reader report or an appeal: left out. It is an `allow` or
  `reject` decision the audit draw passed over, so its audit-sampled peers already stand for
  it, and readers choose what they report: at any weight it would tilt the sample toward
  what readers dislike. A report that joins a flag or an audit item changes nothing: that
  item was in the sample anyway.

Moderators take the queue by priority, flags (100–199) before audit items (0), so at any time
a larger share of flags than of audit items is decided. On the live queue each kind's decided
items therefore also stand for its open ones (pending or claimed, entered since `--since`):
weight × (decided + open) / decided. That takes decided items as representative of the open
ones of their kind; riskier flags are decided first, so a large backlog still leans the flag
band toward high scores: tune on a period whose queue is worked through. Exported files know
nothing of open items: no such correction, and the sample says so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from moderation.categories import CATEGORIES
from moderation.errors import InvalidInput, ModerationError
from training.data import load_labelled_file
from training.labels import EXPORT_COLUMNS, kinds_of

Stratum = Literal["flag", "audit"]
STRATA: tuple[Stratum, ...] = ("flag", "audit")
EXPORT_KEEP = (*EXPORT_COLUMNS, "comment_id", "audit_rate")


class NoOutcomes(ModerationError):
    """No decided flag or audit item to learn from."""

    status = 422
    code = "no_outcomes"
    exit_code = 1


def stratum_of(kinds: Iterable[str]) -> Stratum | None:
    """How an item came to be in the sample: `flag` (sure to enter, even if it was also
    sampled for audit), `audit`, or None (only reported or appealed: not a sample)."""
    found = set(kinds)
    if "flag" in found:
        return "flag"
    if "audit" in found:
        return "audit"
    return None


def open_by_stratum(open_kinds: Iterable[Sequence[str]]) -> dict[Stratum, int]:
    """Open (pending or claimed) items per stratum, from each item's kinds."""
    counts = Counter(stratum_of(kinds) for kinds in open_kinds)
    return {s: counts.get(s, 0) for s in STRATA}


@dataclass(frozen=True)
class StratumFigures:
    decided: int  # decided items of this kind in the sample
    open: int | None  # still pending or claimed (None: not known, exported files)
    completion: float  # the weight factor (decided + open) / decided, 1 when unknown


@dataclass
class OutcomeSample:
    """Texts, their labels (n × 7: 1, 0, NaN = unknown) and weights, and how they were drawn."""

    texts: list[str]
    labels: np.ndarray
    weights: np.ndarray
    strata: dict[Stratum, StratumFigures]
    left_out: int = 0  # decided items that entered only by a report or an appeal
    default_rate_items: int = 0  # audit items weighted by `default_rate` (no rate kept)
    unweighable: int = 0  # audit items with no rate kept and no default rate to use
    notes: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.texts)

    @property
    def represents(self) -> float:
        """How many moderated comments the sample stands for (the sum of its weights)."""
        return float(self.weights.sum())

    def describe(self) -> dict[str, Any]:
        return {
            "items": self.size,
            "represents": round(self.represents, 1),
            "strata": {
                s: {"decided": f.decided, "open": f.open, "completion": round(f.completion, 4)}
                for s, f in self.strata.items()
            },
            "left_out_reports_and_appeals": self.left_out,
            "audit_items_at_default_rate": self.default_rate_items,
            "audit_items_without_rate": self.unweighable,
            "notes": self.notes,
        }


def build_sample(
    rows: pd.DataFrame, *, default_rate: float, open_items: Mapping[Stratum, int] | None = None
) -> OutcomeSample:
    """The weighted sample from decided items (`text`, the seven categories, `kinds`,
    optionally `audit_rate`); `open_items` per stratum enables the completion correction."""
    strata = [stratum_of(kinds_of(k)) for k in rows["kinds"]] if len(rows) else []
    keep: list[int] = []
    kept: list[Stratum] = []
    inclusion: list[float] = []  # each item's chance to have entered the sample
    default_used = unweighable = 0
    for index, (stratum, rate) in enumerate(zip(strata, _rates(rows), strict=True)):
        if stratum is None:
            continue
        if stratum == "flag":
            rate = 1.0
        elif np.isnan(rate):
            if default_rate <= 0:
                unweighable += 1
                continue
            rate, default_used = default_rate, default_used + 1
        keep.append(index)
        kept.append(stratum)
        inclusion.append(rate)
    figures = _strata(kept, open_items)
    completion = np.array([figures[s].completion for s in kept], dtype=float)
    weights = completion / np.array(inclusion, dtype=float)
    chosen = rows.iloc[keep]
    labels = chosen.reindex(columns=list(CATEGORIES)).to_numpy(dtype=float)
    notes = []
    if open_items is None:
        notes.append("open items unknown (exported files): no completion correction")
    if unweighable:
        notes.append(f"{unweighable} audit items left out: no rate kept, audit sampling is off")
    return OutcomeSample(
        texts=[str(t) for t in chosen["text"]],
        labels=labels.reshape(len(keep), len(CATEGORIES)),
        weights=weights.reshape(len(keep)),
        strata=figures,
        left_out=sum(s is None for s in strata),
        default_rate_items=default_used,
        unweighable=unweighable,
        notes=notes,
    )


def _rates(rows: pd.DataFrame) -> list[float]:
    if "audit_rate" not in rows:
        return [float("nan")] * len(rows)
    rates = []
    for number, value in enumerate(rows["audit_rate"], start=1):
        try:
            rate = float("nan") if pd.isna(value) else float(value)
        except (TypeError, ValueError):
            rate = -1.0
        if not (np.isnan(rate) or 0.0 < rate <= 1.0):
            # A weight of 1/rate: 0 would be infinite, anything else is no sampling rate.
            raise InvalidInput(
                f"row {number}: audit_rate must be a number in (0, 1], got {value!r}",
                details={"row": number, "column": "audit_rate"},
            )
        rates.append(rate)
    return rates


def _strata(
    kept: Sequence[Stratum], open_items: Mapping[Stratum, int] | None
) -> dict[Stratum, StratumFigures]:
    decided = Counter(kept)
    figures = {}
    for stratum in STRATA:
        n = decided.get(stratum, 0)
        still = None if open_items is None else open_items.get(stratum, 0)
        completion = (n + still) / n if n and still else 1.0
        figures[stratum] = StratumFigures(decided=n, open=still, completion=completion)
    return figures


def queue_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Export rows (`moderation.queue.stats.export_rows`) as a frame `build_sample` reads."""
    frame = pd.DataFrame.from_records(list(rows))
    if frame.empty:
        return pd.DataFrame(columns=["text", *CATEGORIES, "kinds", "audit_rate"])
    for category in CATEGORIES:
        frame[category] = pd.to_numeric(frame[category], errors="coerce").astype(float)
    return frame


def read_exports(paths: Sequence[Path | str], *, since_ms: int | None = None) -> pd.DataFrame:
    """Queue exports (`moderation queue export`) as one frame: items decided at or after
    `since_ms`, each comment's latest decision only. A file that is not an export is refused:
    its rows carry no `kinds`, so nothing says what they stand for."""
    frames = []
    for path in paths:
        frame = load_labelled_file(path, keep=EXPORT_KEEP)
        missing = [c for c in EXPORT_COLUMNS if c not in frame.columns]
        if missing:
            raise InvalidInput(
                f"{Path(path).name} is not a queue export (no {', '.join(missing)}): "
                "its rows carry no sampling weight; write one with `moderation queue export`"
            )
        frames.append(frame)
    rows = pd.concat(frames, ignore_index=True)
    try:
        decided = pd.to_datetime(rows["decided_at"], utc=True, format="ISO8601")
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"decided_at must be ISO 8601 date-times: {exc}") from exc
    rows = rows.assign(decided_ms=decided.astype("int64") // 1_000_000)
    if since_ms is not None:
        rows = rows[rows["decided_ms"] >= since_ms]
    rows = rows.sort_values("decided_ms", kind="stable")
    if "comment_id" in rows:
        rows = rows.drop_duplicates("comment_id", keep="last")
    return rows.reset_index(drop=True)
