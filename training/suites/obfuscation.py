"""Obfuscation suite: recall on harmful comments before and after each perturbation.

The comments are the hand-written `training/eval/harmful.jsonl` and, when the public data is
present, a seeded sample of the positive comments of the model's own test split (rebuilt from
its card: same sources, seed and fractions), so no training comment is measured. A comment is
caught in a category when its score reaches the policy's flag threshold for that category.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from moderation.categories import CATEGORIES
from moderation.scoring import Moderator
from training.suites.perturb import PERTURBATIONS, perturb

EVAL_DIR = Path(__file__).resolve().parents[1] / "eval"
SAMPLE_PER_CATEGORY = 200
SEED = 13


@dataclass(frozen=True)
class Item:
    """One harmful comment and the categories it belongs to."""

    text: str
    categories: tuple[str, ...]
    set: str  # "harmful" (hand-written) or "test" (the model's test split)


def harmful_items(path: Path = EVAL_DIR / "harmful.jsonl") -> list[Item]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [Item(r["text"], tuple(r["categories"]), "harmful") for r in rows]


def test_split_items(
    data_dir: Path, card: dict[str, Any], *, per_category: int = SAMPLE_PER_CATEGORY
) -> list[Item]:
    """A seeded sample of up to `per_category` positive test-split comments per category."""
    from training.splits import card_config, card_sources, prepared_frame
    from training.train import split

    frame = prepared_frame(data_dir, card_sources(card) or None)
    test = frame[split(frame, card_config(card)) == "test"].reset_index(drop=True)
    picked: dict[int, None] = {}  # row index, in order of first pick
    for category in CATEGORIES:
        if category not in test:
            continue
        positives = test.index[test[category] == 1].to_numpy()
        rng = np.random.default_rng(SEED)
        take = rng.choice(positives, size=min(per_category, positives.size), replace=False)
        picked.update(dict.fromkeys(int(i) for i in sorted(take)))
    return [
        Item(
            test.at[i, "text"],
            tuple(c for c in CATEGORIES if c in test and test.at[i, c] == 1),
            "test",
        )
        for i in picked
    ]


def _recall(caught: np.ndarray) -> float | None:
    return round(float(caught.mean()), 4) if caught.size else None


def run(moderator: Moderator, items: list[Item]) -> dict[str, Any]:
    """Per set, category and perturbation: positives, recall before and after at the flag
    threshold, and the share of comments caught before that are still caught after."""
    texts = [item.text for item in items]
    before = moderator.score_texts(texts)
    after = {
        name: moderator.score_texts([perturb(t, name) for t in texts]) for name in PERTURBATIONS
    }
    flags = np.array([moderator.policy.categories[c].flag for c in CATEGORIES])
    report: dict[str, Any] = {"model_version": moderator.model_version, "sets": {}}
    for set_name in sorted({item.set for item in items}):
        rows = np.array([item.set == set_name for item in items])
        labels = np.array([[c in item.categories for c in CATEGORIES] for item in items])
        per_category: dict[str, Any] = {}
        for j, category in enumerate(CATEGORIES):
            mask = rows & labels[:, j]
            if not mask.any():
                continue
            caught = before[mask, j] >= flags[j]
            entry: dict[str, Any] = {"positives": int(mask.sum()), "recall": _recall(caught)}
            for name, scores in after.items():
                still = scores[mask, j] >= flags[j]
                entry[name] = {"recall": _recall(still), "kept": _recall(still[caught])}
            per_category[category] = entry
        report["sets"][set_name] = {"comments": int(rows.sum()), "categories": per_category}
    report["sets"] = {k: report["sets"][k] for k in ("harmful", "test") if k in report["sets"]}
    return report


def run_suite(
    moderator: Moderator, *, data_dir: Path | None, per_category: int = SAMPLE_PER_CATEGORY
) -> dict[str, Any]:
    """The suite on harmful.jsonl plus, with `data_dir`, the model's test-split sample."""
    items = harmful_items()
    if data_dir is not None:
        items += test_split_items(data_dir, moderator.card, per_category=per_category)
    return run(moderator, items)


def headline(report: dict[str, Any]) -> dict[str, float | None]:
    """The issue's target figure per category: the worst perturbation's share of the plain
    recall kept (recall after / recall before), on the test-split sample when there is one."""
    part = report["sets"].get("test") or report["sets"]["harmful"]
    out: dict[str, float | None] = {}
    for category, entry in part["categories"].items():
        plain = entry["recall"]
        ratios = [
            entry[name]["recall"] / plain
            for name in PERTURBATIONS
            if plain and entry[name]["recall"] is not None
        ]
        out[f"kept_{category}"] = round(min(ratios), 4) if ratios else None
    return out


def format_table(report: dict[str, Any]) -> str:
    """Recall before → after per category (rows) and perturbation (columns), per set."""
    names = list(PERTURBATIONS)
    lines = [f"Obfuscation suite, model {report['model_version']}: recall at the flag threshold"]
    for set_name, part in report["sets"].items():
        lines += [
            "",
            f"{set_name} ({part['comments']} comments): plain recall, then recall after each "
            "perturbation (share of caught comments still caught)",
            "| category | n | plain | " + " | ".join(names) + " |",
            "|---|---|---|" + "---|" * len(names),
        ]
        for category, entry in part["categories"].items():
            cells = [_cell(entry[n]) for n in names]
            lines.append(
                f"| {category} | {entry['positives']} | {_pct(entry['recall'])} | "
                + " | ".join(cells)
                + " |"
            )
    return "\n".join(lines)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _cell(entry: dict[str, float | None]) -> str:
    return f"{_pct(entry['recall'])} ({_pct(entry['kept'])})"
