"""Render a model card (card.json) as Markdown for people."""

from __future__ import annotations

from typing import Any

from moderation.categories import CATEGORIES


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def render_card(card: dict[str, Any]) -> str:
    test = card["test"]
    lines = [
        f"# Model card: {card['version']}",
        "",
        f"Created {card['created']}. {card['model']}.",
        "",
        "## Test figures (held-out split, scores as served: model + detectors)",
        "",
        f"Mean ROC AUC over categories with test data: **{_fmt(test.get('mean_roc_auc'))}**.",
        "",
        "| category | test rows | positives | ROC AUC | avg precision | flag at | P@flag | "
        "R@flag | reject at | P@reject | R@reject |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for category in CATEGORIES:
        m = test["categories"].get(category, {})
        t = card["thresholds"][category]
        lines.append(
            f"| {category} | {_fmt(m.get('n'))} | {_fmt(m.get('positives'))} | "
            f"{_fmt(m.get('roc_auc'))} | {_fmt(m.get('average_precision'))} | "
            f"{_fmt(t['flag'])} | {_fmt(m.get('precision_at_flag'))} | "
            f"{_fmt(m.get('recall_at_flag'))} | {_fmt(t['reject'])} | "
            f"{_fmt(m.get('precision_at_reject'))} | {_fmt(m.get('recall_at_reject'))} |"
        )
    lines += ["", "## Hand-written behaviour sets (training/eval/)", ""]
    for name, result in card.get("handwritten", {}).items():
        d = result["decisions"]
        lines.append(
            f"- `{name}` ({result['n']} comments): allow {d['allow']}, flag {d['flag']}, "
            f"reject {d['reject']}"
        )
        for miss in result.get("not_allowed", []):
            lines.append(f"  - {miss['decision']} {miss['categories']}: “{miss['text']}”")
    lines += [
        "",
        "## Doxing",
        "",
        card["doxing"]["how"],
        "",
        "## Data",
        "",
        f"Splits after deduplication: {card['splits']}. Licenses in this model's data: "
        f"{', '.join(card['licenses'])}.",
        "",
        "| source | license | rows | " + " | ".join(CATEGORIES) + " | files (sha256) |",
        "|---|---|---|" + "---|" * len(CATEGORIES) + "---|",
    ]
    for src in card["sources"]:
        pos = src.get("positives", {})
        files = "<br>".join(f"`{f['path']}` {f['sha256'][:16]}" for f in src.get("files", []))
        lines.append(
            f"| {src['name']} | {src['license']} | {src['rows']} | "
            + " | ".join(_fmt(pos.get(c)) for c in CATEGORIES)
            + f" | {files} |"
        )
    lines += ["", "## Label mapping", ""]
    for name, text in card["label_mapping"].items():
        lines += [f"- **{name}**: {text}"]
    lines += ["", "## Per-source test ROC AUC", ""]
    lines += ["| source | " + " | ".join(CATEGORIES) + " |", "|---|" + "---|" * len(CATEGORIES)]
    for source, cats in test.get("by_source", {}).items():
        lines.append(
            f"| {source} | "
            + " | ".join(_fmt(cats.get(c, {}).get("roc_auc")) for c in CATEGORIES)
            + " |"
        )
    libs = ", ".join(f"{k} {v}" for k, v in card["libraries"].items())
    lines += ["", f"Libraries: {libs}. Training took {card['train_seconds']} s.", ""]
    return "\n".join(lines)
