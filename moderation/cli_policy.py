"""`moderation policy suggest`: per-category thresholds from moderators' outcomes, written as
a new policy file for review. It never activates anything.

The sample and its weights are `training.outcomes`'s, the thresholds `training.thresholds`'s;
`training` is imported inside the command (pandas loads only when it runs).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from moderation.cli_common import cli_queue, errors_to_exit, load_moderator, parse_since
from moderation.errors import InvalidInput
from moderation.model_policy import served_policy, served_policy_file
from moderation.policy import Policy, policy_toml

if TYPE_CHECKING:
    from moderation.settings import Settings
    from training.outcomes import OutcomeSample
    from training.thresholds import CategorySuggestion, Targets

VERSION_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,127}")
SUGGESTED = "+suggested."


def default_version(current: str, now: datetime) -> str:
    """`<current>+suggested.<UTC time>`; a suggestion from a suggestion replaces the suffix."""
    return f"{current.split(SUGGESTED)[0]}{SUGGESTED}{now:%Y%m%dT%H%M%SZ}"


@click.group()
def policy() -> None:
    """The policy's thresholds: suggest new ones from moderators' outcomes."""


@policy.command()
@click.option("--model", default=None, help="Score with this model version (default: active).")
@click.option(
    "--labels",
    "label_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Queue exports (`moderation queue export`) instead of the live queue (repeatable).",
)
@click.option("--since", default=None, help="Only items decided at or after this ISO date.")
@click.option(
    "--target-precision",
    type=click.FloatRange(0.0, 1.0, min_open=True),
    default=0.9,
    show_default=True,
    help="Precision the reject threshold must reach on the sample.",
)
@click.option(
    "--target-recall",
    type=click.FloatRange(0.0, 1.0, min_open=True),
    default=0.8,
    show_default=True,
    help="Share of the positives the flag threshold must catch.",
)
@click.option(
    "--min-positives",
    type=click.IntRange(1),
    default=10,
    show_default=True,
    help="Fewer positive outcomes in a category keep its thresholds.",
)
@click.option(
    "--version",
    "version",
    default=None,
    help="Policy version of the new file (default: the served one's + '+suggested.<UTC time>').",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write it (default: <state_dir>/policies/<version>.toml); never overwritten.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@errors_to_exit
def suggest(
    model: str | None,
    label_files: tuple[Path, ...],
    since: str | None,
    target_precision: float,
    target_recall: float,
    min_positives: int,
    version: str | None,
    out: Path | None,
    as_json: bool,
) -> None:
    """Suggest flag/reject thresholds per category from decided flag and audit items
    (weighted to stand for all moderated comments), rescored with the model to serve, and
    write them as a new policy file. Nothing is activated."""
    from moderation.settings import get_settings
    from training.thresholds import Targets, suggest_policy, suggested_policy

    settings = get_settings()
    moderator = load_moderator(model)
    # The policy served with the model that scores the sample: the thresholds a site would
    # replace (its own MODERATION_POLICY_PATH, else that version's policy.toml).
    current = served_policy(settings, version=moderator.model_version)
    current_path = served_policy_file(settings, version=moderator.model_version)
    version = version or default_version(current.version, datetime.now(UTC))
    if not VERSION_RE.fullmatch(version):
        raise InvalidInput(f"invalid version {version!r}: letters, digits, '.', '_', '+', '-'")
    out = out or settings.state_dir / "policies" / f"{version}.toml"
    _refuse_existing(out)
    targets = Targets(
        reject_precision=target_precision, flag_recall=target_recall, min_positives=min_positives
    )
    sample = _sample(label_files, since_ms=parse_since(since), settings=settings)
    scores = moderator.score_texts(sample.texts)
    found = suggest_policy(sample.labels, scores, sample.weights, current=current, targets=targets)
    description = (
        f"Suggested by `moderation policy suggest` from {sample.size} moderator outcomes "
        f"(standing for {sample.represents:.0f} moderated comments), scored by model "
        f"{moderator.model_version}; targets: reject precision {targets.reject_precision:g}, "
        f"flag recall {targets.flag_recall:g}, at least {targets.min_positives} positives; "
        f"from policy {current.version}."
    )
    new = suggested_policy(current, found, version=version, description=description)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("x", encoding="utf-8") as handle:  # "x": never over another file
        handle.write(policy_toml(new, header=_header(found, out)))
    if as_json:
        report = _report(new, current, current_path, moderator.model_version, sample, targets)
        report["categories"] = [s.to_json() for s in found]
        click.echo(json.dumps({**report, "file": str(out), "active": False}, indent=2))
        return
    _print(found, sample, moderator.model_version, current_path, out)


def _refuse_existing(out: Path) -> None:
    if out.exists():
        raise InvalidInput(f"{out} exists: suggest never overwrites a policy (--out, --version)")


def _sample(
    label_files: tuple[Path, ...], *, since_ms: int | None, settings: Settings
) -> OutcomeSample:
    """The weighted sample from the exports given, else from the live queue."""
    from training.outcomes import (
        NoOutcomes,
        build_sample,
        open_by_stratum,
        queue_frame,
        read_exports,
    )

    if label_files:
        rows, open_items = read_exports(label_files, since_ms=since_ms), None
        where = ", ".join(p.name for p in label_files)
    else:
        from moderation.queue.stats import export_rows, open_kinds

        with cli_queue() as queue:
            rows = queue_frame(export_rows(queue, since_ms=since_ms))
            open_items = open_by_stratum(open_kinds(queue, since_ms=since_ms))
        where = "the review queue"
    sample = build_sample(rows, default_rate=settings.audit_sample_rate, open_items=open_items)
    if sample.size == 0:
        raise NoOutcomes(
            f"no decided flag or audit item in {where}"
            + (" since then" if since_ms is not None else "")
            + ": nothing to tune thresholds on (decide some review items first)"
        )
    return sample


def _header(found: list[CategorySuggestion], out: Path) -> list[str]:
    lines = [
        "Suggested by `moderation policy suggest`: NOT active. Review it, then serve it with",
        f"MODERATION_POLICY_PATH={out} (see README, Tuning thresholds from outcomes).",
        "",
    ]
    for s in found:
        was = _pair(s.current.flag, s.current.reject)
        now = _pair(s.suggested.flag, s.suggested.reject)
        note = f": {s.reason}" if s.reason else ""
        lines.append(
            f"{s.category}: {s.status} {now} (was {was}); {s.positives} positives in {s.n}{note}"
        )
    return lines


def _pair(flag: float, reject: float | None) -> str:
    return f"{flag:.3f}/{'-' if reject is None else f'{reject:.3f}'}"


def _pr(measure: Any) -> str:
    if measure.precision is None and measure.recall is None:
        return "-"
    p, r = measure.precision, measure.recall
    return f"{'-' if p is None else f'{p:.2f}'}/{'-' if r is None else f'{r:.2f}'}"


def _print(
    found: list[CategorySuggestion], sample: OutcomeSample, model: str, current: Path, out: Path
) -> None:
    strata = sample.strata
    click.echo(
        f"sample: {sample.size} decided items ({strata['flag'].decided} flags, "
        f"{strata['audit'].decided} audit), standing for {sample.represents:,.0f} moderated "
        f"comments (left out, only reported or appealed: {sample.left_out}); model {model}"
    )
    for note in sample.notes:
        click.echo(f"note: {note}")
    click.echo(
        f"{'category':<12} {'current':>11} {'suggested':>11}  {'flag P/R now→new':<21} "
        f"{'reject P/R now→new':<21} {'n':>5} {'pos':>4}  status"
    )
    for s in found:
        cur, new = s.measured["current"], s.measured["suggested"]
        flag = f"{_pr(cur['flag'])}→{_pr(new['flag'])}"
        reject = f"{_pr(cur['reject'])}→{_pr(new['reject'])}"
        click.echo(
            f"{s.category:<12} {_pair(s.current.flag, s.current.reject):>11} "
            f"{_pair(s.suggested.flag, s.suggested.reject):>11}  {flag:<21} {reject:<21} "
            f"{s.n:>5} {s.positives:>4}  {s.status}" + (f" ({s.reason})" if s.reason else "")
        )
    click.echo(f"written (not active): {out}")
    click.echo(f"review:   diff -u {current} {out}")
    click.echo(f"activate: restart `moderation serve` with MODERATION_POLICY_PATH={out}")


def _report(
    new: Policy,
    current: Policy,
    current_path: Path,
    model: str,
    sample: OutcomeSample,
    targets: Targets,
) -> dict[str, Any]:
    from dataclasses import asdict

    return {
        "version": new.version,
        "description": new.description,
        "model": model,
        "current_policy": {"version": current.version, "file": str(current_path)},
        "targets": asdict(targets),
        "sample": sample.describe(),
    }
