"""What each page shows, gathered in one call from the atomic queries in ``queries``.

A page makes one call into the data layer; these bundles are what it gets. They stay
pure (a connection in, dataclasses and DataFrames out) and are cached by ``access``
under the same small parameters (region, unit type, year, grouping).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from xingtu.domain.hierarchy import child_level, region_level
from xingtu.reference import boundaries
from xingtu.store import queries as q
from xingtu.store.versions import SAMPLE_KINDS


@dataclass(frozen=True)
class Overview:
    """The overview of one scope and year: headline numbers, levels, children, extent."""

    scope_level: str
    child_level: str  # city | county | township | village
    summary: dict[str, Any]
    counts: pd.DataFrame
    prev_year: int | None
    prev_summary: dict[str, Any] | None
    prev_counts: pd.DataFrame | None
    children: pd.DataFrame  # region metrics of the child regions (empty at township scope)
    units: pd.DataFrame  # the units themselves at township scope (code, name, lon, lat, level)
    bounds: tuple[float, float, float, float]


def overview_child_level(scope_level: str, by: str) -> str:
    """The grouping under a scope: the province groups by ``by`` (county or city), others one down."""
    return by if scope_level == "province" else child_level(scope_level)


def query_overview(con: duckdb.DuckDBPyConnection, scope: q.Scope, year: int, by: str) -> Overview:
    years = q.query_years(con)
    prev = max((y for y in years if y < year), default=None)
    level = region_level(scope.region)
    child = overview_child_level(level, by)
    if child == "village":
        children = pd.DataFrame()
        units = q.query_unit_levels(con, scope, year)
    else:
        children = q.query_region_metrics(con, scope, year, child)
        units = pd.DataFrame()
    return Overview(
        scope_level=level,
        child_level=child,
        summary=q.query_summary(con, scope, year),
        counts=q.query_level_counts(con, scope, year),
        prev_year=prev,
        prev_summary=q.query_summary(con, scope, prev) if prev else None,
        prev_counts=q.query_level_counts(con, scope, prev) if prev else None,
        children=children,
        units=units,
        bounds=q.query_scope_bounds(con, scope.region),
    )


@dataclass(frozen=True)
class UnitPage:
    """A unit's profile and its township neighbours (for the small map)."""

    profile: q.UnitProfile
    neighbours: pd.DataFrame  # code, name, lon, lat, level of the township's units that year


def query_unit_page(
    con: duckdb.DuckDBPyConnection, code: str, year: int, dims: q.Dimensions | None = None
) -> UnitPage | None:
    profile = q.query_unit_profile(con, code, year, dims=dims)
    if profile is None:
        return None
    neighbours = q.query_unit_levels(con, q.Scope(profile.unit["township_code"]), year)
    return UnitPage(profile, neighbours)


@dataclass(frozen=True)
class Trends:
    """A scope over the years: levels, metrics, this year's monthly progress, targets, movers."""

    child_level: str
    level_trend: pd.DataFrame
    year_metrics: pd.DataFrame
    monthly: pd.DataFrame
    target_vs_result: pd.DataFrame
    child_years: pd.DataFrame  # metrics per child region per year (for movers)


def trends_child_level(scope_level: str) -> str:
    """Targets and movers compare cities at province scope (181 counties do not fit a chart)."""
    return "city" if scope_level == "province" else child_level(scope_level)


def query_trends(con: duckdb.DuckDBPyConnection, scope: q.Scope, year: int, star: str | None) -> Trends:
    child = trends_child_level(region_level(scope.region))
    has_children = child != "village"
    return Trends(
        child_level=child,
        level_trend=q.query_level_trend(con, scope),
        year_metrics=q.query_year_metrics(con, scope),
        monthly=q.query_monthly_progress(con, scope, star=star),
        target_vs_result=q.query_target_vs_result(con, scope, year, child)
        if has_children
        else pd.DataFrame(),
        child_years=q.query_region_year_metrics(con, scope, child) if has_children else pd.DataFrame(),
    )


def query_county_years(con: duckdb.DuckDBPyConnection, region: str, unit_type: q.TypeFilter) -> pd.DataFrame:
    """Metrics per year of every county inside ``region``: the county comparison chart."""
    return q.query_region_year_metrics(con, q.Scope(region, unit_type), "county")


@dataclass(frozen=True)
class Screen:
    """One big-screen view: the overview of a scope plus its years (trend strip, movers)."""

    overview: Overview
    year_metrics: pd.DataFrame  # mean stars and shares per year
    level_trend: pd.DataFrame  # units per level per year
    child_years: pd.DataFrame  # metrics per child region per year (movers)
    five_star: pd.DataFrame  # code, name, lon, lat of the scope's 五星 units (the map's unit layer)


def query_screen(con: duckdb.DuckDBPyConnection, scope: q.Scope, year: int, by: str) -> Screen:
    overview = query_overview(con, scope, year, by)
    child = overview.child_level
    return Screen(
        overview=overview,
        year_metrics=q.query_year_metrics(con, scope),
        level_trend=q.query_level_trend(con, scope),
        child_years=q.query_region_year_metrics(con, scope, child) if child != "village" else pd.DataFrame(),
        five_star=q.query_units_at_level(con, scope, year, 5),
    )


@dataclass(frozen=True)
class Visit:
    """An observation visit's stops (in the order given) with what to see at each."""

    stops: pd.DataFrame  # code, name, township, county, lon, lat, level, unit_type, stars, held
    strengths: pd.DataFrame  # code, star_name, task: tasks met in each stop's best stars
    partners: pd.DataFrame  # code, partner, partner_name, kind


def query_visit(con: duckdb.DuckDBPyConnection, codes: tuple[str, ...], year: int) -> Visit:
    stops = q.query_visit_stops(con, list(codes), year)
    order = {c: i for i, c in enumerate(codes)}
    stops = (
        stops.assign(_o=stops["code"].map(order)).sort_values("_o").drop(columns="_o").reset_index(drop=True)
    )
    return Visit(
        stops=stops,
        strengths=q.query_visit_strengths(con, list(codes), year),
        partners=q.query_visit_partners(con, list(codes)),
    )


WEAK_TABS = ("heat", "tasks", "closest", "weak_lax")


@dataclass(frozen=True)
class WeakAnalysis:
    """One tab of the weak-indicator analysis; only the active tab's frames are filled."""

    tab: str
    child_level: str
    star_fail: pd.DataFrame  # heat: region × star share not held
    task_fail: pd.DataFrame  # heat: region × weakest tasks share failing
    weakest: pd.DataFrame  # tasks: top failing tasks
    units: pd.DataFrame  # closest / weak_lax: unit lists


def query_weak(
    con: duckdb.DuckDBPyConnection,
    scope: q.Scope,
    year: int,
    tab: str,
    star: str | None,
    level: int | None,
) -> WeakAnalysis:
    if tab not in WEAK_TABS:
        raise ValueError(f"分页应为 {WEAK_TABS} 之一，当前为 {tab!r}")
    child = trends_child_level(region_level(scope.region))
    empty = pd.DataFrame()
    star_fail = task_fail = weakest = units = empty
    if tab == "heat" and child != "village":
        star_fail = q.query_region_star_fail(con, scope, year, child)
        task_fail = q.query_region_task_fail(con, scope, year, child, star=star, top=12)
    elif tab == "tasks":
        weakest = q.query_weakest_tasks(con, scope, year, limit=20, star=star)
    elif tab == "closest":
        units = q.query_closest_to_next_star(con, scope, year, limit=200, level=level, star=star)
    elif tab == "weak_lax":
        units = q.query_weak_lax_units(con, scope, year, level=level)
    return WeakAnalysis(tab, child, star_fail, task_fail, weakest, units)


BRIEFING_POINTS = 3000  # a printed city or province map shows a spread sample, not 52k dots
BRIEFING_TASKS = 10
BRIEFING_PROBLEMS = 15


@dataclass(frozen=True)
class Briefing:
    """A one-page briefing (县区简报) of a scope and year: numbers, a map, the years, what to fix.

    Everything a printed page needs, boundaries included, so that building it needs no store.
    """

    region: str
    scope_level: str
    path: list[str]  # names from the province down to the scope
    unit_type: str
    year: int
    prev_year: int | None
    summary: dict[str, Any]
    prev_summary: dict[str, Any] | None
    counts: pd.DataFrame
    prev_counts: pd.DataFrame | None
    year_metrics: pd.DataFrame
    level_trend: pd.DataFrame
    weakest: pd.DataFrame  # the scope's most failed tasks
    overdue: pd.DataFrame  # the head of the scope's overdue list (read with xingtu.views.overdue)
    units: pd.DataFrame  # code, name, lon, lat, level (a spread sample above BRIEFING_POINTS)
    outline: list[boundaries.Ring]  # the scope's polygon, or the one holding it (zone, township)
    inner: list[boundaries.Ring]  # child boundaries: counties of a city, cities of the province
    fit_outline: bool  # frame the map on the outline (the scope's own) or else on the units
    meta: dict[str, str]  # dataset_kind (sample / mixed / …), dataset_name, as_of, version_id


def _briefing_outlines(
    con: duckdb.DuckDBPyConnection, region: dict[str, Any]
) -> tuple[list[boundaries.Ring], list[boundaries.Ring], bool]:
    """Outline, inner lines and whether the outline frames the map, from the committed boundaries
    (the same files the store was built from: they are part of its fingerprint)."""
    province, code, level = region["code"][:2], region["code"], region["level"]

    def rings(layer: str, codes: set[str] | None) -> list[boundaries.Ring]:
        return [r for rs in boundaries.load_rings(province, layer, codes).values() for r in rs]

    if level == "province":
        return rings("province", {code}), rings("cities", None), True
    if level == "city":
        counties = q.query_regions(con, code, "county")
        inner = rings("counties", set(counties.loc[counties["has_polygon"], "code"]))
        return rings("cities", {code}), inner, True
    county = region if level == "county" else q.query_region(con, region["county_code"])
    own = level == "county" and bool(county["has_polygon"])
    if county["has_polygon"]:
        return rings("counties", {county["code"]}), [], own
    return rings("cities", {county["host_code"] or county["city_code"]}), [], False


def query_briefing(con: duckdb.DuckDBPyConnection, scope: q.Scope, year: int) -> Briefing:
    years = q.query_years(con)
    prev = max((y for y in years if y < year), default=None)
    region = q.query_region(con, scope.region)
    summary = q.query_summary(con, scope, year)
    if int(summary["units"] or 0) <= BRIEFING_POINTS:
        units = q.query_unit_levels(con, scope, year)
    else:
        units = q.query_unit_sample(con, scope, year, BRIEFING_POINTS)
    outline, inner, fit = _briefing_outlines(con, region)
    meta = q.query_meta(con)
    if meta.get("dataset_kind") in SAMPLE_KINDS and q.query_sample_share(con, scope, year)[0] == 0:
        meta["dataset_kind"] = "imported"  # the label follows what the page shows, not the whole store
    return Briefing(
        region=scope.region,
        scope_level=region["level"],
        path=q.query_region_path(con, scope.region)["name"].tolist(),
        unit_type=scope.unit_type,
        year=year,
        prev_year=prev,
        summary=summary,
        prev_summary=q.query_summary(con, scope, prev) if prev else None,
        counts=q.query_level_counts(con, scope, year),
        prev_counts=q.query_level_counts(con, scope, prev) if prev else None,
        year_metrics=q.query_year_metrics(con, scope),
        level_trend=q.query_level_trend(con, scope),
        weakest=q.query_weakest_tasks(con, scope, year, limit=BRIEFING_TASKS),
        overdue=q.query_overdue_problems(con, scope, year, limit=BRIEFING_PROBLEMS),
        units=units,
        outline=outline,
        inner=inner,
        fit_outline=fit and bool(outline),
        meta={k: meta.get(k, "") for k in ("dataset_kind", "dataset_name", "as_of", "version_id")},
    )


# the import kinds that touch counties, in the import page's order; pairings and locations carry no year
COVERAGE_KINDS = ("annual", "tasks", "monthly", "problems", "pairings", "locations")
KINDS_WITHOUT_YEAR = ("pairings", "locations")


@dataclass(frozen=True)
class Coverage:
    """What has been imported inside a region (覆盖情况): the staff's list of counties to chase.

    Every county-level unit of the region is a row of ``counties``, imported or not; ``imports``
    holds the latest import per county, kind and year (``import_coverage``); ``annual`` the units
    with annual results per county and year by source (imported / sample).
    """

    years: list[int]  # the dataset's assessment years (columns of the view)
    counties: pd.DataFrame  # code, name, kind, city, units
    imports: pd.DataFrame  # county_code, kind, year, version, created_at, user_name, file_name, rows, units…
    annual: pd.DataFrame  # county_code, year, imported, sample


def query_coverage(con: duckdb.DuckDBPyConnection, region: str) -> Coverage:
    return Coverage(
        years=q.query_campaign_years(con),
        counties=q.query_coverage_counties(con, region),
        imports=q.query_import_coverage(con, region),
        annual=q.query_annual_sources(con, region),
    )
