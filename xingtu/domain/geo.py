"""Map geometry: fitting a view to a region, and converting Chinese coordinate systems."""

from __future__ import annotations

import math
from dataclasses import dataclass

import coordTransform as ct
import numpy as np

TILE_PX = 512
MAX_ZOOM = 13.0


@dataclass(frozen=True)
class MapView:
    lon: float
    lat: float
    zoom: float


def _merc_y(lat: float) -> float:
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def compute_view(
    bounds: tuple[float, float, float, float], width_px: int, height_px: int, padding: float = 0.08
) -> MapView:
    """Centre and zoom that show ``bounds`` (min lon, min lat, max lon, max lat) with a margin."""
    min_lon, min_lat, max_lon, max_lat = bounds
    lon_span = max(max_lon - min_lon, 1e-4)
    y_span = max(_merc_y(max_lat) - _merc_y(min_lat), 1e-4)
    usable_w = width_px * (1 - 2 * padding)
    usable_h = height_px * (1 - 2 * padding)
    zoom = min(
        math.log2(usable_w * 360 / (TILE_PX * lon_span)),
        math.log2(usable_h * 360 / (TILE_PX * y_span)),
        MAX_ZOOM,
    )
    mid_y = (_merc_y(min_lat) + _merc_y(max_lat)) / 2
    lat = math.degrees(2 * math.atan(math.exp(math.radians(mid_y))) - math.pi / 2)
    return MapView(lon=(min_lon + max_lon) / 2, lat=lat, zoom=round(zoom, 2))


def to_gcj02(lon: np.ndarray, lat: np.ndarray, crs: str) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes and latitudes in ``crs`` (wgs84, gcj02, bd09) as GCJ-02, the boundaries' system.

    The conversions are coordTransform's (MIT), the published GCJ-02 / BD-09 formulas. NaN
    stays NaN; points outside China are returned unchanged by the WGS-84 formula.
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    if crs == "gcj02":
        return lon.copy(), lat.copy()
    convert = {"wgs84": ct.wgs84_to_gcj02, "bd09": ct.bd09_to_gcj02}.get(crs)
    if convert is None:
        raise ValueError(f"未知坐标系 {crs!r}：应为 wgs84、gcj02 或 bd09")
    out_lon, out_lat = np.full_like(lon, np.nan), np.full_like(lat, np.nan)
    ok = ~(np.isnan(lon) | np.isnan(lat))
    for i in np.flatnonzero(ok):
        out_lon[i], out_lat[i] = convert(float(lon[i]), float(lat[i]))
    return out_lon, out_lat
