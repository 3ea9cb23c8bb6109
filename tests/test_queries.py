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
    shape = q.query_region_counts(small_con).set_index(["level", "kind"])["n"]
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
