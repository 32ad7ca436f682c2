"""The `moderation` CLI through click's CliRunner, parsing its JSON output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from moderation.categories import CATEGORIES
from moderation.cli import main
from moderation.policy import DEFAULT_POLICY_PATH, load_policy
from moderation.settings import get_settings
from training.suites import SUITES


def test_check_prints_the_answer(runner: CliRunner) -> None:
    result = runner.invoke(main, ["check", "--json", "You stupid idiot, I will hurt you"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["decision"] in {"allow", "flag", "reject"}
    assert list(body["scores"]) == list(CATEGORIES)
    human = runner.invoke(main, ["check", "Thanks for the article"])
    assert human.exit_code == 0
    assert human.output.startswith("decision: ")


def test_check_refuses_empty_text(runner: CliRunner) -> None:
    result = runner.invoke(main, ["check", "   "])
    assert result.exit_code == 2
    assert "Error: text is empty" in result.output


def test_classify_keeps_order_and_reports_bad_lines(runner: CliRunner, tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a", "text": "hello there"}),
        "not json",
        json.dumps({"id": "c", "text": ""}),
        "",
        json.dumps({"text": "I will hurt you", "author_id": "u9"}),
        json.dumps({"id": "f", "text": 5}),
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(main, ["classify", str(source), "-o", str(out)])
    assert result.exit_code == 1
    assert "4 line(s) could not be scored" in result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == len(lines)  # one output line per input line, in order
    assert rows[0]["id"] == "a" and "review" not in rows[0] and "decision" in rows[0]
    assert rows[1]["line"] == 2 and rows[1]["error"]["code"] == "invalid_json"
    assert rows[2]["id"] == "c" and rows[2]["error"]["code"] == "empty_text"
    assert rows[3]["line"] == 4 and rows[3]["error"]["message"] == "blank line"
    assert rows[4]["id"].startswith("c_") and list(rows[4]["scores"]) == list(CATEGORIES)
    assert rows[5]["id"] == "f" and rows[5]["error"]["message"].startswith("text: ")


def test_classify_stdin_to_stdout(runner: CliRunner) -> None:
    stdin = "".join(json.dumps({"id": str(i), "text": f"comment {i}"}) + "\n" for i in range(300))
    result = runner.invoke(main, ["classify", "-"], input=stdin)
    assert result.exit_code == 0, result.output
    answers = [json.loads(line) for line in result.output.splitlines()]
    assert [answer["id"] for answer in answers] == [str(i) for i in range(300)]
    # Every line names the model and policy that scored it (tiny-1's: the packaged default's).
    default = load_policy(DEFAULT_POLICY_PATH).version
    assert {(a["model_version"], a["policy_version"].split("+")[0]) for a in answers} == {
        ("tiny-1", default)
    }


def test_evaluate_a_labelled_file(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "eval.jsonl"
    rows = [{"text": "you idiot", "discourtesy": 1}, {"text": "lovely day", "discourtesy": 0}]
    path.write_text("\n".join(json.dumps(r) for r in rows * 6))
    result = runner.invoke(main, ["evaluate", str(path)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["model_version"] == "tiny-1"
    assert report["categories"]["discourtesy"]["n"] == 12
    assert report["categories"]["discourtesy"]["roc_auc"] is not None


def test_train_writes_a_version(runner: CliRunner, tmp_path: Path, fixture_data: Path) -> None:
    out = tmp_path / "models"
    policy = tmp_path / "policy.toml"
    result = runner.invoke(
        main,
        [
            "train",
            "--data-dir",
            str(fixture_data),
            "--out",
            str(out),
            "--version",
            "t2",
            "--activate",
            "--write-policy",
            str(policy),
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output[result.output.index("{") :])
    assert summary["version"] == "t2"
    assert (out / "ACTIVE").read_text().strip() == "t2"
    for name in ("model.joblib", "manifest.json", "card.json", "card.md", "policy.toml"):
        assert (out / "t2" / name).is_file()
    card = json.loads((out / "t2" / "card.json").read_text())
    assert card["licenses"] and card["sources"] and card["label_mapping"]
    # Every evaluation suite ran on the new model; its headline figures are in the card.
    assert set(card["suites"]) == set(SUITES)
    assert all(
        v is None or 0.0 <= v <= 1.0
        for figures in card["suites"].values()
        for v in figures.values()
    )
    assert "## Evaluation suites" in (out / "t2" / "card.md").read_text()
    assert 'version = "t2"' in policy.read_text()
    again = runner.invoke(
        main, ["train", "--data-dir", str(fixture_data), "--out", str(out), "--version", "t2"]
    )
    assert again.exit_code == 4 and "already exists" in again.output


def test_a_broken_policy_stops_serve(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('version = "x"\n[categories.nudity]\nflag = 0.5\n')
    monkeypatch.setenv("MODERATION_POLICY_PATH", str(bad))
    get_settings.cache_clear()
    result = runner.invoke(main, ["serve"])
    assert result.exit_code == 3
    assert "unknown categories: nudity" in result.output


def test_train_on_commercial_licenses_only(
    runner: CliRunner, tmp_path: Path, fixture_data: Path
) -> None:
    """Only commercially usable public sources, plus the site's own labels (its own)."""
    out = tmp_path / "models"
    ours = tmp_path / "ours.csv"
    ours.write_text("text,spam\nCheap watches at replica-shop dot biz,1\nGreat match report,0\n")
    args = ["train", "--data-dir", str(fixture_data), "--out", str(out), "--version", "c1"]
    result = runner.invoke(
        main,
        [
            *args,
            "--license",
            "commercial",
            "--labels",
            str(ours),
            "--labels-weight",
            "2",
            "--no-suites",
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output[result.output.index("{") :])["site_labels"] == 2
    card = json.loads((out / "c1" / "card.json").read_text())
    assert "none stated" not in card["licenses"]
    assert "CC BY-NC-SA 4.0" not in card["licenses"]
    assert "site-owned (the site's own moderators and files)" in card["licenses"]
    assert card["site_labels"]["weight"] == 2.0 and card["audit"] is None
    assert {s["name"] for s in card["sources"]}.isdisjoint({"socc_ctc", "youtube_spam"})


def test_train_refuses_a_bad_labels_file(
    runner: CliRunner, tmp_path: Path, fixture_data: Path
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "hello", "spam": "sometimes"}\n')
    args = ["train", "--data-dir", str(fixture_data), "--out", str(tmp_path / "m")]
    result = runner.invoke(main, [*args, "--labels", str(bad)])
    assert result.exit_code != 0
    assert "row 1: spam must be 0/1, true/false or blank, got 'sometimes'" in result.output
    assert not (tmp_path / "m").exists()
    result = runner.invoke(main, [*args, "--labels", str(bad), "--labels-weight", "0"])
    assert result.exit_code == 2 and "--labels-weight" in result.output


def test_classify_refuses_input_that_is_not_utf8(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "latin1.jsonl"
    source.write_bytes(b'{"id": "a", "text": "caf\xe9"}\n')
    result = runner.invoke(main, ["classify", str(source)])
    assert result.exit_code == 2
    assert "Error: input is not UTF-8" in result.output


def test_train_refuses_a_bad_version_name_before_training(
    runner: CliRunner, tmp_path: Path, fixture_data: Path
) -> None:
    args = ["train", "--data-dir", str(fixture_data), "--out", str(tmp_path), "--version", "a/b"]
    result = runner.invoke(main, args)
    assert result.exit_code == 4
    assert "invalid version name" in result.output


def test_lists_check_and_show(runner: CliRunner, tmp_path: Path) -> None:
    lists = tmp_path / "state" / "lists"
    lists.mkdir(parents=True)
    (lists / "site-deny.toml").write_text(
        'kind = "deny"\n[[terms]]\nterm = "numpty"\ncategory = "discourtesy"\n'
    )
    checked = runner.invoke(main, ["lists", "check"])
    assert checked.exit_code == 0, checked.output
    assert checked.output.startswith("ok: 1 site lists, 1 terms; lists version ")
    missing = runner.invoke(main, ["lists", "check", str(tmp_path / "no-such-folder")])
    assert missing.exit_code == 2 and "does not exist" in missing.output
    shown = runner.invoke(main, ["lists", "show", "--terms"])
    assert "site-deny" in shown.output and "numpty -> discourtesy (flag)" in shown.output
    assert "places" in shown.output and "+lists." in shown.output


def test_a_broken_list_file_stops_serve_and_fails_check(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Should the list check ever let serve through, an invalid Redis URL stops it (exit 2)
    # instead of a server that never returns.
    monkeypatch.setenv("MODERATION_REDIS_URL", "http://not-redis")
    get_settings.cache_clear()
    lists = tmp_path / "state" / "lists"
    lists.mkdir(parents=True)
    (lists / "bad.toml").write_text('kind = "deny"\n[[terms]]\nterm = "numpty"\n')
    for args in (["lists", "check"], ["serve"]):
        result = runner.invoke(main, args)
        assert result.exit_code == 3, (args, result.output)
        assert "bad.toml" in result.output and "need a category" in result.output
