"""Read the committed boundary layer in ``geo/<province>/`` (built by ``geo/build_boundaries.py``).

Coordinates are GCJ-02 longitude/latitude as Amap (高德) publishes them, not true
WGS-84: they sit a few hundred metres off. The frames are labelled EPSG:4326 because
GCJ-02 has no EPSG code and every consumer here (plotly, geopandas) only needs lon/lat;
overlay them on GCJ-02 tiles (Amap), not on WGS-84 ones, if position matters.

Nothing is cached here; the app wraps these calls in its own cache.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd

from xingtu.settings import GEO_DIR

CRS = "EPSG:4326"  # nominal; the data are GCJ-02, see the module docstring


def _path(province: str, layer: str) -> Path:
    if not (len(province) == 2 and province.isdigit()):
        raise ValueError(f"province must be a two-digit code such as '41', got {province!r}")
    path = GEO_DIR / province / f"{layer}.geojson"
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing; run geo/build_boundaries.py --province {province}")
    return path


def _read(province: str, layer: str, columns: list[str]) -> gpd.GeoDataFrame:
    """Parse the JSON directly: no GDAL driver involved, codes stay text, columns in a fixed order."""
    features = json.loads(_path(province, layer).read_text(encoding="utf-8"))["features"]
    return gpd.GeoDataFrame.from_features(features, crs=CRS, columns=[*columns, "geometry"])


def counties_geojson_text(province: str = "41") -> str:
    """The counties file exactly as committed, for sending to the browser without re-serialising."""
    return _path(province, "counties").read_text(encoding="utf-8")


def load_counties(province: str = "41") -> gpd.GeoDataFrame:
    """County-level polygons: ``code``, ``name``, ``city_code`` (12-digit NBS codes) and geometry.

    Functional zones (5th code digit 7) have no polygon and are absent.
    """
    return _read(province, "counties", ["code", "name", "city_code"])


def load_cities(province: str = "41") -> gpd.GeoDataFrame:
    """City polygons dissolved from the counties: ``code``, ``name`` and geometry."""
    return _read(province, "cities", ["code", "name"])


def load_province(province: str = "41") -> gpd.GeoDataFrame:
    """The province outline dissolved from the counties, one row: ``code``, ``name`` and geometry."""
    return _read(province, "province", ["code", "name"])


Ring = list[tuple[float, float]]


def load_rings(province: str, layer: str, codes: set[str] | None = None) -> dict[str, list[Ring]]:
    """Every ring (outer and holes) of each polygon in a layer, by code; only ``codes`` if given.

    Plain lon/lat lists for drawing (the printed briefing's SVG map) without geopandas.
    """
    features = json.loads(_path(province, layer).read_text(encoding="utf-8"))["features"]
    out: dict[str, list[Ring]] = {}
    for feature in features:
        code = feature["properties"]["code"]
        if codes is not None and code not in codes:
            continue
        geometry = feature["geometry"]
        polygons = (
            geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        )
        out[code] = [[(float(x), float(y)) for x, y, *_ in ring] for polygon in polygons for ring in polygon]
    return out
