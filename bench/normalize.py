"""How the normaliser's time grows on hostile input: each pattern at 1x and 10x its length.

A linear normaliser takes about 10x the time on 10x the input; anything near 100x would be a
quadratic step an attacker could exploit. The reference in the same run is Python's own
`str.casefold` + `unicodedata.normalize("NFKC")` over the same strings (linear by
construction), so the printed ratio reads the same on a busy or an idle machine.

    python bench/normalize.py
"""

from __future__ import annotations

import statistics
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from moderation.normalize import normalize_with_offsets, warm_up

PATTERNS = {
    "leet": "sh1t ",
    "1v": "1v",
    "runs": "fuuu ",
    "spaced": "s t u p i d ",
    "masks": "a*b ",
    "distinct": None,  # many different tokens: defeats the per-token cache
}
SIZE = 20_000  # characters at 1x


def text_for(name: str, size: int) -> str:
    unit = PATTERNS[name]
    if unit is None:
        out, i = [], 0
        while sum(map(len, out)) < size:
            out.append(f"w{i % 10}rd{i} ")
            i += 1
        return "".join(out)[:size]
    return (unit * (size // len(unit) + 1))[:size]


def seconds(fn: Callable[[str], object], text: str, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(text)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def reference(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def main() -> None:
    warm_up()
    print(f"{'pattern':<10} {'1x ms':>8} {'10x ms':>8} {'growth':>7} {'ref growth':>10}")
    for name in PATTERNS:
        small, big = text_for(name, SIZE), text_for(name, 10 * SIZE)
        ours = seconds(normalize_with_offsets, small), seconds(normalize_with_offsets, big)
        ref = seconds(reference, small), seconds(reference, big)
        print(
            f"{name:<10} {ours[0] * 1e3:8.1f} {ours[1] * 1e3:8.1f} {ours[1] / ours[0]:7.1f}"
            f" {ref[1] / ref[0]:10.1f}"
        )


if __name__ == "__main__":
    main()
