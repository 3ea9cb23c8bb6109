"""Large map data written as files the browser fetches once and caches.

Boundaries (hundreds of KB) and village points (52,378 at province scope) would be
resent over the websocket on every rerun if they were inlined in chart specs. Instead
they are written under ``<store_dir>/gen/<fingerprint>/`` — outside anything served as
it is — and charts reference them by a URL of ``xingtu.web.files``, which serves a file
only with a token made for the session's principal and checks it at each request (the
scope lock). A file's name encodes every parameter it depends on, and the folder the
store's fingerprint, so a file's key (``<fingerprint>/<name>``) never changes meaning.
The names are parsed back by ``parse_name``: the route knows a file's scope from its name.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import time
from pathlib import Path

import duckdb

from xingtu.atomic import write_text_atomic
from xingtu.domain.hierarchy import region_prefix
from xingtu.reference.boundaries import _path as boundary_path
from xingtu.settings import ROOT, get_settings

GEN_DIR: Path | None = None  # where the files go; None: <store_dir>/gen (tests point it elsewhere)
LEGACY_GEN_DIR = ROOT / "static" / "gen"  # where older versions wrote (and served) them
STALE_AFTER_S = 7 * 24 * 3600
LAYERS = ("counties", "cities", "province")

_FINGERPRINT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,79}", re.ASCII)
_POINTS = re.compile(  # ASCII digits only (\d alone takes any script's digits)
    r"points-(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})"  # the region prefix of its units: the file's scope
    r"-(?:all|rural|urban)-\d{4}-(?:all|[0-5])-[0-9a-f]{6}\.json",
    re.ASCII,
)
_BOUNDS = re.compile(rf"({'|'.join(LAYERS)})-(\d{{2}})\.geojson", re.ASCII)


def gen_dir() -> Path:
    """The folder of generated map files: ``<store_dir>/gen`` (never under ``static/``)."""
    return GEN_DIR if GEN_DIR is not None else get_settings().store_dir / "gen"


def parse_name(key: str) -> tuple[str, str, str] | None:
    """``(fingerprint, kind, scope)`` of a file key ``<fingerprint>/<name>`` this module writes.

    ``kind`` is ``points`` (scope: the region prefix of its units) or ``bounds`` (scope: the
    layer). None for anything else: the file route serves nothing whose name is not one of these.
    """
    fingerprint, _, name = key.partition("/")
    if not _FINGERPRINT.fullmatch(fingerprint):
        return None
    if match := _POINTS.fullmatch(name):
        return fingerprint, "points", match.group(1)
    if match := _BOUNDS.fullmatch(name):
        return fingerprint, "bounds", match.group(1)
    return None


def file_path(key: str) -> Path | None:
    """The file behind a key, when the key is a name this module writes (exists or not)."""
    if parse_name(key) is None:
        return None
    return gen_dir() / key


def _key(fingerprint: str, name: str) -> str:
    key = f"{fingerprint}/{name}"
    if parse_name(key) is None:
        raise ValueError(f"不是地图数据文件名：{key!r}")
    return key


def prune_stale(keep: str) -> None:
    """Remove folders of old store versions that nothing has touched for a week.

    Also removes the folder older versions wrote under ``static/`` (served to anyone)."""
    shutil.rmtree(LEGACY_GEN_DIR, ignore_errors=True)
    folder_root = gen_dir()
    if not folder_root.is_dir():
        return
    now = time.time()
    for folder in folder_root.iterdir():
        if folder.is_dir() and folder.name != keep and now - folder.stat().st_mtime > STALE_AFTER_S:
            shutil.rmtree(folder, ignore_errors=True)


def write_boundaries(fingerprint: str, province: str, layer: str) -> str:
    """Copy a boundary layer (counties / cities / province) to the files folder; its key.

    Each feature gets ``id`` = its 12-digit code, which plotly matches locations against.
    """
    key = _key(fingerprint, f"{layer}-{province}.geojson")
    target = gen_dir() / key
    if not target.is_file():
        data = json.loads(boundary_path(province, layer).read_text(encoding="utf-8"))
        for feature in data["features"]:
            feature["id"] = feature["properties"]["code"]
        write_text_atomic(target, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    return key


def write_points(
    con: duckdb.DuckDBPyConnection,
    fingerprint: str,
    region: str,
    unit_type: str,
    year: int,
    level: int | None,
    palette: tuple[tuple[int, int, int], ...],
) -> tuple[str, int]:
    """Units in scope with their level that year, as compact JSON records; (key, count).

    Records are ``{"p": [lon, lat], "c": [r, g, b], "l": level, "n": name, "t": township}``
    with ``c = palette[level]``. Position and colour are ready-made arrays because deck.gl
    reads a plain field far faster than it evaluates an expression per point (52k points:
    seconds in a software-rendered browser). Short keys and 4 decimals (about 10 m) keep the
    province file under 1 MB gzipped.
    """
    lv = "all" if level is None else str(int(level))
    colours = hashlib.sha1(json.dumps(palette).encode()).hexdigest()[:6]  # noqa: S324 - a file tag, not security
    key = _key(fingerprint, f"points-{region_prefix(region)}-{unit_type}-{int(year)}-{lv}-{colours}.json")
    target = gen_dir() / key
    count_sql = """
        SELECT round(u.lon, 4), round(u.lat, 4), a.level, u.name, t.name
        FROM annual_results a JOIN units u USING (code) JOIN regions t ON t.code = u.township_code
        WHERE a.year = $year AND prefix(a.code, $prefix)
          AND ($utype = 'all' OR a.unit_type = $utype) AND ($level IS NULL OR a.level = $level)
        ORDER BY a.code"""
    params = {"year": int(year), "prefix": region_prefix(region), "utype": unit_type, "level": level}
    if target.is_file():
        count = con.execute(f"SELECT count(*) FROM ({count_sql})", params).fetchone()[0]  # noqa: S608
        return key, int(count)
    rows = con.execute(count_sql, params).fetchall()
    records = [
        {"p": [x, y], "c": list(palette[int(lvl)]), "l": int(lvl), "n": n, "t": t} for x, y, lvl, n, t in rows
    ]
    write_text_atomic(target, json.dumps(records, ensure_ascii=False, separators=(",", ":")))
    return key, len(records)
