"""`moderation keys create|list|revoke`: the service's API keys, on its Redis."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from moderation.cli_common import errors_to_exit, service_redis

if TYPE_CHECKING:
    from moderation.auth import KeyStore


@click.group("keys")
def keys() -> None:
    """API keys: mint (shown once), list (never the secret), revoke."""


@contextmanager
def _key_store(action: str) -> Iterator[KeyStore]:
    """The key store on the service's Redis; Redis errors become `QueueUnavailable`."""
    from moderation.auth import KeyStore
    from moderation.queue.connection import connect, unavailable_as_503

    with service_redis() as settings, unavailable_as_503(action, what="Redis"):
        store = KeyStore(connect(settings), settings.redis_prefix)
        try:
            yield store
        finally:
            store.client.close()


@keys.command("create")
@click.option(
    "--scopes",
    required=True,
    help="Comma-separated: moderate (score comments, reports, appeals), review (the queue), "
    "admin (model, term lists).",
)
@click.option(
    "--name",
    default=None,
    help="Who holds the key, e.g. 'comment-system' (default: its scopes and today's date).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the key and its record as JSON.")
@errors_to_exit
def keys_create(scopes: str, name: str | None, as_json: bool) -> None:
    """Mint an API key. It is printed once and stored only as a SHA-256 digest."""
    from datetime import UTC, datetime

    from moderation.auth import parse_scopes

    wanted = parse_scopes(scopes)
    if name is None:
        name = f"{'+'.join(sorted(wanted))} {datetime.now(UTC):%Y-%m-%d}"
    with _key_store("store the API key") as store:
        token, record = store.create(name, wanted)
    if as_json:
        click.echo(json.dumps({"key": token, **record.public()}))
        return
    click.echo(token)
    click.echo(
        f"key {record.key_id} ({record.name}) with scopes {','.join(sorted(record.scopes))}. "
        "Keep it now: it is never shown again.",
        err=True,
    )


@keys.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per key.")
@errors_to_exit
def keys_list(as_json: bool) -> None:
    """Every key (revoked ones too): id, name, scopes, dates; never the secret."""
    with _key_store("read the API keys") as store:
        records = store.list()
    for record in records:
        if as_json:
            click.echo(json.dumps(record.public()))
            continue
        state = f"revoked {record.revoked_at}" if record.revoked_at else "active"
        click.echo(
            f"{record.key_id}  {record.name:<24} {','.join(sorted(record.scopes)):<22} "
            f"created {record.created_at}  {state}"
        )
    if not records and not as_json:
        click.echo("no API keys: moderation keys create --scopes moderate --name NAME", err=True)


@keys.command("revoke")
@click.argument("key_id")
@errors_to_exit
def keys_revoke(key_id: str) -> None:
    """Revoke a key by its id (from `keys list`). Workers stop accepting it within
    MODERATION_AUTH_CACHE_SECONDS."""
    with _key_store("revoke the API key") as store:
        record = store.revoke(key_id)
    click.echo(f"revoked {record.key_id} ({record.name}) at {record.revoked_at}")
