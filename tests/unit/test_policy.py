from pathlib import Path

import pytest

from moderation.categories import CATEGORIES
from moderation.errors import PolicyError
from moderation.policy import DEFAULT_POLICY_PATH, load_policy

ZERO = dict.fromkeys(CATEGORIES, 0.0)


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(body, encoding="utf-8")
    return path


def full_policy(**overrides: str) -> str:
    lines = ['version = "t1"']
    for c in CATEGORIES:
        lines += [f"[categories.{c}]", overrides.get(c, "flag = 0.5\nreject = 0.9")]
    return "\n".join(lines)


def test_shipped_default_names_all_seven_categories() -> None:
    policy = load_policy(DEFAULT_POLICY_PATH)
    assert set(policy.categories) == set(CATEGORIES)
    assert policy.version


@pytest.mark.parametrize(
    ("scores", "decision", "actions"),
    [
        ({}, "allow", {}),
        ({"violence": 0.5}, "flag", {"violence": "flag"}),
        ({"violence": 0.95, "spam": 0.6}, "reject", {"violence": "reject", "spam": "flag"}),
        ({"profanity": 0.99}, "flag", {"profanity": "flag"}),  # rejection disabled below
        ({"racism": 0.4999}, "allow", {}),
    ],
)
def test_decision_rule(tmp_path: Path, scores: dict, decision: str, actions: dict) -> None:
    policy = load_policy(write(tmp_path, full_policy(profanity="flag = 0.5\nreject = false")))
    outcome = policy.decide({**ZERO, **scores})
    assert outcome.decision == decision
    assert outcome.actions == actions


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("version = ", "not valid TOML"),
        (full_policy() + "\n[categories.nudity]\nflag = 0.5", "unknown categories: nudity"),
        (full_policy(spam="flag = 0.9\nreject = 0.5"), "below flag"),
        (full_policy(spam="flag = 1.5"), "categories.spam.flag"),
        (full_policy(spam="flag = 0.5\nthreshold = 0.2"), "categories.spam.threshold"),
        ('version = "x"\n[categories.spam]\nflag = 0.5', "categories missing"),
        (full_policy().replace('version = "t1"', ""), "version"),
    ],
)
def test_bad_policy_stops_with_a_clear_message(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        load_policy(write(tmp_path, body))


def test_missing_policy_file(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="not found"):
        load_policy(tmp_path / "nope.toml")


def test_odd_policy_files_give_policy_errors(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="must be a table"):
        load_policy(write(tmp_path, 'version = "x"\ncategories = 5\n'))
    with pytest.raises(PolicyError, match="cannot be read"):
        load_policy(tmp_path)


def test_policy_toml_reads_back_as_the_same_policy(tmp_path: Path) -> None:
    from moderation.policy import LanguagePolicy, policy_toml

    shipped = load_policy(DEFAULT_POLICY_PATH)
    assert load_policy(write(tmp_path, policy_toml(shipped))) == shipped
    quoted = shipped.model_copy(
        update={
            "description": 'from "outcomes"\nsecond line',
            "languages": LanguagePolicy(unsupported="reject"),
        }
    )
    text = policy_toml(quoted, header=["checked", ""])
    assert text.startswith("# checked\n#\n")
    assert load_policy(write(tmp_path, text)) == quoted
    assert "[languages]" not in policy_toml(shipped)  # the default is not spelled out
