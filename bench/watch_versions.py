"""Watch a running service switch models under load: count every answer and the version in it.

    python bench/watch_versions.py --url http://127.0.0.1:8000 [--key mk_...] \
        [--seconds 120] [--clients 8] [--until-version V] [--json out.json]

Runs `--clients` threads posting real comments (the hand-written evaluation sets in
`training/eval/`) to `POST /v1/moderate` on keep-alive connections for `--seconds`, or until
the service has switched to `--until-version` (another version answered first, then
only it for 5 s). Meanwhile promote or roll back in another terminal
(`moderation models promote V`, `moderation models rollback`, `POST /v1/model/reload`).
Prints the requests, the failures (anything but 200, and connection errors: must be 0), the
answers per model version with the first and last second each was seen, and how long the two
versions overlapped (workers switch one by one; an answer is never from a half-loaded model).
The key needs the `moderate` scope (none in `serve --dev`). Not run by pytest.
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

EVAL = Path(__file__).resolve().parent.parent / "training" / "eval"
SETS = ("civil.jsonl", "harmful.jsonl", "spam_outside.jsonl")


@dataclass(frozen=True)
class Answer:
    at: float  # seconds since the start
    status: int  # 0: no answer (connection error)
    version: str | None


def comments() -> list[str]:
    texts = []
    for name in SETS:
        for line in (EVAL / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    return texts


def client(
    url: str,
    key: str | None,
    texts: list[str],
    offset: int,
    stop: threading.Event,
    start: float,
    out: list[Answer],
) -> None:
    parts = urlsplit(url)
    headers = {"content-type": "application/json"}
    if key:
        headers["authorization"] = f"Bearer {key}"
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=30)
    n = offset
    while not stop.is_set():
        body = json.dumps({"text": texts[n % len(texts)]})
        n += 1
        try:
            conn.request("POST", "/v1/moderate", body=body, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            version = json.loads(payload).get("model_version") if response.status == 200 else None
            out.append(Answer(time.monotonic() - start, response.status, version))
        except (OSError, http.client.HTTPException):
            out.append(Answer(time.monotonic() - start, 0, None))
            conn.close()
            conn = http.client.HTTPConnection(
                parts.hostname or "127.0.0.1", parts.port or 80, timeout=30
            )


def _settled(answers: list[Answer], version: str, elapsed: float) -> bool:
    """Whether the service switched to `version`: another version answered first, and every
    answer of the last 5 s came from `version`."""
    if elapsed < 5 or all(a.version in (version, None) for a in answers):
        return False
    recent = [a.version for a in answers if a.at >= elapsed - 5]
    return bool(recent) and all(v == version for v in recent)


def summarise(answers: list[Answer], seconds: float) -> dict[str, object]:
    versions: dict[str, dict[str, float | int]] = {}
    for a in answers:
        if a.version is None:
            continue
        seen = versions.setdefault(a.version, {"answers": 0, "first_s": a.at, "last_s": a.at})
        seen["answers"] = int(seen["answers"]) + 1
        seen["first_s"] = min(float(seen["first_s"]), a.at)
        seen["last_s"] = max(float(seen["last_s"]), a.at)
    statuses = Counter(a.status for a in answers)
    return {
        "seconds": round(seconds, 1),
        "requests": len(answers),
        "requests_per_second": round(len(answers) / seconds, 1) if seconds else None,
        "failures": sum(n for status, n in statuses.items() if status != 200),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "versions": {
            v: {k: round(x, 2) if isinstance(x, float) else x for k, x in figures.items()}
            for v, figures in sorted(versions.items(), key=lambda kv: kv[1]["first_s"])
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--key", default=None, help="an API key with the moderate scope")
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--until-version", default=None, help="stop once this version has answered for 5 s"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the summary here")
    args = parser.parse_args()

    texts = comments()
    stop = threading.Event()
    answers: list[Answer] = []
    start = time.monotonic()
    threads = [
        threading.Thread(
            target=client,
            args=(args.url, args.key, texts, i * 97, stop, start, answers),
            daemon=True,
        )
        for i in range(args.clients)
    ]
    for thread in threads:
        thread.start()
    last_print = 0.0
    while (elapsed := time.monotonic() - start) < args.seconds:
        time.sleep(0.25)
        if args.until_version and _settled(list(answers), args.until_version, elapsed):
            break
        if elapsed - last_print >= 5:
            last_print = elapsed
            recent = Counter(a.version for a in list(answers) if a.at >= elapsed - 5)
            print(f"{elapsed:6.1f}s  last 5 s: {dict(recent)}", file=sys.stderr, flush=True)
    stop.set()
    for thread in threads:
        thread.join(timeout=35)
    summary = summarise(list(answers), time.monotonic() - start)
    print(json.dumps(summary, indent=2))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return 1 if summary["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
