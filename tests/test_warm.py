"""The background warm-up: which views it computes, that the pages then find them computed, and
that it stops when another version comes into force."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import streamlit as st

from components.village_map import PALETTE
from tests.conftest import store_env
from xingtu.session import access, warm
from xingtu.store import static_files


@pytest.fixture
def warm_store(make_store, monkeypatch: pytest.MonkeyPatch):
    """A fresh store, the environment pointing at it, empty caches before and after."""
    settings = make_store(name="warm")
    for key, value in store_env(settings).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setitem(access._SEEN, "path", "")  # no version seen yet in this process
    st.cache_data.clear()
    st.cache_resource.clear()
    yield settings
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # (level, code, units) in any order -> province, cities, counties with units, in code order
        (
            [
                ("county", "411103", 5),
                ("township", "411102001", 3),
                ("city", "4111", 8),
                ("province", "41", 8),
                ("county", "411102", 3),
            ],
            ["41", "4111", "411102", "411103"],
        ),
        ([("city", "4113", 2), ("city", "4101", 1), ("province", "41", 3)], ["41", "4101", "4113"]),
        ([("city", "4113", 0), ("county", "411301", 0), ("province", "41", 9)], ["41"]),  # outside the deployment
        ([("township", "411102001", 3), ("village", "411102001001", 1)], []),
    ],
)
def test_regions_are_warmed_province_first_then_cities_then_counties(rows, expected):
    table = pd.DataFrame(
        {
            "level": [lv for lv, _, _ in rows],
            "code": [c.ljust(12, "0") for _, c, _ in rows],
            "units": [n for _, _, n in rows],
        }
    )
    assert warm.compute_regions(table) == [c.ljust(12, "0") for c in expected]


def test_the_plan_puts_the_latest_year_first_then_unit_types_then_earlier_years_of_the_upper_levels():
    regions = ["410000000000", "411100000000", "411102000000"]
    plan = warm.compute_plan(regions, [2023, 2025, 2024])
    assert plan[:3] == [(r, "all", 2025) for r in regions]  # every region, the latest year, first
    assert plan[3:9] == [(r, t, 2025) for t in ("rural", "urban") for r in regions]
    # then the province and the city (not the county) in the earlier years, newest first
    assert plan[9:] == [(r, "all", y) for y in (2024, 2023) for r in regions[:2]]
    assert warm.compute_plan(regions, []) == []  # an empty dataset: nothing to warm


def test_after_a_warm_up_the_common_views_are_read_without_a_query(warm_store, monkeypatch):
    path = access.store_path()
    calls = warm.run(path, palette=PALETTE)
    regions = warm.compute_regions(access._load_region_table())
    years = access.load_data_years()
    plan = warm.compute_plan(regions, years)
    assert len(warm.jobs("", 0, palette=PALETTE)) == len(warm.jobs("", 0)) + 1  # and the points file
    assert calls == len(plan) * len(warm.jobs("", 0, palette=PALETTE))
    assert len(regions) >= 4  # the province, 漯河, its counties

    def no_query():
        raise AssertionError("a warmed view ran a query")

    monkeypatch.setattr(access, "_cursor", no_query)
    for region, unit_type, year in plan:  # what a reader's first look at each reads: all cached
        assert access._load_overview(region, unit_type, year, warm.DEFAULT_BY).summary["units"] > 0
        access._load_trends(region, unit_type, year, None)
        access._load_weak(region, unit_type, year, "heat", None, None)
        key, count = access._points_file(region, unit_type, year, None, PALETTE)  # the village layer
        points = json.loads((static_files.gen_dir() / key).read_text(encoding="utf-8"))
        assert len(points) == count and count > 0
    latest, earlier = max(years), min(years)
    township, county = "411102001000", "411102000000"
    for region, year in ((township, latest), (county, earlier)):  # not warmed: the same call queries
        with pytest.raises(AssertionError, match="ran a query"):
            access._load_overview(region, "all", year, warm.DEFAULT_BY)


def test_a_warm_up_stops_when_asked_or_when_another_version_is_in_force(warm_store):
    assert warm.run(access.store_path(), stop=lambda: True) == 0
    assert warm.run("/no/such/version.duckdb") == 0  # not the store in force: nothing computed


def test_one_warm_up_per_version_and_none_when_switched_off(warm_store, monkeypatch):
    monkeypatch.setattr(warm, "_STARTED", {})
    monkeypatch.setenv("XINGTU_WARM", "0")
    assert warm.start() is None
    monkeypatch.setenv("XINGTU_WARM", "1")
    ran: list[tuple] = []
    monkeypatch.setattr(warm, "_warm", lambda *args: ran.append(args))
    thread = warm.start(palette=PALETTE)
    assert thread is not None
    thread.join(timeout=30)
    assert ran == [(access.store_path(), PALETTE)]
    assert warm.start() is None  # the same version again: already warmed
    assert ran == [(access.store_path(), PALETTE)]
