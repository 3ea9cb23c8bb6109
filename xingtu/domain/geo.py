"""Fit a map view to a region's extent (web-mercator maps with 512-pixel tiles)."""

from __future__ import annotations

import math
from dataclasses import dataclass

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
