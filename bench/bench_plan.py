"""Planner benchmark (挂图作战): a plan for every county of the province, timed.

Prints figures, asserts nothing. Targets: p95 ≤ 1 s per county, the whole province ≤ 10 s.
For each county (every county-level unit with units in the store, functional zones too) and
each effort mode, in the store's latest year: read the planner's inputs from the store, then
solve the goal "五星 at least the count now + 3, 四星及以上 at least the count now + 5 % of the
units, every unit at its recorded target" exactly (integer program) and by hand
(greedy). Timed per county: the read, the solve, both together. Also printed: how many units
and tasks the plans touch, and for how many counties the hand-made plan costs more.

Run: ``.venv/bin/python bench/bench_plan.py [store.duckdb]`` (default: the app's store,
built first if missing or stale). The store is opened read-only.
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xingtu.domain import plan
from xingtu.domain.standard import standard_for_year
from xingtu.store.build import ensure_store
from xingtu.store.queries import (
    Scope,
    query_data_years,
    query_plan_inputs,
    query_region_table,
    query_standards,
)
from xingtu.views.plan import compute_plan

TARGET_COUNTY_P95_S = 1.0
TARGET_PROVINCE_S = 10.0


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


def goal_for(inputs) -> plan.Goal:
    """五星 +3, 四星及以上 +5 % of the units, and every unit at its target."""
    levels = inputs.units["level"]
    n = len(levels)
    four, five = int((levels >= 4).sum()), int((levels == 5).sum())
    return plan.Goal(((4, min(n, four + math.ceil(0.05 * n))), (5, min(n, five + 3))), 0, True)


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ensure_store()
    con = duckdb.connect(str(path), read_only=True)
    year = max(query_data_years(con))
    standard = standard_for_year(query_standards(con), year)
    regions = query_region_table(con)
    counties = regions[(regions["level"] == "county") & (regions["units"] > 0)]["code"].tolist()
    print(f"星图 planner: {len(counties)} counties, {year}, store {path.name}")
    for mode in plan.EFFORT_MODES:
        reads, solves, totals, greedy_worse, units_raised, tasks = [], [], [], 0, 0, 0
        started = time.perf_counter()
        for county in counties:
            t0 = time.perf_counter()
            inputs = query_plan_inputs(con, Scope(county), year)
            t1 = time.perf_counter()
            goal = goal_for(inputs)
            t2 = time.perf_counter()
            result = compute_plan(inputs, standard, goal, mode)
            t3 = time.perf_counter()
            reads.append(t1 - t0)
            solves.append(t3 - t2)
            totals.append((t1 - t0) + (t3 - t2))
            greedy_worse += result.greedy.effort > result.exact.effort + plan.TOLERANCE
            units_raised += len(result.exact.gains)
            tasks += result.exact.tasks
        province = time.perf_counter() - started
        print(f"  effort {mode}")
        for label, values in (("read", reads), ("solve", solves), ("county", totals)):
            print(
                f"    {label:7s} p50 {pct(values, 50):.3f}  p95 {pct(values, 95):.3f}  max {max(values):.3f} s"
            )
        print(f"    province {province:.1f} s (goal set-up included)")
        print(f"    plans raise {units_raised} units with {tasks} tasks; by hand costs more in {greedy_worse} counties")
        p95 = pct(totals, 95)
        print(f"    county p95 ≤ {TARGET_COUNTY_P95_S} s: {'PASS' if p95 <= TARGET_COUNTY_P95_S else 'FAIL'} ({p95:.3f} s)")
        ok = province <= TARGET_PROVINCE_S
        print(f"    province ≤ {TARGET_PROVINCE_S:.0f} s: {'PASS' if ok else 'FAIL'} ({province:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
