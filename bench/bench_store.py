"""Store benchmark: build time, size, and query latency at province scale.

Prints figures, asserts nothing (targets: build ≤ 60 s on a 2-core machine; overview
aggregates p95 ≤ 50 ms; one unit's profile p95 ≤ 20 ms). Queries run uncached, through
the same pure functions the app caches. Run: ``.venv/bin/python bench/bench_store.py``.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xingtu.store import queries as q
from xingtu.store.build import build_store

RUNS = 60
PROFILES = 300


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


def line(name: str, ms: list[float], target: float | None = None) -> None:
    tail = f"  (target p95 ≤ {target:.0f} ms)" if target else ""
    print(f"  {name:34s} p50 {pct(ms, 50):6.1f} ms   p95 {pct(ms, 95):6.1f} ms   n={len(ms)}{tail}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.duckdb"
        t0 = time.perf_counter()
        build_store(path)
        build_s = time.perf_counter() - t0
        size_mb = path.stat().st_size / 1e6
        print("星图 store benchmark")
        print(f"  build from scratch                 {build_s:6.1f} s    (target ≤ 60 s)")
        print(f"  store size                         {size_mb:6.1f} MB")

        con = duckdb.connect(str(path), read_only=True)
        rng = random.Random(20251130)
        cities = [r[0] for r in con.execute("SELECT code FROM regions WHERE level = 'city'").fetchall()]
        counties = [r[0] for r in con.execute("SELECT code FROM regions WHERE level = 'county'").fetchall()]
        years = q.query_years(con)
        types = ["all", "rural", "urban"]

        def scopes() -> list[tuple[q.Scope, int]]:
            regions = ["410000000000"] * 20 + rng.sample(cities, 15) + rng.sample(counties, RUNS - 35)
            return [(q.Scope(r, rng.choice(types)), rng.choice(years)) for r in regions]

        overview = {
            "level counts": lambda s, y: q.query_level_counts(con, s, y),
            "summary (KPIs)": lambda s, y: q.query_summary(con, s, y),
            "region metrics by county": lambda s, y: q.query_region_metrics(
                con, q.Scope("410000000000", s.unit_type), y, "county"
            ),
            "region metrics by city": lambda s, y: q.query_region_metrics(
                con, q.Scope("410000000000", s.unit_type), y, "city"
            ),
            "level trend": lambda s, y: q.query_level_trend(con, s),
            "year metrics": lambda s, y: q.query_year_metrics(con, s),
        }
        others = {
            "monthly progress": lambda s, y: q.query_monthly_progress(con, s),
            "weakest tasks (top 20)": lambda s, y: q.query_weakest_tasks(con, s, y, 20),
            "closest to next star (top 50)": lambda s, y: q.query_closest_to_next_star(con, s, y, 50),
        }
        print("  overview aggregates (province, cities, counties; random type and year):")
        combined: list[float] = []
        for name, fn in overview.items():
            fn(q.Scope("410000000000"), years[-1])  # warm
            ms = []
            for scope, year in scopes():
                t = time.perf_counter()
                fn(scope, year)
                ms.append((time.perf_counter() - t) * 1000)
            combined += ms
            line(name, ms)
        line("ALL overview aggregates", combined, 50)
        print("  analysis queries (no target in this issue):")
        for name, fn in others.items():
            fn(q.Scope("410000000000"), years[-1])
            ms = []
            for scope, year in scopes()[:30]:
                t = time.perf_counter()
                fn(scope, year)
                ms.append((time.perf_counter() - t) * 1000)
            line(name, ms)

        dims = q.query_dimensions(con)
        codes = [r[0] for r in con.execute(f"SELECT code FROM units USING SAMPLE {PROFILES} ROWS").fetchall()]
        for c in codes[:10]:
            q.query_unit_profile(con, c, dims=dims)
        ms = []
        for c in codes:
            t = time.perf_counter()
            q.query_unit_profile(con, c, dims=dims)
            ms.append((time.perf_counter() - t) * 1000)
        line("one unit's profile", ms, 20)
        con.close()
    print(f"  mean of overview aggregates        {statistics.mean(combined):6.1f} ms")


if __name__ == "__main__":
    main()
