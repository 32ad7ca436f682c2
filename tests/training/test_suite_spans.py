"""The spans suite: the SemEval-2021 Task 5 metric, the gold rule, the held-back posts and the
`moderation evaluate --suite spans` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from moderation.cli import main
from moderation.scoring import Moderator
from training.data import default_data_dir
from training.suites import headline, spans


def test_char_f1_is_the_task_metric() -> None:
    # the example in the task's evaluation/semeval2021.py
    assert spans.char_f1([0, 1, 4, 5], [0, 1, 6]) == pytest.approx(0.5714285714285714)
    assert spans.char_f1([], []) == 1.0
    assert spans.char_f1([3], []) == 0.0
    assert spans.char_f1([], [3]) == 0.0


def test_gold_is_what_at_least_half_of_the_answering_raters_marked() -> None:
    half, strict = spans.gold_offsets([range(0, 5), [*range(0, 5), *range(10, 15)], []], 3)
    assert half == strict == set(range(5))
    half, strict = spans.gold_offsets([{0, 1}, {1, 2}], 2)
    assert half == {0, 1, 2} and strict == {1}
    assert spans.gold_offsets([{0}], 0) == (set(), set())


def write_toxic_spans(root: Path) -> None:
    folder = root / "raw" / "toxic_spans"
    folder.mkdir(parents=True)
    text = "You stupid idiot, go away."
    (folder / "comments.csv").write_text(f"comment_id,comment_text\n7,{json.dumps(text)}\n")
    (folder / "annotations.csv").write_text(
        "annotation,comment_id,worker,country,all toxic,not toxic\n"
        "0,7,1,USA,False,False\n"
        "1,7,2,USA,False,False\n"
        "2,7,3,USA,True,True\n"  # both boxes ticked and nothing marked: no answer
    )
    (folder / "spans.csv").write_text(
        "annotation,type,start,end\n0,Insult,11,16\n1,Insult,4,16\n1,Threat,18,25\n"
    )


def test_posts_leave_out_raters_who_gave_no_answer(tmp_path: Path) -> None:
    write_toxic_spans(tmp_path)
    post = spans.toxic_spans_posts(tmp_path)[7]
    text = post.text
    assert "".join(text[o] for o in sorted(post.strict_gold)) == "idiot"
    assert text[min(post.gold) : max(post.gold) + 1] == "stupid idiot, go away"
    assert post.types == ("Insult", "Threat")


def test_fixture_posts_have_the_majority_gold(fixture_data: Path) -> None:
    posts = spans.toxic_spans_posts(fixture_data)
    post = posts[101]  # two of three raters marked "hurt you" and "idiot"
    assert sorted(post.gold) == [*range(7, 15), *range(47, 52)]
    assert set(post.types) == {"Threat", "Insult"}


def test_held_back_posts_follow_the_training_split(
    fixture_data: Path, tiny_moderator: Moderator
) -> None:
    every = spans.held_back_posts(
        fixture_data, tiny_moderator.card, ("train", "validation", "test")
    )
    assert len(every) == len(spans.toxic_spans_posts(fixture_data))
    test = spans.held_back_posts(fixture_data, tiny_moderator.card)
    assert {p.set for p in test} <= {"test"}
    assert {p.text for p in test} == {p.text for p in every if p.set == "test"}


def test_handwritten_posts_mark_whole_words() -> None:
    posts = spans.handwritten_posts()
    assert len(posts) >= 10 and any(not p.gold for p in posts)
    for post in posts:
        assert set(post.types) <= set(spans.SPAN_TYPES)
        for offset in post.gold:  # a gold run starts and ends at a word boundary
            if offset - 1 not in post.gold and offset > 0:
                assert not post.text[offset - 1].isalnum(), post.text
            if offset + 1 not in post.gold and offset + 1 < len(post.text):
                assert not post.text[offset + 1].isalnum(), post.text


def test_suite_without_public_data_says_so(tiny_moderator: Moderator) -> None:
    report = spans.run_suite(tiny_moderator, data_dir=None)
    assert list(report["sets"]) == ["handwritten"] and report["public_data"] is False
    part = report["sets"]["handwritten"]
    assert part["posts"] == len(spans.handwritten_posts())
    for key in ("f1", "precision", "recall", "with_prediction"):
        assert part[key] is None or 0.0 <= part[key] <= 1.0
    assert 0.0 <= part["if_flagged"]["f1"] <= 1.0
    assert headline("spans", report)["span_f1"] == part["f1"]
    assert "hand-written posts only" in spans.format_table(report)


def test_shipped_evidence_finds_the_marked_words(shipped_moderator: Moderator) -> None:
    report = spans.run_suite(shipped_moderator, data_dir=None)
    part = report["sets"]["handwritten"]
    assert part["f1"] > 0.5 and part["precision"] > 0.7
    assert part["types"]["Insult"]["f1"] > 0.5


@pytest.mark.slow
def test_shipped_evidence_on_the_held_back_toxic_spans(shipped_moderator: Moderator) -> None:
    data_dir = default_data_dir()
    if data_dir is None or not (data_dir / "raw" / "toxic_spans").is_dir():
        pytest.skip("public data (../shared/data) absent")
    report = spans.run_suite(shipped_moderator, data_dir=data_dir)
    test = report["sets"]["test"]
    assert test["posts"] > 1000 and report["public_data"] is True
    # loose bounds that a broken offset map or a lost model would fall below
    assert test["f1"] > 0.45 and test["if_flagged"]["f1"] > test["f1"]
    assert set(test["types"]) == set(spans.SPAN_TYPES)


def test_gold_agrees_with_the_semeval_2021_release() -> None:
    data_dir = default_data_dir()
    if data_dir is None or not (data_dir / "raw" / "toxic_spans").is_dir():
        pytest.skip("public data (../shared/data) absent")
    by_text = {p.text: p for p in spans.toxic_spans_posts(data_dir).values()}
    # posts and gold offsets as published in SemEval2021/data/tsd_train.csv
    released = {
        "Dumb.": [0, 1, 2, 3],
        "Please people, stop using these silly, stupid emoticons.": [
            *range(39, 45), *range(46, 55),
        ],
        "This man is a sickening, mentally ill joke.": [38, 39, 40, 41],
        "You are obviously a fool.": [20, 21, 22, 23],
    }  # fmt: skip
    for text, gold in released.items():
        assert sorted(by_text[text].gold) == gold, text


def test_evaluate_spans_suite(runner: CliRunner, fixture_data: Path) -> None:
    args = ["evaluate", "--suite", "spans", "--data-dir", str(fixture_data)]
    result = runner.invoke(main, [*args, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["model_version"] == "tiny-1" and report["public_data"] is (
        "test" in report["sets"]
    )
    table = runner.invoke(main, args)
    assert table.exit_code == 0 and "| handwritten | 14 |" in table.output
