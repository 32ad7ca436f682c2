"""Scoring speed: our `Moderator` against alt-profanity-check in the same run.

    pip install -e '.[bench]' && python bench/score.py [--n 2000] [--json out.json]

Single comment: `Moderator.moderate(text)` (seven categories, detectors, decision, evidence)
vs `profanity_check.predict_prob([text])` (one category), median and p99 latency over the same
texts. Batch: `Moderator.moderate_many(texts)` vs `predict_prob(texts)` on the same list,
comments per second. Prints our figure, the reference and the ratio; targets from issue 3:
single ≥ 25× faster than the reference, batch throughput ≥ the reference's.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def corpus(n: int, seed: int = 7) -> list[str]:
    """A realistic mix: the hand-written sets plus, when present, real news-forum comments."""
    texts = [
        json.loads(line)["text"]
        for path in (REPO / "training" / "eval" / f"{name}.jsonl" for name in ("civil", "harmful"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line
    ]
    try:
        from training.data import default_data_dir, load_all

        data_dir = default_data_dir()
        if data_dir is not None:
            frame = load_all(data_dir, sources=["impermium_insults", "socc_ctc"], progress=False)
            texts += frame["text"].tolist()
    except Exception as exc:  # the bench still runs on a clone without ../shared
        print(f"(no public data: {exc}; using the hand-written sets only)", file=sys.stderr)
    rng = random.Random(seed)
    rng.shuffle(texts)
    texts = [t[:10_000] for t in texts if t.strip()]
    return (texts * (n // len(texts) + 1))[:n]


def latencies(func: Callable[[str], object], texts: list[str]) -> dict[str, float]:
    for text in texts[:50]:
        func(text)
    times = []
    for text in texts:
        start = time.perf_counter()
        func(text)
        times.append(time.perf_counter() - start)
    times.sort()
    return {
        "median_us": statistics.median(times) * 1e6,
        "p99_us": times[int(len(times) * 0.99) - 1] * 1e6,
    }


def throughput(func: Callable[[list[str]], object], texts: list[str], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func(texts)
        best = min(best, time.perf_counter() - start)
    return len(texts) / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="comments per measurement")
    parser.add_argument("--json", type=Path, default=None, help="also write figures here")
    args = parser.parse_args()

    from moderation import Moderator

    warnings.filterwarnings("ignore")  # the reference's pickles warn about sklearn versions
    from profanity_check import predict_prob

    texts = corpus(args.n)
    moderator = Moderator.load()
    ours_single = latencies(moderator.moderate, texts)
    ref_single = latencies(lambda t: predict_prob([t]), texts)
    ours_batch = throughput(moderator.moderate_many, texts)
    ours_scores = throughput(moderator.score_texts, texts)
    ref_batch = throughput(predict_prob, texts)
    figures = {
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "comments": len(texts),
        "mean_chars": round(statistics.mean(len(t) for t in texts)),
        "single": {
            "ours": ours_single,
            "reference": ref_single,
            "speedup_median": ref_single["median_us"] / ours_single["median_us"],
            "speedup_p99": ref_single["p99_us"] / ours_single["p99_us"],
        },
        "batch": {
            "ours_per_s": ours_batch,
            "ours_scores_only_per_s": ours_scores,
            "reference_per_s": ref_batch,
            "ratio": ours_batch / ref_batch,
            "ratio_scores_only": ours_scores / ref_batch,
        },
    }
    s, b = figures["single"], figures["batch"]
    print(f"{len(texts)} comments, mean {figures['mean_chars']} chars, {figures['machine']}")
    print(f"{'measure':<28}{'ours':>12}{'alt-profanity-check':>22}{'ratio':>10}{'target':>10}")
    print(
        f"{'single median (µs)':<28}{s['ours']['median_us']:>12.1f}"
        f"{s['reference']['median_us']:>22.1f}{s['speedup_median']:>9.1f}×{'≥ 25×':>10}"
    )
    print(
        f"{'single p99 (µs)':<28}{s['ours']['p99_us']:>12.1f}"
        f"{s['reference']['p99_us']:>22.1f}{s['speedup_p99']:>9.1f}×{'':>10}"
    )
    print(
        f"{'batch (comments/s)':<28}{b['ours_per_s']:>12.0f}"
        f"{b['reference_per_s']:>22.0f}{b['ratio']:>9.2f}×{'≥ 1×':>10}"
    )
    print(
        f"{'batch, scores only (comm./s)':<28}{b['ours_scores_only_per_s']:>12.0f}"
        f"{b['reference_per_s']:>22.0f}{b['ratio_scores_only']:>9.2f}×{'':>10}"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
