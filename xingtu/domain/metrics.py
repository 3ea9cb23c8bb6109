"""How each star-density metric reads: its format, and which direction is good.

One definition for every page, so a value looks the same on the map, in the ranking
and on a KPI card (a test cross-checks them).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple


@dataclass(frozen=True)
class MetricSpec:
    kind: str  # "share" | "mean" | "count"
    higher_is_better: bool


METRIC_SPECS: dict[str, MetricSpec] = {
    "mean_stars": MetricSpec("mean", True),
    "share_ge3": MetricSpec("share", True),
    "share_ge4": MetricSpec("share", True),
    "five_star": MetricSpec("count", True),
    "share_meet_target": MetricSpec("share", True),
    "overdue_problems": MetricSpec("count", False),
}


class _Formats(NamedTuple):
    value: Callable[[float], str]
    change: Callable[[float], str]


# how a value and a change of each kind of metric read: a share's change is in percentage points
_FORMATS: dict[str, _Formats] = {
    "share": _Formats(lambda v: f"{v:.1%}", lambda d: f"{d * 100:+.1f} pt"),
    "mean": _Formats(lambda v: f"{v:.2f}", lambda d: f"{d:+.2f}"),
    "count": _Formats(lambda v: f"{round(v):,}", lambda d: f"{round(d):+,}"),
}


def format_metric(metric: str, value: float | None) -> str:
    """``0.4567`` → ``45.7%`` for shares, ``2.46`` for means, ``1,234`` for counts; '—' for no value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return _FORMATS[METRIC_SPECS[metric].kind].value(value)


def format_change(metric: str, delta: float) -> str:
    """A signed change of ``metric``: ``+3.2 pt`` for shares, ``+0.25`` for means, ``+1,234`` for counts."""
    return _FORMATS[METRIC_SPECS[metric].kind].change(delta)


def compute_ranks(values: list[float | None], higher_is_better: bool = True) -> list[int | None]:
    """Competition ranks (1, 2, 2, 4): the best value is 1; missing values get no rank."""
    present = [v for v in values if v is not None and not math.isnan(v)]
    ordered = sorted(present, reverse=higher_is_better)
    first: dict[float, int] = {}
    for i, v in enumerate(ordered, start=1):
        first.setdefault(v, i)
    return [None if v is None or math.isnan(v) else first[v] for v in values]
