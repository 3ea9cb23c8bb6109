"""The rating rule: task results -> stars held -> star level.

A star is held when (if the catalogue requires it) every veto task of the star is met
and at least ``ceil(min_share_met × number of tasks)`` of its tasks are met. A task with
no recorded result counts as not met. The level is the number of stars held (0 = 未评星).
The scalar functions serve profiles and tests; the vectorised one serves the generator
and the store, and both are tested to agree.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from xingtu.domain.standard import Standard, Star
from xingtu.domain.units import UnitType

LEVEL_LABELS: dict[int, str] = {5: "五星", 4: "四星", 3: "三星", 2: "二星", 1: "一星", 0: "未评星"}
LEVELS_DESC: tuple[int, ...] = (5, 4, 3, 2, 1, 0)


def required_met(n_tasks: int, min_share_met: float) -> int:
    """How many tasks must be met; the epsilon keeps 0.8 × 10 at 8, not 9."""
    return max(0, math.ceil(n_tasks * min_share_met - 1e-9))


def star_held(star: Star, met: Mapping[str, bool]) -> bool:
    """Whether ``star`` is held given task results (missing = not met)."""
    if star.veto_required and not all(met.get(t, False) for t in star.veto_ids):
        return False
    n_met = sum(1 for t in star.task_ids if met.get(t, False))
    return n_met >= required_met(len(star.tasks), star.min_share_met)


def compute_stars(standard: Standard, unit_type: UnitType, met: Mapping[str, bool]) -> tuple[str, ...]:
    """Ids of the stars held, in catalogue order."""
    return tuple(s.id for s in standard.stars_for(unit_type) if star_held(s, met))


def compute_level(standard: Standard, unit_type: UnitType, met: Mapping[str, bool]) -> int:
    """Star level = number of stars held."""
    return len(compute_stars(standard, unit_type, met))


def compute_star_held_matrix(star: Star, met: np.ndarray) -> np.ndarray:
    """Vectorised :func:`star_held`: ``met`` is (units, tasks of the star) boolean in task order."""
    met = np.asarray(met, dtype=bool)
    if met.ndim != 2 or met.shape[1] != len(star.tasks):
        raise ValueError(f"{star.name}：任务结果应有 {len(star.tasks)} 列，实际 {met.shape}")
    ok = met.sum(axis=1) >= required_met(len(star.tasks), star.min_share_met)
    if star.veto_required:
        veto_cols = [i for i, t in enumerate(star.tasks) if t.veto]
        if veto_cols:
            ok &= met[:, veto_cols].all(axis=1)
    return ok


def level_label(level: int) -> str:
    """一星…五星 / 未评星."""
    return LEVEL_LABELS.get(int(level), f"{level}星")


def tasks_short(star: Star, met: Mapping[str, bool]) -> int:
    """Fewest tasks still to meet for ``star`` to be held (0 if held).

    Fixing a veto task also adds one met task, so the gap is the larger of the veto tasks
    unmet and the met tasks missing.
    """
    n_met = sum(1 for t in star.task_ids if met.get(t, False))
    veto_unmet = sum(1 for t in star.veto_ids if not met.get(t, False)) if star.veto_required else 0
    return max(required_met(len(star.tasks), star.min_share_met) - n_met, veto_unmet, 0)


def compute_tasks_short_matrix(star: Star, met: np.ndarray) -> np.ndarray:
    """Vectorised :func:`tasks_short` over rows of ``met`` (units × tasks of the star)."""
    met = np.asarray(met, dtype=bool)
    missing = required_met(len(star.tasks), star.min_share_met) - met.sum(axis=1)
    veto_cols = [i for i, t in enumerate(star.tasks) if t.veto]
    veto_unmet = (~met[:, veto_cols]).sum(axis=1) if (star.veto_required and veto_cols) else 0
    return np.maximum(np.maximum(missing, veto_unmet), 0)


def veto_unmet(star: Star, met: Mapping[str, bool]) -> int:
    """Veto tasks of ``star`` not met — counted only when the catalogue requires them, else 0."""
    if not star.veto_required:
        return 0
    return sum(1 for t in star.veto_ids if not met.get(t, False))


@dataclass(frozen=True)
class StarStats:
    """One star's statistics for many units (aligned int16/bool arrays), as ``star_results`` stores them."""

    held: np.ndarray
    tasks_met: np.ndarray
    tasks_total: int
    required: int
    veto_unmet: np.ndarray
    tasks_short: np.ndarray


def compute_star_stats_matrix(star: Star, met: np.ndarray) -> StarStats:
    """Every ``star_results`` statistic for rows of ``met`` (units × tasks of the star, catalogue order).

    The one vectorised form of the rule used by the generator and by imports: ``held`` is
    :func:`compute_star_held_matrix`, ``tasks_short`` :func:`compute_tasks_short_matrix`, and
    ``veto_unmet`` counts unmet veto tasks only when the catalogue requires them (else 0).
    """
    met = np.asarray(met, dtype=bool)
    held = compute_star_held_matrix(star, met)
    veto_cols = [i for i, t in enumerate(star.tasks) if t.veto]
    if star.veto_required and veto_cols:
        unmet_veto = (~met[:, veto_cols]).sum(axis=1).astype(np.int16)
    else:
        unmet_veto = np.zeros(len(met), dtype=np.int16)
    return StarStats(
        held=held,
        tasks_met=met.sum(axis=1).astype(np.int16),
        tasks_total=len(star.tasks),
        required=required_met(len(star.tasks), star.min_share_met),
        veto_unmet=unmet_veto,
        tasks_short=compute_tasks_short_matrix(star, met).astype(np.int16),
    )


def compute_levels_matrix(standard: Standard, unit_type: UnitType, met: np.ndarray) -> np.ndarray:
    """Vectorised :func:`compute_level`: ``met`` is (units × every task of the type, catalogue order)."""
    met = np.asarray(met, dtype=bool)
    n_tasks = len(standard.tasks_for(unit_type))
    if met.ndim != 2 or met.shape[1] != n_tasks:
        raise ValueError(f"任务结果应有 {n_tasks} 列，实际 {met.shape}")
    level = np.zeros(len(met), dtype=np.int8)
    start = 0
    for star in standard.stars_for(unit_type):
        stop = start + len(star.tasks)
        level += compute_star_held_matrix(star, met[:, start:stop])
        start = stop
    return level
