"""Review queue throughput and latency on a real Redis, beside redis-benchmark's SET/GET.

    python bench/review_queue.py [--url redis://127.0.0.1:6379/0] [--items 5000] [--workers 1,4]

Each worker process loops flag (enter) -> claim (limit 1) -> decide, timing every call;
items/s is decided items over wall time. In the same run `redis-benchmark -q -t set,get`
(50 clients, like the default) gives the reference figure for plain commands; without it,
SET/GET through redis-py pipelines stand in. Keys live under a fresh `bench-<hex>` prefix
and are deleted afterwards; redis-benchmark writes one key in database 9 and it is deleted.
Prints a table and, with --json, the figures as JSON. Not run by pytest.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import re
import shutil
import statistics
import subprocess
import time
import uuid
from typing import Any

import redis

from moderation.queue import QueueKeys, ReviewQueue
from moderation.queue.connection import connect
from moderation.settings import Settings

SCORING = {
    "decision": "flag",
    "scores": {"violence": 0.71, "discourtesy": 0.2},
    "triggered": [
        {
            "category": "violence",
            "score": 0.71,
            "action": "flag",
            "evidence": [{"start": 9, "end": 13, "text": "hurt", "source": "model"}],
        }
    ],
    "model_version": "bench",
    "policy_version": "bench",
}
TEXT = "I would hurt anyone who says that about my town, believe me."
OPS = ("flag", "claim", "decide")


def _worker(url: str, prefix: str, worker: int, items: int, out: Any) -> None:
    queue = ReviewQueue(connect(Settings(redis_url=url, redis_prefix=prefix)), QueueKeys(prefix))
    queue.client.ping()
    timings: dict[str, list[float]] = {op: [] for op in OPS}
    decided = 0
    for n in range(items):
        started = time.perf_counter()
        queue.enter(comment_id=f"w{worker}-{n}", kind="flag", scoring=SCORING, text=TEXT)
        claimed_at = time.perf_counter()
        taken = queue.claim(moderator=f"m{worker}", limit=1, lease_seconds=60)
        deciding_at = time.perf_counter()
        for item in taken:
            queue.decide(item.item_id, moderator=f"m{worker}", outcome="reject", labels=["spam"])
            decided += 1
        done = time.perf_counter()
        timings["flag"].append(claimed_at - started)
        timings["claim"].append(deciding_at - claimed_at)
        if taken:
            timings["decide"].append(done - deciding_at)
    out.put((decided, timings))


def run_queue(url: str, workers: int, items: int) -> dict[str, Any]:
    prefix = f"bench-{uuid.uuid4().hex[:10]}"
    context = multiprocessing.get_context("fork")
    results: Any = context.Queue()
    procs = [
        context.Process(target=_worker, args=(url, prefix, w, items // workers, results))
        for w in range(workers)
    ]
    started = time.perf_counter()
    for proc in procs:
        proc.start()
    collected = [results.get() for _ in procs]
    elapsed = time.perf_counter() - started
    for proc in procs:
        proc.join()
    with redis.Redis.from_url(url) as client:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    merged: dict[str, list[float]] = {op: [] for op in OPS}
    for _, timings in collected:
        for op in OPS:
            merged[op] += timings[op]
    decided = sum(d for d, _ in collected)
    return {
        "workers": workers,
        "items": decided,
        "seconds": round(elapsed, 3),
        "items_per_s": round(decided / elapsed),
        "ops": {op: percentiles(merged[op]) for op in OPS},
    }


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    at = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p99_ms": round(at(0.99), 3),
        "n": len(ordered),
    }


def run_redis_benchmark(url: str, requests: int) -> dict[str, Any]:
    """`redis-benchmark -q -t set,get` against the same server, or a redis-py stand-in."""
    parts = redis.connection.parse_url(url)
    binary = shutil.which("redis-benchmark")
    if binary and "host" in parts:
        command = [
            binary,
            "-h",
            parts["host"],
            "-p",
            str(parts.get("port", 6379)),
            "--dbnum",
            "9",
            "-q",
            "-t",
            "set,get",
            "-n",
            str(requests),
        ]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        figures: dict[str, Any] = {"tool": "redis-benchmark (50 clients)", "command": command}
        for line in output.replace("\r", "\n").splitlines():
            found = re.match(r"(SET|GET): ([\d.]+) requests per second(?:, p50=([\d.]+))?", line)
            if found:
                figures[found[1]] = {
                    "per_s": round(float(found[2])),
                    "p50_ms": float(found[3]) if found[3] else None,
                }
        with redis.Redis(host=parts["host"], port=parts.get("port", 6379), db=9) as client:
            client.delete("key:__rand_int__")
        return figures
    prefix = f"bench-{uuid.uuid4().hex[:10]}"
    figures = {"tool": "redis-py pipelines of 100 (redis-benchmark not found)"}
    with redis.Redis.from_url(url) as client:
        for op in ("SET", "GET"):
            started = time.perf_counter()
            for start in range(0, requests, 100):
                pipe = client.pipeline(transaction=False)
                for n in range(start, start + 100):
                    key = f"{prefix}:{n % 1000}"
                    pipe.set(key, "x") if op == "SET" else pipe.get(key)
                pipe.execute()
            figures[op] = {"per_s": round(requests / (time.perf_counter() - started))}
        client.delete(*[f"{prefix}:{n}" for n in range(1000)])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--items", type=int, default=5_000)
    parser.add_argument("--workers", default="1,4", help="comma-separated process counts")
    parser.add_argument("--requests", type=int, default=100_000, help="redis-benchmark -n")
    parser.add_argument("--json", dest="json_path", default=None, help="also write JSON here")
    args = parser.parse_args()

    reference = run_redis_benchmark(args.url, args.requests)
    runs = [run_queue(args.url, int(w), args.items) for w in args.workers.split(",")]
    set_rate = reference["SET"]["per_s"]
    print(f"reference: {reference['tool']}")
    for op in ("SET", "GET"):
        p50 = reference[op].get("p50_ms")
        print(f"  {op}: {reference[op]['per_s']:,} /s" + (f", p50 {p50} ms" if p50 else ""))
    print()
    print("| workers | items/s | vs SET/s | flag p50/p99 ms | claim p50/p99 | decide p50/p99 |")
    print("|---|---|---|---|---|---|")
    for run in runs:
        ops = run["ops"]
        cells = " | ".join(f"{ops[op]['p50_ms']:.3f} / {ops[op]['p99_ms']:.3f}" for op in OPS)
        ratio = run["items_per_s"] / set_rate
        print(f"| {run['workers']} | {run['items_per_s']:,} | {ratio:.3f} | {cells} |")
    if args.json_path:
        with open(args.json_path, "w", encoding="utf-8") as handle:
            json.dump({"reference": reference, "runs": runs}, handle, indent=2)


if __name__ == "__main__":
    main()
