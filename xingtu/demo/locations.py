"""Approximate unit locations: village coordinates are not public.

Each unit is placed inside the polygon of its county (functional zones, which have no
polygon: inside the host city), clustered around a point for its township, and flagged
approximate. Township points are spread over the polygon by a few Lloyd iterations so
townships do not pile up. Coordinates are in the boundaries' system, GCJ-02.
"""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

MAX_TRIES = 40


def _rng(seed: int, key: str) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, zlib.crc32(key.encode())])))


def _sample_inside(geom: BaseGeometry, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` uniform points inside ``geom`` by rejection from its bounding box."""
    minx, miny, maxx, maxy = geom.bounds
    out = np.empty((0, 2))
    while len(out) < n:
        need = max(64, 2 * (n - len(out)))
        pts = np.round(np.column_stack([rng.uniform(minx, maxx, need), rng.uniform(miny, maxy, need)]), 5)
        out = np.vstack([out, pts[shapely.contains_xy(geom, pts[:, 0], pts[:, 1])]])
    return out[:n]


def _spread_centres(geom: BaseGeometry, k: int, rng: np.random.Generator) -> np.ndarray:
    """``k`` well-spread points inside ``geom`` (k-means on a uniform sample)."""
    sample = _sample_inside(geom, max(40 * k, 400), rng)
    centres = sample[rng.choice(len(sample), k, replace=False)]
    for _ in range(8):
        d = ((sample[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
        nearest = d.argmin(axis=1)
        for j in range(k):
            members = sample[nearest == j]
            if len(members):
                centres[j] = members.mean(axis=0)
    # a centroid of a concave region can fall outside: snap to the nearest sample point
    centres = np.round(centres, 5)
    inside = shapely.contains_xy(geom, centres[:, 0], centres[:, 1])
    for j in np.flatnonzero(~inside):
        centres[j] = sample[((sample - centres[j]) ** 2).sum(axis=1).argmin()]
    return centres


def compute_locations(
    units: pd.DataFrame, polygons: dict[str, BaseGeometry], host: dict[str, str], seed: int
) -> pd.DataFrame:
    """lon/lat per unit, inside ``polygons[host[county_code]]``.

    ``host`` maps every county code to the key of the polygon that holds its units: itself
    for counties with a polygon, the host city for functional zones.
    Returns columns code, lon, lat, location_approx (always True here).
    """
    lon = np.empty(len(units))
    lat = np.empty(len(units))
    units = units.reset_index(drop=True)
    for county, idx in units.groupby("county_code", sort=True).indices.items():
        key = host.get(county)
        if key is None or key not in polygons:
            raise KeyError(f"县级单位 {county} 没有可用的边界（也没有所属市的边界）")
        geom = polygons[key]
        shapely.prepare(geom)
        rng = _rng(seed, county)
        towns = units.loc[idx, "township_code"].to_numpy()
        town_codes = np.unique(towns)
        centres = _spread_centres(geom, len(town_codes), rng)
        area = geom.area
        sigma = 0.35 * np.sqrt(area / max(len(town_codes), 1))
        centre_of = dict(zip(town_codes, centres, strict=True))
        pts = np.array([centre_of[t] for t in towns], dtype=float)
        base = pts.copy()
        todo = np.ones(len(idx), dtype=bool)
        for _ in range(MAX_TRIES):
            cand = np.round(base[todo] + rng.normal(0.0, sigma, (int(todo.sum()), 2)) * [1.0, 0.85], 5)
            ok = shapely.contains_xy(geom, cand[:, 0], cand[:, 1])
            rows = np.flatnonzero(todo)
            pts[rows[ok]] = cand[ok]
            todo[rows[ok]] = False
            if not todo.any():
                break
        # anything still unplaced stays on its township centre, which is inside
        lon[idx], lat[idx] = pts[:, 0], pts[:, 1]
    return pd.DataFrame(
        {
            "code": units["code"],
            "lon": lon,
            "lat": lat,
            "location_approx": True,
        }
    )
