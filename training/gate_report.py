"""The promotion gate as text: one table per part, then PASS or REFUSED with the reasons."""

from __future__ import annotations

from collections.abc import Iterable

from moderation.text_table import aligned, cell
from training.gate import Check, GateResult


def _verdict(checks: Iterable[Check]) -> str:
    """`ok`, `FAIL <figure>...`, or why the figures are not gated."""
    checks = list(checks)
    failed = [c.figure for c in checks if c.passed is False]
    if failed:
        return "FAIL " + ", ".join(failed)
    if any(c.passed for c in checks):
        return "ok"
    reasons = sorted({c.why_not_gated for c in checks if c.why_not_gated})
    return f"not gated ({'; '.join(reasons)})" if reasons else ""


def _labelled_table(checks: list[Check]) -> str:
    """Per category: ROC AUC and recall at the flag threshold, old / new / change."""
    rows = []
    for category in dict.fromkeys(c.category for c in checks if c.category):
        auc, recall = (
            next(c for c in checks if c.category == category and c.figure == figure)
            for figure in ("roc_auc", "recall_at_flag")
        )
        rows.append(
            [
                category,
                str(recall.positives if recall.positives is not None else "–"),
                cell(auc.old),
                cell(auc.new),
                cell(auc.delta, signed=True),
                cell(recall.old),
                cell(recall.new),
                cell(recall.delta, signed=True),
                _verdict([auc, recall]),
            ]
        )
    header = ["category", "positives", "AUC old", "AUC new", "Δ", "recall old", "recall new"]
    return aligned([*header, "Δ", "check"], rows)


def _suite_table(checks: list[Check]) -> str:
    rows = [
        [
            c.part,
            c.figure + (" (lower is better)" if c.figure.endswith("flag_rate") else ""),
            cell(c.old),
            cell(c.new),
            cell(c.delta, signed=True),
            _verdict([c]) if c.kind else "shown",
        ]
        for c in checks
    ]
    return aligned(["suite", "figure", "old", "new", "Δ", "check"], rows)


def format_gate(result: GateResult) -> str:
    margins = result.margins
    lines = [
        f"Gate: candidate {result.candidate} (new) against active {result.active} (old); "
        f"margins: ROC AUC {margins.auc:g}, recall {margins.recall:g}",
    ]
    titles = {
        "test": "Public test split (rebuilt from the candidate's card)",
        "audit": "Moderators' audit sample",
    }
    for part, title in titles.items():
        checks = [c for c in result.checks if c.part == part]
        if checks:
            lines += ["", f"{title}: {result.sizes.get(part, 0)} rows", _labelled_table(checks)]
    suites = [c for c in result.checks if c.part not in titles]
    if suites:
        lines += ["", "Suites (headline figures)", _suite_table(suites)]
    if result.skipped:
        lines += ["", "Skipped:"] + [f"  {part}: {why}" for part, why in result.skipped.items()]
    if result.notes:
        lines += ["", "Notes:"] + [f"  {note}" for note in result.notes]
    lines.append("")
    if result.passed:
        lines.append(f"PASS: {result.gated} checks within the margins")
        return "\n".join(lines)
    if not result.gated:
        lines.append("REFUSED: no figure could be judged (every part skipped or too small)")
        return "\n".join(lines)
    lines.append(f"REFUSED: {len(result.failures)} check(s) past the margins")
    for c in result.failures:
        name = f"{c.part} {c.category + ' ' if c.category else ''}{c.figure}"
        change = f"{c.delta:+.4f}; allowed -{margins.of(c.kind):g}"
        lines.append(f"  {name}: {cell(c.old)} -> {cell(c.new)} ({change})")
    return "\n".join(lines)
