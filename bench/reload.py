"""Hot reload under load: `moderation serve --workers 2` scoring comments while ACTIVE flips
between two model versions through `POST /v1/model/reload`.

    python bench/reload.py [--seconds 60] [--switches 4] [--clients 8] [--workers 2]
                           [--redis-url redis://127.0.0.1:6379/0] [--json out.json]

The committed active version and the newest other one in `models/` (v6-20261128 and
v5-20261127) are copied to a temporary folder, which the server serves (development mode,
loopback only, a fresh `bench-<hex>` Redis prefix whose keys are deleted afterwards).
`--clients` threads post real comments (the hand-written evaluation sets) on keep-alive
connections for `--seconds`; after the first quarter the version is flipped `--switches`
times, evenly over the middle half: ACTIVE rewritten, then the route called (which loads in
its worker, then tells the others over Redis). Prints requests, failures (must be 0), answers
per version, p50/p99 latency before, during and after the switches, and for each switch the
route's time and how long old-version answers kept coming.
Not run by pytest.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from moderation.registry import active_version, set_active, versions  # noqa: E402


@dataclass
class Answer:
    started: float
    seconds: float
    status: int  # 0: no answer (connection error)
    model: str | None


@dataclass
class Switch:
    at: float
    to: str
    route_seconds: float
    status: int
    body: dict[str, Any]
    done: float = 0.0


@dataclass
class Run:
    lock: threading.Lock = field(default_factory=threading.Lock)
    answers: list[Answer] = field(default_factory=list)
    switches: list[Switch] = field(default_factory=list)


def comments() -> list[str]:
    return [
        json.loads(line)["text"]
        for name in ("civil", "harmful")
        for line in (REPO / "training" / "eval" / f"{name}.jsonl").read_text("utf-8").splitlines()
        if line.strip()
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def call(port: int, method: str, path: str, body: Any = None) -> tuple[int, dict[str, Any]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        payload = None if body is None else json.dumps(body)
        conn.request(method, path, body=payload, headers={"content-type": "application/json"})
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


def post_comments(
    port: int, texts: list[str], offset: int, stop: threading.Event, run: Run
) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"content-type": "application/json"}
    n = offset
    while not stop.is_set():
        body = json.dumps({"text": texts[n % len(texts)]})
        n += 7
        started = time.monotonic()
        try:
            conn.request("POST", "/v1/moderate", body=body, headers=headers)
            response = conn.getresponse()
            answer = json.loads(response.read())
            status, model = response.status, answer.get("model_version")
        except (OSError, http.client.HTTPException, ValueError):
            status, model = 0, None
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        with run.lock:
            run.answers.append(Answer(started, time.monotonic() - started, status, model))
    conn.close()


def start_server(models: Path, state: Path, port: int, args: argparse.Namespace, prefix: str):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODERATION_")}
    env.update(
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
        REDIS_URL=args.redis_url,
        MODERATION_REDIS_PREFIX=prefix,
        MODERATION_MODELS_DIR=str(models),
        MODERATION_STATE_DIR=str(state),
        MODERATION_LOG_LEVEL="warning",
    )
    command = [sys.executable, "-m", "moderation.cli", "serve", "--dev", "--port", str(port)]
    log = (state / "serve.log").open("wb")
    process = subprocess.Popen(
        [*command, "--workers", str(args.workers)], env=env, stdout=log, stderr=log
    )
    deadline = time.monotonic() + 180
    while True:  # every worker loaded: the summed gauge counts them all
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"serve did not start:\n{(state / 'serve.log').read_text()[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/metrics")
            page = conn.getresponse().read().decode()
            conn.close()
            loaded = sum(
                float(line.rsplit(" ", 1)[1])
                for line in page.splitlines()
                if line.startswith("moderation_model_loaded{")
            )
            if loaded == args.workers:
                return process
        except OSError:
            pass
        time.sleep(0.5)


def percentiles(answers: list[Answer]) -> dict[str, float | int | None]:
    ms = sorted(a.seconds * 1000 for a in answers if a.status == 200)
    if len(ms) < 2:
        return {"n": len(ms), "p50_ms": None, "p99_ms": None}
    cuts = statistics.quantiles(ms, n=100)
    return {"n": len(ms), "p50_ms": round(cuts[49], 1), "p99_ms": round(cuts[98], 1)}


def report(run: Run, args: argparse.Namespace) -> dict[str, Any]:
    answers = run.answers
    first = run.switches[0].at
    # When old-version answers stopped after each switch (every worker then serves the new).
    for k, switch in enumerate(run.switches):
        end = run.switches[k + 1].at if k + 1 < len(run.switches) else float("inf")
        old = [a for a in answers if switch.at <= a.started < end and a.model != switch.to]
        switch.done = max((a.started + a.seconds for a in old), default=switch.at)
    last = max(s.done for s in run.switches)
    phases = {
        "before": [a for a in answers if a.started < first],
        "during": [a for a in answers if first <= a.started <= last],
        "after": [a for a in answers if a.started > last],
    }
    return {
        "workers": args.workers,
        "clients": args.clients,
        "seconds": args.seconds,
        "requests": len(answers),
        "failures": sum(1 for a in answers if a.status != 200),
        "statuses": dict(Counter(a.status for a in answers)),
        "answers_per_version": dict(Counter(a.model for a in answers if a.status == 200)),
        "latency": {name: percentiles(part) for name, part in phases.items()},
        "switches": [
            {
                "to": s.to,
                "route_status": s.status,
                "route_ms": round(s.route_seconds * 1000),
                "previous_version": s.body.get("previous_version"),
                "model_version": s.body.get("model_version"),
                "workers_notified": s.body.get("workers_notified"),
                "old_answers_until_s": round(s.done - s.at, 2),
            }
            for s in run.switches
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--switches", type=int, default=4)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    )
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    prefix = f"bench-{uuid.uuid4().hex[:12]}"
    texts = comments()
    # The committed active version and the newest other one.
    active = active_version(REPO / "models")
    pair = (active, [v for v in versions(REPO / "models") if v != active][-1])
    with tempfile.TemporaryDirectory(prefix="bench-reload-") as scratch:
        models, state = Path(scratch) / "models", Path(scratch) / "state"
        state.mkdir()
        models.mkdir()
        for version in pair:
            shutil.copytree(REPO / "models" / version, models / version)
        set_active(models, pair[0])
        port = free_port()
        process = start_server(models, state, port, args, prefix)
        run, stop = Run(), threading.Event()
        clients = [
            threading.Thread(target=post_comments, args=(port, texts, n, stop, run))
            for n in range(args.clients)
        ]
        try:
            for thread in clients:
                thread.start()
            quarter = args.seconds / 4
            time.sleep(quarter)
            gap = 2 * quarter / args.switches
            for k in range(args.switches):
                target = pair[(k + 1) % 2]
                at = time.monotonic()
                set_active(models, target)
                status, body = call(port, "POST", "/v1/model/reload")
                run.switches.append(Switch(at, target, time.monotonic() - at, status, body))
                time.sleep(max(gap - (time.monotonic() - at), 0))
            time.sleep(quarter)
        finally:
            stop.set()
            for thread in clients:
                thread.join(timeout=120)
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
            with redis.Redis.from_url(args.redis_url) as client:
                keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
                if keys:
                    client.delete(*keys)
    figures = report(run, args)
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
