"""Cost of the spam repeat tracker per comment, against a real Redis.

    python bench/repeats.py [--redis-url redis://127.0.0.1:6379/0] [--n 3000] [--json out.json]

Replays the spam suite's simulated stream (campaigns and civil traffic, repeated with fresh
ids and authors until `--n` comments) through `RepeatTracker.observe` one comment at a time,
then through `observe_many` in batches of 64, under a throwaway key prefix that is deleted
afterwards. Prints the fingerprint's cost (pure Python), the whole call's (fingerprint plus
one round trip), the script's time inside Redis (from INFO commandstats) and the memory the
tracker's keys hold per comment.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _stats(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {
        "median_us": round(statistics.median(ordered) * 1e6, 1),
        "p99_us": round(ordered[int(len(ordered) * 0.99) - 1] * 1e6, 1),
    }


def _script_usec(client: object) -> tuple[int, int]:
    stats = client.info("commandstats").get("cmdstat_evalsha", {})  # type: ignore[attr-defined]
    return int(stats.get("calls", 0)), int(stats.get("usec", 0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--n", type=int, default=3000, help="comments to replay")
    parser.add_argument("--json", type=Path, default=None, help="also write figures here")
    args = parser.parse_args()

    import redis

    from moderation.repeats import Observation, RepeatKeys, RepeatTracker
    from moderation.repeats.fingerprint import fingerprint
    from training.suites.spam_streams import build_stream

    stream = build_stream()
    items = [
        Observation(e.text, f"{e.comment_id}-{k}", f"{e.author}-{k}")
        for k in range(args.n // len(stream) + 1)
        for e in stream
    ][: args.n]
    client = redis.Redis.from_url(args.redis_url, decode_responses=True)
    prefix = f"bench-repeats-{uuid.uuid4().hex[:8]}"
    tracker = RepeatTracker(client, RepeatKeys(prefix))
    try:
        prints = [fingerprint(i.text) for i in items[:200]]  # warm up
        fp_times, call_times = [], []
        for item in items:
            began = time.perf_counter()
            fingerprint(item.text)
            fp_times.append(time.perf_counter() - began)
        calls0, usec0 = _script_usec(client)
        start = time.time()
        for k, item in enumerate(items):
            began = time.perf_counter()
            tracker.observe(
                item.text, comment_id=item.comment_id, author_id=item.author_id, now=start + k
            )
            call_times.append(time.perf_counter() - began)
        calls1, usec1 = _script_usec(client)
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        memory = sum(client.memory_usage(key) or 0 for key in keys)
        client.delete(*keys)
        batch_times = []
        for b in range(0, len(items), 64):
            chunk = [
                Observation(i.text, i.comment_id + "b", i.author_id) for i in items[b : b + 64]
            ]
            began = time.perf_counter()
            tracker.observe_many(chunk, now=start + b)
            batch_times.append((time.perf_counter() - began) / len(chunk))
    finally:
        stale = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if stale:
            client.delete(*stale)
        client.close()
    counted = sum(p.counted for p in prints) / len(prints)
    figures = {
        "comments": len(items),
        "counted_share": round(counted, 3),
        "fingerprint": _stats(fp_times),
        "observe": _stats(call_times),
        "observe_many_per_comment_us": round(statistics.median(batch_times) * 1e6, 1),
        "redis_script_us_per_call": round((usec1 - usec0) / max(1, calls1 - calls0), 1),
        "keys": len(keys),
        "memory_bytes_per_comment": round(memory / len(items)),
    }
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
