"""The planner (xingtu.domain.plan) against brute force: on random small regions, in both effort
modes, its plan reaches the goal when the tasks are applied and the star rule recomputed, and no
plan of less effort exists. Brute force knows nothing of the planner: for each unit it tries
every set of its unmet tasks, rates the result with the star rule, and then tries every
combination of the units' levels."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

import pytest

from xingtu.domain import plan
from xingtu.domain.rating import star_held, tasks_short
from xingtu.domain.standard import Star, Task

REGIONS = 240


def level_of(stars: tuple[Star, ...], met: dict[str, bool]) -> int:
    return sum(star_held(s, met) for s in stars)


@dataclass
class Region:
    stars: tuple[Star, ...]
    met: dict[str, dict[str, bool]]  # unit -> task -> met
    targets: dict[str, int | None]
    weights: dict[str, float]


def random_region(rng: random.Random) -> Region:
    stars = []
    for s in range(rng.randint(1, 4)):
        n = rng.randint(1, 4)
        tasks = tuple(Task(f"S{s}T{t}", f"S{s}", f"任务{s}-{t}", "", rng.random() < 0.3) for t in range(n))
        stars.append(
            Star(f"S{s}", f"星{s}", tasks, rng.choice([0.5, 0.6, 0.75, 0.8, 1.0]), rng.random() < 0.8)
        )
    stars = tuple(stars)
    ids = [t.id for s in stars for t in s.tasks]
    units = [f"U{i}" for i in range(rng.randint(1, 4))]
    met = {u: {t: rng.random() < 0.6 for t in ids} for u in units}
    targets = {u: rng.choice([None, *range(len(stars) + 1)]) for u in units}
    weights = {t: plan.compute_weight(rng.choice([None, 0.0, 0.2, 0.5, 0.9, 1.0])) for t in ids}
    return Region(stars, met, targets, weights)


def random_goal(rng: random.Random, region: Region) -> plan.Goal:
    n_stars, n_units = len(region.stars), len(region.met)
    pairs = {}
    for _ in range(rng.randint(0, 2)):
        pairs[rng.randint(1, n_stars)] = rng.randint(0, n_units + (1 if rng.random() < 0.1 else 0))
    return plan.Goal(
        tuple(sorted(pairs.items())), rng.choice([0, 0, 0, *range(n_stars + 1)]), rng.random() < 0.3
    )


def brute_unit(region: Region, unit: str, weighted: bool) -> dict[int, tuple[float, int]]:
    """Level -> (least effort, fewest tasks at that effort) over every set of the unit's unmet tasks."""
    met = region.met[unit]
    unmet = [t for t, ok in met.items() if not ok]
    best: dict[int, tuple[float, int]] = {}
    for k in range(len(unmet) + 1):
        for chosen in itertools.combinations(unmet, k):
            level = level_of(region.stars, {**met, **dict.fromkeys(chosen, True)})
            effort = sum(region.weights[t] for t in chosen) if weighted else float(k)
            if level not in best or (effort, k) < best[level]:
                best[level] = (effort, k)
    return best


def brute_optimum(region: Region, goal: plan.Goal, weighted: bool) -> float | None:
    units = list(region.met)
    options = []
    for u in units:
        now = level_of(region.stars, region.met[u])
        least = max(
            now, goal.floor, region.targets[u] if goal.targets and region.targets[u] is not None else 0
        )
        options.append([(lv, e) for lv, (e, _) in brute_unit(region, u, weighted).items() if lv >= least])
    best = None
    for combo in itertools.product(*options):
        levels = [lv for lv, _ in combo]
        if all(sum(v >= level for v in levels) >= count for level, count in goal.at_least):
            total = sum(e for _, e in combo)
            best = total if best is None else min(best, total)
    return best


def units_of(region: Region, weighted: bool) -> list[plan.UnitGaps]:
    weights = region.weights if weighted else None
    return [
        plan.compute_unit_gaps(u, region.stars, region.met[u], region.targets[u], weights) for u in region.met
    ]


@pytest.mark.parametrize("mode", plan.EFFORT_MODES)
def test_the_plan_is_exact_and_reaches_the_goal_on_random_regions(mode):
    rng = random.Random(f"plan-{mode}")
    weighted = mode == plan.EFFORT_WEIGHTED
    solved = infeasible = greedy_worse = 0
    for _ in range(REGIONS):
        region = random_region(rng)
        goal = random_goal(rng, region)
        units = units_of(region, weighted)
        result = plan.solve(units, goal)
        optimum = brute_optimum(region, goal, weighted)
        if optimum is None:
            assert not result.feasible and result.reachable is not None
            assert plan.solve(units, result.reachable).feasible  # the closest goal can be reached
            infeasible += 1
            continue
        assert result.feasible
        assert result.effort == pytest.approx(optimum, abs=plan.TOLERANCE)  # no plan of less effort
        levels_after = {}
        for u in units:  # apply the plan's tasks and rate again with the star rule
            after = plan.apply_plan(region.met[u.code], result.gains.get(u.code, ()))
            levels_after[u.code] = level_of(region.stars, after)
            assert levels_after[u.code] == result.levels[u.code]
            spent = sum(
                (region.weights[t] if weighted else 1.0)
                for g in result.gains.get(u.code, ())
                for t in g.tasks
            )
            assert spent == pytest.approx(u.effort_to(result.levels[u.code]))
            assert levels_after[u.code] >= max(goal.floor, u.level)
            if goal.targets and u.target is not None:
                assert levels_after[u.code] >= u.target
        for level, count in goal.at_least:
            assert sum(v >= level for v in levels_after.values()) >= count
        greedy = plan.solve_greedy(units, goal)
        assert greedy.feasible and greedy.effort >= result.effort - plan.TOLERANCE
        greedy_worse += greedy.effort > result.effort + plan.TOLERANCE
        solved += 1
    assert solved >= 150 and infeasible >= 1  # the random goals cover both cases


def test_greedy_by_hand_can_cost_more_than_the_exact_plan():
    # Goal: one unit at 三星, two at 二星 or above; both units hold one star now.
    # A: 二星 for 1 task, 三星 for 1 + 5.  B: 二星 for 3, 三星 for 3 + 3.
    # By hand, 三星 first: A and B both cost 6, A is taken; then B to 二星: 6 + 3 = 9 tasks.
    # Exact: B to 三星 (6) and A to 二星 (1): 7 tasks.
    def unit(code: str, efforts: list[int]) -> plan.UnitGaps:
        gaps = tuple(
            plan.StarGap(f"S{i}", tuple(f"{code}{i}-{k}" for k in range(e)), float(e))
            for i, e in enumerate(efforts)
        )
        return plan.UnitGaps(code, 1, gaps)

    units = [unit("A", [1, 5]), unit("B", [3, 3])]
    goal = plan.Goal(((2, 2), (3, 1)))
    exact, greedy = plan.solve(units, goal), plan.solve_greedy(units, goal)
    assert (exact.effort, exact.tasks, dict(exact.levels)) == (7, 7, {"A": 2, "B": 3})
    assert (greedy.effort, dict(greedy.levels)) == (9, {"A": 3, "B": 2})


@pytest.mark.parametrize("seed", range(40))
def test_a_star_gap_is_the_fewest_tasks_that_give_the_star(seed):
    rng = random.Random(seed)
    region = random_region(rng)
    for unit, met in region.met.items():
        for star in region.stars:
            gap = plan.compute_star_gap(star, met)
            if star_held(star, met):
                assert gap is None
                continue
            assert len(gap.tasks) == gap.effort == tasks_short(star, met)  # the one rule's count
            assert star_held(star, {**met, **dict.fromkeys(gap.tasks, True)})
            if star.veto_required:  # the unmet veto tasks, all of them, first
                vetoes = [t.id for t in star.tasks if t.veto and not met.get(t.id, False)]
                assert list(gap.tasks[: len(vetoes)]) == vetoes
            weighted = plan.compute_star_gap(star, met, region.weights)
            unmet = [t.id for t in star.tasks if not met.get(t.id, False)]
            least = min(
                sum(region.weights[t] for t in chosen)
                for k in range(len(unmet) + 1)
                for chosen in itertools.combinations(unmet, k)
                if star_held(star, {**met, **dict.fromkeys(chosen, True)})
            )
            assert weighted.effort == pytest.approx(least), unit


@pytest.mark.parametrize(
    ("share", "weight"), [(1.0, 1.0), (0.0, 5.0), (0.5, 3.0), (None, 3.0), (float("nan"), 3.0), (1.5, 1.0)]
)
def test_a_task_weighs_more_the_fewer_units_met_it(share, weight):
    assert plan.compute_weight(share) == pytest.approx(weight)
