"""Route ordering for observation visits: time for 50 stops, and distance vs the optimum for ≤ 8.

Prints figures, asserts nothing. Target (issue 6): 50 stops in < 200 ms; ≤ 8 stops within 5 %
of the shortest open path (found by brute force).

Run: ``.venv/bin/python bench/bench_route.py``
"""

from __future__ import annotations

import itertools
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xingtu.domain import route


def _points(rng: random.Random, n: int) -> list[tuple[float, float]]:
    """Stops spread over a county-to-city sized area of Henan."""
    return [(112.5 + rng.random() * 2.0, 33.0 + rng.random() * 2.0) for _ in range(n)]


def main() -> None:
    rng = random.Random(2026)
    for start in (None, 0):
        times = []
        for _ in range(20):
            pts = _points(rng, 50)
            t0 = time.perf_counter()
            route.compute_route(pts, start=start)
            times.append((time.perf_counter() - t0) * 1000)
        label = "fixed start" if start is not None else "free start"
        print(
            f"50 stops, {label}: p50 {statistics.median(times):.0f} ms, max {max(times):.0f} ms "
            f"(n=20, target < 200 ms)"
        )
    gaps = []
    for _ in range(200):
        n = rng.randint(3, 8)
        pts = _points(rng, n)
        d = route.compute_matrix(pts)
        best = min(route.compute_length(o, d) for o in itertools.permutations(range(n)))
        got = route.compute_length(route.compute_route(pts), d)
        gaps.append((got / best - 1) * 100 if best else 0.0)
    print(
        f"≤ 8 stops vs brute force: mean gap {statistics.mean(gaps):.2f} %, worst {max(gaps):.2f} % "
        f"(n=200, target ≤ 5 %)"
    )


if __name__ == "__main__":
    main()
