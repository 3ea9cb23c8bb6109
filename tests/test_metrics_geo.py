"""Metric formats and ranks (one definition for map, ranking and cards), and map fitting."""

from __future__ import annotations

import math

import pytest

from xingtu.domain.geo import compute_view
from xingtu.domain.metrics import compute_ranks, format_change, format_metric


@pytest.mark.parametrize(
    ("metric", "value", "text"),
    [
        ("share_ge3", 0.4567, "45.7%"),
        ("share_meet_target", 1.0, "100.0%"),
        ("mean_stars", 2.456, "2.46"),
        ("five_star", 1234, "1,234"),
        ("overdue_problems", 0, "0"),
        ("mean_stars", None, "—"),
        ("share_ge4", math.nan, "—"),
    ],
)
def test_format_metric(metric, value, text):
    assert format_metric(metric, value) == text


@pytest.mark.parametrize(
    ("values", "higher", "ranks"),
    [
        ([3.0, 1.0, 2.0], True, [1, 3, 2]),
        ([3.0, 1.0, 2.0], False, [3, 1, 2]),
        ([2.0, 2.0, 1.0, 3.0], True, [2, 2, 4, 1]),
        ([1.0, math.nan, None, 0.5], True, [1, None, None, 2]),
        ([], True, []),
    ],
)
def test_compute_ranks(values, higher, ranks):
    assert compute_ranks(values, higher) == ranks


HENAN = (110.35, 31.38, 116.65, 36.37)


@pytest.mark.parametrize(
    ("bounds", "size", "zoom_range"),
    [
        (HENAN, (560, 560), (5.5, 6.5)),
        (HENAN, (1120, 1120), (6.5, 7.5)),  # twice the pixels: one zoom level more
        ((113.5, 34.7, 113.7, 34.8), (560, 560), (10.5, 11.5)),  # a district
        ((113.6, 34.7, 113.6, 34.7), (560, 560), (13.0, 13.0)),  # one point: capped
    ],
)
def test_compute_view_fits_bounds(bounds, size, zoom_range):
    v = compute_view(bounds, *size)
    assert zoom_range[0] <= v.zoom <= zoom_range[1]
    assert bounds[0] <= v.lon <= bounds[2] and bounds[1] <= v.lat <= bounds[3]
    # the extent fits: degrees of longitude shown ≥ the span
    shown = size[0] * 360 / (512 * 2**v.zoom)
    assert shown >= bounds[2] - bounds[0]


@pytest.mark.parametrize(
    ("metric", "delta", "text"),
    [
        ("share_ge4", 0.0321, "+3.2 pt"),
        ("share_meet_target", -0.005, "-0.5 pt"),
        ("mean_stars", 0.254, "+0.25"),
        ("mean_stars", -0.1, "-0.10"),
        ("five_star", 1234, "+1,234"),
        ("overdue_problems", -3, "-3"),
        ("five_star", 0, "+0"),
    ],
)
def test_format_change(metric, delta, text):
    assert format_change(metric, delta) == text
