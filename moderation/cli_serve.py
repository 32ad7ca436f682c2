"""`moderation serve`: checks that fail fast, the embedded Redis, the metrics folder of several
workers, logging, then uvicorn with a bounded request head and a graceful drain."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import click

from moderation.cli_common import errors_to_exit as _errors_to_exit

if TYPE_CHECKING:
    from moderation.settings import Settings

BOUNDED_HTTP = "moderation.api.http_protocol:BoundedHttpToolsProtocol"


@click.command()
@click.option("--host", envvar="MODERATION_HOST", default="127.0.0.1", show_default=True)
@click.option("--port", envvar="MODERATION_PORT", default=8000, show_default=True, type=int)
@click.option("--workers", envvar="MODERATION_WORKERS", default=1, show_default=True, type=int)
@click.option("--log-level", envvar="MODERATION_LOG_LEVEL", default="info", show_default=True)
@click.option(
    "--log-format",
    envvar="MODERATION_LOG_FORMAT",
    type=click.Choice(["json", "text"]),
    default="json",
    show_default=True,
    help="json: one object a line, with the request id; text: for a terminal.",
)
@click.option(
    "--shutdown-timeout",
    envvar="MODERATION_SHUTDOWN_TIMEOUT",
    default=20,
    show_default=True,
    type=click.IntRange(min=1),
    help="Seconds requests in flight may take to finish after SIGTERM.",
)
@click.option(
    "--dev",
    is_flag=True,
    help="Development mode: no API keys needed, loopback addresses only (MODERATION_DEV_MODE).",
)
@_errors_to_exit
def serve(
    host: str,
    port: int,
    workers: int,
    log_level: str,
    log_format: str,
    shutdown_timeout: int,
    dev: bool,
) -> None:
    """Run the HTTP API (uvicorn).

    With no REDIS_URL, an embedded Redis serves the review queue from
    MODERATION_STATE_DIR/redis for as long as the API runs. Every route but health, metrics
    and docs needs an API key (`moderation keys create`), unless --dev. With several workers,
    their metrics meet in MODERATION_STATE_DIR/metrics/<host>/<pid> (removed on exit), so GET
    /metrics reports the sum over all of them. On SIGTERM (or Ctrl+C) the server stops
    accepting connections, lets requests in flight finish for up to --shutdown-timeout
    seconds, then exits.
    """
    from moderation.observability.multiproc import metrics_dir_for_serve
    from moderation.settings import SettingsError, get_settings, is_loopback

    if dev:
        os.environ["MODERATION_DEV_MODE"] = "true"  # what the uvicorn workers read
        get_settings.cache_clear()
    settings = get_settings()
    if settings.dev_mode:
        if not is_loopback(host):
            raise SettingsError(
                f"development mode serves without API keys: bind it to 127.0.0.1, ::1 or "
                f"localhost, not {host!r} (or mint keys: moderation keys create)"
            )
        click.secho(
            "DEVELOPMENT MODE: every route answers without an API key. Local use only.",
            err=True,
            fg="yellow",
            bold=True,
        )
    # Before anything imports prometheus-client: it reads the folder's variable once.
    with metrics_dir_for_serve(settings.state_dir, workers=workers):
        _serve(
            settings,
            host=host,
            port=port,
            workers=workers,
            level=log_level,
            kind=log_format,
            shutdown_timeout=shutdown_timeout,
        )


def _serve(
    settings: Settings,
    *,
    host: str,
    port: int,
    workers: int,
    level: str,
    kind: str,
    shutdown_timeout: int,
) -> None:
    import importlib.util

    import uvicorn

    from moderation.model_policy import served_policy
    from moderation.observability import logs
    from moderation.queue.embedded import redis_for_serve
    from moderation.registry import load_bundle
    from moderation.settings import get_settings, site_lists_dir
    from moderation.terms import ListStore

    # Fail here, with a clear message, not in a worker.
    served_policy(settings)
    load_bundle(settings.models_dir, settings.model_version)
    ListStore(site_lists_dir(settings))
    with redis_for_serve(settings) as embedded:
        if embedded is not None:
            click.echo(f"Embedded Redis at {embedded.url} (data in {embedded})", err=True)
        # The workers' app factory reads these from the environment, like every setting.
        os.environ["MODERATION_LOG_FORMAT"], os.environ["MODERATION_LOG_LEVEL"] = kind, level
        get_settings.cache_clear()  # one worker runs in this process
        logs.configure(kind="text" if kind == "text" else "json", level=level)
        uvicorn.run(
            "moderation.api.app:create_served_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level=level,
            log_config=None,  # each worker's factory sets its logging up (logs.configure)
            access_log=False,  # moderation.access writes one line per request instead
            timeout_graceful_shutdown=shutdown_timeout,
            # A request head over max_header_bytes is answered 431 (h11 only has a 400).
            http=(BOUNDED_HTTP if importlib.util.find_spec("httptools") else "h11"),
            h11_max_incomplete_event_size=settings.max_header_bytes,
        )
