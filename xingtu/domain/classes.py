"""Classed colour scales for choropleths: class breaks, classification and legend labels.

Pure. A continuous colour ramp makes 181 counties hard to compare by eye; a handful of
classes reads at a glance and gives the legend exact ranges. Two methods:

- ``quantile``: about the same number of regions per class (good for rankings);
- ``jenks``: Fisher–Jenks natural breaks, the exact partition of the sorted values that
  minimises the within-class sum of squared deviations (good for clustered values).

Breaks are the classes' **upper bounds**, ascending and distinct, the last being the
maximum: class 0 holds values ≤ ``breaks[0]``, class i values in (``breaks[i-1]``,
``breaks[i]``]. So ``len(breaks)`` is the number of classes, every break is a data value,
and no class is empty for the values they were computed from.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Literal

import numpy as np
import pandas as pd

Method = Literal["quantile", "jenks"]
METHODS: tuple[Method, ...] = ("quantile", "jenks")
_JENKS_CHUNK = 64  # ends (rows of the end × start cost matrix) evaluated at once


def _as_float(values: Iterable[float | None]) -> np.ndarray:
    """Any iterable of numbers (list, Series, array) as floats; None/NA/non-numbers → NaN."""
    series = pd.to_numeric(pd.Series(list(values), dtype=object), errors="coerce")
    return series.to_numpy(dtype=float, na_value=np.nan)


def _finite(values: Iterable[float | None]) -> np.ndarray:
    arr = _as_float(values)
    return arr[np.isfinite(arr)]


def compute_breaks(values: Iterable[float | None], k: int = 5, method: Method = "quantile") -> list[float]:
    """Upper bounds of at most ``k`` classes of the finite values (NaN/None/inf ignored).

    With no more distinct values than ``k`` each distinct value is its own class; with no
    finite value the result is empty.
    """
    if method not in METHODS:
        raise ValueError(f"分级方法应为 {METHODS} 之一，当前为 {method!r}")
    if isinstance(k, bool) or int(k) != k or k < 1:
        raise ValueError(f"分级数应为正整数，当前为 {k!r}")
    x = np.sort(_finite(values))
    distinct = np.unique(x)
    if len(distinct) <= k:
        return [float(v) for v in distinct]
    if method == "quantile":
        # the value at each i/k quantile, taken from the data ("inverted CDF"), so bounds
        # are real values and ties never split across classes
        n = len(x)
        bounds = [x[max(0, math.ceil(n * i / k) - 1)] for i in range(1, k + 1)]
        return [float(v) for v in np.unique(bounds)]
    return _jenks(distinct, np.searchsorted(x, distinct, side="right") - np.searchsorted(x, distinct), k)


def _jenks(v: np.ndarray, w: np.ndarray, k: int) -> list[float]:
    """Fisher's exact optimal partition of sorted distinct values ``v`` with counts ``w``.

    Dynamic programme over k classes: cost[c][j] = least within-class sum of squares of
    the first j + 1 values in c + 1 classes. Segment sums of squares come from prefix sums
    (of values centred on the mean, for precision), and each class step is a vectorised
    minimum over the start of the last class: O(k·n²) arithmetic, O(n·k) memory.
    """
    n = len(v)
    centred = v - np.average(v, weights=w)
    cw = np.concatenate([[0.0], np.cumsum(w)])
    c1 = np.concatenate([[0.0], np.cumsum(w * centred)])
    c2 = np.concatenate([[0.0], np.cumsum(w * centred**2)])

    def ssd(start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Sum of squared deviations of values start..end (inclusive), broadcasting."""
        cnt = cw[end + 1] - cw[start]
        s1 = c1[end + 1] - c1[start]
        return np.maximum(c2[end + 1] - c2[start] - s1 * s1 / cnt, 0.0)

    idx = np.arange(n)
    cost = ssd(np.zeros(n, dtype=int), idx)  # one class
    back = np.zeros((k, n), dtype=np.int64)  # start of the last class
    for c in range(1, k):
        new = np.full(n, np.inf)
        first = c  # the c earlier classes need at least c values
        for lo in range(c, n, _JENKS_CHUNK):
            ends = idx[lo : lo + _JENKS_CHUNK]
            # The best start of the last class never decreases as the end grows (the cost
            # matrix is Monge), so starts before the previous chunk's last choice are skipped.
            starts = idx[first : ends[-1] + 1]
            with np.errstate(invalid="ignore", divide="ignore"):
                total = cost[starts - 1][None, :] + ssd(starts[None, :], ends[:, None])
            total[starts[None, :] > ends[:, None]] = np.inf
            best = np.argmin(total, axis=1)  # the first minimum: deterministic ties
            new[ends] = total[np.arange(len(ends)), best]
            back[c, ends] = starts[best]
            first = int(back[c, ends[-1]])
        cost = new
    breaks = []
    end = n - 1
    for c in range(k - 1, -1, -1):
        breaks.append(float(v[end]))
        end = back[c, end] - 1 if c else -1
    return breaks[::-1]


def classify(values: Iterable[float | None], breaks: Sequence[float]) -> list[int | None]:
    """Class index of each value: the first break ≥ it (values above the last break go to the
    last class, so other years' values can share one legend); NaN/None → None."""
    b = np.asarray(breaks, dtype=float)
    x = _as_float(values)
    if not len(b):
        return [None] * len(x)
    cls = np.minimum(np.searchsorted(b, x, side="left"), len(b) - 1)
    return [int(c) if ok else None for c, ok in zip(cls, np.isfinite(x), strict=True)]


def format_class_labels(
    breaks: Sequence[float], fmt: str = "{:.2f}", lower: float | None = None
) -> list[str]:
    """Legend labels, one per class: "0.85–1.20" from the previous break to this one.

    The first class runs from ``lower`` (usually the minimum value) when given, else reads
    "≤ 0.85"; a class whose bounds format alike shows one number.
    """
    labels = []
    for i, hi in enumerate(breaks):
        lo = breaks[i - 1] if i else lower
        hi_s = fmt.format(hi)
        if lo is None:
            labels.append(f"≤ {hi_s}")
        else:
            lo_s = fmt.format(lo)
            labels.append(hi_s if lo_s == hi_s else f"{lo_s}–{hi_s}")
    return labels
