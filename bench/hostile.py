"""Scoring time of hostile 10,000-character comments beside a normal one of the same length.

    python bench/hostile.py [--repeat 5] [--json out.json]

Each case is scored with the shipped model (`Moderator.load()`, as `moderation serve` does),
best of `--repeat` runs; the table gives milliseconds and the ratio to a normal 10,000-char
comment (real comments joined). A case the service refuses (zero-width only, lone surrogate)
is timed up to its refusal. A ratio far above 1 (say > 5) means some step of the normaliser or
a detector is worse than linear on that shape of text: profile it with
`python -m cProfile -s cumtime bench/hostile.py --only NAME`.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections.abc import Callable
from itertools import cycle, islice
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SIZE = 10_000


def _fill(parts: str | list[str], size: int = SIZE) -> str:
    """`parts` repeated (a string's characters, or a list's items) to exactly `size` chars."""
    if isinstance(parts, str):
        return "".join(islice(cycle(parts), size))
    out = "".join(islice(cycle(parts), size))
    while len(out) < size:
        out += out
    return out[:size]


def normal_comment() -> str:
    """Real comments from the hand-written evaluation sets, joined to 10,000 characters."""
    texts = [
        json.loads(line)["text"]
        for name in ("civil", "harmful")
        for line in (REPO / "training" / "eval" / f"{name}.jsonl").read_text("utf-8").splitlines()
        if line
    ]
    return _fill([t + " " for t in texts])


def cases() -> dict[str, str]:
    """Name -> a 10,000-character hostile comment."""
    return {
        "normal comment (reference)": normal_comment(),
        "emoji": _fill("😀🤬👍🏽👨‍👩‍👧🔥"),
        "combining marks on one letter": "a" + "\u0301" * (SIZE - 1),
        "one repeated character": "a" * SIZE,
        "zero-width only (refused)": "\u200b" * SIZE,
        "zero-width between letters": _fill("i\u200bd\u200bi\u200bo\u200bt\u200b "),
        "leetspeak single token": _fill("1d10+5h!7@55h0l3|\\/|0r0n"),
        "RTL/LTR overrides mixed": _fill("\u202eloot\u202c \u202dkill\u202c \u2067שלום\u2069 "),
        "10k-char URL": ("https://example.com/" + _fill("ab/c?d=e&"))[:SIZE],
        "lone surrogate (refused)": "you idiot " + "\ud800" + "x" * (SIZE - 11),
        "spaced letters": _fill("i d i o t "),
        "hyphenated letters": _fill("i-d-i-o-t-"),
        "digits only": _fill("0123456789"),
        "digits and spaces": _fill("555 0123 "),
        "at signs and dots": _fill("a@b."),
        "one 10k-char word": _fill("abcdefghijklmnopqrstuvwxyz"),
    }


def best_ms(func: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            func()
        except Exception as exc:  # a refusal is an answer too: time it
            if type(exc).__name__ not in {"EmptyText", "InvalidInput", "TextTooLong"}:
                raise
        best = min(best, time.perf_counter() - start)
    return best * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per case (best is kept)")
    parser.add_argument("--only", default=None, help="time only the case with this name")
    parser.add_argument("--json", type=Path, default=None, help="also write figures here")
    args = parser.parse_args()

    from moderation import Moderator

    moderator = Moderator.load()
    texts = cases()
    reference_text = texts["normal comment (reference)"]
    moderator.moderate(reference_text)  # warm-up: lazy tables, language model
    reference = best_ms(lambda: moderator.moderate(reference_text), args.repeat)
    rows = []
    for name, text in texts.items():
        if args.only and name != args.only:
            continue
        ms = (
            reference
            if text is reference_text
            else best_ms(lambda text=text: moderator.moderate(text), args.repeat)
        )
        rows.append({"case": name, "chars": len(text), "ms": ms, "ratio": ms / reference})
    print(f"{platform.machine()}, Python {platform.python_version()}, best of {args.repeat}")
    print(f"{'case':<32}{'chars':>7}{'ms':>10}{'× normal':>10}")
    for row in rows:
        print(f"{row['case']:<32}{row['chars']:>7}{row['ms']:>10.1f}{row['ratio']:>10.2f}")
    if args.json:
        args.json.write_text(json.dumps({"reference_ms": reference, "cases": rows}, indent=2))


if __name__ == "__main__":
    main()
