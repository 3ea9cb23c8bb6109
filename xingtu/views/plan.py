"""The plan of a region (挂图作战): its units as the planner sees them, and the plan for a goal.

Pure: the store's ``PlanInputs`` and the catalogue in force in, ``xingtu.domain.plan`` does the
solving. Every place that shows a plan (the page, its battle map, the exports, the benchmark)
reads it from ``compute_plan``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from xingtu.domain import plan
from xingtu.domain.standard import Standard
from xingtu.store.queries import PlanInputs


def compute_units(inputs: PlanInputs, standard: Standard, mode: str) -> list[plan.UnitGaps]:
    """Every unit in scope with its level now, its missing stars (cheapest first) and its target;
    weighted by last year's shares when ``mode`` is ``plan.EFFORT_WEIGHTED``."""
    if mode not in plan.EFFORT_MODES:
        raise ValueError(f"effort mode {mode!r}: one of {plan.EFFORT_MODES}")
    weights = None
    if mode == plan.EFFORT_WEIGHTED:
        weights = {task_id: plan.compute_weight(inputs.shares.get(task_id)) for task_id in standard.tasks_by_id}
    met_by_unit: dict[str, set[str]] = {}
    for code, task_id in zip(inputs.met["code"], inputs.met["task_id"], strict=True):
        met_by_unit.setdefault(code, set()).add(task_id)
    out = []
    for row in inputs.units.itertuples(index=False):
        done = met_by_unit.get(row.code, set())
        stars = standard.stars_for(row.unit_type)
        met = {task.id: task.id in done for star in stars for task in star.tasks}
        target = None if pd.isna(row.target_level) else int(row.target_level)
        out.append(plan.compute_unit_gaps(row.code, stars, met, target, weights))
    return out


@dataclass(frozen=True)
class RegionPlan:
    exact: plan.Plan
    greedy: plan.Plan
    units: tuple[plan.UnitGaps, ...]


def compute_plan(inputs: PlanInputs, standard: Standard, goal: plan.Goal, mode: str) -> RegionPlan:
    """The exact plan for ``goal`` and, for comparison, the one made by hand."""
    units = compute_units(inputs, standard, mode)
    return RegionPlan(plan.solve(units, goal), plan.solve_greedy(units, goal), tuple(units))


def compute_counts(units: list[plan.UnitGaps] | tuple[plan.UnitGaps, ...]) -> dict[int, int]:
    """Units at or above each level now (1…5): what a goal like 五星 +3 is counted from."""
    return {level: sum(1 for u in units if u.level >= level) for level in range(1, plan.MAX_LEVEL + 1)}
