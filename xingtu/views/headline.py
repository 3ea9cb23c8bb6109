"""The headline figures of a scope and year: units, each level, mean stars, targets, overdue.

The overview's cards, the big screen's tiles and the county briefing's figures all come from
``compute_headline``: a number shown in two places is the same number. The rules live here once:

- only results count: a scope nothing was imported for has its units (from the divisions) and
  no other figure (unknown, never zero);
- a year before without results gives no change (a change from nothing is not a rise);
- overdue problems are as of the data date, not per year: they have no change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from xingtu.domain.rating import LEVELS_DESC

Better = Literal["up", "down"]


@dataclass(frozen=True)
class Figure:
    """One headline number, with its share of all units and its change on the year before."""

    key: str  # units, level5 … level0, mean_stars, share_ge3, below_target, overdue
    value: float | None  # None: unknown (no results)
    share: float | None = None  # of the units with results (levels only)
    change: float | None = None  # against the year before; None: nothing to compare with
    better: Better = "up"  # which way is good

    @property
    def tone(self) -> Literal["good", "bad", "flat"]:
        """good, bad or flat: the direction of the change, read with ``better``."""
        if self.change is None or abs(self.change) < 1e-12:
            return "flat"
        return "good" if (self.change > 0) == (self.better == "up") else "bad"


@dataclass(frozen=True)
class Headline:
    units: int  # units with results
    expected: int  # units the divisions list in the scope (results or not)
    prev_year: int | None  # the year compared with, when it has results
    figures: dict[str, Figure]

    @property
    def missing(self) -> int:
        """Units of the scope with no results imported."""
        return max(self.expected - self.units, 0)

    def __getitem__(self, key: str) -> Figure:
        return self.figures[key]


def _number(value: object) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _units_by_level(counts: pd.DataFrame | None) -> dict[int, int]:
    if counts is None or counts.empty:
        return {}
    return {int(lv): int(n) for lv, n in zip(counts["level"], counts["units"], strict=True)}


def compute_headline(
    summary: dict,
    counts: pd.DataFrame,
    prev_summary: dict | None = None,
    prev_counts: pd.DataFrame | None = None,
    prev_year: int | None = None,
) -> Headline:
    """The figures of ``summary``/``counts`` (a scope's year), changes against the year before."""
    units = int(_number(summary.get("units")) or 0)
    expected = int(_number(summary.get("expected", units)) or 0)
    if prev_summary is not None and int(_number(prev_summary.get("units", 1)) or 0) == 0:
        prev_summary, prev_counts = None, None  # a year before without results: no change
    if prev_summary is None:
        prev_counts, prev_year = None, None
    figures: dict[str, Figure] = {"units": Figure("units", units)}
    if units == 0:  # nothing imported: every figure but the units is unknown
        for level in LEVELS_DESC:
            figures[f"level{level}"] = Figure(f"level{level}", None, better="up" if level >= 3 else "down")
        for key, better in (("mean_stars", "up"), ("share_ge3", "up"), ("below_target", "down")):
            figures[key] = Figure(key, None, better=better)  # type: ignore[arg-type]
        figures["overdue"] = Figure("overdue", None, better="down")
        return Headline(units, expected, None, figures)
    now, before = _units_by_level(counts), _units_by_level(prev_counts)
    for level in LEVELS_DESC:
        n = now.get(level, 0)
        figures[f"level{level}"] = Figure(
            f"level{level}",
            n,
            share=n / units,
            change=n - before.get(level, 0) if prev_counts is not None else None,
            better="up" if level >= 3 else "down",
        )
    for key, better in (("mean_stars", "up"), ("share_ge3", "up"), ("below_target", "down")):
        value = _number(summary.get(key))
        previous = _number(prev_summary.get(key)) if prev_summary is not None else None
        change = value - previous if value is not None and previous is not None else None
        figures[key] = Figure(key, value, change=change, better=better)  # type: ignore[arg-type]
    figures["overdue"] = Figure("overdue", _number(summary.get("overdue_problems")) or 0, better="down")
    return Headline(units, expected, prev_year, figures)
