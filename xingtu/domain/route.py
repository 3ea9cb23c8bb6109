"""Ordering observation-visit (观摩) stops into a short route, offline.

Road distances need a routing service, which an air-gapped install does not have, so
the route uses great-circle distances: nearest neighbour from the start (or from every
stop when the start is free, keeping the three best), then 2-opt and or-opt moves until
none shortens the path. The route
is an open path: a visit ends at its last stop, it does not return.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

EARTH_RADIUS_KM = 6371.0088

Point = tuple[float, float]  # (lon, lat) in degrees


def compute_distance_km(a: Point, b: Point) -> float:
    """Great-circle (haversine) distance between two (lon, lat) points."""
    lon1, lat1, lon2, lat2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def compute_matrix(points: Sequence[Point]) -> list[list[float]]:
    n = len(points)
    d = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            d[i][j] = d[j][i] = compute_distance_km(points[i], points[j])
    return d


def compute_length(order: Sequence[int], d: Sequence[Sequence[float]]) -> float:
    return sum(d[a][b] for a, b in itertools.pairwise(order))


def _nearest_neighbour(start: int, d: Sequence[Sequence[float]]) -> list[int]:
    n = len(d)
    order, left = [start], set(range(n)) - {start}
    while left:
        last = order[-1]
        nxt = min(left, key=lambda j: (d[last][j], j))
        order.append(nxt)
        left.remove(nxt)
    return order


def _two_opt(order: list[int], d: Sequence[Sequence[float]], fixed_start: bool) -> list[int]:
    """Reverse segments while that shortens the open path (the first stop stays if fixed)."""
    n = len(order)
    improved = True
    while improved:
        improved = False
        for i in range(1 if fixed_start else 0, n - 1):
            a_prev = order[i - 1] if i > 0 else None
            for k in range(i + 1, n):
                a, b = order[i], order[k]
                b_next = order[k + 1] if k + 1 < n else None
                before = (d[a_prev][a] if a_prev is not None else 0.0) + (
                    d[b][b_next] if b_next is not None else 0.0
                )
                after = (d[a_prev][b] if a_prev is not None else 0.0) + (
                    d[a][b_next] if b_next is not None else 0.0
                )
                if after < before - 1e-9:
                    order[i : k + 1] = reversed(order[i : k + 1])
                    improved = True
    return order


def _or_opt(order: list[int], d: Sequence[Sequence[float]], fixed_start: bool) -> bool:
    """Move one segment of 1–3 stops to a better place (either direction); True if it did.

    Each candidate move is priced in O(1) from the edges it removes and adds.
    """

    def dist(a: int | None, b: int | None) -> float:
        return 0.0 if a is None or b is None else d[a][b]

    n = len(order)
    first = 1 if fixed_start else 0
    for size in (1, 2, 3):
        for i in range(first, n - size + 1):
            seg = order[i : i + size]
            prev = order[i - 1] if i > 0 else None
            nxt = order[i + size] if i + size < n else None
            saved = dist(prev, seg[0]) + dist(seg[-1], nxt) - dist(prev, nxt)
            rest = order[:i] + order[i + size :]
            for j in range(first, len(rest) + 1):
                if j == i:
                    continue
                p = rest[j - 1] if j > 0 else None
                q = rest[j] if j < len(rest) else None
                for part in (seg, seg[::-1]):
                    if dist(p, part[0]) + dist(part[-1], q) - dist(p, q) < saved - 1e-9:
                        order[:] = rest[:j] + part + rest[j:]
                        return True
    return False


def _improve(order: list[int], d: Sequence[Sequence[float]], fixed_start: bool) -> list[int]:
    """2-opt and or-opt until neither shortens the path."""
    while True:
        _two_opt(order, d, fixed_start)
        if not _or_opt(order, d, fixed_start):
            return order


def compute_route(points: Sequence[Point], start: int | None = None) -> list[int]:
    """A short open path through all ``points``: indices in visiting order.

    ``start`` fixes the first stop (e.g. where the bus sets off); without it every stop is
    tried as a start and the shortest result is kept. Deterministic for equal inputs.
    """
    n = len(points)
    if n <= 2:
        if start is not None and n == 2:
            return [start, 1 - start]
        return list(range(n))
    d = compute_matrix(points)
    if start is not None:
        seeds = [_nearest_neighbour(start, d)]
    else:  # the three shortest nearest-neighbour paths over all starts, then improved
        seeds = sorted((_nearest_neighbour(s, d) for s in range(n)), key=lambda o: compute_length(o, d))[:3]
    best: list[int] | None = None
    best_len = math.inf
    for seed in seeds:
        order = _improve(seed, d, fixed_start=start is not None)
        length = compute_length(order, d)
        if length < best_len - 1e-9:
            best, best_len = order, length
    assert best is not None
    return best


def compute_legs(points: Sequence[Point], order: Sequence[int]) -> list[float]:
    """Distance (km) from each stop to the next, in route order."""
    return [compute_distance_km(points[a], points[b]) for a, b in itertools.pairwise(order)]
