"""Spans suite: how well the evidence spans match the toxic spans people marked.

Gold is TOXICSPANS (Civil Comments posts whose raters highlighted the toxic words; SemEval-2021
Task 5 and ACL 2022, `ipavlopoulos/toxic_spans`). A post's gold is the set of character
offsets that at least half of its answering raters highlighted. The data's README
(`ACL2022/README.md`) averages the raters per character and keeps "higher than 50%". But a
third of the annotation rows tick both "all toxic" and "not toxic" and highlight nothing; with
those rows left out and half counted, the gold comes closest to the SemEval-2021 release
(`SemEval2021/data/tsd_train.csv`, an earlier round of the same annotation: of 29 posts
compared, 21 agree exactly, against 17 for a strict majority of the same raters and 11 for a
strict majority of every row; 6 % of posts get no gold, about 7 % of the release's first 150,
against 16 % and 40 %). The strict-majority F1 is reported beside it.

The metric is the task's: per post, the F1 of the predicted and gold offset sets (1 when both
are empty, 0 when only one is), averaged over posts (`evaluation/semeval2021.py`).

The prediction is what a user of the API sees: the union of the evidence of every category
the moderation result triggers (deny terms, detector findings and the model's words); a post
that is not flagged predicts nothing. `if_flagged` adds the evidence of the top-scoring toxic
category to the triggered ones, as if every post were flagged: the gap between the two is
what the decision costs, the rest is the choice of words.

Posts are the model's held-back split (rebuilt from its card like the obfuscation suite's:
same sources, seed and fractions), so no training post is measured: `test` by default,
`validation` for tuning. Without the public data the suite runs on the hand-written
`training/eval/toxic_spans.jsonl` and says so.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from moderation.errors import InvalidInput
from moderation.evidence import build_evidence
from moderation.normalize import normalize
from moderation.scoring import Moderator
from moderation.span_tagger import TAGGED_CATEGORIES

EVAL_DIR = Path(__file__).resolve().parents[1] / "eval"
HANDWRITTEN = EVAL_DIR / "toxic_spans.jsonl"
SPAN_TYPES = ("Insult", "Threat", "Identity based Attack", "Profane/Obscene")
#: Categories whose evidence is toxic language (doxing and spam evidence is not).
TOXIC_CATEGORIES = TAGGED_CATEGORIES
#: A character (or span type) is gold when at least this share of the answering raters marked it.
GOLD_MIN_SHARE = 0.5


@dataclass(frozen=True)
class Post:
    """One post with its gold offsets (and the strict-majority ones) and span types."""

    text: str
    gold: frozenset[int]
    strict_gold: frozenset[int]
    types: tuple[str, ...]
    set: str  # "handwritten", "validation" or "test"


# -- gold -------------------------------------------------------------------------------------


def gold_offsets(marks: Sequence[Iterable[int]], raters: int) -> tuple[set[int], set[int]]:
    """(offsets marked by at least half of `raters`, offsets marked by more than half).

    `marks` holds one iterable of offsets per rater who highlighted something; `raters` also
    counts the answering raters who highlighted nothing."""
    if raters <= 0:
        return set(), set()
    counts = Counter(offset for rater in marks for offset in set(rater))
    half = {o for o, n in counts.items() if n >= GOLD_MIN_SHARE * raters}
    strict = {o for o, n in counts.items() if n > GOLD_MIN_SHARE * raters}
    return half, strict


def toxic_spans_posts(data_dir: Path) -> dict[int, Post]:
    """Every TOXICSPANS post by comment id, with its gold (`set` left empty)."""
    import pandas as pd

    from training.sources.common import flag, raw_dir
    from training.sources.news import _span_type

    root = raw_dir(data_dir) / "toxic_spans"
    comments = pd.read_csv(root / "comments.csv", encoding="utf-8")
    annotations = pd.read_csv(root / "annotations.csv", encoding="utf-8")
    spans = pd.read_csv(root / "spans.csv", encoding="utf-8")
    marked = annotations["annotation"].isin(spans["annotation"])
    void = (flag(annotations["all toxic"]) > 0) & (flag(annotations["not toxic"]) > 0)
    answering = annotations[marked | ~void]
    raters = answering.groupby("comment_id")["worker"].nunique()
    spans = spans.merge(annotations[["annotation", "comment_id", "worker"]], on="annotation")
    spans = spans.assign(type=spans["type"].map(_span_type))
    offsets: dict[int, dict[int, set[int]]] = {}  # post -> rater -> offsets marked
    typed: dict[int, dict[str, set[int]]] = {}  # post -> span type -> raters who used it
    for cid, worker, kind, start, end in zip(
        spans["comment_id"], spans["worker"], spans["type"], spans["start"], spans["end"],
        strict=True,
    ):  # fmt: skip
        cid, worker = int(cid), int(worker)
        offsets.setdefault(cid, {}).setdefault(worker, set()).update(range(int(start), int(end)))
        typed.setdefault(cid, {}).setdefault(kind, set()).add(worker)
    posts: dict[int, Post] = {}
    for cid, text in zip(comments["comment_id"], comments["comment_text"], strict=True):
        cid, n = int(cid), int(raters.get(cid, 0))
        if not isinstance(text, str) or n == 0:
            continue
        half, strict = gold_offsets(list(offsets.get(cid, {}).values()), n)
        kinds = typed.get(cid, {})
        types = tuple(t for t in SPAN_TYPES if len(kinds.get(t, ())) >= GOLD_MIN_SHARE * n)
        posts[cid] = Post(text, frozenset(half), frozenset(strict), types, "")
    return posts


def held_back_posts(
    data_dir: Path, card: dict[str, Any], splits: Sequence[str] = ("test",)
) -> list[Post]:
    """The TOXICSPANS posts in the model's `splits`, rebuilt from its card.

    Training merges exact duplicates (after normalisation) across sources before splitting, so
    a post's split is the split of its normalised text in that merged frame."""
    from training.splits import card_config, card_sources, prepared_frame
    from training.train import split

    sources = card_sources(card)
    if sources and "toxic_spans" not in sources:
        sources.append("toxic_spans")
    frame = prepared_frame(data_dir, sources or None)
    split_of = dict(zip(frame["norm"], split(frame, card_config(card)), strict=True))
    return posts_in_splits(data_dir, split_of, splits)


def posts_in_splits(
    data_dir: Path, split_of: Mapping[str, str], splits: Sequence[str]
) -> list[Post]:
    """The TOXICSPANS posts whose normalised text `split_of` puts in one of `splits` (training
    passes its own frame's splits rather than rebuilding them)."""
    from training.sources.common import clean_text

    out = []
    for post in toxic_spans_posts(data_dir).values():
        where = split_of.get(normalize(clean_text(post.text)))
        if where in splits:
            out.append(Post(post.text, post.gold, post.strict_gold, post.types, str(where)))
    return out


def handwritten_posts(path: Path = HANDWRITTEN) -> list[Post]:
    """The hand-written posts: `{"text", "spans": [[start, end], ...], "types": [...]}`."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    posts = []
    for row in rows:
        gold = frozenset(o for start, end in row["spans"] for o in range(start, end))
        posts.append(Post(row["text"], gold, gold, tuple(row.get("types", ())), "handwritten"))
    return posts


# -- prediction and metric --------------------------------------------------------------------


def predicted_offsets(moderator: Moderator, text: str) -> tuple[set[int], set[int]]:
    """(offsets of the triggered categories' evidence, the same plus the top toxic category's).

    Text the service refuses (empty, too long) predicts nothing."""
    try:
        result = moderator.moderate(text)
    except InvalidInput:
        return set(), set()
    shown = {t.category: t.evidence for t in result.triggered}
    triggered = {o for spans in shown.values() for e in spans for o in range(e.start, e.end)}
    top = max(TOXIC_CATEGORIES, key=lambda c: result.scores[c])
    if top in shown:
        return triggered, triggered
    normalized = normalize(text)
    matches = moderator.match_terms(normalized)
    extra = build_evidence(
        moderator.scorer,
        text,
        [top],
        findings=moderator.findings(text, normalized, matches),
        matches=matches,
        features=None,
        max_spans=moderator.max_evidence_spans,
        tagger=moderator.span_tagger,
    )[top]
    return triggered, triggered | {o for e in extra for o in range(e.start, e.end)}


def char_f1(predicted: Iterable[int], gold: Iterable[int]) -> float:
    """SemEval-2021 Task 5 per-post F1 of two offset sets: 1 when both are empty."""
    p, g = set(predicted), set(gold)
    if not g:
        return 1.0 if not p else 0.0
    return 2 * len(p & g) / (len(p) + len(g))


def _figures(pairs: list[tuple[set[int], frozenset[int]]]) -> dict[str, Any]:
    """Mean per-post F1; precision over posts with a prediction, recall over posts with gold."""
    if not pairs:
        return {"posts": 0, "f1": None, "precision": None, "recall": None, "with_prediction": None}
    f1 = [char_f1(p, g) for p, g in pairs]
    precision = [len(p & g) / len(p) for p, g in pairs if p]
    recall = [len(p & g) / len(g) for p, g in pairs if g]
    return {
        "posts": len(pairs),
        "f1": _mean(f1),
        "precision": _mean(precision),
        "recall": _mean(recall),
        "with_prediction": _mean([float(bool(p)) for p, _ in pairs]),
    }


def _mean(values: Sequence[float]) -> float | None:
    return round(float(np.mean(values)), 4) if values else None


def run(moderator: Moderator, posts: list[Post]) -> dict[str, Any]:
    """Per set: the figures of the shown evidence, of `if_flagged`, the strict-majority F1,
    and the figures per span type (the posts at least half the raters marked with it)."""
    predictions = [predicted_offsets(moderator, post.text) for post in posts]
    report: dict[str, Any] = {
        "model_version": moderator.model_version,
        "gold": f"offsets marked by at least {GOLD_MIN_SHARE:.0%} of the answering raters",
        "sets": {},
    }
    for set_name in ("handwritten", "validation", "test"):
        rows = [(p, pred) for p, pred in zip(posts, predictions, strict=True) if p.set == set_name]
        if not rows:
            continue
        part = _figures([(shown, p.gold) for p, (shown, _) in rows])
        part["if_flagged"] = _figures([(forced, p.gold) for p, (_, forced) in rows])
        part["strict_majority_f1"] = _figures([(shown, p.strict_gold) for p, (shown, _) in rows])[
            "f1"
        ]
        part["empty_gold"] = _mean([float(not p.gold) for p, _ in rows])
        part["types"] = {}
        for kind in SPAN_TYPES:
            typed = [(p, pred) for p, pred in rows if kind in p.types]
            if typed:
                entry = _figures([(shown, p.gold) for p, (shown, _) in typed])
                entry["if_flagged_f1"] = _figures([(f, p.gold) for p, (_, f) in typed])["f1"]
                part["types"][kind] = entry
        report["sets"][set_name] = part
    return report


def run_suite(
    moderator: Moderator, *, data_dir: Path | None, splits: Sequence[str] = ("test",)
) -> dict[str, Any]:
    """The suite on the hand-written posts plus, with `data_dir`, the model's held-back
    TOXICSPANS posts of `splits`."""
    posts = handwritten_posts()
    if data_dir is not None and (Path(data_dir) / "raw" / "toxic_spans").is_dir():
        posts += held_back_posts(data_dir, moderator.card, splits)
    report = run(moderator, posts)
    report["public_data"] = any(name != "handwritten" for name in report["sets"])
    return report


def headline(report: dict[str, Any]) -> dict[str, float | None]:
    """`span_f1`: the shown evidence's mean per-post F1 on the test split (else the
    hand-written posts)."""
    sets = report["sets"]
    part = sets.get("test") or sets.get("validation") or sets["handwritten"]
    return {"span_f1": part["f1"]}


def format_table(report: dict[str, Any]) -> str:
    """The figures per set (rows) and per span type."""
    lines = [
        f"Spans suite, model {report['model_version']}: evidence vs TOXICSPANS gold "
        f"({report['gold']}); mean per-post character F1"
    ]
    if not report.get("public_data"):
        lines.append("(public data absent: hand-written posts only)")
    header = "| set | posts | F1 | precision | recall | with prediction | if flagged F1 "
    lines += ["", header + "| strict-majority F1 |", "|---|---|---|---|---|---|---|---|"]
    for name, part in report["sets"].items():
        lines.append(
            f"| {name} | {part['posts']} | {_pct(part['f1'])} | {_pct(part['precision'])} | "
            f"{_pct(part['recall'])} | {_pct(part['with_prediction'])} | "
            f"{_pct(part['if_flagged']['f1'])} | {_pct(part['strict_majority_f1'])} |"
        )
    for name, part in report["sets"].items():
        if not part["types"]:
            continue
        lines += [
            "",
            f"{name} by span type",
            "| type | posts | F1 | precision | recall | if flagged F1 |",
            "|---|---|---|---|---|---|",
        ]
        for kind, entry in part["types"].items():
            lines.append(
                f"| {kind} | {entry['posts']} | {_pct(entry['f1'])} | "
                f"{_pct(entry['precision'])} | {_pct(entry['recall'])} | "
                f"{_pct(entry['if_flagged_f1'])} |"
            )
    return "\n".join(lines)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"
