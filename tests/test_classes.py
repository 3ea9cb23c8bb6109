"""Class breaks for choropleths: known examples, an exhaustive Fisher–Jenks check, edge cases."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from xingtu.domain.classes import classify, compute_breaks, format_class_labels


def _ssd(values: np.ndarray, breaks: list[float]) -> float:
    """Within-class sum of squared deviations of a classification by upper bounds."""
    total, lo = 0.0, -math.inf
    for hi in breaks:
        g = values[(values > lo) & (values <= hi)]
        total += float(((g - g.mean()) ** 2).sum()) if len(g) else 0.0
        lo = hi
    return total


def _brute_force_best(values: np.ndarray, k: int) -> float:
    """Least SSD over every way to cut the distinct sorted values into k classes."""
    d = np.unique(values)
    return min(
        _ssd(values, [d[c - 1] for c in cuts] + [d[-1]])
        for cuts in itertools.combinations(range(1, len(d)), k - 1)
    )


@pytest.mark.parametrize(
    ("values", "k", "method", "expected"),
    [
        ([1, 2, 3, 10, 11, 12, 20, 21, 22], 3, "jenks", [3, 12, 22]),
        ([1, 2, 3, 10, 11, 12, 20, 21, 22], 3, "quantile", [3, 12, 22]),
        ([22, 1, 12, 3, 20, 2, 21, 11, 10], 3, "jenks", [3, 12, 22]),  # order does not matter
        (list(range(1, 11)), 5, "quantile", [2, 4, 6, 8, 10]),
        (list(range(1, 11)), 4, "quantile", [3, 5, 8, 10]),
        ([-5, -4, -3, 0, 1, 10, 11], 3, "jenks", [-3, 1, 11]),
        ([-0.9, -0.8, -0.1, 0.0, 0.1, 0.9, 1.0], 3, "jenks", [-0.8, 0.1, 1.0]),
        ([0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3], 3, "quantile", [0, 3]),  # ties never split: fewer classes
        ([0.5, 0.5, 0.5], 5, "jenks", [0.5]),  # all equal: one class
        ([0.5, 0.5, 0.5], 5, "quantile", [0.5]),
        ([3, 1, 2], 5, "jenks", [1, 2, 3]),  # k > n: each value its own class
        ([1, 1, 2, 2, 2], 5, "quantile", [1, 2]),  # fewer distinct values than k
        ([None, math.nan, 2.0, 1.0, math.inf, -math.inf], 5, "jenks", [1, 2]),  # non-finite ignored
        ([], 5, "jenks", []),
        ([None, math.nan], 3, "quantile", []),
        ([7.0], 1, "jenks", [7.0]),
        ([1, 5, 9, 100], 1, "quantile", [100]),
    ],
)
def test_known_breaks(values, k, method, expected):
    assert compute_breaks(values, k, method) == pytest.approx(expected)


@pytest.mark.parametrize("seed", range(40))
def test_jenks_is_the_exact_optimum(seed):
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(5, 12)), int(rng.integers(2, 5))
    values = rng.integers(-20, 20, n).astype(float) if seed % 2 else np.round(rng.normal(0, 3, n), 2)
    breaks = compute_breaks(values, k, "jenks")
    if len(np.unique(values)) <= k:
        assert breaks == sorted(set(values.tolist()))
    else:
        assert len(breaks) == k
        assert _ssd(values, breaks) == pytest.approx(_brute_force_best(values, k))


@pytest.mark.parametrize("method", ["quantile", "jenks"])
@pytest.mark.parametrize("seed", range(8))
def test_breaks_are_distinct_data_values_and_no_class_is_empty(method, seed):
    rng = np.random.default_rng(100 + seed)
    values = np.round(rng.gamma(2.0, 0.3, int(rng.integers(20, 400))), int(rng.integers(1, 3)))
    values[rng.random(len(values)) < 0.1] = np.nan
    k = int(rng.integers(2, 8))
    breaks = compute_breaks(values, k, method)
    finite = values[np.isfinite(values)]
    assert 1 <= len(breaks) <= k
    assert breaks == sorted(set(breaks))  # strictly increasing: no duplicate breaks
    assert set(breaks) <= set(finite.tolist()) and breaks[-1] == finite.max()
    classes = classify(values, breaks)
    assert {c for c in classes if c is not None} == set(range(len(breaks)))
    assert [c is None for c in classes] == list(np.isnan(values))


def test_quantile_classes_hold_about_equal_counts():
    values = np.arange(1000.0)
    classes = classify(values, compute_breaks(values, 5, "quantile"))
    assert np.bincount(classes).tolist() == [200] * 5


def test_jenks_on_a_few_thousand_values_finds_separated_clusters():
    rng = np.random.default_rng(1)
    centres = [0.1, 0.4, 0.7]
    values = np.concatenate([rng.normal(c, 0.01, 900) for c in centres])
    breaks = compute_breaks(values, 3, "jenks")
    assert [round(b, 1) for b in breaks[:2]] == [0.1, 0.4]
    assert breaks[-1] == values.max()


@pytest.mark.parametrize(
    ("values", "breaks", "expected"),
    [
        ([0, 1, 1.5, 3, 3.01, 5], [1, 3, 5], [0, 0, 1, 1, 2, 2]),  # a value on a break joins that class
        ([-10, 100], [1, 3, 5], [0, 2]),  # outside the range: first / last class
        ([None, math.nan, 2], [1, 3], [None, None, 1]),
        ([1, 2], [], [None, None]),
        ([4, 4, 4], [4], [0, 0, 0]),
        ([-0.5, -0.2, 0.0], [-0.4, 0.0], [0, 1, 1]),
    ],
)
def test_classify(values, breaks, expected):
    assert classify(values, breaks) == expected


def test_classify_accepts_series_with_missing_values():
    s = pd.Series([0.2, pd.NA, 0.9], dtype="Float64")
    assert classify(s, [0.5, 1.0]) == [0, None, 1]
    assert compute_breaks(s, 5) == [0.2, 0.9]


@pytest.mark.parametrize(
    ("breaks", "fmt", "lower", "expected"),
    [
        ([0.85, 1.2, 1.55], "{:.2f}", 0.5, ["0.50–0.85", "0.85–1.20", "1.20–1.55"]),
        ([0.85, 1.2], "{:.2f}", None, ["≤ 0.85", "0.85–1.20"]),
        ([0.25, 0.5], "{:.0%}", 0.0, ["0%–25%", "25%–50%"]),
        ([3.0], "{:.0f}", 3.0, ["3"]),  # a one-value class shows one number
        ([-1.5, 0.0], "{:.1f}", -3.0, ["-3.0–-1.5", "-1.5–0.0"]),
        ([], "{:.2f}", 0.0, []),
    ],
)
def test_format_class_labels(breaks, fmt, lower, expected):
    assert format_class_labels(breaks, fmt, lower) == expected


@pytest.mark.parametrize(("k", "method"), [(0, "jenks"), (-1, "quantile"), (2.5, "jenks"), (3, "equal")])
def test_rejects_bad_arguments(k, method):
    with pytest.raises(ValueError):
        compute_breaks([1, 2, 3], k, method)
