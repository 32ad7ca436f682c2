"""Render a model card (card.json) as Markdown for people: test figures, calibration
(reliability table), identity bias, behaviour sets, data."""

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
        *_report_lines(card.get("report")),
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
    lines += _audit_lines(card.get("audit"))
    lines += _calibration_lines(card.get("calibration"))
    lines += _identity_lines(card.get("identity"))
    lines += _suite_lines(card.get("suites"))
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
    lines += _addition_lines(card)
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


def _audit_lines(audit: dict[str, Any] | None) -> list[str]:
    """The moderators' audit sample (an unbiased sample of allow and reject decisions)."""
    if not audit:
        return []
    lines = [
        "",
        f"## The moderators' audit sample ({audit['rows']} items, held out of training)",
        "",
        "| category | positives | ROC AUC | P@flag | R@flag | P@reject | R@reject |",
        "|---|---|---|---|---|---|---|",
    ]
    for category, m in audit["categories"].items():
        lines.append(
            f"| {category} | {_fmt(m.get('positives'))} | {_fmt(m.get('roc_auc'))} | "
            f"{_fmt(m.get('precision_at_flag'))} | {_fmt(m.get('recall_at_flag'))} | "
            f"{_fmt(m.get('precision_at_reject'))} | {_fmt(m.get('recall_at_reject'))} |"
        )
    return lines


def _report_lines(report: dict[str, Any] | None) -> list[str]:
    """The link to the version's evaluation report (`training/report.py`), when it has one."""
    if not report:
        return []
    against = f"diff against {report['baseline']}" if report["baseline"] else "no baseline"
    return [f"Evaluation report with plots: [{report['file']}]({report['file']}) ({against}).", ""]


def _addition_lines(card: dict[str, Any]) -> list[str]:
    """What training added to the public data: grammar rows, implicit spam negatives, the
    span tagger (cards made before one of them simply lack its line)."""
    lines = ["", "## Added in training", ""]
    for key in ("augmentation", "spam_augmentation"):
        if part := card.get(key):
            lines.append(
                f"- `{part['source']}`: {part['rows']} rows in the training split; {part['how']}."
            )
    if site := card.get("site_labels"):
        files = ", ".join(f"`{f['name']}` ({f['kind']}, {f['rows']} rows)" for f in site["files"])
        lines.append(
            f"- The site's own labels: {site['train_rows']} rows at weight {site['weight']} from "
            f"{files}; {site['audit_rows']} audit items held out; {site['how']}."
        )
    if card.get("spam_negatives"):
        lines.append(f"- Spam labels: {card['spam_negatives']}.")
    tagger = card.get("span_tagger")
    if tagger and "skipped" not in tagger:
        valid = tagger.get("validation", {})
        lines.append(
            f"- Span tagger (evidence words of the toxic categories): logistic regression over "
            f"{tagger['features']} word features, fitted on {tagger['train_posts']} TOXICSPANS "
            f"train posts ({tagger['train_words']} words); threshold "
            f"{_fmt(valid.get('threshold'))} chosen on {valid.get('posts')} validation posts "
            f"(per-post F1 {_fmt(valid.get('post_f1'))} when every post shows its words)."
        )
    elif tagger:
        lines.append(f"- Span tagger: skipped ({tagger['skipped']}).")
    return lines if len(lines) > 3 else []


def _calibration_lines(calibration: dict[str, Any] | None) -> list[str]:
    """ECE per category, then the reliability table: per score bin and category, the mean
    score against the observed positive rate (and the number of test rows in the bin)."""
    if not calibration:
        return []
    cats = [c for c in CATEGORIES if c in calibration["categories"]]
    figures = calibration["categories"]
    lines = [
        "",
        f"## Calibration ({calibration['method']}, fitted on {calibration['fitted_on']}, "
        f"measured on {calibration['measured_on']})",
        "",
        "Expected calibration error (ECE) over ten equal-width score bins, and the largest gap "
        "between mean score and observed rate in a bin of at least 100 test rows. Scores as "
        "served: doxing and spam include the rule-based detectors.",
        "",
        "| | " + " | ".join(cats) + " |",
        "|---|" + "---|" * len(cats),
        "| ECE | " + " | ".join(_fmt(figures[c]["ece"]) for c in cats) + " |",
        "| max gap | " + " | ".join(_fmt(figures[c]["max_gap"]) for c in cats) + " |",
        "",
        "Reliability: mean score / observed rate (rows) per bin.",
        "",
        "| score bin | " + " | ".join(cats) + " |",
        "|---|" + "---|" * len(cats),
    ]
    by_bin: dict[float, dict[str, dict[str, Any]]] = {}
    for c in cats:
        for row in figures[c]["bins"]:
            by_bin.setdefault(row["lo"], {})[c] = row
    for lo in sorted(by_bin):
        cells = []
        for c in cats:
            row = by_bin[lo].get(c)
            cells.append(
                "–"
                if row is None
                else f"{row['mean_score']:.2f} / {row['observed_rate']:.2f} ({row['n']})"
            )
        lines.append(f"| {lo:.1f}–{lo + 0.1:.1f} | " + " | ".join(cells) + " |")
    return lines


def _identity_lines(identity: dict[str, Any] | None) -> list[str]:
    if not identity:
        return []
    lines = ["", "## Identity mentions", ""]
    suite = identity.get("suite")
    if suite:
        h = suite["headline"]
        held = suite["held_out"]
        lines += [
            "Identity suite (templated, `moderation evaluate --suite identity`): false flag rate "
            f"{_fmt(h['false_flag_rate'])} (worst term {_fmt(h['worst_term_false_flag_rate'])}), "
            f"attack recall {_fmt(h['attack_recall'])}, BPSN AUC {_fmt(h['bpsn_auc'])}. "
            f"Terms held out of masking and augmentation ({', '.join(held['terms'])}): false "
            f"flag rate {_fmt(held['false_flag_rate'])}, attack recall {_fmt(held['recall'])}.",
            "",
        ]
    t = identity.get("test_slice")
    if t:
        fpr, recall = t["false_positive_rate"], t["recall"]
        lines += [
            f"Test split, {t['category']}: {t['identity_rows']} of {t['rows']} comments name a "
            f"masked identity (positive rate {_fmt(t['identity_positive_rate'])} against "
            f"{_fmt(t['other_positive_rate'])}). At the flag threshold, false positive rate "
            f"{_fmt(fpr['identity'])} with an identity and {_fmt(fpr['other'])} without; "
            f"recall {_fmt(recall['identity'])} and {_fmt(recall['other'])}. Subgroup AUC "
            f"{_fmt(t['subgroup_auc'])}, BPSN {_fmt(t['bpsn_auc'])}, BNSP {_fmt(t['bnsp_auc'])}.",
        ]
    return lines


def _suite_lines(suites: dict[str, dict[str, Any]] | None) -> list[str]:
    """Headline figures of the evaluation suites (`moderation evaluate --suite NAME`)."""
    if not suites:
        return []
    lines = [
        "",
        "## Evaluation suites (training/suites/, `moderation evaluate --suite all`)",
        "",
        "| suite | figure | value |",
        "|---|---|---|",
    ]
    for name, figures in suites.items():
        lines += [f"| {name} | {figure} | {_fmt(value)} |" for figure, value in figures.items()]
    return lines
