"""The deterministic demo dataset: star results for every real unit, labelled as sample data.

Star results are not public, so the demo is generated — but it is built the way real
data arises. Each unit has a latent strength (county + township + own). First-year levels
are assigned by rank to match published figures (calibration.yaml); each later year a
share of units move up or down one level by momentum. A unit holds the stars it is most
apt for. Task results are then drawn so that the rating rule of the catalogue in force
reproduces exactly those stars (checked row by row), with the same tasks tending to fail
for the same unit year after year. Problem ledgers, pairings, 软弱涣散 flags and monthly
progress follow from these results.

Every random draw comes from a numpy PCG64 stream derived from the calibration seed, so
the same inputs always give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import itertools
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from xingtu.demo.calibration import N_LEVELS, Calibration, GroupTarget
from xingtu.domain.rating import compute_star_stats_matrix, required_met
from xingtu.domain.standard import Standard, standard_for_year
from xingtu.domain.units import UNIT_TYPES

GENERATOR_VERSION = "1"

HELPERS: dict[str, tuple[str, ...]] = {
    "branch": ("县委组织部", "乡镇党委", "街道党工委", "县委党校"),
    "industry": ("县农业农村局", "县乡村振兴局", "县供销社", "县商务局", "县农商银行"),
    "ecology": ("县住建局", "市生态环境局县分局", "县卫健委", "县农业农村局", "县水利局"),
    "safety": ("县委政法委", "县公安局", "县司法局", "县信访局", "县应急管理局"),
    "civility": ("县委宣传部", "县民政局", "县文明办", "县教体局", "县妇联"),
    "business": ("县人社局", "县商务局", "县市场监管局", "县工商联"),
    "sharing": ("县住建局", "县直机关工委", "街道党工委", "县城管局"),
    "harmony": ("县民政局", "县卫健委", "县文广旅局", "县残联"),
}
PROBLEM_DETAILS = (
    "台账资料不完整，佐证材料缺失",
    "进度滞后于年度计划",
    "群众满意度测评未达要求",
    "指标未达到标准要求",
    "制度建立但未落实到位",
    "县级复核发现问题尚未整改",
)
MEASURES = (
    "制定“一村一策”整改方案，明确责任人和时间节点",
    "帮扶单位驻村指导，每周调度一次整改进度",
    "对照任务清单逐项补齐，乡镇党委月底前验收",
    "结对共建单位派员帮带，按月讲评整改情况",
    "纳入“周交办、月讲评”，整改完成后申请销号",
)
STATUS_CLOSED = "已销号"
STATUS_OPEN = "整改中"
STATUS_NEW = "未启动"


@dataclass(frozen=True)
class DemoData:
    """The generated tables, keyed by unit code (see docs/data-model.md)."""

    annual: pd.DataFrame
    stars: pd.DataFrame
    task_unit: np.ndarray  # task results as three aligned columns (20M rows: kept out of pandas)
    task_year: np.ndarray
    task_index: np.ndarray
    task_met: np.ndarray
    task_ids: tuple[str, ...]
    monthly: pd.DataFrame
    problems: pd.DataFrame
    pairings: pd.DataFrame


def _stream(cal: Calibration, *key: int | str) -> np.random.Generator:
    """An independent stream per purpose, so changing one part never shifts another."""
    words = [cal.seed] + [zlib.crc32(k.encode()) if isinstance(k, str) else int(k) for k in key]
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(words)))


def _largest_remainder(total: int, shares: np.ndarray) -> np.ndarray:
    """Integer counts summing to ``total`` closest to ``shares × total``."""
    shares = np.asarray(shares, dtype=float)
    if total <= 0 or shares.sum() <= 0:
        return np.zeros(len(shares), dtype=np.int64)
    raw = shares / shares.sum() * total
    counts = np.floor(raw).astype(np.int64)
    order = np.argsort(-(raw - counts), kind="stable")
    counts[order[: total - counts.sum()]] += 1
    return counts


def compute_group_counts(n: int, target: GroupTarget | None, default_shares: np.ndarray) -> np.ndarray:
    """Counts per level (未评星…五星) for a group of ``n`` units.

    With ``published_total`` the published counts are shares of that total; without it they
    are absolute. Levels the publication does not give share the remainder by default shares.
    """
    default_shares = np.asarray(default_shares, dtype=float)
    if target is None:
        return _largest_remainder(n, default_shares)
    given = np.zeros(N_LEVELS, dtype=float)
    mask = np.zeros(N_LEVELS, dtype=bool)
    for level, count in target.counts.items():
        given[level], mask[level] = count, True
    if target.published_total:
        rest = max(target.published_total - given.sum(), 0) * default_shares * ~mask
        rest = rest / rest.sum() * max(target.published_total - given.sum(), 0) if rest.sum() else rest
        return _largest_remainder(n, (given + rest) / target.published_total)
    if given.sum() > n:
        raise ValueError(f"校准数 {int(given.sum())} 超过单位数 {n}")
    counts = given.astype(np.int64)
    counts += _largest_remainder(n - int(given.sum()), default_shares * ~mask)
    return counts


def _assign_by_rank(score: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Highest score gets the highest level; ``counts`` is per level 0..5."""
    order = np.argsort(-score, kind="stable")
    levels = np.repeat(np.arange(N_LEVELS - 1, -1, -1), counts[::-1])
    out = np.empty(len(score), dtype=np.int8)
    out[order] = levels
    return out


def _first_year_levels(
    units: pd.DataFrame, score: np.ndarray, cal: Calibration, whole_province: bool
) -> np.ndarray:
    level = np.full(len(units), -1, dtype=np.int8)
    types = units["unit_type"].to_numpy()
    county = units["county_code"].to_numpy()
    assigned_counts = {t: np.zeros(N_LEVELS, dtype=np.int64) for t in UNIT_TYPES}
    for code, groups in cal.counties.items():
        for group, target in groups.items():
            mask = (county == code) & ((types == group) if group != "all" else True)
            if not mask.any():
                continue
            mix = np.zeros(N_LEVELS)
            for t in UNIT_TYPES:
                mix += cal.first_year_shares[t] * (types[mask] == t).sum()
            counts = compute_group_counts(int(mask.sum()), target, mix / mix.sum())
            idx = np.flatnonzero(mask)
            level[idx] = _assign_by_rank(score[idx], counts)
            for t in UNIT_TYPES:
                assigned_counts[t] += np.bincount(level[idx][types[idx] == t], minlength=N_LEVELS)
    for t in UNIT_TYPES:
        idx = np.flatnonzero((level < 0) & (types == t))
        province_counts = cal.first_year_counts.get(t, {}) if whole_province else {}
        fixed = {lv: max(c - int(assigned_counts[t][lv]), 0) for lv, c in province_counts.items()}
        counts = compute_group_counts(len(idx), GroupTarget(counts=fixed), cal.first_year_shares[t])
        level[idx] = _assign_by_rank(score[idx], counts)
    return level


def _next_levels(prev: np.ndarray, momentum: np.ndarray, cal: Calibration) -> np.ndarray:
    new = prev.copy()
    up = np.zeros(len(prev), dtype=bool)
    for lv, share in cal.yearly_up_share.items():
        idx = np.flatnonzero(prev == lv)
        k = round(share * len(idx))
        if k:
            up[idx[np.argsort(-momentum[idx], kind="stable")[:k]]] = True
    new[up] += 1
    cand = np.flatnonzero((prev > 0) & ~up)
    k = round(cal.yearly_down_share * (prev > 0).sum())
    if k:
        new[cand[np.argsort(momentum[cand], kind="stable")[:k]]] -= 1
    return new


def _held_from_levels(levels: np.ndarray, aptitude: np.ndarray) -> np.ndarray:
    """A unit at level k holds its k most apt stars."""
    rank = np.argsort(np.argsort(-aptitude, axis=1, kind="stable"), axis=1, kind="stable")
    return rank < levels[:, None]


def _geometric0(rng: np.random.Generator, p: float, size: int) -> np.ndarray:
    """Geometric counts starting at 0."""
    return rng.geometric(p, size) - 1


def _task_keys(cal: Calibration, task_id: str, n: int, veto: bool) -> np.ndarray:
    """Persistent per unit 'how likely to fail' key for one task (smaller fails first)."""
    rng = _stream(cal, "task", task_id)
    weight = np.exp(rng.normal(0.0, 0.7)) * (0.6 if veto else 1.0)
    return -np.log(rng.random(n)) / weight


def _draw_star_tasks(
    rng: np.random.Generator,
    keys: np.ndarray,
    veto: np.ndarray,
    held: np.ndarray,
    required: int,
) -> np.ndarray:
    """Unmet-task matrix for one star such that the rule yields exactly ``held``."""
    n_rows, n_tasks = keys.shape
    n_nonveto = int((~veto).sum())
    max_allowed = n_tasks - required  # unmet tasks a held star can afford
    keys = keys * np.exp(rng.normal(0.0, 0.3, keys.shape))
    masked = np.where(veto[None, :], np.inf, keys)
    # each task's place in its row's failing order: the inverse of the sorting permutation
    order = np.argsort(masked, axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(n_tasks)[None, :], axis=1)

    n_unmet = np.minimum(_geometric0(rng, 0.45, n_rows), min(max_allowed, n_nonveto))
    can_fail_plain = max_allowed + 1 <= n_nonveto
    veto_mode = ~held & (veto.any() & ((rng.random(n_rows) < 0.35) | (not can_fail_plain)))
    plain_fail = ~held & ~veto_mode
    n_unmet = np.where(
        plain_fail,
        np.minimum(max_allowed + 1 + _geometric0(rng, 0.35, n_rows), n_nonveto),
        n_unmet,
    )
    n_unmet = np.where(veto_mode, np.minimum(_geometric0(rng, 0.4, n_rows), n_nonveto), n_unmet)
    unmet = rank < n_unmet[:, None]
    if veto.any():
        veto_cols = np.flatnonzero(veto)
        worst_veto = veto_cols[np.argmin(keys[:, veto_cols], axis=1)]
        unmet[np.flatnonzero(veto_mode), worst_veto[veto_mode]] = True
    return unmet


def generate_demo(
    units: pd.DataFrame, standards: Mapping[int, Standard], cal: Calibration, whole_province: bool = True
) -> DemoData:
    """Fill the data model for ``units`` for the calibration's years.

    Province-wide absolute counts in the calibration apply only when ``units`` is the whole
    province (a test fixture of a few counties uses the shares alone).
    """
    units = units.sort_values("code").reset_index(drop=True)
    n = len(units)
    years = cal.years
    types = units["unit_type"].to_numpy()
    county_idx, _ = pd.factorize(units["county_code"])
    town_idx, _ = pd.factorize(units["township_code"])

    r = _stream(cal, "strength")
    county_eff = r.normal(0.0, 0.5, county_idx.max() + 1)
    county_growth = r.normal(0.0, 0.6, county_idx.max() + 1)
    town_eff = r.normal(0.0, 0.45, town_idx.max() + 1)
    score = county_eff[county_idx] + town_eff[town_idx] + r.normal(0.0, 1.0, n)

    levels = {years[0]: _first_year_levels(units, score, cal, whole_province)}
    for prev_year, year in itertools.pairwise(years):
        rm = _stream(cal, "momentum", year)
        momentum = 0.7 * county_growth[county_idx] + 0.5 * town_eff[town_idx] + rm.normal(0.0, 1.0, n)
        levels[year] = _next_levels(levels[prev_year], momentum, cal)

    first_std = standard_for_year(standards, years[0])
    star_ids = {t: [s.id for s in first_std.stars_for(t)] for t in UNIT_TYPES}
    ra = _stream(cal, "aptitude")
    aptitude = ra.normal(0.0, 0.8, (n, 5))
    for t in UNIT_TYPES:
        ease = np.array([cal.star_ease[t][s] for s in star_ids[t]])
        aptitude[types == t] += ease
    held = {y: _held_from_levels(levels[y], aptitude) for y in years}

    rt = _stream(cal, "targets")
    targets: dict[int, np.ndarray] = {}
    for i, year in enumerate(years):
        prev = levels[years[i - 1]] if i else np.clip(levels[year] - (rt.random(n) < 0.35), 0, 5)
        bump = rt.random(n) < np.where(prev >= 4, 0.45, 0.55)
        targets[year] = np.clip(prev + bump, 1, 5).astype(np.int8)

    weak = _weak_lax_flags(cal, levels, town_eff[town_idx], n)

    annual = pd.DataFrame(
        {
            "code": np.tile(units["code"].to_numpy(), len(years)),
            "year": np.repeat(np.array(years, dtype=np.int16), n),
            "target_level": np.concatenate([targets[y] for y in years]),
            "level": np.concatenate([levels[y] for y in years]),
            "weak_lax": np.concatenate([weak[y] for y in years]),
        }
    )

    task_ids: list[str] = []
    task_pos: dict[str, int] = {}
    t_unit, t_year, t_task, t_met = [], [], [], []
    star_rows = []
    met_counts: dict[tuple[int, str], np.ndarray] = {}  # (year, star) -> tasks met per unit
    unmet_by_year: dict[int, dict[str, np.ndarray]] = {}
    for year in years:
        std = standard_for_year(standards, year)
        unmet_by_year[year] = {}
        for t in UNIT_TYPES:
            rows = np.flatnonzero(types == t)
            if not len(rows):
                continue
            stars = std.stars_for(t)
            if [s.id for s in stars] != star_ids[t]:
                raise ValueError(f"{year} 年标准的星与 {years[0]} 年不同：样例数据要求星的 id 不变")
            for p, star in enumerate(stars):
                for task in star.tasks:
                    if task.id not in task_pos:
                        task_pos[task.id] = len(task_ids)
                        task_ids.append(task.id)
                # veto tasks bind only when the catalogue requires them; otherwise they are plain tasks
                veto = np.array([tk.veto and star.veto_required for tk in star.tasks], dtype=bool)
                keys = np.column_stack([_task_keys(cal, tk.id, n, tk.veto)[rows] for tk in star.tasks])
                h = held[year][rows, p]
                req = required_met(len(star.tasks), star.min_share_met)
                unmet = _draw_star_tasks(_stream(cal, "draw", year, t, star.id), keys, veto, h, req)
                met = ~unmet
                stats = compute_star_stats_matrix(star, met)
                if not np.array_equal(stats.held, h):
                    raise AssertionError(f"{year} {star.name}：任务结果与星级不一致")
                unmet_by_year[year][star.id + ":" + t] = unmet
                idx = np.array([task_pos[tk.id] for tk in star.tasks], dtype=np.int16)
                t_unit.append(np.repeat(rows.astype(np.int32), len(star.tasks)))
                t_task.append(np.tile(idx, len(rows)))
                t_met.append(met.ravel())
                t_year.append(np.full(met.size, year, dtype=np.int16))
                full = np.zeros(n, dtype=np.int16)
                full[rows] = stats.tasks_met
                met_counts[(year, star.id + ":" + t)] = full
                star_rows.append(
                    pd.DataFrame(
                        {
                            "code": units["code"].to_numpy()[rows],
                            "year": np.int16(year),
                            "star_id": star.id,
                            "held": stats.held,
                            "tasks_met": stats.tasks_met,
                            "tasks_total": np.int16(stats.tasks_total),
                            "required": np.int16(stats.required),
                            "veto_unmet": stats.veto_unmet,
                            "tasks_short": stats.tasks_short,
                        }
                    )
                )

    unit_col = np.concatenate(t_unit)
    year_col = np.concatenate(t_year)
    task_col = np.concatenate(t_task)
    met_col = np.concatenate(t_met)
    # sorted by (year, unit, task): one int64 key, stable-sorted (the same order as lexsort, faster)
    key = year_col.astype(np.int64) * n
    key += unit_col
    key *= len(task_ids)
    key += task_col
    order = np.argsort(key, kind="stable")
    stars_df = pd.concat(star_rows, ignore_index=True).sort_values(["year", "code", "star_id"], kind="stable")

    monthly = _monthly_progress(units, standards, cal, met_counts, star_ids)
    problems = _problem_ledger(units, standards, cal, levels, targets, held, unmet_by_year, star_ids)
    pairings = _pairings(units, cal, levels, score)
    return DemoData(
        annual=annual,
        stars=stars_df.reset_index(drop=True),
        task_unit=unit_col[order],
        task_year=year_col[order],
        task_index=task_col[order],
        task_met=met_col[order],
        task_ids=tuple(task_ids),
        monthly=monthly,
        problems=problems,
        pairings=pairings,
    )


def _weak_lax_flags(
    cal: Calibration, levels: Mapping[int, np.ndarray], town_strength: np.ndarray, n: int
) -> dict[int, np.ndarray]:
    """软弱涣散: low-level units, clustered in weak townships, persistent year to year."""
    flags: dict[int, np.ndarray] = {}
    prev = np.zeros(n, dtype=bool)
    for year in cal.years:
        rng = _stream(cal, "weak", year)
        eligible = levels[year] <= 2
        logw = -2.5 * town_strength + np.log(np.where(prev, 3.0, 1.0)) - 0.5 * levels[year]
        key = np.where(eligible, logw + rng.gumbel(size=n), -np.inf)
        k = min(round(cal.weak_lax_share.get(year, 0.0) * n), int(eligible.sum()))
        flag = np.zeros(n, dtype=bool)
        flag[np.argsort(-key, kind="stable")[:k]] = True
        flags[year] = flag
        prev = flag
    return flags


def _monthly_progress(
    units: pd.DataFrame,
    standards: Mapping[int, Standard],
    cal: Calibration,
    met_counts: Mapping[tuple[int, str], np.ndarray],
    star_ids: Mapping[str, list[str]],
) -> pd.DataFrame:
    """Tasks met per star per month of the current year up to the data date.

    Progress moves from last year's share to this year's assessed result, reached in the
    assessment month and held after it.
    """
    year = cal.monthly_year
    months = np.arange(1, min(12, cal.as_of.month if cal.as_of.year == year else 12) + 1)
    std = standard_for_year(standards, year)
    prev_std = standard_for_year(standards, year - 1) if (year - 1) in cal.years else std
    types = units["unit_type"].to_numpy()
    frames = []
    for t in UNIT_TYPES:
        rows = np.flatnonzero(types == t)
        if not len(rows):
            continue
        for star, prev_star in zip(std.stars_for(t), prev_std.stars_for(t), strict=False):
            key = star.id + ":" + t
            total = len(star.tasks)
            now = met_counts[(year, key)][rows].astype(float)
            before = met_counts.get((year - 1, key))
            before = before[rows] / len(prev_star.tasks) * total if before is not None else now * 0.8
            rng = _stream(cal, "monthly", t, star.id)
            frac = np.minimum(months / cal.assessment_month, 1.0)
            path = before[:, None] + (now - before)[:, None] * frac[None, :]
            noise = rng.normal(0.0, 0.6, path.shape) * (frac < 1.0)
            met = np.clip(np.rint(path + noise), 0, total).astype(np.int16)
            frames.append(
                pd.DataFrame(
                    {
                        "code": np.repeat(units["code"].to_numpy()[rows], len(months)),
                        "year": np.int16(year),
                        "month": np.tile(months.astype(np.int8), len(rows)),
                        "star_id": star.id,
                        "tasks_met": met.ravel(),
                        "tasks_total": np.int16(total),
                    }
                )
            )
    return (
        pd.concat(frames, ignore_index=True).sort_values(["code", "month", "star_id"]).reset_index(drop=True)
    )


def _problem_ledger(
    units: pd.DataFrame,
    standards: Mapping[int, Standard],
    cal: Calibration,
    levels: Mapping[int, np.ndarray],
    targets: Mapping[int, np.ndarray],
    held: Mapping[int, np.ndarray],
    unmet_by_year: Mapping[int, Mapping[str, np.ndarray]],
    star_ids: Mapping[str, list[str]],
) -> pd.DataFrame:
    """问题清单 of the current year.

    A unit whose last result is below this year's target lists, for the stars it is going
    for (the closest not held), its unmet tasks (veto first). An item is 销号 when the task
    is met in this year's assessment; otherwise it stays open, overdue once past deadline.
    """
    types = units["unit_type"].to_numpy()
    codes = units["code"].to_numpy()
    records: list[tuple] = []
    for year in [cal.monthly_year] if cal.monthly_year - 1 in cal.years else []:
        prev_year = year - 1
        std_prev = standard_for_year(standards, prev_year)
        rng = _stream(cal, "problems", year)
        for t in UNIT_TYPES:
            rows = np.flatnonzero(types == t)
            need = (targets[year] - levels[prev_year])[rows]
            not_held = ~held[prev_year][rows]
            # go for the closest stars not held: rank them by unmet tasks
            gaps_all = np.where(
                not_held,
                _gap_matrix(unmet_by_year[prev_year], std_prev, t, len(rows)),
                99,
            )
            star_rank = np.argsort(np.argsort(gaps_all, axis=1, kind="stable"), axis=1, kind="stable")
            for p, star in enumerate(std_prev.stars_for(t)):
                unmet_prev = unmet_by_year[prev_year][star.id + ":" + t]
                unmet_now = unmet_by_year[year].get(star.id + ":" + t)
                gap = unmet_prev.sum(axis=1)
                chosen = not_held[:, p] & (star_rank[:, p] < need) & (need > 0)
                veto_first = np.array([0 if tk.veto else 1 for tk in star.tasks])
                for i in np.flatnonzero(chosen):
                    cols = np.flatnonzero(unmet_prev[i])
                    cols = cols[np.argsort(veto_first[cols], kind="stable")][: cal.problems_per_star]
                    for c in cols:
                        task = star.tasks[c]
                        met_now = unmet_now is not None and not unmet_now[i, c]
                        # Items met by the assessment had deadlines before it; most items still
                        # unmet were re-scheduled past the data date, the rest are overdue.
                        if met_now or rng.random() < cal.overdue_share_of_unmet:
                            deadline = dt.date(year, 4, 30) + dt.timedelta(days=int(rng.integers(0, 150)))
                        else:
                            deadline = cal.as_of + dt.timedelta(days=int(rng.integers(10, 200)))
                        records.append(
                            (
                                codes[rows[i]],
                                year,
                                star.id,
                                task.id,
                                task.name,
                                deadline,
                                met_now,
                                gap[i],
                            )
                        )
    if not records:
        return pd.DataFrame(
            columns=[
                "problem_id",
                "code",
                "year",
                "star_id",
                "task_id",
                "problem",
                "helper",
                "measure",
                "deadline",
                "status",
                "closed_on",
            ]
        )
    df = pd.DataFrame(
        records,
        columns=[
            "code",
            "year",
            "star_id",
            "task_id",
            "task_name",
            "deadline",
            "met",
            "gap",
        ],
    )
    rng = _stream(cal, "ledger-text")
    m = len(df)
    assessment = np.array([dt.date(y, cal.assessment_month, 25) for y in df["year"]])
    as_of = cal.as_of
    closed = df["met"].to_numpy()
    # A met task was closed before the assessment, a little before or after its deadline.
    offset = rng.integers(-60, 20, m)
    closed_on = np.array(
        [
            min(d + dt.timedelta(days=int(o)), a, as_of)
            for d, o, a in zip(df["deadline"], offset, assessment, strict=False)
        ]
    )
    started = rng.random(m) < 0.8
    status = np.where(closed, STATUS_CLOSED, np.where(started, STATUS_OPEN, STATUS_NEW))
    helpers = [
        HELPERS[s][int(k) % len(HELPERS[s])]
        for s, k in zip(df["star_id"], rng.integers(0, 1000, m), strict=False)
    ]
    details = rng.integers(0, len(PROBLEM_DETAILS), m)
    measures = rng.integers(0, len(MEASURES), m)
    out = pd.DataFrame(
        {
            "problem_id": [
                f"{c}-{y}-{i:03d}"
                for c, y, i in zip(
                    df["code"],
                    df["year"],
                    df.groupby(["code", "year"]).cumcount() + 1,
                    strict=False,
                )
            ],
            "code": df["code"],
            "year": df["year"].astype(np.int16),
            "star_id": df["star_id"],
            "task_id": df["task_id"],
            "problem": [
                f"“{n}”未达标：{PROBLEM_DETAILS[d]}" for n, d in zip(df["task_name"], details, strict=False)
            ],
            "helper": helpers,
            "measure": [MEASURES[k] for k in measures],
            "deadline": pd.to_datetime(df["deadline"]).dt.date,
            "status": status,
            "closed_on": [c if s == STATUS_CLOSED else None for c, s in zip(closed_on, status, strict=False)],
        }
    )
    return out.sort_values("problem_id").reset_index(drop=True)


def _gap_matrix(unmet: Mapping[str, np.ndarray], std: Standard, t: str, n_rows: int) -> np.ndarray:
    """Unmet tasks per star (columns in catalogue order) for the rows of type ``t``."""
    return (
        np.column_stack([unmet[s.id + ":" + t].sum(axis=1) for s in std.stars_for(t)])
        if n_rows
        else np.zeros((0, 5))
    )


def _pairings(
    units: pd.DataFrame,
    cal: Calibration,
    levels: Mapping[int, np.ndarray],
    score: np.ndarray,
) -> pd.DataFrame:
    """支部联建 within a township: its strongest 四星/三星 units each take its weakest 三星/二星 units."""
    year = cal.years[-2] if len(cal.years) > 1 else cal.years[0]
    lv = levels[year]
    rng = _stream(cal, "pairings")
    codes = units["code"].to_numpy()
    rows = []
    for idx in units.groupby("township_code", sort=True).indices.values():
        idx = np.asarray(idx)
        by_score = idx[np.argsort(-score[idx], kind="stable")]
        strong4 = [i for i in by_score if lv[i] >= 4][: cal.pairing_strong_per_township]
        strong3 = [i for i in by_score if lv[i] == 3][: cal.pairing_strong_per_township]
        weak3 = [i for i in by_score[::-1] if lv[i] == 3 and i not in strong3]
        weak2 = [i for i in by_score[::-1] if lv[i] == 2]
        for strong, weak, kind in ((strong4, weak3, "四星带三星"), (strong3, weak2, "三星带二星")):
            for s in strong:
                for _ in range(cal.pairing_weak_per_strong):
                    if not weak:
                        break
                    rows.append((codes[s], codes[weak.pop(0)], kind))
    df = pd.DataFrame(rows, columns=["strong_code", "weak_code", "kind"])
    days = rng.integers(0, 90, len(df))
    df["since"] = [dt.date(year + 1, 1, 10) + dt.timedelta(days=int(d)) for d in days]
    return df.sort_values(["strong_code", "weak_code"]).reset_index(drop=True)
