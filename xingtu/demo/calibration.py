"""Calibration parameters for the demo dataset (data/demo/calibration.yaml)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from xingtu.settings import DATA_DIR

CALIBRATION_PATH = DATA_DIR / "demo" / "calibration.yaml"
N_LEVELS = 6  # 未评星 … 五星


@dataclass(frozen=True)
class GroupTarget:
    """Published first-year result for one county (all units, or one unit type)."""

    counts: Mapping[int, int]
    published_total: int | None = None


@dataclass(frozen=True)
class Calibration:
    seed: int
    years: tuple[int, ...]
    monthly_year: int
    assessment_month: int
    as_of: dt.date
    first_year_shares: Mapping[str, np.ndarray]
    first_year_counts: Mapping[str, Mapping[int, int]]
    counties: Mapping[str, Mapping[str, GroupTarget]]
    county_names: Mapping[str, str]
    yearly_up_share: Mapping[int, float]
    yearly_down_share: float
    star_ease: Mapping[str, Mapping[str, float]]
    weak_lax_share: Mapping[int, float]
    problems_per_star: int
    overdue_share_of_unmet: float
    pairing_strong_per_township: int
    pairing_weak_per_strong: int


def _levels(d: Mapping[Any, Any]) -> dict[int, int]:
    return {int(k): int(v) for k, v in (d or {}).items()}


def parse_calibration(doc: Mapping[str, Any]) -> Calibration:
    """Typed view of the YAML document; shares are checked to sum to 1."""
    shares = {}
    for unit_type, values in doc["first_year_shares"].items():
        arr = np.asarray(values, dtype=float)
        if arr.shape != (N_LEVELS,) or not np.isclose(arr.sum(), 1.0):
            raise ValueError(f"first_year_shares.{unit_type} 应为 6 个占比且合计为 1")
        shares[unit_type] = arr
    counties: dict[str, dict[str, GroupTarget]] = {}
    names: dict[str, str] = {}
    for code, spec in (doc.get("counties") or {}).items():
        names[str(code)] = str(spec.get("name", code))
        counties[str(code)] = {
            group: GroupTarget(
                counts=_levels(spec[group]["counts"]), published_total=spec[group].get("published_total")
            )
            for group in ("all", "rural", "urban")
            if group in spec
        }
    years = tuple(int(y) for y in doc["years"])
    if list(years) != sorted(set(years)):
        raise ValueError("years 应为递增且不重复的年份")
    return Calibration(
        seed=int(doc["seed"]),
        years=years,
        monthly_year=int(doc["monthly_year"]),
        assessment_month=int(doc["assessment_month"]),
        as_of=dt.date.fromisoformat(str(doc["as_of"])),
        first_year_shares=shares,
        first_year_counts={t: _levels(c) for t, c in (doc.get("first_year_counts") or {}).items()},
        counties=counties,
        county_names=names,
        yearly_up_share={int(k): float(v) for k, v in doc["yearly_up_share"].items()},
        yearly_down_share=float(doc["yearly_down_share"]),
        star_ease={t: {s: float(v) for s, v in m.items()} for t, m in doc["star_ease"].items()},
        weak_lax_share={int(k): float(v) for k, v in doc["weak_lax_share"].items()},
        problems_per_star=int(doc["problems_per_star"]),
        overdue_share_of_unmet=float(doc["overdue_share_of_unmet"]),
        pairing_strong_per_township=int(doc["pairing"]["strong_per_township"]),
        pairing_weak_per_strong=int(doc["pairing"]["weak_per_strong"]),
    )


def load_calibration(path: Path = CALIBRATION_PATH) -> Calibration:
    return parse_calibration(yaml.safe_load(path.read_text(encoding="utf-8")))
