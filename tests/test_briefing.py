"""县区简报: its data bundle (against the store), the map's projection, and the page's HTML.

The page is rendered to PDF in a real browser in tests/e2e/test_briefing_browser.py.
"""

from __future__ import annotations

import dataclasses
import math
import re

import pandas as pd
import pytest

from components import briefing
from xingtu.store import queries as q
from xingtu.store import views
from xingtu.views.headline import compute_headline
from xingtu.views.overdue import compute_overdue

COUNTY, ZONE, CITY, TOWNSHIP = "411102000000", "411171000000", "411100000000", "411102001000"
EVIL = "<script>alert(1)</script>"


@pytest.fixture
def county(small_con) -> views.Briefing:
    return views.query_briefing(small_con, q.Scope(COUNTY), 2025)


def test_the_bundle_agrees_with_the_store(small_con, county):
    units, five, overdue = small_con.execute(
        """SELECT count(*), sum((level = 5)::INT), sum(overdue_problems)
           FROM annual_results WHERE year = 2025 AND code LIKE '411102%'"""
    ).fetchone()
    assert county.path == ["河南省", "漯河市", "源汇区"] and county.scope_level == "county"
    assert county.summary["units"] == units == len(county.units)  # every unit on the map
    assert int(county.counts.loc[county.counts["level"] == 5, "units"].iloc[0]) == five
    assert county.prev_year == 2024 and county.prev_summary is not None
    assert list(county.year_metrics["year"]) == [2022, 2023, 2024, 2025]
    assert len(county.weakest) == views.BRIEFING_TASKS
    assert county.weakest["share_unmet"].is_monotonic_decreasing
    assert (
        0 < len(county.overdue) <= views.BRIEFING_PROBLEMS
        and int(county.summary["overdue_problems"]) == overdue
    )
    days = compute_overdue(county.overdue, county.meta["as_of"])["days_overdue"]
    assert len(days) == len(county.overdue) and days.is_monotonic_decreasing and (days > 0).all()
    assert county.outline and county.fit_outline and not county.inner
    assert county.meta["dataset_kind"] == "sample" and county.meta["as_of"] == "2025-11-30"


def test_overdue_problems_are_the_items_the_headline_counts(small_con):
    scope = q.Scope(COUNTY)
    every = q.query_overdue_problems(small_con, scope, 2025, limit=q.MAX_LIMIT)
    assert len(every) == int(q.query_summary(small_con, scope, 2025)["overdue_problems"])
    listed = compute_overdue(every, "2025-11-30")
    assert listed["problem_id"].tolist() == every["problem_id"].tolist()  # the store keeps the list's order
    days = (pd.Timestamp("2025-11-30") - pd.to_datetime(listed["deadline"])).dt.days
    assert (days == listed["days_overdue"]).all() and (days > 0).all()
    first = q.query_overdue_problems(small_con, scope, 2025, limit=5)
    assert first["problem_id"].tolist() == every["problem_id"].tolist()[:5]  # a cut is the list's head
    assert set(every["status"]) <= {"整改中", "未启动"}
    assert every["code"].str.startswith("411102").all()
    urban = q.query_overdue_problems(small_con, q.Scope(COUNTY, "urban"), 2025, limit=q.MAX_LIMIT)
    assert 0 < len(urban) < len(every) and urban["name"].str.endswith("社区").all()
    assert q.query_overdue_problems(small_con, scope, 2023).empty  # the ledger is this year's


def test_a_zone_is_framed_on_its_units_inside_the_host_city(small_con):
    zone = views.query_briefing(small_con, q.Scope(ZONE), 2025)
    city = views.query_briefing(small_con, q.Scope(CITY), 2025)
    assert zone.outline == city.outline and not zone.fit_outline  # no polygon of its own
    min_lon, min_lat, max_lon, max_lat = briefing.compute_bounds(zone)
    assert min_lon <= zone.units["lon"].min() and zone.units["lon"].max() <= max_lon
    assert min_lat <= zone.units["lat"].min() and zone.units["lat"].max() <= max_lat
    span = zone.units["lon"].max() - zone.units["lon"].min()
    assert max_lon - zone.units["lon"].max() == pytest.approx(span * 0.08)  # the units' extent, padded
    town = views.query_briefing(small_con, q.Scope(TOWNSHIP), 2025)
    county = views.query_briefing(small_con, q.Scope(COUNTY), 2025)
    assert town.outline == county.outline and not town.fit_outline  # its county, framed on its units
    assert len(town.units) == town.summary["units"]


def test_a_city_shows_its_counties_and_a_large_scope_a_spread_sample(small_con, monkeypatch):
    city = views.query_briefing(small_con, q.Scope(CITY), 2025)
    assert city.fit_outline and len(city.inner) >= 2  # the two counties with a polygon
    monkeypatch.setattr(views, "BRIEFING_POINTS", 50)
    sampled = views.query_briefing(small_con, q.Scope(CITY), 2025)
    assert len(sampled.units) == 50 and sampled.units["code"].is_unique
    first = q.query_unit_levels(small_con, q.Scope(CITY), 2025).head(50)
    assert set(sampled.units["code"]) != set(first["code"])  # not just the first codes
    assert sampled.units["code"].str[:6].nunique() == 3  # every county represented
    again = q.query_unit_sample(small_con, q.Scope(CITY), 2025, 50)
    assert list(again["code"]) == list(sampled.units["code"])  # the same page every time


def test_projection_fits_the_box_north_up_without_stretching():
    project = briefing.compute_projection((113.0, 33.0, 114.0, 33.5), 300, 200, pad=0)
    k = math.cos(math.radians(33.25))
    (x0, y0), (x1, y1) = project(113.0, 33.5), project(114.0, 33.0)
    assert y0 < y1 and x0 < x1  # north up, east right
    assert (x1 - x0) / (y1 - y0) == pytest.approx(k * 1.0 / 0.5, rel=1e-3)  # true shape
    assert min(x0, y0) >= 0 and x1 <= 300 and y1 <= 200
    assert (x1 - x0) == pytest.approx(300, rel=1e-3) or (y1 - y0) == pytest.approx(200, rel=1e-3)


def _text(doc: str) -> str:
    """The page's visible text, roughly: tags removed, entities kept."""
    return re.sub(r"<[^>]+>", " ", doc)


def test_the_page_has_numbers_map_years_tasks_and_problems(county):
    doc = briefing.build_briefing_html(county, "zh")
    assert doc.startswith("<!doctype html>") and '<html lang="zh-CN">' in doc
    assert "@page { size: A4" in doc and "Noto Sans CJK SC" in doc
    assert "<title>源汇区五星支部创建简报</title>" in doc
    assert 'data-testid="sample-badge">样例数据<' in doc  # sample data labelled
    assert f'<div class="k-value">{int(county.summary["units"]):,}</div>' in doc
    five = int(county.counts.loc[county.counts["level"] == 5, "units"].iloc[0])
    assert f'<div class="k-value">{five:,}<span class="k-share">' in doc
    assert f"{float(county.summary['mean_stars']):.2f}" in doc
    assert doc.count("<circle ") == len(county.units) == county.summary["units"]
    points = [(float(x), float(y)) for x, y in re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', doc)]
    width, height = briefing.MAP_SIZE
    assert len(points) == len(county.units) and all(0 <= x <= width and 0 <= y <= height for x, y in points)
    for year, mean in zip(county.year_metrics["year"], county.year_metrics["mean_stars"], strict=True):
        assert f">{year}</text>" in doc and f"均 {mean:.2f}" in doc
    text = _text(doc)
    for task in county.weakest["task_name"]:
        assert task in text
    for row in compute_overdue(county.overdue, county.meta["as_of"]).itertuples():
        assert row.name in text and row.problem in text and row.helper in text
        assert f">{row.days_overdue:,}</td>" in doc
    assert f"共 {int(county.summary['overdue_problems']):,} 项" in text


def test_the_page_is_self_contained(county):
    doc = briefing.build_briefing_html(county, "zh")
    assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", doc, re.I)  # no address at all
    assert "<script" not in doc and "javascript:" not in doc.lower() and " on" + "error=" not in doc
    assert "<link" not in doc and "<img" not in doc and "@import" not in doc and "url(" not in doc


def test_data_is_escaped(county):
    evil = dataclasses.replace(
        county,
        path=[*county.path[:-1], EVIL],
        weakest=county.weakest.assign(task_name=["<b>x</b>", *county.weakest["task_name"][1:]]),
        overdue=county.overdue.assign(
            name=['<img src=x onerror="alert(1)">', *county.overdue["name"][1:]], helper="\"'><svg>"
        ),
        units=county.units.assign(name=EVIL),
    )
    doc = briefing.build_briefing_html(evil, "zh")
    assert "<script" not in doc and "<img" not in doc and "<b>x</b>" not in doc
    assert doc.count("<svg") == 2  # the map and the trend; not the helper's name
    assert "&lt;script&gt;alert(1)&lt;/script&gt;五星支部创建简报" in doc
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in doc and "&lt;b&gt;x&lt;/b&gt;" in doc


@pytest.mark.parametrize(
    ("kind", "label"), [("sample", "样例数据"), ("mixed", "含样例数据"), ("imported", None)]
)
def test_sample_data_is_always_labelled(county, kind, label):
    doc = briefing.build_briefing_html(
        dataclasses.replace(county, meta={**county.meta, "dataset_kind": kind})
    )
    if label:
        assert f'data-testid="sample-badge">{label}<' in doc and 'class="sample-note"' in doc
    else:
        assert "sample-badge" not in doc and 'class="sample-note"' not in doc


def test_kpis_compare_with_last_year(county):
    head = compute_headline(
        county.summary, county.counts, county.prev_summary, county.prev_counts, county.prev_year
    )
    kpis = {k.label: k for k in briefing.compute_kpis(head, briefing.translator("zh"))}
    prev = dict(zip(county.prev_counts["level"], county.prev_counts["units"], strict=True))
    now = dict(zip(county.counts["level"], county.counts["units"], strict=True))
    assert kpis["五星"].value == f"{now[5]:,}" and kpis["五星"].note == f"{now[5] - prev[5]:+,}"
    assert kpis["五星"].share == f"{now[5] / county.summary['units']:.1%}"
    change = float(county.summary["mean_stars"]) - float(county.prev_summary["mean_stars"])
    assert kpis["平均星数"].note == f"{change:+.2f}"
    assert kpis["平均星数"].tone == ("good" if change > 0 else "bad")
    below = int(county.summary["below_target"]) - int(county.prev_summary["below_target"])
    assert kpis["未达创建目标"].tone == ("bad" if below > 0 else "good" if below < 0 else "flat")
    assert kpis["逾期未整改问题"].note == "截至数据日期"


def test_english_page_and_file_name(county):
    doc = briefing.build_briefing_html(county, "en")
    assert '<html lang="en">' in doc and "源汇区: Five-Star Branch briefing" in doc
    assert "Most failed tasks (top 10)" in doc and "Sample data" in doc
    assert briefing.compute_file_name("源汇区", "county", 2025, "zh") == "源汇区_县区简报_2025.html"
    assert briefing.compute_file_name("a/b", "city", 2025, "en") == "a_b_city briefing_2025.html"


def test_an_empty_scope_still_builds(small_con):
    empty = views.query_briefing(small_con, q.Scope(TOWNSHIP, "rural"), 2025)
    assert empty.summary["units"] == 0 and empty.units.empty
    doc = briefing.build_briefing_html(empty, "zh")
    assert "没有逾期未整改的问题" in doc and "<circle" not in doc
