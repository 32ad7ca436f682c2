"""`moderation models list` as text: the versions, their figures, licenses and history."""

from __future__ import annotations

from typing import Any

from moderation.categories import CATEGORIES
from moderation.registry_summary import KEY_SUITE_FIGURES, size_text
from moderation.text_table import aligned, cell


def version_tables(entries: list[dict[str, Any]]) -> str:
    """Overview, test ROC AUC per category, key suite figures, and the license sets."""
    readable = [e for e in entries if "error" not in e]
    overview = [
        [
            e["version"],
            "*" if e["active"] else "",
            str(e.get("created") or "–"),
            cell(e.get("mean_roc_auc")),
            f"{e['train_rows']:,}" if e.get("train_rows") is not None else "–",
            str(len(e.get("licenses", []))),
            "yes" if e["report_html"] else "no",
            size_text(e["bytes"]),
            e.get("error", ""),
        ]
        for e in entries
    ]
    header = ["version", "active", "created", "mean AUC", "train rows", "licenses", "report.html"]
    parts = [aligned([*header, "size", ""], overview)]
    if readable:
        aucs = [[e["version"], *(cell(e["roc_auc"][c]) for c in CATEGORIES)] for e in readable]
        parts += ["", "Test ROC AUC (from each card)", aligned(["version", *CATEGORIES], aucs)]
        names = [f"{suite}.{figure}" for suite, figure in KEY_SUITE_FIGURES]
        figures = [[e["version"], *(cell(e["suites"].get(n)) for n in names)] for e in readable]
        if any(e["suites"].get(n) is not None for e in readable for n in names):
            parts += ["", "Suite figures (from each card)", aligned(["version", *names], figures)]
        license_sets: dict[tuple[str, ...], list[str]] = {}
        for e in readable:
            license_sets.setdefault(tuple(e["licenses"]), []).append(e["version"])
        parts += ["", "Licenses of the training data:"]
        for licenses, owners in license_sets.items():
            parts.append(f"  {', '.join(owners)}: {'; '.join(licenses) or 'none recorded'}")
    return "\n".join(parts)


def history_lines(records: list[dict[str, Any]]) -> list[str]:
    """One line per promotion or rollback: when, what, who, forced, why, the gate's verdict."""
    lines = []
    for r in records:
        gate = r.get("gate")
        if gate:
            failures = gate.get("failures", 0)
            failed = (
                f"gate refused: {failures} checks failed" if failures else "gate judged nothing"
            )
            verdict = "gate passed" if gate.get("passed") else failed
        else:
            verdict = "no gate"
        forced = " FORCED" if r.get("forced") else ""
        why = f' "{r["reason"]}"' if r.get("reason") else ""
        lines.append(
            f"  {r.get('at')}  {r.get('action')} {r.get('from')} -> {r.get('to')}  "
            f"by {r.get('by')}{forced}{why}  ({verdict})"
        )
    return lines
