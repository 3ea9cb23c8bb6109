"""Map data written as files: content, names that encode every parameter, reuse, where they live."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from xingtu.domain.hierarchy import region_prefix
from xingtu.store import static_files

PALETTE = ((0, 0, 0), (1, 1, 1), (2, 2, 2), (3, 3, 3), (4, 4, 4), (5, 5, 5))


@pytest.fixture
def gen_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(static_files, "GEN_DIR", tmp_path / "gen")
    return tmp_path / "gen"


@pytest.mark.parametrize(
    ("region", "unit_type", "level"),
    [("410000000000", "all", None), ("411102000000", "urban", None), ("411100000000", "rural", 3)],
)
def test_points_file_matches_the_store(small_con, gen_dir, region, unit_type, level):
    key, n = static_files.write_points(small_con, "fp", region, unit_type, 2024, level, PALETTE)
    name = key.rsplit("/", 1)[1]
    assert key == f"fp/{name}" and str(2024) in name
    assert static_files.parse_name(key) == ("fp", "points", region_prefix(region))
    records = json.loads((gen_dir / "fp" / name).read_text(encoding="utf-8"))
    expected = small_con.execute(
        """SELECT u.name, a.level FROM annual_results a JOIN units u USING (code)
           WHERE a.year = 2024 AND starts_with(a.code, $p) AND ($t = 'all' OR a.unit_type = $t)
             AND ($l IS NULL OR a.level = $l) ORDER BY a.code""",
        {"p": region_prefix(region), "t": unit_type, "l": level},
    ).df()
    got = pd.DataFrame(records)
    assert n == len(records) == len(expected) > 0
    assert got["n"].tolist() == expected["name"].tolist() and got["l"].tolist() == expected["level"].tolist()
    assert set(records[0]) == {"p", "c", "l", "n", "t"}
    assert all(r["c"] == list(PALETTE[r["l"]]) and len(r["p"]) == 2 for r in records)
    # a second call reuses the file (same URL, untouched) and still reports the count
    mtime = (gen_dir / "fp" / name).stat().st_mtime_ns
    assert static_files.write_points(small_con, "fp", region, unit_type, 2024, level, PALETTE) == (key, n)
    assert (gen_dir / "fp" / name).stat().st_mtime_ns == mtime


def test_different_parameters_never_share_a_file(small_con, gen_dir):
    urls = {
        static_files.write_points(small_con, "fp", "411100000000", t, y, lv, PALETTE)[0]
        for t in ("all", "rural")
        for y in (2024, 2025)
        for lv in (None, 0, 5)
    }
    assert len(urls) == 12


def test_boundaries_get_feature_ids(gen_dir):
    key = static_files.write_boundaries("fp", "41", "counties")
    assert static_files.parse_name(key) == ("fp", "bounds", "counties")
    data = json.loads((gen_dir / key).read_text(encoding="utf-8"))
    assert all(f["id"] == f["properties"]["code"] and len(f["id"]) == 12 for f in data["features"])
    assert len(data["features"]) == 157


def test_files_live_in_the_store_folder_never_under_static(small_con, tmp_path, monkeypatch):
    monkeypatch.setenv("XINGTU_STORE_DIR", str(tmp_path / "store"))
    legacy = tmp_path / "static-gen"
    (legacy / "old").mkdir(parents=True)
    monkeypatch.setattr(static_files, "LEGACY_GEN_DIR", legacy)
    key, n = static_files.write_points(small_con, "fp", "411102000000", "all", 2024, None, PALETTE)
    assert n > 0 and (tmp_path / "store" / "gen" / key).is_file()
    static_files.prune_stale(keep="fp")  # a folder left under static/ by an older version goes
    assert not legacy.exists() and (tmp_path / "store" / "gen" / key).is_file()


@pytest.mark.parametrize(
    "key",
    [
        "fp/points-411102-all-2024-all-abcdef.json/x",
        "fp/../session.key",
        "../fp/counties-41.geojson",
        "fp/points-41110-all-2024-all-abcdef.json",  # not a region prefix
        "fp/points-\u0664\u0661-all-2024-all-abcdef.json",  # digits of another script
        "fp/roads-41.geojson",
        "fp/counties-41.geojson.gz",
        "/counties-41.geojson",
        "fp/web.sqlite",
    ],
)
def test_only_names_this_module_writes_are_files(key):
    assert static_files.parse_name(key) is None and static_files.file_path(key) is None
