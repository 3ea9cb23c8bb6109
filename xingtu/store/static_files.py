"""Large map data written as files the browser fetches once and caches.

Boundaries (hundreds of KB) and village points (52,378 at province scope) would be
resent over the websocket on every rerun if they were inlined in chart specs. Instead
they are written under ``static/gen/<fingerprint>/`` — served by Streamlit's static
file route with gzip and ETags — and charts reference them by URL. A file's name
encodes every parameter it depends on, and the folder the store's fingerprint, so a
URL never changes meaning: the browser may cache it for as long as it likes.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import duckdb

from xingtu.domain.hierarchy import region_prefix
from xingtu.reference.boundaries import _path as boundary_path
from xingtu.settings import ROOT

STATIC_DIR = ROOT / "static"
GEN_DIR = STATIC_DIR / "gen"
URL_PREFIX = "app/static/gen"  # relative: works under any page path and server.baseUrlPath
STALE_AFTER_S = 7 * 24 * 3600


def _write_atomic(path: Path, text: str) -> None:
    """Write next to the target and rename, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _url(fingerprint: str, name: str) -> str:
    return f"{URL_PREFIX}/{fingerprint}/{name}"


def prune_stale(keep: str) -> None:
    """Remove folders of old store versions that nothing has touched for a week."""
    if not GEN_DIR.is_dir():
        return
    now = time.time()
    for folder in GEN_DIR.iterdir():
        if folder.is_dir() and folder.name != keep and now - folder.stat().st_mtime > STALE_AFTER_S:
            shutil.rmtree(folder, ignore_errors=True)


def write_boundaries(fingerprint: str, province: str, layer: str) -> str:
    """Copy a boundary layer (counties / cities / province) to the static folder; its URL.

    Each feature gets ``id`` = its 12-digit code, which plotly matches locations against.
    """
    name = f"{layer}-{province}.geojson"
    target = GEN_DIR / fingerprint / name
    if not target.is_file():
        data = json.loads(boundary_path(province, layer).read_text(encoding="utf-8"))
        for feature in data["features"]:
            feature["id"] = feature["properties"]["code"]
        _write_atomic(target, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    return _url(fingerprint, name)


def write_points(
    con: duckdb.DuckDBPyConnection,
    fingerprint: str,
    region: str,
    unit_type: str,
    year: int,
    level: int | None,
    palette: tuple[tuple[int, int, int], ...],
) -> tuple[str, int]:
    """Units in scope with their level that year, as compact JSON records; (URL, count).

    Records are ``{"p": [lon, lat], "c": [r, g, b], "l": level, "n": name, "t": township}``
    with ``c = palette[level]``. Position and colour are ready-made arrays because deck.gl
    reads a plain field far faster than it evaluates an expression per point (52k points:
    seconds in a software-rendered browser). Short keys and 4 decimals (about 10 m) keep the
    province file under 1 MB gzipped.
    """
    lv = "all" if level is None else str(int(level))
    colours = hashlib.sha1(json.dumps(palette).encode()).hexdigest()[:6]  # noqa: S324 - a file tag, not security
    name = f"points-{region_prefix(region)}-{unit_type}-{int(year)}-{lv}-{colours}.json"
    target = GEN_DIR / fingerprint / name
    count_sql = """
        SELECT round(u.lon, 4), round(u.lat, 4), a.level, u.name, t.name
        FROM annual_results a JOIN units u USING (code) JOIN regions t ON t.code = u.township_code
        WHERE a.year = $year AND prefix(a.code, $prefix)
          AND ($utype = 'all' OR a.unit_type = $utype) AND ($level IS NULL OR a.level = $level)
        ORDER BY a.code"""
    params = {"year": int(year), "prefix": region_prefix(region), "utype": unit_type, "level": level}
    if target.is_file():
        count = con.execute(f"SELECT count(*) FROM ({count_sql})", params).fetchone()[0]  # noqa: S608
        return _url(fingerprint, name), int(count)
    rows = con.execute(count_sql, params).fetchall()
    records = [
        {"p": [x, y], "c": list(palette[int(lvl)]), "l": int(lvl), "n": n, "t": t} for x, y, lvl, n, t in rows
    ]
    _write_atomic(target, json.dumps(records, ensure_ascii=False, separators=(",", ":")))
    return _url(fingerprint, name), len(records)
