"""The site's own labelled data: generic CSV/JSONL files and the review queue's export.

Two kinds of file, told apart by their columns:

- a **generic labelled file**: `text` plus any of the seven category columns (0/1, true/false,
  blank = unknown), and optionally `group` (rows of one group never straddle splits);
- a **queue export** (`moderation queue export`): the same columns plus `kinds`, `outcome`,
  `moderator`, `decided_at`, `comment_id`. Its rows with `audit` among their kinds are the
  unbiased sample the queue drew from plain `allow`/`reject` decisions: they are never trained
  on and become the moderators' evaluation sample (`SiteLabels.audit`). The others (flags and
  reader reports) are a biased sample of hard cases, good to learn from, not to measure with.

A comment decided twice (re-opened, appealed) keeps its latest decision. Every row gets the
configured `weight` for training; `prefer_site_labels` then lets the site's label of a text
replace the public datasets' label of the same normalised text, which is what deduplication
across sources means here: the site's standard wins over a stranger's annotation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from moderation.categories import CATEGORIES
from moderation.errors import InvalidInput
from moderation.normalize import normalize
from moderation.registry import sha256_file
from training.data import load_labelled_file
from training.sources.common import text_group

AUDIT_KIND = "audit"
EXPORT_COLUMNS = ("kinds", "outcome", "decided_at")
EXTRA_COLUMNS = (*EXPORT_COLUMNS, "comment_id")
SITE_LICENSE = "site-owned (the site's own moderators and files)"


@dataclass
class SiteLabels:
    """Rows to train on (loader columns + `weight`), the audit sample, and what was read."""

    train: pd.DataFrame
    audit: pd.DataFrame
    files: list[dict[str, Any]] = field(default_factory=list)


def kinds_of(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, str):
        return [k for k in value.replace(";", ",").split(",") if k]
    return []


def load_label_file(path: Path | str) -> tuple[pd.DataFrame, bool]:
    """One file as loader rows plus `audit`, `decided_at` and `comment` columns; also whether
    it is a queue export. A generic file's rows have no comment key (each row stands alone;
    its `group` column, if any, groups them); `load_site_labels` keeps one row per comment."""
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(f"labels file not found: {path}")
    frame = load_labelled_file(path, source=f"site:{path.stem}", keep=EXTRA_COLUMNS)
    export = all(column in frame.columns for column in EXPORT_COLUMNS)
    if not export:
        frame = frame.drop(columns=[c for c in frame.columns if c in EXTRA_COLUMNS])
        return frame.assign(audit=False, decided_at="", comment=None), False
    frame["audit"] = [AUDIT_KIND in kinds_of(k) for k in frame["kinds"]]
    ids = frame["comment_id"] if "comment_id" in frame.columns else pd.Series([None] * len(frame))
    # A row without a comment id stands for its text: two such rows of one text are one comment.
    frame["comment"] = [
        str(c) if isinstance(c, str) and c.strip() else text_group(t)
        for c, t in zip(ids, frame["text"], strict=True)
    ]
    frame["group"] = "site:comment:" + frame["comment"]
    frame["decided_at"] = frame["decided_at"].astype(str)
    return frame.drop(columns=[c for c in ("kinds", "outcome", "comment_id") if c in frame]), True


def _latest_per_comment(rows: pd.DataFrame) -> pd.DataFrame:
    """Each exported comment's latest decision, across every file (a re-decision after an
    appeal may sit in a later export); rows without a comment key all stay."""
    keyed = rows[rows["comment"].notna()].sort_values("decided_at", kind="stable")
    keyed = keyed.drop_duplicates("comment", keep="last")
    rows = pd.concat([keyed, rows[rows["comment"].isna()]]).sort_index()
    return rows.drop(columns=["comment", "decided_at"])


def load_site_labels(paths: Sequence[Path | str], *, weight: float) -> SiteLabels:
    """Read every file; split off the audit sample; drop training rows that repeat an audit
    comment's text (else the evaluation sample would leak into training)."""
    if weight <= 0:
        raise InvalidInput(f"labels weight must be positive, got {weight}")
    frames, files = [], []
    for path in paths:
        frame, export = load_label_file(path)
        files.append(
            {
                "path": str(path),
                "name": Path(path).name,
                "sha256": sha256_file(Path(path)),
                "kind": "queue export" if export else "labelled file",
                "rows": int(frame["comment"].nunique()) if export else len(frame),
                "audit_rows": int(frame["audit"].sum()),
                "positives": {c: int((frame[c] == 1).sum()) for c in CATEGORIES},
            }
        )
        frames.append(frame)
    if not frames:
        empty = pd.DataFrame(columns=["text", "source", "group", *CATEGORIES, "audit", "weight"])
        return SiteLabels(train=empty, audit=empty.drop(columns="weight"), files=files)
    rows = _latest_per_comment(pd.concat(frames, ignore_index=True))
    rows["norm"] = [normalize(t) for t in rows["text"]]
    audit = rows[rows["audit"]].drop_duplicates("norm", keep="last")
    train = rows[~rows["audit"] & ~rows["norm"].isin(set(audit["norm"]))]
    train = train.assign(weight=float(weight))
    return SiteLabels(
        train=train.drop(columns=["norm", "audit"]).reset_index(drop=True),
        audit=audit.drop(columns=["norm", "audit"]).reset_index(drop=True),
        files=files,
    )


def prefer_site_labels(public: pd.DataFrame, site: SiteLabels) -> pd.DataFrame:
    """The public rows less those whose normalised text the site has labelled or audits."""
    site_texts = set(site.train["text"]).union(site.audit["text"])
    if not site_texts:
        return public
    taken = {normalize(t) for t in site_texts}
    keep = [normalize(t) not in taken for t in public["text"]]
    return public[keep].reset_index(drop=True)


def norm_hash(norm: str) -> str:
    """A short stable digest of a normalised text, for the card's lists of the site texts a
    version trained on or held out (the texts themselves stay out of the card)."""
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:16]


def text_hash(text: str) -> str:
    """`norm_hash` of a raw comment."""
    return norm_hash(normalize(text))


def site_text_hashes(card: dict[str, Any], part: str) -> set[str]:
    """The digests a card records for its site rows: `part` is "train" or "audit"."""
    return set((card.get("site_labels") or {}).get("text_hashes", {}).get(part, []))


def describe_site_labels(site: SiteLabels, *, weight: float) -> dict[str, Any]:
    """The model card's entry for the site's data, with digests of its texts: the gate drops
    them from the public test split it rebuilds (training dropped those public rows) and from
    the audit sample it measures on (a text this version trained on says nothing of it)."""
    return {
        "license": SITE_LICENSE,
        "weight": weight,
        "train_rows": len(site.train),
        "audit_rows": len(site.audit),
        "text_hashes": {
            "train": sorted({text_hash(t) for t in site.train["text"]}),
            "audit": sorted({text_hash(t) for t in site.audit["text"]}),
        },
        "files": site.files,
        "how": "rows labelled by the site (queue exports and labelled files) join the training "
        "split only, weighted as configured, and replace any public row with the same "
        "normalised text; audit items are held out as the moderators' evaluation sample",
    }


def audit_sample(paths: Iterable[Path | str]) -> pd.DataFrame:
    """Just the audit rows of queue exports (the regression gate's sample; `policy suggest`
    weighs flags in too, `training.outcomes`): loader columns, latest decision per comment."""
    return load_site_labels(list(paths), weight=1.0).audit
