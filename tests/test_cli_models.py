"""`moderation models list|promote|rollback` on the tiny registry (tiny-1 active, tiny-equal,
tiny-worse), with the real Redis for the reload channel and the review queue."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from click.testing import CliRunner, Result

from moderation.cli import main
from moderation.model_channel import ReloadMessage, reload_channel
from moderation.queue import ReviewQueue
from moderation.registry import active_version
from moderation.registry_history import read_history
from moderation.settings import get_settings

FIXTURE_DATA = Path(__file__).resolve().parent / "fixtures" / "data"
EVAL_DIR = Path(__file__).resolve().parents[1] / "training" / "eval"
# Cheap suites for most tests: identity (templated) tells tiny-worse from the others.
FAST = ["--suite", "identity", "--data-dir", str(FIXTURE_DATA)]


@pytest.fixture
def models_dir(
    registry_models: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    redis_url: str,
    redis_prefix: str,
) -> Iterator[Path]:
    """A copy of the tiny registry as MODERATION_MODELS_DIR, the real Redis under this
    test's prefix, local state in the test's folder."""
    target = tmp_path / "models"
    shutil.copytree(registry_models, target)
    for name, value in {
        "MODELS_DIR": str(target),
        "STATE_DIR": str(tmp_path / "state"),
        "LISTS_DIR": str(tmp_path / "lists"),
        "REDIS_URL": redis_url,
        "REDIS_PREFIX": redis_prefix,
    }.items():
        monkeypatch.setenv(f"MODERATION_{name}", value)
    get_settings.cache_clear()
    yield target
    get_settings.cache_clear()


@pytest.fixture
def subscriber(redis_url: str, redis_prefix: str) -> Iterator[Any]:
    """A worker's view of the reload channel: a redis-py pub/sub subscribed to it."""
    client = redis.Redis.from_url(redis_url)
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(reload_channel(redis_prefix))
    pubsub.get_message(timeout=1.0)  # the subscribe confirmation
    yield pubsub
    pubsub.close()
    client.close()


def heard(pubsub: Any) -> ReloadMessage:
    message = pubsub.get_message(timeout=5.0)
    assert message is not None, "no reload message on the channel"
    return ReloadMessage.decode(message["data"])


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["models", *args])


def audit_export(path: Path, *, spam: int = 15, civil: int = 15) -> Path:
    """A `moderation queue export` file of decided audit items: blind-set spam the moderators
    rejected as spam and civil comments they allowed."""
    lines = (EVAL_DIR / "spam_blind.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    picked = [r for r in rows if r["spam"]][:spam] + [r for r in rows if not r["spam"]][:civil]
    categories = ("violence", "racism", "profanity", "vulgarity", "doxing", "discourtesy", "spam")
    with path.open("w", encoding="utf-8") as handle:
        for n, row in enumerate(picked):
            record = {
                "text": row["text"],
                **{c: int(row["spam"] and c == "spam") for c in categories},
                "source": "moderation-queue",
                "item_id": f"ri_{n}",
                "comment_id": f"c{n}",
                "outcome": "reject" if row["spam"] else "allow",
                "moderator": "ana",
                "decided_at": f"2026-12-01T10:{n:02d}:00Z",
                "kinds": ["audit"],
            }
            handle.write(json.dumps(record) + "\n")
    return path


def test_list_shows_every_version_with_its_figures(models_dir: Path) -> None:
    result = run("list", "--json")
    assert result.exit_code == 0, result.output
    listing = json.loads(result.stdout)
    assert listing["models_dir"] == str(models_dir)
    assert [v["version"] for v in listing["versions"]] == ["tiny-1", "tiny-equal", "tiny-worse"]
    assert listing["active"] == "tiny-1"
    first = listing["versions"][0]
    assert first["active"] and first["train_rows"] > 0 and first["bytes"] > 0
    assert first["licenses"] and first["report_html"]  # every training run writes one
    text = run("list").stdout
    assert "tiny-worse" in text and "Test ROC AUC" in text and "Licenses" in text


def test_promote_an_equal_version_passes_records_and_tells_the_workers(
    models_dir: Path, subscriber: Any
) -> None:
    result = run("promote", "tiny-equal", "--by", "ana", *FAST)
    assert result.exit_code == 0, result.output
    assert "PASS" in result.stdout and "1 worker(s) heard it" in result.stdout
    assert active_version(models_dir) == "tiny-equal"
    [record] = read_history(models_dir)
    assert (record["action"], record["from"], record["to"]) == ("promote", "tiny-1", "tiny-equal")
    assert record["by"] == "ana" and record["forced"] is False
    gate = record["gate"]
    assert gate["passed"] and gate["sizes"]["test"] == 15
    assert {c["part"] for c in gate["checks"]} == {"test", "identity"}
    assert all(c.get("old") == c.get("new") for c in gate["checks"])  # trained the same way
    assert "suite spam" in gate["skipped"] and "audit" in gate["skipped"]
    assert heard(subscriber).version == "tiny-equal"


def test_a_worse_version_is_refused_and_active_stays(models_dir: Path) -> None:
    result = run("promote", "tiny-worse", *FAST)
    assert result.exit_code == 1
    assert "REFUSED" in result.stdout and "identity bpsn_auc" in result.stdout
    assert active_version(models_dir) == "tiny-1"
    assert read_history(models_dir) == []


def test_force_needs_a_reason(models_dir: Path) -> None:
    result = run("promote", "tiny-worse", "--force", *FAST)
    assert result.exit_code == 2 and "--force needs --reason" in result.output
    assert "Gate" not in result.output  # refused before running anything
    assert active_version(models_dir) == "tiny-1"


def test_forced_promotion_records_the_reason_and_rollback_returns(
    models_dir: Path, subscriber: Any
) -> None:
    why = "identity regression accepted: spam fix needed today"
    result = run("promote", "tiny-worse", "--force", "--reason", why, "--by", "ana", *FAST)
    assert result.exit_code == 0, result.output
    assert "REFUSED" in result.stdout and "FORCED" in result.stdout
    assert active_version(models_dir) == "tiny-worse"
    assert heard(subscriber).version == "tiny-worse"

    back = run("rollback", "--reason", "moderators report false flags", "--by", "bo")
    assert back.exit_code == 0, back.output
    assert active_version(models_dir) == "tiny-1"
    assert heard(subscriber).version == "tiny-1"
    promoted, rolled_back = read_history(models_dir)
    assert promoted["forced"] is True and promoted["reason"] == why
    assert promoted["gate"]["passed"] is False and promoted["gate"]["failures"] > 0
    assert (rolled_back["action"], rolled_back["from"], rolled_back["to"]) == (
        "rollback",
        "tiny-worse",
        "tiny-1",
    )
    assert rolled_back["by"] == "bo" and rolled_back["gate"] is None
    listed = run("list").stdout
    assert "promote tiny-1 -> tiny-worse  by ana FORCED" in listed
    assert "rollback tiny-worse -> tiny-1  by bo" in listed


def test_rollback_follows_the_history_not_creation_order(models_dir: Path) -> None:
    for version in ("tiny-equal", "tiny-1"):  # tiny-1 -> tiny-equal -> tiny-1
        assert run("promote", version, *FAST).exit_code == 0
    result = run("rollback")
    assert result.exit_code == 0, result.output
    assert active_version(models_dir) == "tiny-equal"  # not the version created before tiny-1
    assert run("rollback").exit_code == 0
    assert active_version(models_dir) == "tiny-1"


def test_the_audit_sample_from_an_export_counts(models_dir: Path, tmp_path: Path) -> None:
    # Obfuscation has no gated figure and the public split is skipped: only the audit judges.
    only_audit = ["--skip-public", "--suite", "obfuscation"]
    export = audit_export(tmp_path / "decided.jsonl")
    refused = run("promote", "tiny-worse", *only_audit, "--audit", str(export))
    assert refused.exit_code == 1, refused.output
    assert "Moderators' audit sample: 30 rows" in refused.stdout
    assert "audit spam roc_auc" in refused.stdout
    assert active_version(models_dir) == "tiny-1"

    passed = run("promote", "tiny-equal", *only_audit, "--audit", str(export))
    assert passed.exit_code == 0, passed.output
    gate = read_history(models_dir)[-1]["gate"]
    assert gate["sizes"] == {"audit": 30} and "test" in gate["skipped"]
    assert any(c["part"] == "audit" and c.get("passed") for c in gate["checks"])


def test_the_live_queues_decided_audit_items_are_the_default_sample(
    models_dir: Path, queue: ReviewQueue
) -> None:
    lines = (EVAL_DIR / "spam_blind.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    picked = [r for r in rows if r["spam"]][:15] + [r for r in rows if not r["spam"]][:15]
    scored = {"decision": "allow", "scores": {}, "triggered": [], "model_version": "tiny-1"}
    for n, row in enumerate(picked):
        queue.enter(comment_id=f"c{n}", kind="audit", scoring=scored, text=row["text"])
    for item in queue.claim(moderator="ana", limit=30, lease_seconds=60):
        spam = item.text in {r["text"] for r in picked if r["spam"]}
        outcome = "reject" if spam else "approve"
        queue.decide(
            item.item_id, moderator="ana", outcome=outcome, labels=["spam"] if spam else []
        )
    result = run("promote", "tiny-worse", "--skip-public", "--suite", "obfuscation")
    assert result.exit_code == 1, result.output
    assert "Moderators' audit sample: 30 rows" in result.stdout
    assert "audit spam roc_auc" in result.stdout
    assert active_version(models_dir) == "tiny-1"


def test_a_gate_that_judged_nothing_refuses(models_dir: Path) -> None:
    result = run("promote", "tiny-worse", "--skip-public", "--suite", "obfuscation")
    assert result.exit_code == 1
    assert "no decided audit items in the review queue" in result.stdout
    assert "no figure could be judged" in result.stdout
    assert active_version(models_dir) == "tiny-1"


def test_promoting_the_active_version_does_nothing(models_dir: Path) -> None:
    result = run("promote", "tiny-1")
    assert result.exit_code == 0 and "already the active version" in result.stdout
    assert read_history(models_dir) == []


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (None, "not found"),
        ("model", "does not match the manifest"),
        ("sklearn", "was built with scikit-learn 0.24.2"),
    ],
)
def test_unusable_versions_are_refused_in_one_line(
    models_dir: Path, damage: str | None, message: str
) -> None:
    version = "nonexistent" if damage is None else "tiny-equal"
    folder = models_dir / "tiny-equal"
    if damage == "model":
        (folder / "model.joblib").write_bytes(b"tampered")
    if damage == "sklearn":
        manifest = json.loads((folder / "manifest.json").read_text())
        manifest["libraries"]["scikit-learn"] = "0.24.2"
        (folder / "manifest.json").write_text(json.dumps(manifest))
    result = run("promote", version, *FAST)
    assert result.exit_code == 4
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert active_version(models_dir) == "tiny-1"


def test_unreachable_redis_warns_but_keeps_the_promotion(
    models_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MODERATION_REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens
    get_settings.cache_clear()
    result = run("promote", "tiny-equal", *FAST)
    assert result.exit_code == 0, result.output
    assert "the queue's Redis is unreachable" in result.stdout  # the audit part, skipped
    assert "workers were not told" in result.stderr and "POST /v1/model/reload" in result.stderr
    assert active_version(models_dir) == "tiny-equal"
    assert read_history(models_dir)[-1]["to"] == "tiny-equal"
