"""`moderation models list|promote V|rollback`: the model registry on the command line.

Promotion runs the regression gate (`training.gate`, imported inside the command: it needs
pandas) of V against the active version; on a pass, or when forced with a reason, ACTIVE moves
and `models/HISTORY.jsonl` gets a record (`moderation.registry_history`). Then one message on
the model reload channel tells every running API worker to load it (`moderation.model_channel`).
"""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from moderation.cli_common import errors_to_exit, load_with_own_policy, service_redis
from moderation.errors import ModelError, ModerationError
from moderation.registry import active_version, load_bundle, versions
from moderation.registry_history import (
    HISTORY_FILE,
    active_or_none,
    change_active,
    rollback_target,
)
from training.suites import SUITES

if TYPE_CHECKING:
    from moderation.settings import Settings


@click.group("models")
def models() -> None:
    """The model registry: list versions, promote one through the regression gate, roll back."""


def _models_dir() -> Path:
    from moderation.settings import get_settings

    return get_settings().models_dir


def _who(by: str | None) -> str:
    if by:
        return by
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name and no passwd entry (some containers)
        return "unknown"


@contextmanager
def _redis_or_reason() -> Iterator[tuple[Settings | None, str]]:
    """The service's Redis settings for the whole command, or None and why not: an unreachable
    Redis never blocks a promotion or a rollback."""
    settings: Settings | None = None
    why_not = ""
    with ExitStack() as stack:
        try:
            settings = stack.enter_context(service_redis())
        except (ModerationError, OSError) as exc:
            why_not = getattr(exc, "message", str(exc))
        yield settings, why_not


def _announce(redis_settings: Settings | None, why_not: str, version: str, reason: str) -> None:
    """Publish the reload message; say how many workers heard it, or warn that none did."""
    import redis

    from moderation.model_channel import publish_reload, reload_channel
    from moderation.queue.connection import connect

    try:
        if redis_settings is None:
            raise ModelError(why_not)
        client = connect(redis_settings)
        try:
            heard = publish_reload(
                client, redis_settings.redis_prefix, version=version, reason=reason
            )
        finally:
            client.close()
    except (redis.RedisError, ModerationError, OSError) as exc:
        click.echo(
            f"Warning: the API workers were not told ({getattr(exc, 'message', exc)}): "
            "call POST /v1/model/reload on the service or restart it",
            err=True,
        )
        return
    channel = reload_channel(redis_settings.redis_prefix)
    click.echo(f"reload published on {channel}: {heard} worker(s) heard it")


def _switch(
    models_dir: Path,
    redis_pair: tuple[Settings | None, str],
    said: str,
    *,
    action: str,
    expected: str | None,
    to: str,
    by: str | None,
    reason: str,
    forced: bool = False,
    gate: dict[str, Any] | None = None,
) -> None:
    """Move ACTIVE and record it (`change_active`), say so, then tell the workers."""
    record = change_active(
        models_dir,
        action=action,
        expected=expected,
        to=to,
        by=_who(by),
        reason=reason.strip(),
        forced=forced,
        gate=gate,
    )
    click.echo(f"{said}; recorded in {models_dir / HISTORY_FILE} at {record['at']}")
    _announce(*redis_pair, to, f"{action}: {reason.strip() or 'no reason given'}")


@models.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.option(
    "--history", "last", default=5, show_default=True, help="Promotions and rollbacks to show."
)
@errors_to_exit
def models_list(as_json: bool, last: int) -> None:
    """Every version, oldest first, with its card's figures; then the last promotions."""
    from moderation.registry_history import read_history
    from moderation.registry_summary import describe_version

    models_dir = _models_dir()
    active = active_or_none(models_dir)
    entries = [describe_version(models_dir, v, active=active) for v in versions(models_dir)]
    history = read_history(models_dir)[-last:] if last > 0 else []
    if as_json:
        document = {"models_dir": str(models_dir), "active": active, "versions": entries}
        click.echo(json.dumps({**document, "history": history}, indent=2))
        return
    if not entries:
        raise ModelError(f"no model versions in {models_dir} (train one with `moderation train`)")
    from moderation.cli_models_table import history_lines, version_tables

    click.echo(f"models in {models_dir} (active: {active or 'none'})")
    click.echo(version_tables(entries))
    if history:
        click.echo(f"\nLast promotions and rollbacks ({HISTORY_FILE}):")
        click.echo("\n".join(history_lines(history)))


@models.command("promote")
@click.argument("version")
@click.option("--force", is_flag=True, help="Promote even when the gate refuses (needs --reason).")
@click.option("--reason", default="", help="Why: recorded in the history and the reload message.")
@click.option("--by", default=None, help="Who promotes, for the record (default: the OS user).")
@click.option(
    "--data-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Public datasets for the test split (default: $MODERATION_DATA_DIR, else ../shared/data).",
)
@click.option(
    "--audit",
    "audit_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Queue export(s) whose audit items are the moderators' sample (repeatable; default: "
    "the live review queue's decided audit items).",
)
@click.option(
    "--max-auc-drop",
    type=click.FloatRange(0, 1),
    default=None,
    help="Largest ROC AUC drop allowed (default: MODERATION_PROMOTION_MAX_AUC_DROP).",
)
@click.option(
    "--max-recall-drop",
    type=click.FloatRange(0, 1),
    default=None,
    help="Largest drop in recall at the flag threshold allowed (default: "
    "MODERATION_PROMOTION_MAX_RECALL_DROP).",
)
@click.option("--skip-public", is_flag=True, help="Leave the public test split out of the gate.")
@click.option(
    "--suite",
    "suites",
    multiple=True,
    type=click.Choice(list(SUITES)),
    help="Run only these suites (repeatable; default: every suite).",
)
@errors_to_exit
def models_promote(
    version: str,
    force: bool,
    reason: str,
    by: str | None,
    data_dir: Path | None,
    audit_files: tuple[Path, ...],
    max_auc_drop: float | None,
    max_recall_drop: float | None,
    skip_public: bool,
    suites: tuple[str, ...],
) -> None:
    """Make VERSION active if the regression gate against the active version passes."""
    from moderation.settings import get_settings

    if force and not reason.strip():
        raise click.UsageError("--force needs --reason TEXT: why the gate is overridden")
    settings = get_settings()
    models_dir = settings.models_dir
    if version not in versions(models_dir):
        known = ", ".join(versions(models_dir)) or "none"
        raise ModelError(f"model version {version!r} not found in {models_dir} (known: {known})")
    active = active_or_none(models_dir)
    if version == active:
        click.echo(f"{version} is already the active version: nothing to do")
        return
    candidate = load_with_own_policy(version)  # refuses a broken manifest or sklearn mismatch
    gate: dict[str, Any] | None = None
    forced = False
    with _redis_or_reason() as (redis_settings, why_not):
        if active is not None:
            from training.gate import Margins, run_gate
            from training.gate_inputs import audit_from_files, audit_from_queue, public_data
            from training.gate_report import format_gate

            skipped: dict[str, str] = {
                f"suite {name}": "not requested (--suite)"
                for name in SUITES
                if suites and name not in suites
            }
            public = public_data(data_dir, skip_public=skip_public, skipped=skipped)
            if audit_files:
                audit = audit_from_files(audit_files, skipped)
            else:
                audit = audit_from_queue(redis_settings, why_not, skipped)
            margins = Margins(
                auc=settings.promotion_max_auc_drop if max_auc_drop is None else max_auc_drop,
                recall=settings.promotion_max_recall_drop
                if max_recall_drop is None
                else max_recall_drop,
            )
            result = run_gate(
                load_with_own_policy(active),
                candidate,
                margins=margins,
                data_dir=public,
                audit=audit,
                suites=list(suites or SUITES),
                skipped=skipped,
                progress=True,
            )
            click.echo(format_gate(result))
            gate = result.record()
            if not result.passed and not force:
                click.echo(f"ACTIVE unchanged ({active}); --force --reason TEXT overrides")
                sys.exit(1)
            forced = not result.passed
        said = f"{version} is now active (was {active or 'none'})"
        _switch(
            models_dir,
            (redis_settings, why_not),
            said + (" — FORCED past the gate" if forced else ""),
            action="promote",
            expected=active,
            to=version,
            by=by,
            reason=reason,
            forced=forced,
            gate=gate,
        )


@models.command("rollback")
@click.option("--reason", default="", help="Why: recorded in the history and the reload message.")
@click.option("--by", default=None, help="Who rolls back, for the record (default: the OS user).")
@errors_to_exit
def models_rollback(reason: str, by: str | None) -> None:
    """Return to the version that was active before the current one (no gate: this is the
    emergency exit). The history says which; without history, the one created before."""
    models_dir = _models_dir()
    current = active_version(models_dir)
    target, how = rollback_target(models_dir, current)
    if target is None:
        raise ModelError(f"nothing to roll back to: no version was active before {current}")
    load_bundle(models_dir, target)  # never roll back onto a damaged or incompatible model
    with _redis_or_reason() as redis_pair:
        said = f"rolled back from {current} to {target} (found by {how})"
        _switch(
            models_dir,
            redis_pair,
            said,
            action="rollback",
            expected=current,
            to=target,
            by=by,
            reason=reason,
        )
