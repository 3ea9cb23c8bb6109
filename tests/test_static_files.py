"""Map data written as static files: content, names that encode every parameter, reuse."""

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
    url, n = static_files.write_points(small_con, "fp", region, unit_type, 2024, level, PALETTE)
    name = url.rsplit("/", 1)[1]
    assert url == f"app/static/gen/fp/{name}" and str(2024) in name
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
    assert static_files.write_points(small_con, "fp", region, unit_type, 2024, level, PALETTE) == (url, n)
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
    url = static_files.write_boundaries("fp", "41", "counties")
    data = json.loads((gen_dir / "fp" / url.rsplit("/", 1)[1]).read_text(encoding="utf-8"))
    assert all(f["id"] == f["properties"]["code"] and len(f["id"]) == 12 for f in data["features"])
    assert len(data["features"]) == 157
