"""The model commands of `moderation`: `train` (fit, calibrate, evaluate, write a version)
and `evaluate` (figures on a labelled file, or the evaluation suites side by side).

`training` is imported inside the commands (pandas and scikit-learn's training code load only
when a command needs them); `training.suites` itself is light.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from moderation.cli_common import errors_to_exit as _errors_to_exit
from moderation.cli_common import load_moderator as _moderator
from training.suites import SUITES


@click.command()
@click.option(
    "--data-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Datasets folder (default: $MODERATION_DATA_DIR, else ../shared/data).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Model registry folder (default: the configured models_dir).",
)
@click.option("--version", "version", default=None, help="Version name (default: a timestamp).")
@click.option("--source", "sources", multiple=True, help="Only these datasets (repeatable).")
@click.option(
    "--license",
    "licenses",
    multiple=True,
    help="Only datasets under these licenses (repeatable); 'commercial' keeps the "
    "sources whose license allows commercial use.",
)
@click.option(
    "--labels",
    "label_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The site's labelled data (repeatable): `moderation queue export` files, or CSV/JSONL "
    "with `text` and category columns. Audit items are held out to evaluate on.",
)
@click.option(
    "--labels-weight",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Training weight of each --labels row (a public row weighs 1).  [default: 3.0]",
)
@click.option(
    "--activate/--no-activate",
    default=False,
    show_default=True,
    help="Make the new version the active one.",
)
@click.option(
    "--write-policy",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the thresholds chosen on validation as a policy TOML here.",
)
@click.option(
    "--suites/--no-suites",
    default=True,
    show_default=True,
    help="Run the evaluation suites on the new model and put their figures in its card.",
)
@_errors_to_exit
def train(
    data_dir: Path | None,
    out_dir: Path | None,
    version: str | None,
    sources: tuple[str, ...],
    licenses: tuple[str, ...],
    label_files: tuple[Path, ...],
    labels_weight: float | None,
    activate: bool,
    write_policy: Path | None,
    suites: bool,
) -> None:
    """Train, calibrate and evaluate a model on the public datasets and the site's own labels;
    write a new version."""
    import logging

    from moderation.settings import get_settings
    from training.data import default_data_dir
    from training.pipeline import run_training
    from training.train import TrainConfig

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    data_dir = data_dir or default_data_dir()
    if data_dir is None or not data_dir.is_dir():
        raise click.UsageError("no data directory: pass --data-dir or set MODERATION_DATA_DIR")
    models_dir = out_dir or get_settings().models_dir
    card = run_training(
        data_dir,
        models_dir,
        version=version,
        sources=list(sources) or None,
        licenses=set(licenses) or None,
        activate=activate,
        config=TrainConfig(suites=suites)
        if labels_weight is None
        else TrainConfig(suites=suites, site_label_weight=labels_weight),
        labels=list(label_files),
    )
    if write_policy:
        src = models_dir / card["version"] / "policy.toml"
        write_policy.write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    figures = {c: m.get("roc_auc") for c, m in card["test"]["categories"].items()}
    click.echo(
        json.dumps(
            {
                "version": card["version"],
                "path": str(models_dir / card["version"]),
                "mean_roc_auc": card["test"]["mean_roc_auc"],
                "test_roc_auc": figures,
                "site_labels": (card.get("site_labels") or {}).get("train_rows", 0),
                "audit_rows": (card.get("audit") or {}).get("rows", 0),
                "active": activate,
            },
            indent=2,
        )
    )


def _compare_all(
    moderator: Any, compare: str | None, *, data_dir: Path | None, as_json: bool
) -> None:
    """`evaluate --suite all`: every suite for `moderator`'s version and the version before
    it, each with the thresholds it was trained with (its own policy.toml), so the columns
    compare models rather than one site's policy applied to both."""
    from moderation.cli_common import load_with_own_policy
    from moderation.registry import previous_version
    from moderation.settings import get_settings
    from training.suites import compare as side_by_side

    previous = compare or previous_version(get_settings().models_dir, moderator.model_version)
    models = [
        load_with_own_policy(version)
        for version in [moderator.model_version, *([previous] if previous else [])]
    ]
    report = side_by_side.compare(
        models, data_dir=data_dir, progress=lambda step: click.echo(step, err=True)
    )
    click.echo(json.dumps(report, indent=2) if as_json else side_by_side.format_table(report))


@click.command()
@click.argument(
    "file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--model", default=None, help="Model version (default: the active one).")
@click.option(
    "--suite",
    type=click.Choice(["all", *SUITES]),
    default=None,
    help="Run a built-in suite instead of scoring FILE (prints a table); `all` runs every "
    "suite for this model and the one before it, side by side with the targets.",
)
@click.option(
    "--compare",
    default=None,
    metavar="V",
    help="With --suite all: the version to compare with (default: the one created before).",
)
@click.option("--json", "as_json", is_flag=True, help="With --suite: print JSON, not a table.")
@click.option(
    "--data-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Obfuscation suite: also sample the model's test split from this data folder "
    "(default: MODERATION_DATA_DIR or ../shared/data when present).",
)
@_errors_to_exit
def evaluate(
    file: Path | None,
    model: str | None,
    suite: str | None,
    compare: str | None,
    as_json: bool,
    data_dir: Path | None,
) -> None:
    """Figures for a model on a CSV/JSONL file with `text` plus category columns (0/1), or on
    a built-in suite (`--suite NAME`, or `--suite all` to compare two models)."""
    if (file is None) == (suite is None):
        raise click.UsageError("give either FILE or --suite")
    moderator = _moderator(model)
    if suite is not None:
        from training.data import default_data_dir

        data = data_dir or default_data_dir()
        found = data if data and data.is_dir() else None
        if suite == "all":
            _compare_all(moderator, compare, data_dir=found, as_json=as_json)
            return
        from training.suites import format_table, run_suite

        report = run_suite(suite, moderator, data_dir=found)
        click.echo(json.dumps(report, indent=2) if as_json else format_table(suite, report))
        return
    from training.data import load_labelled_file
    from training.evaluate import evaluate_scores

    assert file is not None
    frame = load_labelled_file(file).reset_index(drop=True)
    scores = moderator.score_texts(frame["text"].tolist())
    report = evaluate_scores(frame, scores, moderator.policy, by_source=False)
    report["model_version"] = moderator.model_version
    report["policy_version"] = moderator.policy_version
    click.echo(json.dumps(report, indent=2))
