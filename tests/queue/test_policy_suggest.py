"""`moderation policy suggest` on the real Redis queue and the tiny model.

Comments are moderated with the tiny model under an intake policy that flags anything above
0.05 (so the queue gets flags, and audit samples of what it allows, through the real ingest),
a moderator rejects the insults as discourtesy and approves the rest, and the command tunes
thresholds on those outcomes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from moderation.categories import CATEGORIES
from moderation.cli import main
from moderation.policy import DEFAULT_POLICY_PATH, Policy, Thresholds, load_policy
from moderation.queue import ReviewQueue
from moderation.queue.ingest import ReviewIngest
from moderation.queue.stats import export_rows
from moderation.schemas import ModerateRequest
from moderation.scoring import Moderator
from moderation.settings import Settings, get_settings

RATE = 0.5
INSULTS = [
    f"you are a {adjective} {noun}"
    for adjective in ("stupid", "pathetic", "ignorant", "useless", "clueless", "worthless")
    for noun in ("idiot", "moron", "fool", "loser", "clown")
]
CIVIL = [
    f"{opener} the {subject} today"
    for opener in ("I liked", "Thanks for", "I disagree with", "Good points in", "Not sure about")
    for subject in ("article", "interview", "council vote", "budget plan", "bridge story")
]
INTAKE = Policy(
    version="intake",
    categories={c: Thresholds(flag=0.05, reject=None) for c in CATEGORIES},
)
OPEN = 2  # audit items left undecided


@pytest.fixture
def served(
    redis_url: str, redis_prefix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """The CLI (with `runner`: the tiny model, the test's state folder) on this test's Redis
    prefix, serving a copy of the shipped policy."""
    path = tmp_path / "served.toml"
    path.write_bytes(DEFAULT_POLICY_PATH.read_bytes())
    monkeypatch.setenv("MODERATION_REDIS_URL", redis_url)
    monkeypatch.setenv("MODERATION_REDIS_PREFIX", redis_prefix)
    monkeypatch.setenv("MODERATION_POLICY_PATH", str(path))
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def moderate_and_decide(queue: ReviewQueue, settings: Settings) -> dict[str, int]:
    """Moderate every text through the real ingest, enter one report-only item, decide all
    but `OPEN` audit items; returns how many flags and audit items entered."""
    moderator = Moderator.load(settings=settings, policy=INTAKE)
    texts = INSULTS + CIVIL
    ids = [f"c-{n}" for n in range(len(texts))]
    results = moderator.moderate_many(texts, ids=ids)
    requests = [ModerateRequest(id=i, text=t) for i, t in zip(ids, texts, strict=True)]
    ReviewIngest(queue, None, audit_sample_rate=RATE).admit(results, requests)
    queue.enter(comment_id="c-report", kind="report", text=INSULTS[0], reporter_id="r-1")
    items = queue.claim(moderator="ana", limit=1000, lease_seconds=600)
    kinds = [item.kinds for item in items]
    assert kinds[-OPEN:] == [["audit"]] * OPEN  # audit items come last: priority 0
    for item in items[:-OPEN]:
        insult = item.text in INSULTS
        queue.decide(
            item.item_id,
            moderator="ana",
            outcome="reject" if insult else "approve",
            labels=["discourtesy"] if insult else [],
        )
    return {"flag": kinds.count(["flag"]), "audit": kinds.count(["audit"])}


def suggest(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["policy", "suggest", *args])
    return result.exit_code, result.output


@pytest.mark.usefixtures("runner")
def test_suggest_writes_a_new_policy_from_the_live_queue(
    served: Path, queue: ReviewQueue, queue_settings: Settings, tmp_path: Path
) -> None:
    entered = moderate_and_decide(queue, queue_settings)
    assert entered["flag"] >= 30 and entered["audit"] > OPEN  # insults flagged, civil sampled
    before = served.read_bytes()

    code, output = suggest("--json")
    assert code == 0, output
    report = json.loads(output)
    written = Path(report["file"])
    assert written.parent == tmp_path / "state" / "policies" and report["active"] is False
    new = load_policy(written)
    assert new.version == report["version"] and new.version.startswith("v5-20261127+suggested.")
    assert "moderator outcomes" in new.description and "model tiny-1" in new.description
    for category, limits in new.categories.items():
        assert 0 < limits.flag <= 1, category
        assert limits.reject is None or limits.flag <= limits.reject <= 1, category

    sample = report["sample"]
    assert sample["strata"]["flag"] == {"decided": entered["flag"], "open": 0, "completion": 1.0}
    assert sample["strata"]["audit"]["open"] == OPEN
    assert sample["left_out_reports_and_appeals"] == 1
    # Every flag stands for itself, every audit item (open ones too) for 1 / 0.5 comments.
    assert sample["represents"] == pytest.approx(entered["flag"] + entered["audit"] / RATE)

    rows = {row["category"]: row for row in report["categories"]}
    discourtesy = rows["discourtesy"]
    assert discourtesy["status"] == "suggested" and discourtesy["positives"] == len(INSULTS)
    assert discourtesy["suggested"] == new.categories["discourtesy"].model_dump()
    figures = discourtesy["measured"]["suggested"]
    assert figures["flag"]["recall"] >= 0.8
    assert figures["reject"]["precision"] >= 0.9
    assert rows["vulgarity"]["status"] == "kept"  # nobody labelled vulgarity
    assert rows["vulgarity"]["reason"].startswith("thin evidence: 0 positive outcomes")
    assert rows["doxing"]["status"] == "kept" and rows["doxing"]["reason"].startswith("fixed")
    assert new.categories["vulgarity"] == load_policy(served).categories["vulgarity"]
    assert served.read_bytes() == before  # the served policy is never touched

    again, refused = suggest("--version", new.version)
    assert again == 2 and "never overwrites" in refused
    assert load_policy(written) == new

    code, table = suggest("--version", "site-2026-12", "--target-recall", "0.9")
    assert code == 0, table
    lines = table.splitlines()
    assert lines[0].startswith(f"sample: {sample['items']} decided items")
    assert any(line.startswith("discourtesy ") and "suggested" in line for line in lines)
    out = tmp_path / "state" / "policies" / "site-2026-12.toml"
    assert lines[-3:] == [
        f"written (not active): {out}",
        f"review:   diff -u {served} {out}",
        f"activate: restart `moderation serve` with MODERATION_POLICY_PATH={out}",
    ]


@pytest.mark.usefixtures("runner", "served")
def test_suggest_from_exported_files(
    queue: ReviewQueue, queue_settings: Settings, tmp_path: Path
) -> None:
    entered = moderate_and_decide(queue, queue_settings)
    rows = list(export_rows(queue))
    rates = {row["audit_rate"] for row in rows if "audit" in row["kinds"]}
    assert rates == {RATE}  # kept on the item when it entered
    assert {row["audit_rate"] for row in rows if "audit" not in row["kinds"]} == {None}
    export = tmp_path / "decisions.jsonl"
    export.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")

    out = tmp_path / "from-files.toml"
    code, output = suggest("--labels", str(export), "--out", str(out), "--json")
    assert code == 0, output
    sample = json.loads(output)["sample"]
    decided_audit = entered["audit"] - OPEN
    assert sample["strata"]["audit"] == {"decided": decided_audit, "open": None, "completion": 1.0}
    assert sample["represents"] == pytest.approx(entered["flag"] + decided_audit / RATE)
    assert sample["notes"] == ["open items unknown (exported files): no completion correction"]
    assert load_policy(out).categories["discourtesy"].flag > 0

    later = ["--since", "2999-01-01", "--out", str(tmp_path / "later.toml")]
    code, output = suggest("--labels", str(export), *later)
    assert code == 1 and "no decided flag or audit item in decisions.jsonl since then" in output


@pytest.mark.usefixtures("runner", "served")
def test_an_empty_queue_or_a_plain_labelled_file_is_refused(tmp_path: Path) -> None:
    code, output = suggest()
    assert code == 1
    assert "Error: no decided flag or audit item in the review queue" in output
    assert not (tmp_path / "state" / "policies").exists()

    plain = tmp_path / "labels.csv"
    plain.write_text("text,spam\nbuy now,1\nnice piece,0\n", encoding="utf-8")
    code, output = suggest("--labels", str(plain))
    assert code == 2 and "labels.csv is not a queue export" in output


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("audit_rate", 0, "row 1: audit_rate must be a number in (0, 1], got 0"),
        ("audit_rate", "often", "row 1: audit_rate must be a number in (0, 1], got 'often'"),
        ("decided_at", "last tuesday", "decided_at must be ISO 8601 date-times"),
    ],
)
def test_a_broken_export_is_one_clear_error(
    tmp_path: Path, field: str, value: object, message: str
) -> None:
    row = {
        "text": "buy now",
        **dict.fromkeys(CATEGORIES, 0),
        "comment_id": "c1",
        "outcome": "approve",
        "decided_at": "2026-11-28T01:00:00Z",
        "kinds": ["audit"],
        "audit_rate": 0.1,
    }
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps({**row, field: value}) + "\n", encoding="utf-8")
    code, output = suggest("--labels", str(path))
    assert code == 2 and message in output and "Traceback" not in output
