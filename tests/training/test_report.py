"""The evaluation report (`training/report.py`): written by training beside the card and hashed
by the manifest, self-contained HTML with one plot per expected figure, a diff against the
version that was active, and every string from the data escaped."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from moderation.categories import CATEGORIES
from moderation.policy import load_policy
from moderation.registry import read_card, read_report
from tests.conftest import FIXTURE_DATA
from training.report import Baseline, render_report, score_baseline

VOID = {"meta", "img", "br", "hr", "link", "input"}
INLINE = {"strong", "b", "i", "em", "a", "code", "span"}  # no space around their text
MAX_BYTES = 1_000_000


class Page(HTMLParser):
    """The page's images (alt → src), text, and whether every element that opens closes."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.images: dict[str, str] = {}
        self.tags: list[str] = []
        self.open: list[str] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag not in INLINE:
            self.text.append(" ")
        if tag == "img":
            found = dict(attrs)
            self.images[str(found["alt"])] = str(found["src"])
        elif tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open.pop() == tag, f"</{tag}> closes nothing open"

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    @property
    def words(self) -> str:
        return " ".join("".join(self.text).split())


def expected_images(card: dict[str, Any]) -> set[str]:
    """Per category with test labels a calibration plot, plus PR and ROC with both classes."""
    out = set()
    for category, m in card["test"]["categories"].items():
        if m["n"]:
            out.add(f"{category}: calibration")
        if 0 < m["positives"] < m["n"]:
            out |= {f"{category}: precision-recall", f"{category}: ROC"}
    return out


def parse(html: str) -> Page:
    page = Page(html)
    assert not page.open, f"unclosed elements: {page.open}"
    assert "script" not in page.tags
    assert all(src.startswith("data:image/png;base64,") for src in page.images.values())
    return page


def test_training_writes_a_report_the_manifest_hashes(tiny_models_dir: Path) -> None:
    card = read_card(tiny_models_dir, "tiny-1")
    assert card["report"] == {"file": "report.html", "baseline": None}
    report = read_report(tiny_models_dir, "tiny-1")  # verified against the manifest
    assert report is not None and len(report) < MAX_BYTES
    page = parse(report.decode("utf-8"))
    assert set(page.images) == expected_images(card)
    assert "No comparison with a previous version: no active model" in page.words
    assert "[report.html](report.html)" in (tiny_models_dir / "tiny-1" / "card.md").read_text()


def test_a_second_version_is_compared_with_the_active_one(
    tiny_models_dir: Path, tmp_path: Path
) -> None:
    from training.pipeline import run_training
    from training.train import TrainConfig

    models = tmp_path / "models"
    shutil.copytree(tiny_models_dir, models)
    # No grammar rows: the report needs a second model, not a good one (seconds, not ten).
    config = TrainConfig(
        word_min_df=1,
        char_min_df=1,
        progress=False,
        suites=False,
        c=0.5,
        identity_augmentation=False,
        spam_augmentation=False,
    )
    card = run_training(FIXTURE_DATA, models, version="tiny-2", config=config)
    assert card["report"] == {"file": "report.html", "baseline": "tiny-1"}
    assert "(diff against tiny-1)" in (models / "tiny-2" / "card.md").read_text()
    report = read_report(models, "tiny-2")
    assert report is not None and len(report) < MAX_BYTES
    page = parse(report.decode("utf-8"))
    assert set(page.images) == expected_images(card)
    assert "Compared with tiny-1, the active version when this one was trained" in page.words
    # The diff table: a row per category and figure, both versions' thresholds.
    new, old = (
        load_policy(models / v / "policy.toml").categories["vulgarity"]
        for v in ("tiny-2", "tiny-1")
    )
    assert (
        f"vulgarity thresholds (flag / reject) {new.flag:.3f} / {new.reject:.3f} "
        f"{old.flag:.3f} / {old.reject:.3f}"
    ) in page.words
    assert "ROC AUC tiny-1" in page.words  # the per-source table's baseline column
    assert page.words.count("recall at flag") >= len(card["test"]["categories"])


def test_a_baseline_that_cannot_load_is_named_with_the_reason(
    tiny_models_dir: Path, tmp_path: Path
) -> None:
    assert score_baseline(tmp_path / "empty", ["hi"]).problem is not None
    models = tmp_path / "models"
    shutil.copytree(tiny_models_dir, models)
    with (models / "tiny-1" / "model.joblib").open("ab") as handle:
        handle.write(b"tampered")
    baseline = score_baseline(models, ["hi"])
    assert baseline.version == "tiny-1" and baseline.scores is None
    assert baseline.problem and "cannot be loaded" in baseline.problem
    assert "does not match the manifest" in baseline.problem


def test_every_string_from_the_data_is_escaped(tiny_models_dir: Path) -> None:
    hostile = '<script>alert("x")</script>'
    card = read_card(tiny_models_dir, "tiny-1")
    card = {
        **card,
        "version": 'v1"><img src=x onerror=alert(1)>',
        "sources": [{**card["sources"][0], "name": hostile}],
        "suites": {hostile: {"<b>figure</b>": 0.5}},
    }
    rng = np.random.default_rng(3)
    rows = 40
    test = pd.DataFrame({"text": ["a comment"] * rows, "source": hostile})
    for category in CATEGORIES:
        test[category] = rng.integers(0, 2, rows).astype(float)
    scores = rng.random((rows, len(CATEGORIES)))
    policy = load_policy(tiny_models_dir / "tiny-1" / "policy.toml")
    baseline = Baseline(None, problem=f"no active model: {hostile}")
    html = render_report(card, test, scores, policy, baseline)
    page = parse(html)
    assert hostile not in html and "<b>" not in html and "<img src=x" not in html
    assert hostile in page.words  # shown as text, not markup
    assert len(page.images) == 3 * len(CATEGORIES)  # both classes everywhere: three plots each
