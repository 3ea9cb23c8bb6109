"""The rating rule (xingtu.domain.rating): scalar and vectorised forms, on synthetic and sample stars."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest

from xingtu.domain.rating import (
    compute_level,
    compute_levels_matrix,
    compute_star_held_matrix,
    compute_star_stats_matrix,
    compute_stars,
    compute_tasks_short_matrix,
    level_label,
    required_met,
    star_held,
    tasks_short,
    veto_unmet,
)
from xingtu.domain.standard import Standard, Star, Task
from xingtu.reference.standards import load_standard_file
from xingtu.settings import DATA_DIR

RURAL_IDS = ("branch", "industry", "ecology", "safety", "civility")
URBAN_IDS = ("branch", "business", "safety", "sharing", "harmony")


def make_star(
    n_tasks: int, veto: tuple[int, ...] = (0,), share: float = 0.8, veto_required: bool = True, sid: str = "s"
) -> Star:
    """A star with tasks s-0 … s-(n-1); the indices in ``veto`` are veto tasks."""
    tasks = tuple(Task(f"{sid}-{i}", sid, f"任务{i}", "说明", i in veto) for i in range(n_tasks))
    return Star(sid, "测试星", tasks, share, veto_required)


def results(star: Star, met_indices: set[int] | range) -> dict[str, bool]:
    """Explicit True/False for every task of ``star``."""
    return {t.id: i in met_indices for i, t in enumerate(star.tasks)}


@pytest.fixture(scope="module")
def sample() -> Standard:
    return load_standard_file(DATA_DIR / "standard" / "2022.yaml")


@pytest.mark.parametrize(
    ("n_tasks", "share", "expected"),
    [
        pytest.param(18, 0.8, 15, id="18x0.8"),
        pytest.param(10, 0.8, 8, id="10x0.8"),
        pytest.param(21, 0.8, 17, id="21x0.8"),
        pytest.param(22, 0.8, 18, id="22x0.8"),
        pytest.param(18, 0.75, 14, id="18x0.75"),
        pytest.param(1, 1.0, 1, id="1x1.0"),
        pytest.param(18, 1.0, 18, id="18x1.0"),
        pytest.param(100, 0.07, 7, id="100x0.07-float-epsilon"),
        pytest.param(100, 0.55, 55, id="100x0.55-float-epsilon"),
        pytest.param(10, 0.81, 9, id="10x0.81-rounds-up"),
        pytest.param(3, 0.01, 1, id="tiny-share"),
        pytest.param(0, 0.8, 0, id="no-tasks"),
    ],
)
def test_required_met(n_tasks: int, share: float, expected: int) -> None:
    assert required_met(n_tasks, share) == expected


# Star of 18 tasks, share 0.8 -> 15 required; veto tasks 0, 1, 2.
STAR18 = make_star(18, veto=(0, 1, 2))
STAR18_NO_VETO_RULE = dataclasses.replace(STAR18, veto_required=False)
NON_VETO = set(range(3, 18))


@pytest.mark.parametrize(
    ("star", "met", "held"),
    [
        pytest.param(STAR18, set(range(18)), True, id="all-met"),
        pytest.param(STAR18, set(), False, id="none-met"),
        pytest.param(STAR18, set(range(15)), True, id="exactly-15-incl-vetoes"),
        pytest.param(STAR18, set(range(14)), False, id="14-one-short"),
        pytest.param(STAR18, set(range(1, 18)), False, id="veto-0-fails-17-met"),
        pytest.param(STAR18, NON_VETO | {0, 1}, False, id="veto-2-fails-17-met"),
        pytest.param(STAR18_NO_VETO_RULE, NON_VETO, True, id="veto-ignored-15-met"),
        pytest.param(STAR18_NO_VETO_RULE, set(range(3, 17)), False, id="veto-ignored-14-met"),
        pytest.param(make_star(18, veto=()), set(range(3, 18)), True, id="no-veto-tasks"),
        pytest.param(make_star(18, share=0.75), set(range(14)), True, id="share-0.75-14-met"),
        pytest.param(make_star(18, share=0.75), set(range(13)), False, id="share-0.75-13-met"),
        pytest.param(make_star(10), set(range(8)), True, id="10-tasks-8-met"),
        pytest.param(make_star(10), set(range(7)), False, id="10-tasks-7-met"),
        pytest.param(make_star(1, share=1.0), {0}, True, id="single-task-met"),
        pytest.param(make_star(1, share=1.0, veto=()), set(), False, id="single-task-unmet"),
    ],
)
def test_star_held(star: Star, met: set[int], held: bool) -> None:
    assert star_held(star, results(star, met)) is held
    matrix = np.array([[i in met for i in range(len(star.tasks))]])
    assert compute_star_held_matrix(star, matrix).tolist() == [held]


@pytest.mark.parametrize(
    ("met", "held"),
    [
        pytest.param({}, False, id="empty"),
        pytest.param({f"s-{i}": True for i in range(15)}, True, id="15-true-rest-missing"),
        pytest.param({f"s-{i}": True for i in range(14)}, False, id="14-true-rest-missing"),
        pytest.param({f"s-{i}": True for i in range(1, 18)}, False, id="veto-missing"),
        pytest.param({f"s-{i}": True for i in range(1, 18)} | {"s-0": False}, False, id="veto-false"),
        pytest.param({f"s-{i}": True for i in range(15)} | {"other-1": True}, True, id="unrelated-keys"),
        pytest.param(
            {f"s-{i}": True for i in range(14)} | {"other-1": True}, False, id="unrelated-do-not-count"
        ),
    ],
)
def test_missing_results_count_as_not_met(met: dict[str, bool], held: bool) -> None:
    assert star_held(STAR18, met) is held


def _all_met(standard: Standard, unit_type: str) -> dict[str, bool]:
    return {t.id: True for t in standard.tasks_for(unit_type)}  # type: ignore[arg-type]


def test_compute_stars_rural_vs_urban(sample: Standard) -> None:
    rural = _all_met(sample, "rural")
    urban = _all_met(sample, "urban")
    assert compute_stars(sample, "rural", rural) == RURAL_IDS
    assert compute_stars(sample, "urban", urban) == URBAN_IDS
    assert compute_stars(sample, "urban", rural) == ()
    assert compute_stars(sample, "rural", urban) == ()
    assert compute_level(sample, "rural", rural) == 5
    assert compute_level(sample, "urban", rural) == 0
    assert compute_stars(sample, "rural", rural | urban) == RURAL_IDS
    assert compute_stars(sample, "urban", rural | urban) == URBAN_IDS


def test_compute_stars_veto_and_override(sample: Standard) -> None:
    met = _all_met(sample, "rural")
    stars = {s.id: s for s in sample.stars_for("rural")}
    met[stars["ecology"].veto_ids[0]] = False  # ecology lost by veto alone
    industry = stars["industry"]
    non_veto = [t for t in industry.task_ids if t not in industry.veto_ids]
    for tid in non_veto[:4]:  # 14 of 18 met: enough at 0.75 (14), not at 0.8 (15)
        met[tid] = False
    assert compute_stars(sample, "rural", met) == ("branch", "industry", "safety", "civility")
    met[non_veto[4]] = False  # 13 of 18
    assert compute_stars(sample, "rural", met) == ("branch", "safety", "civility")
    assert compute_level(sample, "rural", met) == 3
    assert level_label(compute_level(sample, "rural", met)) == "三星"


def test_compute_stars_catalogue_order(sample: Standard) -> None:
    met = {t: True for s in sample.stars_for("urban") if s.id in ("harmony", "branch") for t in s.task_ids}
    assert compute_stars(sample, "urban", met) == ("branch", "harmony")
    assert compute_level(sample, "urban", met) == 2


@pytest.mark.parametrize(
    ("level", "label"),
    [
        pytest.param(0, "未评星", id="0"),
        pytest.param(1, "一星", id="1"),
        pytest.param(2, "二星", id="2"),
        pytest.param(3, "三星", id="3"),
        pytest.param(4, "四星", id="4"),
        pytest.param(5, "五星", id="5"),
        pytest.param(np.int64(5), "五星", id="numpy-int"),
    ],
)
def test_level_label(level: int, label: str) -> None:
    assert level_label(level) == label


# ---------------------------------------------------------------- tasks short


STAR10 = make_star(10, veto=(0, 1))  # 8 required; vetoes 0 and 1; non-veto 2..9
STAR10_NO_VETO_RULE = dataclasses.replace(STAR10, veto_required=False)


@pytest.mark.parametrize(
    ("star", "met", "short"),
    [
        pytest.param(STAR10, set(range(10)), 0, id="all-met"),
        pytest.param(STAR10, set(range(8)), 0, id="held-exactly"),
        pytest.param(STAR10, set(range(6)), 2, id="vetoes-met-2-missing"),
        pytest.param(STAR10, set(range(2, 10)), 2, id="count-ok-2-vetoes-unmet-fix-vetoes-alone"),
        pytest.param(STAR10, {0} | set(range(2, 9)), 1, id="count-ok-1-veto-unmet"),
        pytest.param(STAR10, set(range(2, 7)), 3, id="3-missing-2-vetoes-unmet"),
        pytest.param(STAR10, {0} | set(range(2, 5)), 4, id="4-missing-1-veto-unmet"),
        pytest.param(STAR10, set(), 8, id="none-met"),
        pytest.param(STAR10_NO_VETO_RULE, set(range(2, 8)), 2, id="veto-rule-off"),
        pytest.param(STAR10_NO_VETO_RULE, set(range(2, 10)), 0, id="veto-rule-off-held"),
    ],
)
def test_tasks_short(star: Star, met: set[int], short: int) -> None:
    assert tasks_short(star, results(star, met)) == short
    assert star_held(star, results(star, met)) is (short == 0)
    matrix = np.array([[i in met for i in range(len(star.tasks))]])
    assert compute_tasks_short_matrix(star, matrix).tolist() == [short]


@pytest.mark.parametrize(
    "star",
    [
        pytest.param(make_star(6, veto=(0, 1), share=0.5), id="6-tasks-2-vetoes-0.5"),
        pytest.param(make_star(6, veto=(0, 1, 2, 3), share=0.5), id="6-tasks-4-vetoes-0.5"),
        pytest.param(make_star(6, veto=(5,), share=1.0), id="6-tasks-all-required"),
        pytest.param(make_star(6, veto=(0, 1), share=0.5, veto_required=False), id="veto-rule-off"),
    ],
)
def test_tasks_short_is_fewest_fixes(star: Star) -> None:
    """Brute force: tasks_short is the size of the smallest set of extra met tasks that wins the star."""
    n = len(star.tasks)
    for bits in itertools.product([False, True], repeat=n):
        met = {i for i in range(n) if bits[i]}
        unmet = [i for i in range(n) if not bits[i]]
        fewest = next(
            k
            for k in range(len(unmet) + 1)
            if any(star_held(star, results(star, met | set(fix))) for fix in itertools.combinations(unmet, k))
        )
        assert tasks_short(star, results(star, met)) == fewest, sorted(met)


# ---------------------------------------------------------------- vectorised == scalar


def _sample_stars(sample: Standard) -> list[tuple[str, Star]]:
    return [(ut, s) for ut in ("rural", "urban") for s in sample.stars_for(ut)]


@pytest.mark.parametrize("veto_required", [True, False], ids=["veto-rule-on", "veto-rule-off"])
def test_vectorised_equals_scalar_on_sample(sample: Standard, veto_required: bool) -> None:
    rng = np.random.default_rng(20220501)
    stars = _sample_stars(sample)
    assert len(stars) == 10
    for unit_type, star in stars:
        star = dataclasses.replace(star, veto_required=veto_required)
        n = len(star.tasks)
        # Mix of densities so that both held and lost rows occur near the threshold.
        p = rng.choice([0.6, 0.8, 0.9, 0.97], size=(300, 1))
        met = rng.random((300, n)) < p
        held = compute_star_held_matrix(star, met)
        short = compute_tasks_short_matrix(star, met)
        assert held.shape == (300,)
        assert held.dtype == bool
        assert short.shape == (300,)
        assert 0 < held.sum() < 300, (unit_type, star.id)
        for row, h, s in zip(met, held, short, strict=True):
            as_dict = dict(zip(star.task_ids, row.tolist(), strict=True))
            assert bool(h) is star_held(star, as_dict), (unit_type, star.id)
            assert int(s) == tasks_short(star, as_dict), (unit_type, star.id)
        assert ((short == 0) == held).all()


def test_star_held_matrix_rejects_wrong_shape() -> None:
    with pytest.raises(ValueError, match="10 列"):
        compute_star_held_matrix(STAR10, np.ones((3, 9), dtype=bool))
    with pytest.raises(ValueError, match="10 列"):
        compute_star_held_matrix(STAR10, np.ones(10, dtype=bool))


def test_star_held_matrix_accepts_ints_and_empty() -> None:
    assert compute_star_held_matrix(STAR10, np.ones((2, 10), dtype=int)).tolist() == [True, True]
    assert compute_star_held_matrix(STAR10, np.zeros((0, 10), dtype=bool)).tolist() == []


@pytest.mark.parametrize("veto_required", [True, False])
def test_star_stats_matrix_agrees_with_the_scalar_rule(sample: Standard, veto_required: bool) -> None:
    """The one vectorised form used by the generator and by imports: every star_results column."""
    rng = np.random.default_rng(7)
    for unit_type in ("rural", "urban"):
        for star in sample.stars_for(unit_type):
            star = dataclasses.replace(star, veto_required=veto_required)
            met = rng.random((200, len(star.tasks))) < rng.choice([0.7, 0.9, 0.97], size=(200, 1))
            stats = compute_star_stats_matrix(star, met)
            assert stats.tasks_total == len(star.tasks)
            assert stats.required == required_met(len(star.tasks), star.min_share_met)
            for i, row in enumerate(met):
                as_dict = dict(zip(star.task_ids, row.tolist(), strict=True))
                assert bool(stats.held[i]) is star_held(star, as_dict)
                assert int(stats.tasks_met[i]) == sum(as_dict.values())
                assert int(stats.veto_unmet[i]) == veto_unmet(star, as_dict)
                assert int(stats.tasks_short[i]) == tasks_short(star, as_dict)
            if not veto_required:
                assert not stats.veto_unmet.any()  # veto tasks count only where the star requires them


def test_levels_matrix_agrees_with_compute_level(sample: Standard) -> None:
    rng = np.random.default_rng(11)
    for unit_type in ("rural", "urban"):
        tasks = sample.tasks_for(unit_type)
        met = rng.random((300, len(tasks))) < rng.choice([0.8, 0.9, 0.95, 1.0], size=(300, 1))
        levels = compute_levels_matrix(sample, unit_type, met)
        expected = [
            compute_level(sample, unit_type, dict(zip((t.id for t in tasks), row, strict=True)))
            for row in met
        ]
        assert levels.tolist() == expected
        assert len(set(expected)) > 2
    with pytest.raises(ValueError, match="90 列"):
        compute_levels_matrix(sample, "rural", np.ones((1, 89), dtype=bool))
