"""The plan of a region read from a store (xingtu.views.plan): the planner sees each unit at the
level the store rates it, and the exact plan for the campaign's goals reaches them."""

from __future__ import annotations

import duckdb
import pytest

from xingtu.domain import plan
from xingtu.domain.rating import compute_level
from xingtu.domain.standard import standard_for_year
from xingtu.store import queries as q
from xingtu.views.plan import compute_counts, compute_plan, compute_units

COUNTY = "411102000000"  # 源汇区, in the small store


@pytest.fixture(scope="module")
def county(small_store_path):
    with duckdb.connect(str(small_store_path), read_only=True) as con:
        year = max(q.query_data_years(con))
        standard = standard_for_year(q.query_standards(con), year)
        return q.query_plan_inputs(con, q.Scope(COUNTY), year), standard


def test_the_planner_sees_each_unit_at_the_level_the_store_rates_it(county):
    inputs, standard = county
    assert len(inputs.units) > 50 and inputs.prev_year is not None
    assert min(inputs.shares.values()) > 0.0 and max(inputs.shares.values()) <= 1.0
    units = compute_units(inputs, standard, plan.EFFORT_TASKS)
    stored = dict(zip(inputs.units["code"], inputs.units["level"], strict=True))
    assert {u.code: u.level for u in units} == stored
    met = inputs.met.groupby("code")["task_id"].apply(set).to_dict()
    kinds = dict(zip(inputs.units["code"], inputs.units["unit_type"], strict=True))
    for u in units[:40]:  # the one star rule, from the task results, gives the same level
        results = {t.id: t.id in met.get(u.code, set()) for t in standard.tasks_for(kinds[u.code])}
        assert compute_level(standard, kinds[u.code], results) == u.level


@pytest.mark.parametrize("mode", plan.EFFORT_MODES)
@pytest.mark.parametrize(
    "goal_of",
    [
        lambda now, n: plan.Goal(((5, now[5] + 3),)),  # 五星 +3
        lambda now, n: plan.Goal(((4, min(n, now[4] + 10)), (5, now[5] + 1))),  # 四星及以上 +10, 五星 +1
        lambda now, n: plan.Goal((), floor=2),  # no unit below 二星
        lambda now, n: plan.Goal((), targets=True),  # every unit at its target
    ],
    ids=["five+3", "four+10,five+1", "floor2", "targets"],
)
def test_the_exact_plan_reaches_the_goal_and_by_hand_costs_no_less(county, mode, goal_of):
    inputs, standard = county
    now = compute_counts(compute_units(inputs, standard, mode))
    goal = goal_of(now, len(inputs.units))
    result = compute_plan(inputs, standard, goal, mode)
    exact, greedy = result.exact, result.greedy
    assert exact.feasible and greedy.feasible
    for level, count in goal.at_least:
        assert exact.count_at_least(level) >= count
    for u in result.units:
        assert exact.levels[u.code] >= max(u.level, goal.floor)
        if goal.targets and u.target is not None:
            assert exact.levels[u.code] >= u.target
    assert exact.effort > 0 and exact.effort <= greedy.effort + plan.TOLERANCE


def test_a_goal_beyond_the_units_is_refused_with_the_closest_reachable(county):
    inputs, standard = county
    n = len(inputs.units)
    result = compute_plan(inputs, standard, plan.Goal(((5, n + 5),)), plan.EFFORT_TASKS)
    assert not result.exact.feasible
    assert result.exact.reachable == plan.Goal(((5, n),))
