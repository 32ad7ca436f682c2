"""Spam suite: recall on spam and the false-flag rate on civil comments, one comment at a time
and across comments.

- `single`: the hand-written `training/eval/spam.jsonl` (link drops, scams, crypto, adult and
  pharma promotions, messenger contacts, obfuscated links, SEO spam ... in several styles)
  against `spam_civil.jsonl` (news comments that look a bit like spam: a citation link, a
  price, a charity event, a business in the news, enthusiastic capitals) and `civil.jsonl`,
  scored by the pure scorer (`Moderator.score_texts`). The rules were written after those
  two sets and refined on their errors, so they flatter the rules; `spam_holdout.jsonl` (spam
  and civil, `"spam": true/false`) was written midway, and its results not looked at until
  the rules were final; `spam_outside.jsonl` (120 spam, 120 civil) was written by a separate
  session that saw none of the rules, sets or training data, and its errors were then read to
  widen the training grammar (`training/augment_spam.py`): no longer blind;
  `spam_blind.jsonl` (150 spam, 150 civil) was written the same way afterwards, and its spam
  side measured only on the final model: the fairest figure (its civil side is not quite blind:
  a first v5 flagged a crisis-line referral there, and the training grammar then got helpline
  referrals among its clean comments);
- `streams`: the simulated stream of `spam_streams.py` (bot campaigns interleaved with civil
  traffic) replayed in time order through the repeat tracker on a real Redis (`REDIS_URL` when
  set, else an embedded one; a throwaway key prefix, deleted afterwards), each comment scored
  by `Moderator.moderate(..., signals=...)`; the same stream scored without the tracker shows
  what the cross-comment signals add;
- `test` (with the public data): the model's test split rebuilt from its card, per source:
  recall on the youtube_spam and sms_spam positives, flag rate on every other comment.

A comment is caught (or falsely flagged) when its spam score reaches the policy's spam flag
threshold.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from moderation.categories import CATEGORIES
from moderation.scoring import Moderator
from training.suites.spam_streams import EVAL_DIR, Event, build_stream

SPAM = CATEGORIES.index("spam")
SPAM_SOURCES = ("youtube_spam", "sms_spam")
#: The sets of spam and civil comments together (`"spam": true/false`), in the order written.
MIXED_SETS = ("holdout", "outside", "blind")


def _rows(name: str) -> list[dict[str, Any]]:
    lines = (EVAL_DIR / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _rate(hits: int, n: int) -> float | None:
    return round(hits / n, 4) if n else None


def _tally(kinds: list[str], hits: np.ndarray) -> dict[str, Any]:
    out: dict[str, Any] = {
        "n": len(kinds),
        "hits": int(hits.sum()),
        "rate": _rate(int(hits.sum()), len(kinds)),
    }
    by_kind: dict[str, dict[str, Any]] = {}
    for kind, hit in zip(kinds, hits.tolist(), strict=True):
        entry = by_kind.setdefault(kind, {"n": 0, "hits": 0})
        entry["n"] += 1
        entry["hits"] += int(hit)
    out["kinds"] = {k: {**v, "rate": _rate(v["hits"], v["n"])} for k, v in by_kind.items()}
    return out


def run_single(moderator: Moderator) -> dict[str, Any]:
    """Recall on spam.jsonl; flag rate on spam_civil.jsonl and civil.jsonl; both on each of
    the sets that mix spam and civil comments (holdout, outside, blind)."""
    threshold = moderator.policy.categories["spam"].flag
    civil = [{**r, "kind": r.get("kind", "civil")} for r in _rows("spam_civil.jsonl")]
    civil += [{"text": r["text"], "kind": "general"} for r in _rows("civil.jsonl")]
    parts = {"spam": _rows("spam.jsonl"), "civil": civil}
    for name in MIXED_SETS:
        rows = _rows(f"spam_{name}.jsonl")
        parts[f"{name}_spam"] = [r for r in rows if r["spam"]]
        parts[f"{name}_civil"] = [r for r in rows if not r["spam"]]
    out: dict[str, Any] = {}
    for name, rows in parts.items():
        scores = moderator.score_texts([r["text"] for r in rows])[:, SPAM]
        hits = scores >= threshold
        out[name] = _tally([r["kind"] for r in rows], hits)
        wrong = ~hits if name.endswith("spam") else hits
        out[name]["errors"] = [
            {"text": r["text"], "kind": r["kind"], "score": round(float(s), 4)}
            for r, s, w in zip(rows, scores, wrong.tolist(), strict=True)
            if w
        ]
    return out


@contextmanager
def stream_redis() -> Iterator[tuple[Any, str]]:
    """A Redis client and where it points: `REDIS_URL` when set, else an embedded server in a
    temporary folder (stopped afterwards)."""
    import redis

    url = os.environ.get("MODERATION_REDIS_URL") or os.environ.get("REDIS_URL")
    if url:
        with redis.Redis.from_url(url, decode_responses=True) as client:
            yield client, "REDIS_URL"
        return
    from moderation.queue.embedded import EmbeddedRedis

    with (
        tempfile.TemporaryDirectory(prefix="spam-suite-") as folder,
        EmbeddedRedis(Path(folder)) as server,
        redis.Redis.from_url(server.url, decode_responses=True) as client,
    ):
        yield client, "embedded"


def replay(
    moderator: Moderator, events: list[Event], client: Any, *, prefix: str | None = None
) -> dict[str, Any]:
    """Replay `events` through a repeat tracker on `client` under `prefix` (default: a fresh
    one), deleting its keys afterwards; returns per event whether it was flagged as spam, and
    the tracker's median cost per comment."""
    from moderation.repeats import RepeatKeys, RepeatTracker

    keys = RepeatKeys(prefix or f"spam-suite-{uuid.uuid4().hex[:12]}")
    tracker = RepeatTracker(client, keys)
    start = time.time()
    flagged: list[bool] = []
    costs: list[float] = []
    try:
        for event in events:
            began = time.perf_counter()
            signals = tracker.observe(
                event.text, comment_id=event.comment_id, author_id=event.author, now=start + event.t
            )
            costs.append(time.perf_counter() - began)
            result = moderator.moderate(event.text, comment_id=event.comment_id, signals=signals)
            flagged.append(any(t.category == "spam" for t in result.triggered))
    finally:
        stale = list(client.scan_iter(match=keys.pattern, count=1000))
        if stale:
            client.delete(*stale)
    if tracker.failures:
        raise RuntimeError(f"Redis failed {tracker.failures} times during the replay")
    return {"flagged": flagged, "tracker_median_us": round(statistics.median(costs) * 1e6, 1)}


def _stream_figures(events: list[Event], flagged: np.ndarray) -> dict[str, Any]:
    spam = np.array([e.spam for e in events])
    by_campaign: dict[str, dict[str, Any]] = {}
    for event, hit in zip(events, flagged.tolist(), strict=True):
        entry = by_campaign.setdefault(event.campaign, {"spam": event.spam, "n": 0, "hits": 0})
        entry["n"] += 1
        entry["hits"] += int(hit)
    return {
        "spam": {
            "n": int(spam.sum()),
            "hits": int(flagged[spam].sum()),
            "rate": _rate(int(flagged[spam].sum()), int(spam.sum())),
        },
        "civil": {
            "n": int((~spam).sum()),
            "hits": int(flagged[~spam].sum()),
            "rate": _rate(int(flagged[~spam].sum()), int((~spam).sum())),
        },
        "campaigns": {k: {**v, "rate": _rate(v["hits"], v["n"])} for k, v in by_campaign.items()},
        "civil_flagged": [
            e.text for e, f in zip(events, flagged.tolist(), strict=True) if f and not e.spam
        ],
    }


def run_streams(moderator: Moderator) -> dict[str, Any]:
    """The stream scored with and without the repeat tracker."""
    events = build_stream()
    threshold = moderator.policy.categories["spam"].flag
    alone = moderator.score_texts([e.text for e in events])[:, SPAM] >= threshold
    with stream_redis() as (client, where):
        replayed = replay(moderator, events, client)
    return {
        "redis": where,
        "events": len(events),
        "tracker_median_us": replayed["tracker_median_us"],
        "with_repeats": _stream_figures(events, np.array(replayed["flagged"])),
        "without_repeats": _stream_figures(events, alone),
    }


def _test_frame(data_dir: Path, card: dict[str, Any]) -> Any:
    """The model's test split, rebuilt from its card (sources, seed, fractions) as the
    obfuscation suite does."""
    from training.splits import card_config, card_sources, prepared_frame
    from training.train import split

    frame = prepared_frame(data_dir, card_sources(card) or None)
    return frame[split(frame, card_config(card)) == "test"].reset_index(drop=True)


def run_test_split(moderator: Moderator, data_dir: Path) -> dict[str, Any]:
    """Per source of the model's test split (rows with a spam label): recall on positives,
    flag rate on negatives."""
    test = _test_frame(data_dir, moderator.card)
    test = test[test["spam"].notna()].reset_index(drop=True)
    threshold = moderator.policy.categories["spam"].flag
    hits = moderator.score_texts(test["text"].tolist())[:, SPAM] >= threshold
    labels = test["spam"].to_numpy() == 1
    sources: dict[str, Any] = {}
    for source in sorted(set(test["source"])):
        rows = (test["source"] == source).to_numpy()
        pos, neg = rows & labels, rows & ~labels
        sources[source] = {
            "positives": int(pos.sum()),
            "recall": _rate(int(hits[pos].sum()), int(pos.sum())),
            "negatives": int(neg.sum()),
            "flag_rate": _rate(int(hits[neg].sum()), int(neg.sum())),
        }
    return {
        "sources": sources,
        "recall": _rate(int(hits[labels].sum()), int(labels.sum())),
        "positives": int(labels.sum()),
        "civil_flag_rate": _rate(int(hits[~labels].sum()), int((~labels).sum())),
        "negatives": int((~labels).sum()),
    }


def run_suite(moderator: Moderator, *, data_dir: Path | None) -> dict[str, Any]:
    return {
        "model_version": moderator.model_version,
        "threshold": moderator.policy.categories["spam"].flag,
        "single": run_single(moderator),
        "streams": run_streams(moderator),
        "test": run_test_split(moderator, data_dir) if data_dir is not None else None,
    }


def headline(report: dict[str, Any]) -> dict[str, float | None]:
    """`recall` and `civil_flag_rate` over the hand-written sets and the stream together (the
    stream with the tracker), then each part, then the public test split's. Reports made
    before a mixed set existed simply lack its figures."""
    single, stream = report["single"], report["streams"]["with_repeats"]
    mixed = [name for name in MIXED_SETS if f"{name}_spam" in single]
    spam = [single["spam"], *(single[f"{name}_spam"] for name in mixed), stream["spam"]]
    civil = [single["civil"], *(single[f"{name}_civil"] for name in mixed), stream["civil"]]
    test = report.get("test") or {}
    out = {
        "recall": _rate(sum(p["hits"] for p in spam), sum(p["n"] for p in spam)),
        "civil_flag_rate": _rate(sum(p["hits"] for p in civil), sum(p["n"] for p in civil)),
        "single_recall": single["spam"]["rate"],
        "single_civil_flag_rate": single["civil"]["rate"],
    }
    for name in mixed:
        out[f"{name}_recall"] = single[f"{name}_spam"]["rate"]
        out[f"{name}_civil_flag_rate"] = single[f"{name}_civil"]["rate"]
    return {
        **out,
        "stream_recall": stream["spam"]["rate"],
        "stream_civil_flag_rate": stream["civil"]["rate"],
        "test_recall": test.get("recall"),
        "test_civil_flag_rate": test.get("civil_flag_rate"),
    }


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def format_table(report: dict[str, Any]) -> str:
    """The headline, then recall / flag rate per kind, per campaign and per test source."""
    head = headline(report)
    lines = [
        f"Spam suite, model {report['model_version']}: spam flagged at ≥ {report['threshold']}",
        "",
        "| figure | value |",
        "|---|---|",
        *(f"| {k} | {_pct(v)} |" for k, v in head.items()),
    ]
    for name, part in report["single"].items():
        label = "recall" if name.endswith("spam") else "flagged"
        lines += [
            "",
            f"Single comments, {name} ({part['n']}): {label} per kind",
            f"| kind | n | {label} |",
            "|---|---|---|",
        ]
        lines += [f"| {k} | {v['n']} | {_pct(v['rate'])} |" for k, v in part["kinds"].items()]
    streams = report["streams"]
    lines += [
        "",
        f"Streams ({streams['events']} comments, Redis: {streams['redis']}, tracker median "
        f"{streams['tracker_median_us']} µs/comment): flagged as spam per campaign",
        "| campaign | spam | n | with repeats | without |",
        "|---|---|---|---|---|",
    ]
    without = streams["without_repeats"]["campaigns"]
    for name, entry in streams["with_repeats"]["campaigns"].items():
        lines.append(
            f"| {name} | {'yes' if entry['spam'] else 'no'} | {entry['n']} | "
            f"{_pct(entry['rate'])} | {_pct(without[name]['rate'])} |"
        )
    if report.get("test"):
        lines += [
            "",
            "Test split per source",
            "| source | positives | recall | negatives | flagged |",
            "|---|---|---|---|---|",
        ]
        for source, s in report["test"]["sources"].items():
            lines.append(
                f"| {source} | {s['positives']} | {_pct(s['recall'])} | {s['negatives']} "
                f"| {_pct(s['flag_rate'])} |"
            )
    return "\n".join(lines)
