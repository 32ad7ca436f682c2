"""`moderation train`: load → prepare → split → fit → calibrate → thresholds → evaluate → write."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from moderation.categories import CATEGORIES
from moderation.errors import InvalidInput, ModelError
from moderation.normalize import normalize
from moderation.policy import Policy, Thresholds, policy_toml
from moderation.registry import (
    REPORT_FILE,
    VERSION_RE,
    library_versions,
    set_active,
    write_version,
)
from moderation.scoring import DOXING_MODEL_CAP, Moderator
from training.augment import SOURCE as AUGMENT_SOURCE
from training.augment import identity_frame
from training.augment_spam import SOURCE as SPAM_AUGMENT_SOURCE
from training.augment_spam import spam_frame
from training.calibration import fit_calibrator
from training.card import render_card
from training.data import SOURCES, describe_sources, load_all
from training.evaluate import calibration_report, decision_counts, evaluate_scores
from training.fairness import identity_slice
from training.labels import (
    SITE_LICENSE,
    SiteLabels,
    describe_site_labels,
    load_site_labels,
    prefer_site_labels,
)
from training.report import card_entry, render_report, score_baseline
from training.span_tagger import train_span_tagger
from training.train import (
    TrainConfig,
    choose_thresholds,
    fit_classifiers,
    fit_vectorizers,
    prepare,
    split,
    transform,
)

log = logging.getLogger(__name__)

EVAL_DIR = Path(__file__).resolve().parent / "eval"
# The behaviour sets listed in the card (the suites' own sets live beside them).
HANDWRITTEN_SETS = ("civil", "harmful")
# Doxing is decided by the PII detectors (see scoring.DOXING_MODEL_CAP): fixed thresholds.
DOXING_THRESHOLDS = {"flag": 0.5, "reject": 0.85}


def _handwritten(moderator: Moderator) -> dict[str, Any]:
    """Decisions on the hand-written behaviour sets in training/eval/ (civil must stay allow)."""
    out: dict[str, Any] = {}
    for path in (EVAL_DIR / f"{name}.jsonl" for name in HANDWRITTEN_SETS):
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
        results = [moderator.moderate(r["text"]) for r in rows]
        decisions = [r.decision for r in results]
        out[path.stem] = {
            "n": len(rows),
            "decisions": decision_counts(decisions),
            "not_allowed": [
                {
                    "text": row["text"],
                    "decision": res.decision,
                    "categories": [t.category for t in res.triggered],
                }
                for row, res in zip(rows, results, strict=True)
                if res.decision != "allow"
            ]
            if path.stem.startswith("civil")
            else [],
        }
    return out


def _suites(moderator: Moderator, data_dir: Path, *, run: bool) -> dict[str, Any]:
    """Every evaluation suite's headline figures (`training/suites/`), for the card; the
    obfuscation suite samples this model's own test split from `data_dir`."""
    if not run:
        return {}
    from training.suites import SUITES, headline, run_suite

    found = data_dir if data_dir.is_dir() else None
    return {name: headline(name, run_suite(name, moderator, data_dir=found)) for name in SUITES}


def _identity_suite(moderator: Moderator) -> dict[str, Any]:
    """The identity suite's headline figures and held-out terms (templated, a few seconds)."""
    from training.suites import identity

    report = identity.run_suite(moderator)
    return {"headline": identity.headline(report), "held_out": report["held_out"]}


def run_training(
    data_dir: Path,
    models_dir: Path,
    *,
    version: str | None = None,
    sources: list[str] | None = None,
    licenses: set[str] | None = None,
    config: TrainConfig | None = None,
    activate: bool = False,
    labels: Sequence[Path] = (),
) -> dict[str, Any]:
    """Train, evaluate and write a new model version; returns its card.

    `labels` are the site's own files (`training.labels`: queue exports, labelled CSV/JSONL):
    their rows join the training split at `config.site_label_weight`, and their audit items
    are scored as the moderators' evaluation sample (`card["audit"]`)."""
    config = config or TrainConfig()
    started = time.monotonic()
    version = version or datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    if not VERSION_RE.fullmatch(version):
        raise ModelError(f"invalid version name {version!r}: letters, digits, '.', '_', '-'")
    if (models_dir / version).exists():
        raise ModelError(f"model version {version!r} already exists in {models_dir}")
    raw = load_all(data_dir, sources=sources, licenses=licenses, progress=config.progress)
    if raw.empty:
        raise InvalidInput(f"no training data found in {data_dir}")
    site = load_site_labels(labels, weight=config.site_label_weight)
    raw = prefer_site_labels(raw, site)
    frame = prepare(raw, progress=config.progress)
    if config.spam_implicit_negatives and "spam" in frame:
        frame["spam"] = frame["spam"].fillna(0.0)
    frame["split"] = split(frame, config)
    parts = {
        name: frame[frame["split"] == name].reset_index(drop=True)
        for name in ("train", "validation", "test")
    }
    # The grammars must not write an audit comment into training either.
    held_out = set(frame["norm"]) | {normalize(t) for t in site.audit["text"]}
    parts["train"] = _augmented(parts["train"], config, public=held_out, site=site)
    train, valid, test = parts["train"], parts["validation"], parts["test"]
    log.info("rows after dedupe: %s", {k: len(v) for k, v in parts.items()})

    word, char = fit_vectorizers(train["norm"].tolist(), config)
    x_train = transform(word, char, train["norm"].tolist(), progress=config.progress)
    classifiers = fit_classifiers(x_train, train, config)

    x_valid = transform(word, char, valid["norm"].tolist(), progress=config.progress)
    calibration: dict[str, tuple[float, float, float]] = {}
    for category, clf in classifiers.items():
        y = valid[category].to_numpy(dtype=float)
        known = ~np.isnan(y)
        calibration[category] = fit_calibrator(
            clf.decision_function(x_valid[known]), y[known], method=config.calibration
        )

    bundle = {
        "format": 1,
        "version": version,
        "categories": list(CATEGORIES),
        "word_vectorizer": word,
        "char_vectorizer": char,
        "classifiers": classifiers,
        "calibration": calibration,
    }
    span_tagger, span_tagger_figures = train_span_tagger(
        bundle,
        data_dir,
        sources=sorted(raw["source"].unique()),
        split_of=dict(zip(frame["norm"], frame["split"], strict=True)),
    )
    if span_tagger is not None:  # evidence's word picker for the toxic categories
        bundle["span_tagger"] = span_tagger
    provisional = Policy(
        version=version, categories={c: Thresholds(flag=0.5, reject=0.9) for c in CATEGORIES}
    )
    moderator = Moderator(bundle=bundle, version=version, policy=provisional)
    valid_scores = moderator.score_texts(valid["text"].tolist())
    thresholds: dict[str, dict[str, float | None]] = {}
    for j, category in enumerate(CATEGORIES):
        y = valid[category].to_numpy(dtype=float)
        known = ~np.isnan(y)
        if category == "doxing":
            thresholds[category] = dict(DOXING_THRESHOLDS)
        elif category not in classifiers or y[known].sum() == 0:
            thresholds[category] = {"flag": 0.5, "reject": None}
        else:
            thresholds[category] = choose_thresholds(y[known], valid_scores[known, j], config)
    policy = Policy(
        version=version,
        description=f"Thresholds chosen on the validation split of model {version}.",
        categories={c: Thresholds(**thresholds[c]) for c in CATEGORIES},
    )
    moderator.policy = policy

    test_scores = moderator.score_texts(test["text"].tolist())
    evaluation = evaluate_scores(test, test_scores, policy)
    reliability = calibration_report(test, test_scores)
    for category, figures in reliability.items():
        evaluation["categories"][category].update(
            ece=figures["ece"], calibration_max_gap=figures["max_gap"]
        )
    # The version serving now, re-scored on this test split for the report's diff.
    baseline = score_baseline(models_dir, test["text"].tolist()) if config.report else None
    used = sorted(raw["source"].unique())
    licenses_used = sorted(
        {SOURCES[s].license for s in used} | ({SITE_LICENSE} if site.files else set())
    )
    card: dict[str, Any] = {
        "version": version,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "model": "sublinear tf-idf word 1-2-grams + char 2-5-grams (normalised text), "
        f"one logistic regression per category, {config.calibration} calibration on validation",
        "config": asdict(config),
        "doxing": {
            "model_cap": DOXING_MODEL_CAP,
            "how": "PII detectors (phone via phonenumbers, email, Luhn-checked cards, SSN, "
            "IBAN, IP, street addresses, plates) combined by noisy-or with the model's doxing "
            "score capped at model_cap, so the model alone never flags doxing.",
        },
        "sources": describe_sources(data_dir, used, frame=raw),
        "licenses": licenses_used,
        "label_mapping": {s: SOURCES[s].mapping for s in used},
        "splits": {k: len(v) for k, v in parts.items()},
        "augmentation": {
            "source": AUGMENT_SOURCE,
            "rows": int((train["source"] == AUGMENT_SOURCE).sum()),
            "weight": config.augmentation_weight,
            "how": "neutral sentences naming identities, drawn from a grammar of group and "
            "person phrases, predicates and frames (training/augment.py), every category 0, "
            "added to the training split only; identity words are also masked by one "
            "placeholder in the features (moderation/features.py)",
        }
        if config.identity_augmentation
        else None,
        "spam_augmentation": {
            "source": SPAM_AUGMENT_SOURCE,
            "rows": int((train["source"] == SPAM_AUGMENT_SOURCE).sum()),
            "spam_rows": int(train.loc[train["source"] == SPAM_AUGMENT_SOURCE, "spam"].sum()),
            "how": "comment spam of news sites (pitches crossed with openers, ways to reach the "
            "spammer and closers, Faker slot values) and clean comments on the same subjects, "
            "from training/augment_spam.py, added to the training split only",
        }
        if config.spam_augmentation
        else None,
        "site_labels": describe_site_labels(site, weight=config.site_label_weight)
        if site.files
        else None,
        "audit": _audit_figures(moderator, site, policy),
        "spam_negatives": "the comments of the sources that never checked spam "
        "(their mapping leaves it unknown) count as not spam"
        if config.spam_implicit_negatives
        else "only the sources that label spam train and measure it",
        "features": {"word": len(word.vocabulary_), "char": len(char.vocabulary_)},
        "thresholds": thresholds,
        "test": evaluation,
        "calibration": {
            "method": config.calibration,
            "fitted_on": "validation",
            "measured_on": "test",
            "categories": reliability,
        },
        "identity": {
            "test_slice": identity_slice(test, test_scores, policy),
            "suite": _identity_suite(moderator),
        },
        "suites": _suites(moderator, data_dir, run=config.suites),
        "handwritten": _handwritten(moderator),
        "span_tagger": span_tagger_figures,
        "libraries": library_versions(),
        "train_seconds": round(time.monotonic() - started, 1),
        "report": card_entry(baseline) if baseline is not None else None,
    }
    files = {
        "card.json": json.dumps(card, indent=2, default=str) + "\n",
        "card.md": render_card(card),
        "policy.toml": policy_toml(policy),
    }
    if baseline is not None:
        files[REPORT_FILE] = render_report(card, test, test_scores, policy, baseline)
    write_version(models_dir, version, bundle, files)
    if activate:
        set_active(models_dir, version)
    return card


def _audit_figures(moderator: Moderator, site: SiteLabels, policy: Policy) -> dict[str, Any] | None:
    """The new model on the moderators' audit sample, at its own thresholds (None without one)."""
    if site.audit.empty:
        return None
    scores = moderator.score_texts(site.audit["text"].tolist())
    figures = evaluate_scores(site.audit, scores, policy, by_source=False)
    return {"rows": len(site.audit), **figures}


def _augmented(
    train: pd.DataFrame, config: TrainConfig, *, public: set[str], site: SiteLabels | None = None
) -> pd.DataFrame:
    """The training split plus the identity and comment-spam grammars' rows (each weighted as
    configured), less any row whose normalised text is in `public` (every split's texts: a
    grammar sentence that a validation or test comment happens to equal would leak into
    training), plus the site's labelled rows (never audit items) at their weight; validation
    and test stay public data only, so figures compare across versions."""
    extras = []
    if site is not None and not site.train.empty:
        extras.append(prepare(site.train, progress=False))
    if config.identity_augmentation:
        rows = identity_frame(per_identity=config.augmentation_per_identity)
        extras.append(prepare(rows, progress=False).assign(weight=config.augmentation_weight))
    if config.spam_augmentation:
        rows = spam_frame(spam=config.spam_augmentation_rows, civil=config.spam_civil_rows)
        extras.append(prepare(rows, progress=False).assign(weight=config.spam_augmentation_weight))
    if not extras:
        return train
    extra = pd.concat(extras, ignore_index=True).drop_duplicates("norm")
    extra = extra[~extra["norm"].isin(public)].assign(split="train")
    return pd.concat([train.assign(weight=1.0), extra], ignore_index=True)
