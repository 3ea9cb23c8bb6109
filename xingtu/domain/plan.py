"""挂图作战: the least effort that reaches a goal (保三冲四争五), found exactly.

A unit holds some of its type's stars; its level is how many. To gain a star it lacks, a unit
meets that star's unmet veto tasks (when the catalogue requires them) and as many more of its
unmet tasks as the star still needs (``rating.required_met``); the cheapest way is the veto
tasks plus the easiest of the rest. Stars are gained independently, so raising a unit by k
levels costs its k cheapest missing stars together.

A goal, in the campaign's terms: at least N units at or above a level (五星 ≥ N, 四星及以上 ≥ M,
as many pairs as wanted), no unit below a level (no 一星 left), and every unit at its recorded
target (保三冲四争五 as each unit declared it). A plan never lowers a unit.

Effort is the number of tasks (``EFFORT_TASKS``) or a weighted sum (``EFFORT_WEIGHTED``) in which a
task counts as harder the fewer units met it last year: ``weight = 1 + 4 × (1 − share met)``,
from 1 (every unit met it) to 5 (none did); a task nobody in the region was assessed on counts 3.

``solve`` is exact: an integer program with one binary per (unit, level it could be planned at),
solved by HiGHS through ``scipy.optimize.milp``. ``solve_greedy`` is what a person does by hand
(for each level from the top, raise the units that are cheapest to raise) and is shown beside it
when it costs more.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from xingtu.domain.rating import required_met, star_held
from xingtu.domain.standard import Star

EFFORT_TASKS = "tasks"
EFFORT_WEIGHTED = "weighted"
EFFORT_MODES = (EFFORT_TASKS, EFFORT_WEIGHTED)
MAX_LEVEL = 5
UNKNOWN_SHARE = 0.5  # a task with no results last year counts as met by half: weight 3
TOLERANCE = 1e-6  # efforts are sums of weights: equal within this


def compute_weight(share_met: float | None) -> float:
    """A task's effort in the weighted mode, from the share of units that met it last year."""
    share = (
        UNKNOWN_SHARE if share_met is None or not np.isfinite(share_met) else min(max(share_met, 0.0), 1.0)
    )
    return 1.0 + 4.0 * (1.0 - share)


@dataclass(frozen=True)
class StarGap:
    """A star a unit lacks: the tasks that would give it (veto tasks first) and their effort."""

    star: str
    tasks: tuple[str, ...]
    effort: float


@dataclass(frozen=True)
class UnitGaps:
    """A unit as the planner sees it: its level now, the stars it lacks (cheapest first), its target."""

    code: str
    level: int
    gaps: tuple[StarGap, ...]
    target: int | None = None

    @property
    def max_level(self) -> int:
        return self.level + len(self.gaps)

    def effort_to(self, level: int) -> float:
        """Effort to be at ``level`` (0 at or below the level now)."""
        return sum(g.effort for g in self.gaps[: max(0, level - self.level)])

    def gaps_to(self, level: int) -> tuple[StarGap, ...]:
        return self.gaps[: max(0, level - self.level)]


def compute_star_gap(
    star: Star, met: Mapping[str, bool], weights: Mapping[str, float] | None = None
) -> StarGap | None:
    """The cheapest way for a unit to gain ``star`` given its task results; None when it holds it.

    Every unmet veto task must be met (when the catalogue requires them); then the star still
    needs ``required − met − veto tasks`` more, taken from the remaining unmet tasks by effort
    (catalogue order among equals). With unit weights this is ``rating.tasks_short`` tasks.
    """
    if star_held(star, met):
        return None

    def weight(task_id: str) -> float:
        return 1.0 if weights is None else float(weights.get(task_id, compute_weight(None)))

    unmet = [t for t in star.tasks if not met.get(t.id, False)]
    veto = [t.id for t in unmet if t.veto] if star.veto_required else []
    rest = [t.id for t in unmet if t.id not in veto]
    need = required_met(len(star.tasks), star.min_share_met) - (len(star.tasks) - len(unmet)) - len(veto)
    order = {task_id: i for i, task_id in enumerate(rest)}
    chosen = sorted(rest, key=lambda t: (weight(t), order[t]))[: max(0, need)]
    tasks = tuple(veto) + tuple(sorted(chosen, key=order.__getitem__))
    return StarGap(star.id, tasks, sum(weight(t) for t in tasks))


def compute_unit_gaps(
    code: str,
    stars: Sequence[Star],
    met: Mapping[str, bool],
    target: int | None = None,
    weights: Mapping[str, float] | None = None,
) -> UnitGaps:
    """A unit's level now and its missing stars, cheapest first (catalogue order among equals)."""
    gaps = [g for g in (compute_star_gap(s, met, weights) for s in stars) if g is not None]
    position = {s.id: i for i, s in enumerate(stars)}
    gaps.sort(key=lambda g: (g.effort, position[g.star]))
    return UnitGaps(code, len(stars) - len(gaps), tuple(gaps), target)


@dataclass(frozen=True)
class Goal:
    """What a region wants this year. ``at_least``: (level, count) pairs — at least ``count`` units
    at ``level`` or above; ``floor``: no unit below it; ``targets``: every unit at its target."""

    at_least: tuple[tuple[int, int], ...] = ()
    floor: int = 0
    targets: bool = False

    def lowest(self, unit: UnitGaps) -> int:
        """The least level ``unit`` may be planned at under this goal (never below its level now)."""
        target = unit.target if (self.targets and unit.target is not None) else 0
        return min(max(unit.level, self.floor, target), unit.max_level)


@dataclass(frozen=True)
class Plan:
    """Each unit's planned level, the stars it gains and the tasks it meets; the total effort."""

    goal: Goal
    feasible: bool
    levels: Mapping[str, int] = field(default_factory=dict)
    effort: float = 0.0
    gains: Mapping[str, tuple[StarGap, ...]] = field(default_factory=dict)
    reachable: Goal | None = None  # when not feasible: the closest goal that is

    @property
    def tasks(self) -> int:
        return sum(len(g.tasks) for gains in self.gains.values() for g in gains)

    def count_at_least(self, level: int) -> int:
        return sum(1 for v in self.levels.values() if v >= level)


def check_goal(units: Sequence[UnitGaps], goal: Goal) -> list[str]:
    """Why ``goal`` cannot be reached by raising these units (empty when it can)."""
    problems = []
    for level, count in goal.at_least:
        able = sum(1 for u in units if u.max_level >= level)
        if count > able:
            problems.append(f"at_least:{level}:{count}>{able}")
    for u in units:
        if goal.floor > u.max_level or (goal.targets and u.target is not None and u.target > u.max_level):
            problems.append(f"unit:{u.code}")
    return problems


def compute_reachable(units: Sequence[UnitGaps], goal: Goal) -> Goal:
    """The closest goal that can be reached: each count cut to the units able to reach its level,
    the floor to the lowest level every unit can reach."""
    at_least = tuple(
        (level, min(count, sum(1 for u in units if u.max_level >= level))) for level, count in goal.at_least
    )
    floor = min([goal.floor, *(u.max_level for u in units)])
    return Goal(at_least, floor, goal.targets)


def _plan(units: Sequence[UnitGaps], goal: Goal, levels: Sequence[int]) -> Plan:
    chosen = {u.code: int(level) for u, level in zip(units, levels, strict=True)}
    gains = {u.code: u.gaps_to(chosen[u.code]) for u in units if chosen[u.code] > u.level}
    effort = sum(u.effort_to(chosen[u.code]) for u in units)
    return Plan(goal, True, chosen, effort, gains)


def _infeasible(units: Sequence[UnitGaps], goal: Goal) -> Plan:
    return Plan(goal, False, {u.code: u.level for u in units}, 0.0, {}, compute_reachable(units, goal))


def solve(units: Sequence[UnitGaps], goal: Goal) -> Plan:
    """The plan of least effort that reaches ``goal`` (exact), or an infeasible plan naming the
    closest reachable goal. Among plans of equal effort, the one with fewest tasks."""
    if check_goal(units, goal):
        return _infeasible(units, goal)
    from scipy.optimize import Bounds, LinearConstraint, milp  # loaded when a plan is asked for

    columns: list[tuple[int, int]] = []  # (unit index, level)
    for i, u in enumerate(units):
        columns += [(i, level) for level in range(goal.lowest(u), u.max_level + 1)]
    if not columns:
        return _plan(units, goal, [])
    n_tasks = [sum(len(g.tasks) for g in units[i].gaps_to(level)) for i, level in columns]
    total_tasks = sum(n_tasks) + 1
    # effort first; fewer tasks breaks ties (scaled below the smallest difference in effort)
    cost = np.array([units[i].effort_to(level) for i, level in columns], dtype=float)
    cost += np.array(n_tasks, dtype=float) * (TOLERANCE / 10 / total_tasks)
    rows, lower, upper = [], [], []
    for i in range(len(units)):
        rows.append([1.0 if c[0] == i else 0.0 for c in columns])
        lower.append(1.0)
        upper.append(1.0)
    for level, count in goal.at_least:
        rows.append([1.0 if c[1] >= level else 0.0 for c in columns])
        lower.append(float(count))
        upper.append(np.inf)
    result = milp(
        cost,
        constraints=LinearConstraint(np.array(rows), lower, upper),
        integrality=np.ones(len(columns)),
        bounds=Bounds(0, 1),
        options={"mip_rel_gap": 0.0},  # exact: HiGHS would otherwise stop within 0.01 % of the best
    )
    if result.status != 0 or result.x is None:  # not expected after check_goal: say so, never guess
        return _infeasible(units, goal)
    levels = [0] * len(units)
    for (i, level), x in zip(columns, result.x, strict=True):
        if x > 0.5:
            levels[i] = level
    return _plan(units, goal, levels)


def solve_greedy(units: Sequence[UnitGaps], goal: Goal) -> Plan:
    """The plan made by hand: every unit to its least level, then for each level from the top,
    while too few units are at or above it, raise the unit that costs least to raise there."""
    if check_goal(units, goal):
        return _infeasible(units, goal)
    levels = [goal.lowest(u) for u in units]
    for level, count in sorted(goal.at_least, reverse=True):
        while sum(1 for v in levels if v >= level) < count:
            below = [i for i, u in enumerate(units) if levels[i] < level <= u.max_level]
            best = min(below, key=lambda i: (units[i].effort_to(level) - units[i].effort_to(levels[i]), i))
            levels[best] = level
    return _plan(units, goal, levels)


def apply_plan(met: Mapping[str, bool], gains: Sequence[StarGap]) -> dict[str, bool]:
    """The task results after a unit meets the tasks its plan gives it."""
    after = dict(met)
    for gap in gains:
        after.update(dict.fromkeys(gap.tasks, True))
    return after
