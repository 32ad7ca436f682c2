"""The site's own labels (`training.labels`): queue exports and labelled files, the audit
sample held out, and training on them (`moderation train --labels`)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from moderation.categories import CATEGORIES
from moderation.errors import InvalidInput
from training.labels import SITE_LICENSE, load_label_file, load_site_labels, prefer_site_labels

FIXTURE_DATA = Path(__file__).resolve().parents[1] / "fixtures" / "data"


def export_row(
    text: str, *, comment: str, outcome: str, labels: tuple[str, ...] = (), at: str, kinds: str
) -> dict[str, Any]:
    """A row as `moderation queue export` writes it (moderation/queue/stats.py export_row)."""
    if outcome == "reject" and not labels:
        columns: dict[str, int | None] = dict.fromkeys(CATEGORIES)
    else:
        columns = {c: int(outcome == "reject" and c in labels) for c in CATEGORIES}
    return {
        "text": text,
        **columns,
        "source": "moderation_queue",
        "item_id": f"ri_{comment}_{at}",
        "comment_id": comment,
        "outcome": outcome,
        "moderator": "maria",
        "decided_at": at,
        "kinds": kinds.split(","),
    }


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def export(tmp_path: Path) -> Path:
    return write_jsonl(
        tmp_path / "export.jsonl",
        [
            export_row(
                "you absolute muppet",
                comment="c1",
                outcome="reject",
                labels=("discourtesy",),
                at="2026-11-28T01:00:00+00:00",
                kinds="flag",
            ),
            # The same comment re-decided later (an appeal): the later decision counts.
            export_row(
                "you absolute muppet",
                comment="c1",
                outcome="approve",
                at="2026-11-28T02:00:00+00:00",
                kinds="flag,report",
            ),
            export_row(
                "Thanks for the clear reporting.",
                comment="c2",
                outcome="approve",
                at="2026-11-28T01:30:00+00:00",
                kinds="audit",
            ),
            export_row(
                "Buy followers now at cheapfollowers dot biz",
                comment="c3",
                outcome="reject",
                labels=("spam",),
                at="2026-11-28T01:40:00+00:00",
                kinds="audit",
            ),
            export_row(
                "something the moderator rejected without saying why",
                comment="c4",
                outcome="reject",
                at="2026-11-28T01:50:00+00:00",
                kinds="report",
            ),
        ],
    )


def test_export_keeps_the_latest_decision_per_comment_and_splits_off_audit(export: Path) -> None:
    site = load_site_labels([export], weight=3.0)
    assert sorted(site.audit["text"]) == [
        "Buy followers now at cheapfollowers dot biz",
        "Thanks for the clear reporting.",
    ]
    muppet = site.train[site.train["text"] == "you absolute muppet"]
    assert len(muppet) == 1 and muppet["discourtesy"].iat[0] == 0.0  # approved on appeal
    unlabelled = site.train[site.train["text"].str.startswith("something")].iloc[0]
    assert all(math.isnan(unlabelled[c]) for c in CATEGORIES)  # reject without labels: unknown
    assert (site.train["weight"] == 3.0).all()
    assert site.audit.loc[site.audit["text"].str.startswith("Buy"), "spam"].iat[0] == 1.0
    assert set(site.train["group"]) == {"site:comment:c1", "site:comment:c4"}
    [described] = site.files
    assert described["kind"] == "queue export"
    assert (described["rows"], described["audit_rows"]) == (4, 2)


def test_a_generic_file_trains_and_never_audits(tmp_path: Path) -> None:
    path = tmp_path / "ours.csv"
    path.write_text("text,spam,racism\nWin a free phone today,1,\nGood match report,0,0\n")
    frame, export = load_label_file(path)
    assert not export and not frame["audit"].any()
    assert frame["source"].unique().tolist() == ["site:ours"]
    assert math.isnan(frame.loc[0, "racism"]) and frame.loc[1, "racism"] == 0.0


def test_a_training_row_repeating_an_audit_text_is_dropped(export: Path, tmp_path: Path) -> None:
    """An audit comment's text must not train, or the evaluation sample leaks into training."""
    extra = tmp_path / "extra.jsonl"
    write_jsonl(extra, [{"text": "THANKS for the  cl3ar reporting.", "spam": 0}])
    site = load_site_labels([export, extra], weight=1.0)
    assert not site.train["text"].str.lower().str.startswith("thanks").any()


def test_site_labels_replace_public_labels_of_the_same_text(export: Path) -> None:
    public = pd.DataFrame(
        {
            "text": ["You absolute MUPPET", "An unrelated comment"],
            "source": "olid",
            "group": ["g1", "g2"],
            **{c: [1.0, 0.0] for c in CATEGORIES},
        }
    )
    kept = prefer_site_labels(public, load_site_labels([export], weight=1.0))
    assert kept["text"].tolist() == ["An unrelated comment"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"text": "hi"}\n', "no category column"),
        ('{"spam": 1}\n', "no 'text' column"),
        ("not json\n", "line 1: not JSON"),
        ('{"text": "hi", "spam": "maybe"}\n', "spam must be 0/1"),
    ],
)
def test_bad_files_say_what_is_wrong(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content)
    with pytest.raises(InvalidInput, match=message):
        load_site_labels([path], weight=1.0)


def test_missing_file_and_bad_weight(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="not found"):
        load_site_labels([tmp_path / "nope.jsonl"], weight=1.0)
    with pytest.raises(InvalidInput, match="positive"):
        load_site_labels([], weight=0)


def test_training_with_site_labels(export: Path, tmp_path: Path) -> None:
    """The rows train at their weight, the audit sample is scored, the card says both."""
    from training.pipeline import run_training
    from training.train import TrainConfig

    config = TrainConfig(
        word_min_df=1,
        char_min_df=1,
        progress=False,
        suites=False,
        identity_augmentation=False,
        spam_augmentation=False,
        site_label_weight=4.0,
    )
    card = run_training(
        FIXTURE_DATA, tmp_path / "models", version="site-1", config=config, labels=[export]
    )
    site = card["site_labels"]
    assert (site["train_rows"], site["audit_rows"], site["weight"]) == (2, 2, 4.0)
    hashes = site["text_hashes"]  # digests, not texts: the gate drops these rows
    assert (len(hashes["train"]), len(hashes["audit"])) == (2, 2)
    assert "you absolute muppet" not in json.dumps(site)
    assert SITE_LICENSE in card["licenses"]
    assert card["audit"]["rows"] == 2
    assert set(card["audit"]["categories"]) == set(CATEGORIES)
    assert card["audit"]["categories"]["spam"]["positives"] == 1
    markdown = (tmp_path / "models" / "site-1" / "card.md").read_text()
    assert "The moderators' audit sample (2 items" in markdown
    assert "`export.jsonl` (queue export, 4 rows)" in markdown


def test_a_comment_redecided_in_a_later_export_keeps_that_decision(tmp_path: Path) -> None:
    """Appeals land in later exports: the latest decision wins across files, and rows of a
    hand-made export without comment ids stand for their texts rather than collapsing."""
    november = write_jsonl(
        tmp_path / "nov.jsonl",
        [
            export_row(
                "you absolute muppet",
                comment="c1",
                outcome="reject",
                labels=("discourtesy",),
                at="2026-11-20T10:00:00+00:00",
                kinds="flag",
            )
        ],
    )
    december = write_jsonl(
        tmp_path / "dec.jsonl",
        [
            export_row(
                "you absolute muppet",
                comment="c1",
                outcome="approve",
                at="2026-12-02T10:00:00+00:00",
                kinds="flag,appeal",
            ),
            *(
                {**export_row(text, comment="", outcome="approve", at="2026-12-01", kinds="flag")}
                for text in ("first unlabelled-id comment", "second unlabelled-id comment")
            ),
        ],
    )
    site = load_site_labels([december, november], weight=1.0)
    muppet = site.train[site.train["text"] == "you absolute muppet"]
    assert len(muppet) == 1 and muppet["discourtesy"].iat[0] == 0.0
    assert len(site.train) == 3
