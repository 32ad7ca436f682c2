"""The promotion history: which version a rollback returns to, and one writer at a time."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from moderation.errors import Conflict
from moderation.registry import active_version, set_active
from moderation.registry_history import (
    HISTORY_FILE,
    active_chain,
    change_active,
    read_history,
    rollback_target,
)


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    """Versions a..e (created in that order; folders with a manifest and a card), a active."""
    for n, name in enumerate("abcde"):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "manifest.json").write_text(json.dumps({"version": name, "files": {}}))
        (folder / "card.json").write_text(json.dumps({"created": f"2026-12-0{n + 1}"}))
    set_active(tmp_path, "a")
    return tmp_path


def record(action: str, old: str | None, new: str) -> dict[str, str | None]:
    return {"action": action, "from": old, "to": new}


@pytest.mark.parametrize(
    ("records", "chain"),
    [
        ([], []),
        ([record("promote", "a", "b"), record("promote", "b", "c")], ["a", "b", "c"]),
        (  # two rollbacks walk back two steps, not back and forth
            [
                record("promote", "a", "b"),
                record("promote", "b", "c"),
                record("rollback", "c", "b"),
                record("rollback", "b", "a"),
            ],
            ["a"],
        ),
        (  # ACTIVE was set to x by hand between two promotions
            [record("promote", "a", "b"), record("promote", "x", "c")],
            ["a", "b", "x", "c"],
        ),
        ([record("promote", None, "a")], ["a"]),  # the first promotion of an empty registry
        (  # `train --activate` set x; rolling back from it must not put x on the chain
            [record("promote", "a", "b"), record("rollback", "x", "b")],
            ["a", "b"],
        ),
    ],
)
def test_active_chain_replays_promotions_and_rollbacks(
    records: list[dict[str, str | None]], chain: list[str]
) -> None:
    assert active_chain(records) == chain


def test_rollback_target_from_history_else_creation_order(registry: Path) -> None:
    assert rollback_target(registry, "a") == (None, "creation order (no earlier history)")
    assert rollback_target(registry, "c")[0] == "b"  # no history: the version created before
    change_active(registry, action="promote", expected="a", to="d", by="t", reason="")
    change_active(registry, action="promote", expected="d", to="b", by="t", reason="")
    assert rollback_target(registry, "b")[0] == "d"  # history, not creation order (a)
    set_active(registry, "e")  # by hand: the history's last active is where to go back
    target, how = rollback_target(registry, "e")
    assert target == "b" and "outside the registry commands" in how


def test_a_changed_active_refuses_the_stale_writer(registry: Path) -> None:
    change_active(registry, action="promote", expected="a", to="b", by="t", reason="")
    with pytest.raises(Conflict, match="ACTIVE changed from a to b"):
        change_active(registry, action="promote", expected="a", to="c", by="t", reason="")
    assert active_version(registry) == "b" and len(read_history(registry)) == 1


def test_racing_promotions_leave_one_winner_and_one_record(registry: Path) -> None:
    start = threading.Barrier(4)
    outcomes: dict[str, str] = {}

    def promote(version: str) -> None:
        start.wait()
        try:
            change_active(
                registry, action="promote", expected="a", to=version, by=version, reason=""
            )
            outcomes[version] = "won"
        except Conflict:
            outcomes[version] = "conflict"

    threads = [threading.Thread(target=promote, args=(v,)) for v in "bcde"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [v for v, outcome in outcomes.items() if outcome == "won"]
    assert len(winners) == 1 and len(outcomes) == 4
    [entry] = read_history(registry)
    assert entry["from"] == "a" and entry["to"] == winners[0] == active_version(registry)


def test_a_torn_history_line_is_skipped(registry: Path) -> None:
    change_active(registry, action="promote", expected="a", to="b", by="t", reason="why")
    with (registry / HISTORY_FILE).open("a", encoding="utf-8") as handle:
        handle.write('{"action": "promote", "fro')  # a write cut short
    assert [r["reason"] for r in read_history(registry)] == ["why"]
