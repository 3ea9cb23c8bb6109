"""Route ordering against brute force on small cases, and its invariants."""

from __future__ import annotations

import itertools
import random

import pytest

from xingtu.domain import route


def _points(seed: int, n: int) -> list[tuple[float, float]]:
    rng = random.Random(seed)
    return [(113.0 + rng.random() * 1.5, 33.5 + rng.random() * 1.2) for _ in range(n)]


def _best(points, start=None) -> float:
    d = route.compute_matrix(points)
    n = len(points)
    orders = itertools.permutations(range(n))
    return min(route.compute_length(o, d) for o in orders if start is None or o[0] == start)


@pytest.mark.parametrize("n", [3, 4, 5, 6, 7, 8])
@pytest.mark.parametrize("seed", range(6))
def test_route_is_within_five_percent_of_the_optimum(n, seed):
    points = _points(seed * 100 + n, n)
    order = route.compute_route(points)
    assert sorted(order) == list(range(n))
    got = route.compute_length(order, route.compute_matrix(points))
    assert got <= _best(points) * 1.05 + 1e-9


@pytest.mark.parametrize("n", [4, 6, 8])
def test_a_fixed_start_stays_first_and_stays_near_optimal(n):
    points = _points(7 + n, n)
    order = route.compute_route(points, start=2)
    assert order[0] == 2 and sorted(order) == list(range(n))
    got = route.compute_length(order, route.compute_matrix(points))
    assert got <= _best(points, start=2) * 1.05 + 1e-9


@pytest.mark.parametrize(
    ("points", "start", "expected"),
    [([], None, []), ([(113.0, 34.0)], None, [0]), ([(113.0, 34.0), (114.0, 34.0)], 1, [1, 0])],
)
def test_tiny_routes(points, start, expected):
    assert route.compute_route(points, start) == expected


def test_points_on_a_line_are_visited_in_line_order():
    points = [(113.0 + x / 10, 34.0) for x in (5, 1, 9, 3, 7)]
    order = route.compute_route(points)
    xs = [points[i][0] for i in order]
    assert xs in (sorted(xs), sorted(xs, reverse=True))


@pytest.mark.parametrize(
    ("a", "b", "km"),
    [
        ((113.625, 34.746), (112.454, 34.620), 108.0),
        ((113.0, 34.0), (113.0, 35.0), 111.2),
        ((0.0, 0.0), (0.0, 0.0), 0.0),
    ],
)
def test_haversine_distances(a, b, km):
    assert route.compute_distance_km(a, b) == pytest.approx(km, abs=1.0)
