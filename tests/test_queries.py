"""Query functions against an independent pandas recomputation on the small fixture store."""

from __future__ import annotations

import math

import duckdb
import numpy as np
import pandas as pd
import pytest

from xingtu.store import queries as q

YEAR = 2025
SCOPES = [
    pytest.param("410000000000", "all", id="province-all"),
    pytest.param("411100000000", "rural", id="city-rural"),
    pytest.param("411102000000", "urban", id="county-urban"),
    pytest.param("411171000000", "all", id="zone-all"),
    pytest.param("411102001000", "all", id="township-all"),
]


def _raw(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    return con.table(table).df()


def _in_scope(df: pd.DataFrame, region: str, unit_type: str, code_col: str = "code") -> pd.DataFrame:
    prefix = region.rstrip("0")
    # a region's significant digits: 2/4/6/9; rstrip can eat a meaningful trailing zero
    for n in (2, 4, 6, 9, 12):
        if region[n:] == "0" * (12 - n):
            prefix = region[:n]
            break
    mask = df[code_col].str.startswith(prefix)
    if unit_type != "all":
        mask &= df["unit_type"] == unit_type
    return df[mask]


@pytest.mark.parametrize(("region", "unit_type"), SCOPES)
def test_level_counts_match_pandas(small_con, region, unit_type):
    annual = _in_scope(_raw(small_con, "annual_results"), region, unit_type)
    expected = annual[annual["year"] == YEAR]["level"].value_counts()
    got = q.query_level_counts(small_con, q.Scope(region, unit_type), YEAR).set_index("level")["units"]
    assert list(got.index) == [5, 4, 3, 2, 1, 0]
    for level in range(6):
        assert got[level] == expected.get(level, 0)
    assert got.sum() == len(annual[annual["year"] == YEAR]) > 0


@pytest.mark.parametrize(("region", "unit_type"), SCOPES)
def test_summary_matches_pandas(small_con, region, unit_type):
    a = _in_scope(_raw(small_con, "annual_results"), region, unit_type)
    a = a[a["year"] == YEAR]
    problems = _raw(small_con, "problems")
    as_of = pd.Timestamp(q.query_meta(small_con)["as_of"])
    p = problems[problems["code"].isin(a["code"]) & (problems["year"] == YEAR)]
    open_ = p[p["status"] != "已销号"]
    got = q.query_summary(small_con, q.Scope(region, unit_type), YEAR)
    assert got["units"] == len(a)
    assert math.isclose(got["mean_stars"], a["level"].mean())
    assert math.isclose(got["share_ge3"], (a["level"] >= 3).mean())
    assert math.isclose(got["share_ge4"], (a["level"] >= 4).mean())
    assert got["five_star"] == (a["level"] == 5).sum()
    assert got["below_target"] == (a["level"] < a["target_level"]).sum()
    assert math.isclose(got["share_meet_target"], (a["level"] >= a["target_level"]).mean())
    assert got["weak_lax"] == a["weak_lax"].sum()
    assert got["open_problems"] == len(open_)
    assert got["overdue_problems"] == (open_["deadline"] < as_of).sum()


def test_region_metrics_by_county_and_township_agree_with_summary(small_con):
    scope = q.Scope("410000000000")
    summary = q.query_summary(small_con, scope, YEAR)
    for by in ("city", "county", "township"):
        m = q.query_region_metrics(small_con, scope, YEAR, by)
        assert m["units"].sum() == summary["units"]
        assert m["five_star"].sum() == summary["five_star"]
        assert m["overdue_problems"].sum() == summary["overdue_problems"]
        weighted = (m["mean_stars"].fillna(0) * m["units"]).sum() / m["units"].sum()
        assert math.isclose(weighted, summary["mean_stars"])


def test_region_metrics_keep_zone_without_polygon(small_con):
    m = q.query_region_metrics(small_con, q.Scope("411100000000"), YEAR, "county").set_index("code")
    zone = m.loc["411171000000"]
    assert zone["kind"] == "zone" and not zone["has_polygon"] and zone["units"] > 0
    assert m.loc["411102000000", "has_polygon"]


def test_region_metrics_rejects_grouping_above_scope(small_con):
    with pytest.raises(ValueError, match="分组"):
        q.query_region_metrics(small_con, q.Scope("411102000000"), YEAR, "city")


def test_level_trend_matches_pandas(small_con):
    a = _in_scope(_raw(small_con, "annual_results"), "411102000000", "all")
    got = q.query_level_trend(small_con, q.Scope("411102000000"))
    expected = a.groupby(["year", "level"]).size()
    for row in got.itertuples():
        assert row.units == expected.get((row.year, row.level), 0)
    assert np.allclose(got.groupby("year")["share"].sum(), 1.0)


def test_monthly_progress_matches_pandas(small_con):
    m = _in_scope(_raw(small_con, "monthly_progress"), "411100000000", "rural")
    got = q.query_monthly_progress(small_con, q.Scope("411100000000", "rural"))
    expected = m.groupby(["month", "star_id"])[["tasks_met", "tasks_total"]].sum()
    assert len(got) == len(expected) > 0
    for row in got.itertuples():
        e = expected.loc[(row.month, row.star_id)]
        assert row.tasks_met == e["tasks_met"]
        assert math.isclose(row.share_met, e["tasks_met"] / e["tasks_total"])
    assert set(got["star_id"]) == {"branch", "industry", "ecology", "safety", "civility"}


def test_weakest_tasks_match_pandas(small_con):
    t = _raw(small_con, "task_results")
    t = t[(t["year"] == YEAR) & t["code"].str.startswith("411102")]
    rates = (~t["met"]).groupby(t["task_id"]).mean().sort_values(ascending=False)
    got = q.query_weakest_tasks(small_con, q.Scope("411102000000"), YEAR, limit=10)
    assert len(got) == 10
    assert np.allclose(got["share_unmet"].to_numpy(), rates.iloc[:10].to_numpy())
    assert set(got["task_id"]) <= set(rates.index[rates >= rates.iloc[9]])
    assert got["share_unmet"].is_monotonic_decreasing


def test_closest_to_next_star_matches_pandas(small_con):
    s = _raw(small_con, "star_results")
    s = s[(s["year"] == YEAR) & ~s["held"] & s["code"].str.startswith("411103")]
    best = s.sort_values(["code", "tasks_short", "veto_unmet", "star_id"]).groupby("code").head(1)
    got = q.query_closest_to_next_star(small_con, q.Scope("411103000000"), YEAR, limit=15)
    assert len(got) == 15
    assert got["tasks_short"].is_monotonic_increasing
    assert got["tasks_short"].iloc[0] == best["tasks_short"].min()
    merged = got.merge(best, on="code", suffixes=("", "_pd"))
    assert len(merged) == 15
    assert (merged["star_id"] == merged["star_id_pd"]).all()
    assert (merged["tasks_short"] == merged["tasks_short_pd"]).all()


def test_unit_profile_is_complete_and_consistent(small_con):
    annual = _raw(small_con, "annual_results")
    code = annual[(annual["year"] == YEAR) & (annual["level"] < annual["target_level"])]["code"].iloc[0]
    prof = q.query_unit_profile(small_con, code)
    assert prof is not None
    assert prof.unit["code"] == code and prof.unit["county"] and prof.unit["township"]
    assert list(prof.annual["year"]) == [2022, 2023, 2024, 2025]
    latest = prof.stars[prof.stars["year"] == YEAR]
    assert len(latest) == 5
    assert int(latest["held"].sum()) == int(prof.annual.set_index("year").loc[YEAR, "level"])
    t = _raw(small_con, "task_results")
    unmet = t[(t["code"] == code) & (t["year"] == YEAR) & ~t["met"]]
    assert sorted(prof.unmet_tasks["task_id"]) == sorted(unmet["task_id"])
    # veto items come first within each star
    for _, grp in prof.unmet_tasks.groupby("star_ord"):
        assert list(grp["veto"]) == sorted(grp["veto"], reverse=True)


def test_unit_profile_unknown_code_is_none(small_con):
    assert q.query_unit_profile(small_con, "419999999999") is None


@pytest.mark.parametrize("bad", ["41", "4100000000000", "41010200000x", "", "41;DROP TABLE"])
def test_scope_rejects_malformed_codes(bad):
    with pytest.raises(ValueError):
        q.Scope(bad)


def test_scope_rejects_unknown_unit_type():
    with pytest.raises(ValueError):
        q.Scope("410000000000", "town")  # type: ignore[arg-type]


def test_region_path_for_breadcrumb(small_con):
    path = q.query_region_path(small_con, "411102001000")
    assert list(path["level"]) == ["province", "city", "county", "township"]
    assert list(path["name"][:3]) == ["河南省", "漯河市", "源汇区"]


def test_region_counts_match_raw_tables(small_con):
    shape = q.query_region_counts(small_con, "410000000000").set_index(["level", "kind"])["n"]
    regions = _raw(small_con, "regions").groupby(["level", "kind"]).size()
    units = _raw(small_con, "units").groupby("unit_type").size()
    for (level, kind), n in regions.items():
        assert shape[(level, kind)] == n
    assert shape[("village", "rural")] == units["rural"]
    assert shape[("village", "urban")] == units["urban"]
    assert shape[("county", "zone")] == 1


def test_standard_summary_counts_tasks_and_vetoes(small_con):
    summary = q.query_standard_summary(small_con)
    tasks = _raw(small_con, "tasks")
    latest = tasks[tasks["year"] == tasks["year"].max()]
    assert summary.groupby("unit_type")["tasks"].sum().to_dict() == {"rural": 90, "urban": 106}
    assert summary["veto_tasks"].sum() == latest["veto"].sum()
    assert len(summary) == 10 and summary["min_share_met"].between(0, 1).all()


# --- task_unmet pre-aggregate, filters and region grids -------------------------------------

STAR_FILTERS = [None, "branch", "industry", "business"]
GRIDS = [
    pytest.param("410000000000", "all", "county", id="province-all-by-county"),
    pytest.param("410000000000", "urban", "township", id="province-urban-by-township"),
    pytest.param("411100000000", "rural", "township", id="city-rural-by-township"),
    pytest.param("411102000000", "all", "township", id="county-all-by-township"),
    pytest.param("411171000000", "urban", "township", id="zone-urban-by-township"),
]
_PREFIX = {"city": 4, "county": 6, "township": 9}


def _tasks_long(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Raw task results with the unit's type and township and the task's star, veto and name."""
    t = _raw(con, "task_results")
    units = _raw(con, "units")[["code", "unit_type", "township_code"]]
    tasks = _raw(con, "tasks")[["year", "task_id", "star_id", "veto", "name"]]
    return t.merge(units, on="code").merge(tasks, on=["year", "task_id"])


def _child_regions(con: duckdb.DuckDBPyConnection, region: str, by: str) -> pd.DataFrame:
    r = _raw(con, "regions")
    r = r[(r["level"] == by) & r["code"].str.startswith(region[: _sig(region)])]
    return r.sort_values("code").reset_index(drop=True)


def _sig(region: str) -> int:
    for n in (2, 4, 6, 9, 12):
        if region[n:] == "0" * (12 - n):
            return n
    raise AssertionError(region)


def _group(codes: pd.Series, by: str) -> pd.Series:
    return codes.str[: _PREFIX[by]].str.ljust(12, "0")


def test_task_unmet_equals_raw_task_results(small_con):
    t = _tasks_long(small_con)
    expected = (
        t.assign(unmet=~t["met"])
        .groupby(["year", "township_code", "unit_type", "task_id"])
        .agg(units=("met", "size"), unmet=("unmet", "sum"))
        .reset_index()
    )
    got = _raw(small_con, "task_unmet")
    assert list(got.columns) == ["year", "township_code", "unit_type", "task_id", "units", "unmet"]
    assert len(got) == len(expected) > 0
    # stored in (year, township_code) order so a year's scope scan reads a contiguous range
    order = list(zip(got["year"], got["township_code"], strict=True))
    assert order == sorted(order)
    merged = expected.merge(got, on=["year", "township_code", "unit_type", "task_id"], suffixes=("", "_got"))
    assert len(merged) == len(expected)
    assert (merged["units"] == merged["units_got"]).all()
    assert (merged["unmet"] == merged["unmet_got"]).all()
    assert merged["unmet"].sum() == (~t["met"]).sum()


@pytest.mark.parametrize("star", STAR_FILTERS)
@pytest.mark.parametrize(("region", "unit_type"), SCOPES)
def test_weakest_tasks_match_raw_task_results(small_con, region, unit_type, star):
    t = _in_scope(_tasks_long(small_con), region, unit_type)
    t = t[t["year"] == YEAR]
    if star:
        t = t[t["star_id"] == star]
    expected = (
        t.assign(unmet=~t["met"])
        .groupby(["task_id", "unit_type", "star_id", "veto"])
        .agg(units=("met", "size"), units_unmet=("unmet", "sum"))
        .reset_index()
    )
    expected["share_unmet"] = expected["units_unmet"] / expected["units"]
    expected = expected.sort_values(["share_unmet", "task_id"], ascending=[False, True], kind="stable")
    got = q.query_weakest_tasks(small_con, q.Scope(region, unit_type), YEAR, limit=q.MAX_LIMIT, star=star)
    assert list(got["task_id"]) == list(expected["task_id"])
    assert list(got["units"]) == list(expected["units"])
    assert list(got["units_unmet"]) == list(expected["units_unmet"])
    assert np.allclose(got["share_unmet"], expected["share_unmet"])
    assert list(got["veto"]) == list(expected["veto"]) and list(got["star_id"]) == list(expected["star_id"])
    if star:
        assert set(got["star_id"]) <= {star}
    top = q.query_weakest_tasks(small_con, q.Scope(region, unit_type), YEAR, limit=7, star=star)
    assert list(top["task_id"]) == list(expected["task_id"][:7])


@pytest.mark.parametrize(("region", "unit_type", "by"), GRIDS)
def test_region_star_fail_matches_pandas(small_con, region, unit_type, by):
    s = _in_scope(_raw(small_con, "star_results"), region, unit_type)
    s = s[s["year"] == YEAR].assign(group=lambda d: _group(d["code"], by), not_held=lambda d: ~d["held"])
    expected = s.groupby(["group", "star_id"]).agg(units=("held", "size"), not_held=("not_held", "sum"))
    stars = _raw(small_con, "stars")
    if unit_type != "all":
        stars = stars[stars["unit_type"] == unit_type]
    regions = _child_regions(small_con, region, by)
    got = q.query_region_star_fail(small_con, q.Scope(region, unit_type), YEAR, by)
    assert len(got) == len(regions) * stars["star_id"].nunique() > 0
    assert list(dict.fromkeys(got["code"])) == list(regions["code"])
    assert set(got["star_id"]) == set(stars["star_id"])
    names = dict(zip(regions["code"], regions["name"], strict=True))
    for row in got.itertuples():
        assert row.name == names[row.code]
        if (row.code, row.star_id) in expected.index:
            e = expected.loc[(row.code, row.star_id)]
            assert (row.units, row.not_held) == (e["units"], e["not_held"])
            assert math.isclose(row.share_not_held, e["not_held"] / e["units"])
        else:
            assert row.units == 0 and row.not_held == 0 and math.isnan(row.share_not_held)
    assert got["units"].sum() == len(s)


def test_region_star_fail_keeps_regions_and_stars_without_units(small_con):
    got = q.query_region_star_fail(small_con, q.Scope("411100000000"), YEAR, "township")
    empty = got[got["units"] == 0]
    # 社区-only stars in rural townships (and vice versa) have no units: kept, share NaN
    assert len(empty) > 0 and empty["share_not_held"].isna().all()
    assert got.loc[got["units"] > 0, "share_not_held"].between(0, 1).all()


@pytest.mark.parametrize("star", [None, "branch", "ecology"])
@pytest.mark.parametrize(("region", "unit_type", "by"), GRIDS)
def test_region_task_fail_matches_raw_task_results(small_con, region, unit_type, by, star):
    t = _in_scope(_tasks_long(small_con), region, unit_type)
    t = t[t["year"] == YEAR]
    if star:
        t = t[t["star_id"] == star]
    t = t.assign(unmet=~t["met"], group=lambda d: _group(d["code"], by))
    overall = t.groupby("task_id")["unmet"].mean().reset_index()
    overall = overall.sort_values(["unmet", "task_id"], ascending=[False, True], kind="stable")
    top = list(overall["task_id"][:5])
    cells = t.groupby(["group", "task_id"]).agg(units=("met", "size"), unmet=("unmet", "sum"))
    regions = _child_regions(small_con, region, by)
    got = q.query_region_task_fail(small_con, q.Scope(region, unit_type), YEAR, by, star=star, top=5)
    assert len(got) == len(regions) * len(top)
    ranked = got.drop_duplicates("task_id").sort_values("rank")
    assert list(ranked["task_id"]) == top and list(ranked["rank"]) == list(range(1, len(top) + 1))
    for row in got.itertuples():
        if (row.code, row.task_id) in cells.index:
            e = cells.loc[(row.code, row.task_id)]
            assert (row.units, row.unmet) == (e["units"], e["unmet"])
            assert math.isclose(row.share_unmet, e["unmet"] / e["units"])
        else:
            assert row.units == 0 and math.isnan(row.share_unmet)
    if star:
        assert set(got["star_id"]) <= {star}
    for col in ("code", "name", "task_id", "task_name", "star_name", "veto", "units", "unmet", "share_unmet"):
        assert col in got.columns


@pytest.mark.parametrize(("region", "unit_type", "by"), GRIDS)
def test_region_year_metrics_match_pandas(small_con, region, unit_type, by):
    a = _in_scope(_raw(small_con, "annual_results"), region, unit_type)
    a = a.assign(group=lambda d: _group(d["code"], by))
    expected = a.groupby(["group", "year"]).agg(
        units=("level", "size"),
        mean_stars=("level", "mean"),
        five_star=("level", lambda s: int((s == 5).sum())),
        weak_lax=("weak_lax", "sum"),
    )
    below = (a["level"] < a["target_level"]).groupby([a["group"], a["year"]]).sum()
    regions = _child_regions(small_con, region, by)
    years = sorted(a["year"].unique())
    got = q.query_region_year_metrics(small_con, q.Scope(region, unit_type), by)
    assert len(got) == len(regions) * len(years)
    assert {"code", "name", "kind", "year", "units", "mean_stars", "share_ge3"} <= set(got.columns)
    for row in got.itertuples():
        key = (row.code, row.year)
        if key in expected.index:
            e = expected.loc[key]
            assert row.units == e["units"] and row.five_star == e["five_star"]
            assert row.weak_lax == e["weak_lax"] and row.below_target == below[key]
            assert math.isclose(row.mean_stars, e["mean_stars"])
        else:
            assert row.units == 0 and math.isnan(row.mean_stars)
    # one year of the long form is exactly the region table of that year
    one = got[got["year"] == YEAR].drop(columns="year").reset_index(drop=True)
    table = q.query_region_metrics(small_con, q.Scope(region, unit_type), YEAR, by)[one.columns]
    pd.testing.assert_frame_equal(one, table, check_dtype=False)


@pytest.mark.parametrize(("region", "unit_type", "by"), GRIDS)
def test_target_vs_result_matches_pandas(small_con, region, unit_type, by):
    a = _in_scope(_raw(small_con, "annual_results"), region, unit_type)
    a = a[a["year"] == YEAR].assign(group=lambda d: _group(d["code"], by))
    regions = _child_regions(small_con, region, by)
    got = q.query_target_vs_result(small_con, q.Scope(region, unit_type), YEAR, by).set_index("code")
    assert list(got.index) == list(regions["code"])
    for code, g in a.groupby("group"):
        row = got.loc[code]
        assert row["units"] == len(g)
        assert math.isclose(row["mean_target"], g["target_level"].mean())
        assert math.isclose(row["mean_level"], g["level"].mean())
        assert math.isclose(row["share_meet_target"], (g["level"] >= g["target_level"]).mean())
        for k in (3, 4):
            assert row[f"target_ge{k}"] == (g["target_level"] >= k).sum()
            assert row[f"result_ge{k}"] == (g["level"] >= k).sum()
        assert row["target_5"] == (g["target_level"] == 5).sum()
        assert row["result_5"] == (g["level"] == 5).sum()
    assert got["units"].sum() == len(a)
    assert (got.loc[got["units"] == 0, "target_ge3"] == 0).all()


@pytest.mark.parametrize(
    ("region", "by"),
    [
        ("411102000000", "city"),
        ("411102000000", "county"),
        ("411102001000", "township"),
        ("410000000000", "village"),
        ("410000000000", "district"),
    ],
)
def test_region_grids_reject_grouping_not_below_scope(small_con, region, by):
    scope = q.Scope(region)
    for call in (
        lambda: q.query_region_star_fail(small_con, scope, YEAR, by),
        lambda: q.query_region_task_fail(small_con, scope, YEAR, by),
        lambda: q.query_region_year_metrics(small_con, scope, by),
        lambda: q.query_target_vs_result(small_con, scope, YEAR, by),
        lambda: q.query_region_metrics(small_con, scope, YEAR, by),
    ):
        with pytest.raises(ValueError, match="分组"):
            call()


@pytest.mark.parametrize(
    ("region", "unit_type", "level", "star"),
    [
        ("411103000000", "all", 3, None),
        ("411103000000", "all", None, "industry"),
        ("411100000000", "rural", 2, "branch"),
        ("411102000000", "urban", None, "sharing"),
        ("411100000000", "all", 0, None),
        ("411100000000", "all", 5, None),
    ],
)
def test_closest_to_next_star_filters_match_pandas(small_con, region, unit_type, level, star):
    s = _in_scope(_raw(small_con, "star_results"), region, unit_type)
    s = s[(s["year"] == YEAR) & ~s["held"]]
    if star:
        s = s[s["star_id"] == star]
    best = s.sort_values(["code", "tasks_short", "veto_unmet", "star_id"]).groupby("code").head(1)
    a = _raw(small_con, "annual_results")
    best = best.merge(a[a["year"] == YEAR][["code", "level"]], on="code")
    if level is not None:
        best = best[best["level"] == level]
    best = best.sort_values(
        ["tasks_short", "veto_unmet", "level", "code"], ascending=[True, True, False, True]
    )
    got = q.query_closest_to_next_star(
        small_con, q.Scope(region, unit_type), YEAR, 40, level=level, star=star
    )
    assert list(got["code"]) == list(best["code"][:40])
    assert list(got["star_id"]) == list(best["star_id"][:40])
    assert list(got["tasks_short"]) == list(best["tasks_short"][:40])
    if level == 5:
        assert got.empty  # a 五星 unit holds every star
    elif level is not None:
        assert len(got) > 0 and (got["level"] == level).all()


@pytest.mark.parametrize("level", [None, 0, 1, 2])
def test_weak_lax_units_level_filter_matches_pandas(small_con, level):
    a = _raw(small_con, "annual_results")
    a = a[(a["year"] == 2022) & a["weak_lax"]]
    if level is not None:
        a = a[a["level"] == level]
    got = q.query_weak_lax_units(small_con, q.Scope("410000000000"), 2022, level=level)
    assert list(got["code"]) == sorted(a["code"])
    assert level is not None or len(got) > 0


@pytest.mark.parametrize("bad", [-1, 6, 2.5, True, "3"])
def test_level_filters_reject_bad_levels(small_con, bad):
    scope = q.Scope("410000000000")
    with pytest.raises(ValueError):
        q.query_closest_to_next_star(small_con, scope, YEAR, level=bad)
    with pytest.raises(ValueError):
        q.query_weak_lax_units(small_con, scope, YEAR, level=bad)


@pytest.mark.parametrize("star", ["branch", "industry", "business"])
def test_monthly_progress_star_filter_matches_pandas(small_con, star):
    m = _in_scope(_raw(small_con, "monthly_progress"), "411102000000", "all")
    m = m[m["star_id"] == star]
    got = q.query_monthly_progress(small_con, q.Scope("411102000000"), star=star)
    expected = m.groupby("month")[["tasks_met", "tasks_total"]].sum()
    assert list(got["month"]) == list(expected.index) and len(got) > 0
    assert set(got["star_id"]) == {star}
    assert list(got["tasks_met"]) == list(expected["tasks_met"])
    assert np.allclose(got["share_met"], expected["tasks_met"] / expected["tasks_total"])


def test_unit_index_matches_units_and_regions(small_con):
    units = _raw(small_con, "units")
    names = dict(_raw(small_con, "regions")[["code", "name"]].itertuples(index=False))
    got = q.query_unit_index(small_con)
    assert list(got["code"]) == sorted(units["code"]) and got["code"].is_unique
    merged = got.merge(units, on="code", suffixes=("", "_u"))
    assert (merged["name"] == merged["name_u"]).all() and (merged["unit_type"] == merged["unit_type_u"]).all()
    for level in ("township", "county", "city"):
        assert (merged[level] == merged[f"{level}_code"].map(names)).all()
        assert (merged[level] != "").all()


def test_province_task_unmet_and_grid_limits(full_con):
    assert full_con.execute("SELECT count(*) FROM task_unmet").fetchone()[0] == 1_280_232
    # province-wide 短板 from the pre-aggregate equal a scan of all task results of the year
    raw = full_con.execute(
        """SELECT t.task_id, count(*) AS units, count(*) FILTER (WHERE NOT t.met) AS unmet
           FROM task_results t JOIN units u USING (code) WHERE t.year = 2024 AND u.unit_type = 'rural'
           GROUP BY ALL ORDER BY unmet / units DESC, task_id"""
    ).df()
    got = q.query_weakest_tasks(full_con, q.Scope("410000000000", "rural"), 2024, limit=q.MAX_LIMIT)
    assert list(got["task_id"]) == list(raw["task_id"])
    assert list(got["units_unmet"]) == list(raw["unmet"]) and list(got["units"]) == list(raw["units"])
    # grids too big for one page refuse rather than truncate; task grids shrink `top` instead
    province = q.Scope("410000000000")
    with pytest.raises(ValueError, match="分组过细"):
        q.query_region_star_fail(full_con, province, YEAR, "township")
    with pytest.raises(ValueError, match="分组过细"):
        q.query_region_year_metrics(full_con, province, "township")
    tasks = q.query_region_task_fail(full_con, province, YEAR, "township", top=15)
    assert len(tasks) <= q.MAX_LIMIT and tasks["task_id"].nunique() == 1
    assert len(q.query_region_star_fail(full_con, province, YEAR, "county")) == 181 * 8


@pytest.mark.parametrize(
    ("region", "unit_type"),
    [("411102001000", "all"), ("411102000000", "urban"), ("411103101000", "rural")],
)
def test_unit_levels_match_pandas(small_con, region, unit_type):
    a = _in_scope(_raw(small_con, "annual_results"), region, unit_type)
    a = a[a["year"] == 2023].merge(_raw(small_con, "units")[["code", "name", "lon", "lat"]], on="code")
    got = q.query_unit_levels(small_con, q.Scope(region, unit_type), 2023)
    assert len(got) > 0
    assert list(got["code"]) == sorted(a["code"])
    want = a.set_index("code").loc[got["code"]]
    assert list(got["level"]) == list(want["level"]) and list(got["name"]) == list(want["name"])
    assert np.allclose(got["lon"], want["lon"]) and np.allclose(got["lat"], want["lat"])
