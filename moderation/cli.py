"""The `moderation` command line: serve, check, classify, train, evaluate, models, policy, lists,
queue, keys.

Commands are thin adapters over the library; a `ModerationError` becomes one `Error: …` line on
stderr and the error's exit code.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from moderation.cli_common import cli_queue as _cli_queue
from moderation.cli_common import errors_to_exit as _errors_to_exit
from moderation.cli_common import load_moderator as _moderator
from moderation.cli_common import parse_since
from moderation.cli_keys import keys
from moderation.cli_models import models
from moderation.cli_policy import policy
from moderation.cli_serve import serve
from moderation.cli_training import evaluate, train
from moderation.errors import ModerationError

if TYPE_CHECKING:
    pass

CLASSIFY_CHUNK = 256
# uvicorn's httptools protocol with a bound on the request head (431 past max_header_bytes).


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="moderation")
def main() -> None:
    """Comment moderation service: score comments, serve the API, train models."""


@main.command()
@click.argument("text")
@click.option("--model", default=None, help="Model version (default: the active one).")
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON answer.")
@_errors_to_exit
def check(text: str, model: str | None, as_json: bool) -> None:
    """Score one comment and print the decision, scores and evidence."""
    result = _moderator(model).moderate(text)
    if as_json:
        click.echo(result.model_dump_json(indent=2, exclude={"review", "request_id"}))
        return
    click.echo(f"decision: {result.decision}")
    click.echo("scores:")
    for category, score in result.scores.items():
        click.echo(f"  {category:<12} {score:.3f}")
    for item in result.triggered:
        spans = ", ".join(f"{e.text!r} [{e.start}:{e.end}] ({e.source})" for e in item.evidence)
        click.echo(f"{item.action} {item.category} ({item.score:.3f}): {spans}")
    for reason in result.reasons:
        click.echo(f"reason: {reason}")
    if result.language is not None:
        lang = result.language
        support = "" if lang.supported else ", not supported by the model"
        click.echo(f"language: {lang.code or 'undetermined'} ({lang.confidence:.2f}{support})")
    click.echo(f"model {result.model_version}, policy {result.policy_version}")


@main.command()
@click.argument("source", type=click.File("r", encoding="utf-8"))
@click.option(
    "-o",
    "--output",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="Output JSONL (default: stdout).",
)
@click.option("--model", default=None, help="Model version (default: the active one).")
@_errors_to_exit
def classify(source: IO[str], output: IO[str], model: str | None) -> None:
    """Score a JSONL file of {"id"?, "text", "author_id"?} lines ('-' = stdin).

    Each input line gives one output line, in order, in the shape of a POST /v1/moderate
    answer (without `review` and `request_id`). A line that cannot be scored, a blank one
    included, gives {"line", "id", "error": {"code", "message", "details"}} instead; the
    command then exits with status 1 after writing every line.
    """
    from tqdm import tqdm

    from moderation.schemas import ModerateRequest

    moderator = _moderator(model)
    failed = 0
    is_file = source.name != "<stdin>"
    total = sum(1 for _ in _lines(source)) if is_file else None
    if is_file:
        source.seek(0)
    bar = tqdm(total=total, unit="comment", disable=not is_file, file=sys.stderr)
    pending: list[ModerateRequest] = []

    def flush() -> None:
        if pending:
            results = moderator.moderate_many(
                [r.text for r in pending], ids=[r.id for r in pending]
            )
            for result in results:
                output.write(result.model_dump_json(exclude={"review", "request_id"}) + "\n")
            bar.update(len(pending))
            pending.clear()

    try:
        for number, line in _lines(source):
            try:
                request = _parse_line(line)
                moderator.validate_text(request.text)
            except ModerationError as exc:
                flush()
                failed += 1
                error = _line_error(number, line, exc)
                output.write(json.dumps(error, separators=(",", ":")) + "\n")
                bar.update(1)
                continue
            pending.append(request)
            if len(pending) >= CLASSIFY_CHUNK:
                flush()
    finally:
        flush()  # what was read before an undecodable line is still written
    bar.close()
    if failed:
        click.echo(f"Error: {failed} line(s) could not be scored (see their error lines)", err=True)
        sys.exit(1)


def _lines(source: IO[str]) -> Iterator[tuple[int, str]]:
    """Numbered input lines; undecodable input stops with a clear error, not a traceback."""
    from moderation.errors import InvalidInput

    number = 0
    try:
        for number, line in enumerate(source, start=1):
            yield number, line
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"input is not UTF-8 (near line {number + 1})") from exc


def _parse_line(line: str) -> Any:
    """One JSONL line as a `ModerateRequest`; any problem becomes `InvalidInput`."""
    from pydantic import ValidationError

    from moderation.errors import InvalidInput, InvalidJson
    from moderation.schemas import ModerateRequest

    if not line.strip():
        raise InvalidInput("blank line")
    try:
        return ModerateRequest.model_validate_json(line)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False)
        if errors[0]["type"] == "json_invalid":
            raise InvalidJson("line is not valid JSON", details=str(errors[0]["msg"])) from exc
        where = ".".join(str(p) for p in errors[0]["loc"]) or "line"
        raise InvalidInput(
            f"{where}: {errors[0]['msg']}",
            details=[{"loc": list(e["loc"]), "msg": e["msg"]} for e in errors],
        ) from exc


def _line_error(number: int, line: str, exc: ModerationError) -> dict[str, Any]:
    try:
        raw_id = json.loads(line).get("id")
    except (ValueError, AttributeError):
        raw_id = None
    return {
        "line": number,
        "id": raw_id if isinstance(raw_id, str) else None,
        "error": {"code": exc.code, "message": exc.message, "details": exc.details},
    }


@main.group()
def lists() -> None:
    """The site's term lists (MODERATION_LISTS_DIR) over the shipped ones."""


@lists.command("show")
@click.option("--terms", "show_terms", is_flag=True, help="Print every term too.")
@_errors_to_exit
def lists_show(show_terms: bool) -> None:
    """Print the lists in force and the policy version they make."""
    from moderation.model_policy import served_policy
    from moderation.settings import get_settings, site_lists_dir
    from moderation.terms import ListStore

    settings = get_settings()
    store = ListStore(site_lists_dir(settings))
    click.echo(f"{'name':<20} {'kind':<6} {'origin':<8} {'revision':>8} {'terms':>6}")
    for term_list in store.all():
        click.echo(
            f"{term_list.name:<20} {term_list.kind:<6} {term_list.origin:<8} "
            f"{term_list.revision:>8} {len(term_list.terms):>6}"
        )
        for term in term_list.terms if show_terms else []:
            rule = f" -> {term.category} ({term.action})" if term.category else ""
            click.echo(f"    {term.term}{rule}")
    click.echo(f"policy version: {served_policy(settings).version}+lists.{store.version}")


@lists.command("check")
@click.argument(
    "folder", required=False, type=click.Path(path_type=Path, file_okay=False, exists=True)
)
@_errors_to_exit
def lists_check(folder: Path | None) -> None:
    """Validate a folder of list files (default: MODERATION_LISTS_DIR) before it goes live.

    Exit code 3 names the first broken file, as `serve` would at start-up.
    """
    from moderation.settings import get_settings, site_lists_dir
    from moderation.terms import ListStore

    store = ListStore(folder or site_lists_dir(get_settings()))
    site = [t for t in store.all() if t.origin == "site"]
    terms = sum(len(t.terms) for t in site)
    click.echo(f"ok: {len(site)} site lists, {terms} terms; lists version {store.version}")


@main.group("queue")
def queue_group() -> None:
    """The review queue: figures, and decided items as labelled JSONL."""


@queue_group.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON of GET /v1/queue/stats.")
@_errors_to_exit
def queue_stats(as_json: bool) -> None:
    """Depth by state and kind, oldest pending age, decisions by outcome and moderator,
    median time to decision, and the model's precision/recall on audit items."""
    with _cli_queue() as queue:
        figures = queue.stats()
    if as_json:
        click.echo(figures.model_dump_json(indent=2))
        return
    depth = figures.depth
    click.echo(
        f"depth: {depth['pending']} pending, {depth['claimed']} claimed, {depth['decided']} decided"
    )
    for state, kinds in figures.depth_by_kind.items():
        shown = ", ".join(f"{kind} {n}" for kind, n in kinds.items() if n)
        click.echo(f"  {state}: {shown or '-'}")
    age = figures.oldest_pending_age_seconds
    click.echo(f"oldest pending: {'-' if age is None else f'{age:.1f} s'}")
    decisions = figures.decisions
    outcomes = ", ".join(f"{k} {v}" for k, v in decisions.by_outcome.items())
    click.echo(f"decisions: {decisions.total} ({outcomes})")
    for moderator, n in decisions.by_moderator.items():
        click.echo(f"  {moderator}: {n}")
    median = decisions.median_seconds_to_decision
    shown_median = "-" if median is None else f"{median:.1f} s"
    click.echo(f"median time to decision: {shown_median} (latest {decisions.sample})")
    audit = figures.audit

    def pct(value: float | None) -> str:
        return "-" if value is None else f"{value:.1%}"

    click.echo(
        f"audit items decided: {audit.decided}; model agreement {pct(audit.agreement)}, "
        f"precision {pct(audit.precision)}, recall {pct(audit.recall)}"
    )


@queue_group.command("export")
@click.option(
    "--since",
    default=None,
    help="Only items decided at or after this ISO date or time (UTC unless it says).",
)
@click.option(
    "-o",
    "--output",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="Output JSONL (default: stdout).",
)
@_errors_to_exit
def queue_export(since: str | None, output: IO[str]) -> None:
    """Write decided items as labelled JSONL: `text`, the seven category columns (0/1) and
    provenance, the format `moderation evaluate` and the training loader read."""
    from tqdm import tqdm

    from moderation.queue.stats import count_decided, export_rows

    since_ms = parse_since(since)
    to_file = output.name != "<stdout>"
    written = 0
    with _cli_queue() as queue:
        total = count_decided(queue, since_ms=since_ms) if to_file else None
        with tqdm(total=total, unit="item", disable=not to_file, file=sys.stderr) as bar:
            for row in export_rows(queue, since_ms=since_ms):
                output.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
                written += 1
                bar.update(1)
    if to_file:
        click.echo(f"{written} decided items written to {output.name}", err=True)


main.add_command(train)
main.add_command(evaluate)
main.add_command(keys)
main.add_command(models)
main.add_command(serve)
main.add_command(policy)

if __name__ == "__main__":  # pragma: no cover - `python -m moderation.cli`
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
