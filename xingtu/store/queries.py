"""Query functions over the store: the only way pages read data.

Each function takes an open DuckDB connection (or cursor) and small, hashable
parameters — a region code, a unit type, a year — and returns a DataFrame or a small
dataclass. No Streamlit here: ``xingtu.session.access`` caches these at the app boundary.
Region filtering uses the hierarchical NBS codes: every unit of a region starts with
the region's significant digits.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Literal

import duckdb
import pandas as pd

from xingtu.domain.hierarchy import REGION_LEVELS, child_level, prefix_len, region_level, region_prefix
from xingtu.domain.problems import overdue_order_sql, overdue_sql
from xingtu.domain.rating import LEVEL_LABELS, LEVELS_DESC
from xingtu.domain.standard import Standard, parse_standard

TypeFilter = Literal["all", "rural", "urban"]
TYPE_FILTERS: tuple[TypeFilter, ...] = ("all", "rural", "urban")
MAX_LIMIT = 5000  # no query returns more rows than this to a page


@dataclass(frozen=True)
class Scope:
    """Which units a query covers: a region (12-digit code) and a unit type."""

    region: str
    unit_type: TypeFilter = "all"

    def __post_init__(self) -> None:
        region_level(self.region)  # validates the code
        if self.unit_type not in TYPE_FILTERS:
            raise ValueError(f"单位类型应为 {TYPE_FILTERS} 之一，当前为 {self.unit_type!r}")

    @property
    def params(self) -> dict[str, Any]:
        return {"prefix": region_prefix(self.region), "utype": self.unit_type}


def _in_scope(alias: str) -> str:
    """The WHERE clause every scoped query shares: region prefix and unit type."""
    return f"prefix({alias}.code, $prefix) AND ($utype = 'all' OR {alias}.unit_type = $utype)"


# The star-density metrics, one definition for every grouping (regions, years).
_METRICS = """
    count(*)::INTEGER AS units,
    avg(a.level) AS mean_stars,
    avg((a.level >= 3)::INTEGER) AS share_ge3,
    avg((a.level >= 4)::INTEGER) AS share_ge4,
    sum((a.level = 5)::INTEGER)::INTEGER AS five_star,
    sum((a.level >= a.target_level)::INTEGER)::INTEGER AS meet_target,
    avg((a.level >= a.target_level)::INTEGER) AS share_meet_target,
    sum((a.level < a.target_level)::INTEGER)::INTEGER AS below_target,
    sum(a.weak_lax::INTEGER)::INTEGER AS weak_lax,
    sum(a.overdue_problems)::INTEGER AS overdue_problems,
    sum(a.open_problems)::INTEGER AS open_problems
"""


# The count columns of _METRICS: zero, not missing, for a region with no units in scope.
_COUNT_METRICS = (
    "units",
    "five_star",
    "meet_target",
    "below_target",
    "weak_lax",
    "overdue_problems",
    "open_problems",
)


def _df(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> pd.DataFrame:
    return con.execute(sql, params).df()


def query_meta(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Dataset metadata (name, kind, years, data date, sources …)."""
    return dict(con.execute("SELECT key, value FROM meta ORDER BY key").fetchall())


def query_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """The years to choose from: those with results; with none yet (an empty dataset), the
    campaign years the task catalogue is materialised for, so pages can say what is missing."""
    return query_data_years(con) or query_campaign_years(con)


def query_data_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """The years holding any annual results (none in a dataset nothing was imported into yet)."""
    return [
        int(r[0]) for r in con.execute("SELECT DISTINCT year FROM annual_results ORDER BY year").fetchall()
    ]


def query_campaign_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """The assessment years of the dataset: the task catalogue's years and any year with results."""
    return [
        int(r[0])
        for r in con.execute(
            "SELECT DISTINCT year FROM (SELECT year FROM tasks UNION ALL SELECT year FROM annual_results) "
            "ORDER BY year"
        ).fetchall()
    ]


def _as_of(con: duckdb.DuckDBPyConnection) -> dt.date:
    row = con.execute("SELECT value FROM meta WHERE key = 'as_of'").fetchone()
    return dt.date.fromisoformat(row[0]) if row else dt.date.today()


def query_regions(con: duckdb.DuckDBPyConnection, parent: str, level: str | None = None) -> pd.DataFrame:
    """Regions inside ``parent`` at ``level`` (default: the level just below), in code order."""
    parent_level = region_level(parent)
    level = level or child_level(parent_level)
    return _df(
        con,
        """SELECT code, name, level, kind, has_polygon, host_code, units, lon, lat
           FROM regions WHERE level = $level AND prefix(code, $prefix) ORDER BY code""",
        {"level": level, "prefix": region_prefix(parent)},
    )


def query_region_table(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every region (a few thousand rows): the cascade filter, names and map positions."""
    return _df(
        con,
        """SELECT code, name, level, parent_code, city_code, county_code, kind, has_polygon, host_code,
                  units, lon, lat
           FROM regions ORDER BY code""",
        {},
    )


def query_unit_codes(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """All unit codes: to validate a unit named in a link without a query per check."""
    return frozenset(r[0] for r in con.execute("SELECT code FROM units").fetchall())


def query_scope_bounds(con: duckdb.DuckDBPyConnection, region: str) -> tuple[float, float, float, float]:
    """Extent (min lon, min lat, max lon, max lat) of a region's units, to fit maps to it."""
    row = con.execute(
        "SELECT min(lon), min(lat), max(lon), max(lat) FROM units WHERE prefix(code, $prefix)",
        {"prefix": region_prefix(region)},
    ).fetchone()
    if row is None or row[0] is None:
        raise ValueError(f"地区 {region} 下没有村（社区）")
    return (float(row[0]), float(row[1]), float(row[2]), float(row[3]))


def query_region_counts(con: duckdb.DuckDBPyConnection, region: str) -> pd.DataFrame:
    """The shape of a region: regions inside it per level and kind, and units per type ('village')."""
    return _df(
        con,
        """SELECT level, kind, count(*)::INTEGER AS n FROM regions WHERE prefix(code, $prefix) GROUP BY ALL
           UNION ALL SELECT 'village', unit_type, count(*)::INTEGER FROM units
           WHERE prefix(code, $prefix) GROUP BY ALL
           ORDER BY 1, 2""",
        {"prefix": region_prefix(region)},
    )


def query_standard_summary(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Tasks and veto items per star and unit type in the latest year's catalogue."""
    return _df(
        con,
        """SELECT s.unit_type, s.star_id, s.ord, s.star_name, s.min_share_met,
                  count(k.task_id)::INTEGER AS tasks, sum(k.veto::INTEGER)::INTEGER AS veto_tasks
           FROM stars s JOIN tasks k ON k.star_id = s.star_id AND k.unit_type = s.unit_type
           WHERE k.year = (SELECT max(year) FROM tasks)
           GROUP BY ALL ORDER BY s.unit_type, s.ord""",
        {},
    )


def query_region_path(con: duckdb.DuckDBPyConnection, code: str) -> pd.DataFrame:
    """The region and its ancestors, province first: for breadcrumbs."""
    level = region_level(code)
    codes = [code[: prefix_len(lv)].ljust(12, "0") for lv in REGION_LEVELS[: REGION_LEVELS.index(level) + 1]]
    return _df(
        con,
        "SELECT code, name, level FROM regions WHERE list_contains($codes, code) ORDER BY code",
        {"codes": codes},
    )


def query_level_counts(con: duckdb.DuckDBPyConnection, scope: Scope, year: int) -> pd.DataFrame:
    """Units per star level (五星 … 未评星), all six levels present, with shares."""
    df = _df(
        con,
        f"""SELECT a.level, count(*)::INTEGER AS units
            FROM annual_results a WHERE a.year = $year AND {_in_scope("a")} GROUP BY a.level""",
        {**scope.params, "year": year},
    )
    out = pd.DataFrame({"level": list(LEVELS_DESC)})
    out = out.merge(df, on="level", how="left").fillna({"units": 0})
    out["units"] = out["units"].astype("int64")
    out["label"] = out["level"].map(LEVEL_LABELS)
    total = out["units"].sum()
    out["share"] = out["units"] / total if total else 0.0
    return out[["level", "label", "units", "share"]]


def query_summary(con: duckdb.DuckDBPyConnection, scope: Scope, year: int) -> dict[str, Any]:
    """The headline metrics of a scope and year (same definitions as the region table), with
    ``expected``: the units of the scope's type in the divisions, of which ``units`` have results."""
    df = _df(
        con,
        f"""SELECT {_METRICS}, (SELECT count(*) FROM units a WHERE {_in_scope("a")})::INTEGER AS expected
            FROM annual_results a
            WHERE a.year = $year AND {_in_scope("a")}""",
        {**scope.params, "year": year},
    )
    return df.iloc[0].to_dict()


def query_sample_share(con: duckdb.DuckDBPyConnection, scope: Scope, year: int) -> tuple[int, int]:
    """(generated sample rows, all rows) of the annual results in scope that year: whether what a
    page shows still holds sample data (the 样例数据 label), from ``annual_results.source``."""
    # a version imported before the column existed: its rows came from the sample or an import,
    # which the dataset kind no longer tells apart, so every row counts as sample (labelled)
    source = "a.source" if _has_table(con, "annual_results", "source") else "'sample'"
    row = con.execute(
        f"""SELECT count(*) FILTER (WHERE {source} = 'sample')::INTEGER, count(*)::INTEGER
            FROM annual_results a WHERE a.year = $year AND {_in_scope("a")}""",
        {**scope.params, "year": year},
    ).fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def _group_prefix_len(scope: Scope, by: str) -> int:
    """Validate a grouping level (strictly below the scope's region, not village); its prefix length."""
    scope_level = region_level(scope.region)
    if (
        by not in REGION_LEVELS
        or by == "village"
        or REGION_LEVELS.index(by) <= REGION_LEVELS.index(scope_level)
    ):
        raise ValueError(f"无法在{scope_level}范围内按{by}分组")
    return prefix_len(by)


def query_region_metrics(con: duckdb.DuckDBPyConnection, scope: Scope, year: int, by: str) -> pd.DataFrame:
    """Star-density metrics for every region at level ``by`` inside the scope's region.

    Regions without units in scope are kept with units = 0, so nothing is silently dropped;
    ``expected`` counts the region's units of the scope's type, so a region with units but no
    results (units = 0 < expected) is one not imported yet, not one without units.
    """
    n = _group_prefix_len(scope, by)
    stats = _df(
        con,
        f"""SELECT rpad(left(a.code, {n}), 12, '0') AS code, {_METRICS}
            FROM annual_results a
            WHERE a.year = $year AND {_in_scope("a")}
            GROUP BY 1""",
        {**scope.params, "year": year},
    )
    regions = query_regions(con, scope.region, by)[["code", "name", "kind", "has_polygon", "lon", "lat"]]
    out = regions.merge(stats, on="code", how="left")
    out[list(_COUNT_METRICS)] = out[list(_COUNT_METRICS)].fillna(0).astype("int64")
    expected = _df(
        con,
        f"""SELECT rpad(left(a.code, {n}), 12, '0') AS code, count(*)::INTEGER AS expected
            FROM units a WHERE {_in_scope("a")} GROUP BY 1""",
        scope.params,
    )
    out = out.merge(expected, on="code", how="left")
    out["expected"] = out["expected"].fillna(0).astype("int64")
    return out


def query_year_metrics(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """The same metrics per year: the trend of a scope."""
    return _df(
        con,
        f"""SELECT a.year, {_METRICS}
            FROM annual_results a
            WHERE {_in_scope("a")} GROUP BY a.year ORDER BY a.year""",
        scope.params,
    )


def query_level_trend(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Units per level per year (long form, all levels present)."""
    df = _df(
        con,
        f"""SELECT a.year, a.level, count(*)::INTEGER AS units
            FROM annual_results a WHERE {_in_scope("a")} GROUP BY ALL""",
        scope.params,
    )
    years = sorted(df["year"].unique()) if len(df) else []
    grid = pd.MultiIndex.from_product([years, list(LEVELS_DESC)], names=["year", "level"]).to_frame(
        index=False
    )
    out = grid.merge(df, on=["year", "level"], how="left").fillna({"units": 0})
    out["units"] = out["units"].astype("int64")
    out["label"] = out["level"].map(LEVEL_LABELS)
    out["share"] = out["units"] / out.groupby("year")["units"].transform("sum").replace(0, 1)
    return out


# One name and display order per star id (shared ids such as branch/safety name the same star).
_STAR_NAMES = "(SELECT star_id, min(star_name) AS star_name, min(ord) AS ord FROM stars GROUP BY star_id)"


def query_monthly_progress(
    con: duckdb.DuckDBPyConnection, scope: Scope, star: str | None = None
) -> pd.DataFrame:
    """Share of tasks met per star and month in the current (monthly) year; ``star`` keeps one star."""
    return _df(
        con,
        f"""SELECT m.year, m.month, m.star_id, s.star_name, s.ord,
                   sum(m.tasks_met)::BIGINT AS tasks_met, sum(m.tasks_total)::BIGINT AS tasks_total,
                   sum(m.tasks_met) / sum(m.tasks_total) AS share_met
            FROM monthly_progress m JOIN {_STAR_NAMES} s USING (star_id)
            WHERE {_in_scope("m")} AND ($star IS NULL OR m.star_id = $star)
            GROUP BY ALL ORDER BY m.month, s.ord, m.star_id""",
        {**scope.params, "star": star},
    )


def query_star_shares(con: duckdb.DuckDBPyConnection, scope: Scope, year: int) -> pd.DataFrame:
    """Per star: units assessed, units holding it, share of tasks met."""
    return _df(
        con,
        f"""SELECT r.star_id, s.star_name, s.ord, count(*)::INTEGER AS units,
                   sum(r.held::INTEGER)::INTEGER AS held, avg(r.held::INTEGER) AS share_held,
                   sum(r.tasks_met) / sum(r.tasks_total) AS share_tasks_met
            FROM star_results r JOIN {_STAR_NAMES} s USING (star_id)
            WHERE r.year = $year AND {_in_scope("r")} GROUP BY ALL ORDER BY s.ord, r.star_id""",
        {**scope.params, "year": year},
    )


def _in_scope_townships(alias: str) -> str:
    """The scope filter on ``task_unmet``: every region's prefix is a prefix of its townships."""
    return f"prefix({alias}.township_code, $prefix) AND ($utype = 'all' OR {alias}.unit_type = $utype)"


def query_weakest_tasks(
    con: duckdb.DuckDBPyConnection, scope: Scope, year: int, limit: int = 20, star: str | None = None
) -> pd.DataFrame:
    """Tasks most often unmet in scope (短板弱项), veto items flagged; ``star`` keeps one star's tasks.

    Reads the per-township pre-aggregate ``task_unmet``, not the ~5M task rows of a year.
    """
    return _df(
        con,
        f"""SELECT t.task_id, k.unit_type, k.star_id, s.star_name, k.name AS task_name, k.veto,
                   sum(t.units)::INTEGER AS units, sum(t.unmet)::INTEGER AS units_unmet,
                   sum(t.unmet) / sum(t.units) AS share_unmet
            FROM task_unmet t
            JOIN tasks k ON k.year = t.year AND k.task_id = t.task_id
            JOIN {_STAR_NAMES} s ON s.star_id = k.star_id
            WHERE t.year = $year AND {_in_scope_townships("t")} AND ($star IS NULL OR k.star_id = $star)
            GROUP BY ALL ORDER BY share_unmet DESC, t.task_id LIMIT $limit""",
        {**scope.params, "year": year, "limit": min(int(limit), MAX_LIMIT), "star": star},
    )


def _check_level(level: int | None) -> int | None:
    if level is None:
        return None
    if isinstance(level, bool) or int(level) != level or not 0 <= level <= 5:
        raise ValueError(f"星级应为 0–5 的整数，当前为 {level!r}")
    return int(level)


def query_closest_to_next_star(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    year: int,
    limit: int = 50,
    level: int | None = None,
    star: str | None = None,
) -> pd.DataFrame:
    """Units nearest to gaining a star: fewest tasks short, ties broken by fewer veto items.

    For each unit the star not held with the smallest gap is its "next star". ``level`` keeps
    units assessed at that level in ``year`` (e.g. 三星 units closest to 四星); ``star`` considers
    only that star, so the list answers "who is closest to this star" among units not holding it.
    """
    return _df(
        con,
        f"""WITH s AS (
                SELECT r.code, r.star_id, r.tasks_short, r.veto_unmet,
                       r.tasks_total - r.tasks_met AS unmet_tasks,
                       row_number() OVER (
                           PARTITION BY r.code ORDER BY r.tasks_short, r.veto_unmet, r.star_id) AS rn
                FROM star_results r
                WHERE r.year = $year AND NOT r.held AND {_in_scope("r")}
                  AND ($star IS NULL OR r.star_id = $star))
            SELECT s.code, u.name, t.name AS township, c.name AS county, a.level, a.target_level,
                   s.star_id, n.star_name, s.tasks_short, s.veto_unmet, s.unmet_tasks
            FROM s JOIN units u USING (code)
            JOIN annual_results a ON a.code = s.code AND a.year = $year
            JOIN regions t ON t.code = u.township_code
            JOIN regions c ON c.code = u.county_code
            JOIN {_STAR_NAMES} n ON n.star_id = s.star_id
            WHERE s.rn = 1 AND ($level IS NULL OR a.level = $level)
            ORDER BY s.tasks_short, s.veto_unmet, a.level DESC, s.code LIMIT $limit""",
        {
            **scope.params,
            "year": year,
            "limit": min(int(limit), MAX_LIMIT),
            "level": _check_level(level),
            "star": star,
        },
    )


def query_unit_levels(con: duckdb.DuckDBPyConnection, scope: Scope, year: int) -> pd.DataFrame:
    """Units in scope with their position and level that year (maps of a township's units)."""
    return _df(
        con,
        f"""SELECT a.code, u.name, u.lon, u.lat, a.level
            FROM annual_results a JOIN units u USING (code)
            WHERE a.year = $year AND {_in_scope("a")} ORDER BY a.code LIMIT {MAX_LIMIT}""",
        {**scope.params, "year": year},
    )


def query_units_at_level(con: duckdb.DuckDBPyConnection, scope: Scope, year: int, level: int) -> pd.DataFrame:
    """Units in scope at one level that year, with position (the big screen's 五星 layer)."""
    return _df(
        con,
        f"""SELECT a.code, u.name, u.lon, u.lat
            FROM annual_results a JOIN units u USING (code)
            WHERE a.year = $year AND a.level = $level AND {_in_scope("a")}
            ORDER BY a.code LIMIT 20000""",
        {**scope.params, "year": year, "level": level},
    )


VISIT_CRITERIA = ("five_star", "industry", "turnaround")


def query_visit_candidates(
    con: duckdb.DuckDBPyConnection, scope: Scope, year: int, criterion: str, limit: int
) -> pd.DataFrame:
    """Units worth a visit by a criterion: 五星 units; 四星+ units holding the industry star
    (产业兴旺 / 宜业兴业); units once flagged 软弱涣散 that now hold three stars or more."""
    if criterion not in VISIT_CRITERIA:
        raise ValueError(f"观摩条件应为 {VISIT_CRITERIA} 之一")
    where = {
        "five_star": "a.level = 5",
        "industry": """a.level >= 4 AND EXISTS (SELECT 1 FROM star_results s WHERE s.code = a.code
                       AND s.year = a.year AND s.star_id IN ('industry', 'business') AND s.held)""",
        "turnaround": """a.level >= 3 AND NOT a.weak_lax AND EXISTS (SELECT 1 FROM annual_results b
                         WHERE b.code = a.code AND b.year < a.year AND b.weak_lax)""",
    }[criterion]
    return _df(
        con,
        f"""SELECT a.code, u.name, t.name AS township, a.level, u.lon, u.lat
            FROM annual_results a JOIN units u USING (code) LEFT JOIN regions t ON t.code = u.township_code
            WHERE a.year = $year AND {_in_scope("a")} AND {where}
            ORDER BY a.level DESC, a.code LIMIT {int(limit)}""",
        {**scope.params, "year": year},
    )


def query_visit_stops(con: duckdb.DuckDBPyConnection, codes: list[str], year: int) -> pd.DataFrame:
    """The stops of a visit: where they are, their level and which stars they hold that year."""
    if not codes:
        return pd.DataFrame(
            columns=[
                "code",
                "name",
                "township",
                "county",
                "lon",
                "lat",
                "level",
                "unit_type",
                "stars",
                "held",
            ]
        )
    return _df(
        con,
        """SELECT u.code, u.name, t.name AS township, c.name AS county, u.lon, u.lat,
                  coalesce(a.level, 0) AS level, u.unit_type,
                  list(st.star_name ORDER BY st.ord) FILTER (WHERE st.star_name IS NOT NULL) AS stars,
                  list(coalesce(s.held, FALSE) ORDER BY st.ord)
                    FILTER (WHERE st.star_name IS NOT NULL) AS held
           FROM units u
           LEFT JOIN annual_results a ON a.code = u.code AND a.year = $year
           LEFT JOIN regions t ON t.code = u.township_code
           LEFT JOIN regions c ON c.code = u.county_code
           LEFT JOIN stars st ON st.unit_type = u.unit_type
           LEFT JOIN star_results s ON s.code = u.code AND s.year = $year AND s.star_id = st.star_id
           WHERE u.code IN (SELECT unnest($codes))
           GROUP BY ALL""",
        {"codes": codes, "year": year},
    )


def query_visit_strengths(con: duckdb.DuckDBPyConnection, codes: list[str], year: int) -> pd.DataFrame:
    """What each stop is strong at: tasks met in its two best stars (by share of tasks met)."""
    if not codes:
        return pd.DataFrame(columns=["code", "star_name", "task"])
    return _df(
        con,
        """WITH best AS (
             SELECT s.code, s.star_id, st.star_name,
                    row_number() OVER (
                      PARTITION BY s.code ORDER BY s.tasks_met / s.tasks_total DESC, st.ord) AS r
             FROM star_results s JOIN stars st ON st.unit_type = s.unit_type AND st.star_id = s.star_id
             WHERE s.year = $year AND s.code IN (SELECT unnest($codes)) AND s.held)
           SELECT b.code, b.star_name, k.name AS task
           FROM best b JOIN task_results r ON r.code = b.code AND r.year = $year AND r.met
           JOIN tasks k ON k.year = r.year AND k.task_id = r.task_id AND k.star_id = b.star_id
           WHERE b.r <= 2
           QUALIFY row_number() OVER (PARTITION BY b.code, b.star_id ORDER BY k.veto DESC, k.ord) <= 3
           ORDER BY b.code, b.r, k.ord""",
        {"codes": codes, "year": year},
    )


def query_visit_partners(con: duckdb.DuckDBPyConnection, codes: list[str]) -> pd.DataFrame:
    """Strong–weak pairings (支部联建) of the stops: code, partner code and name, kind."""
    if not codes:
        return pd.DataFrame(columns=["code", "partner", "partner_name", "kind"])
    return _df(
        con,
        """SELECT p.code, p.partner, u.name AS partner_name, p.kind FROM (
             SELECT strong_code AS code, weak_code AS partner, kind FROM pairings
             UNION ALL SELECT weak_code, strong_code, kind FROM pairings) p
           JOIN units u ON u.code = p.partner
           WHERE p.code IN (SELECT unnest($codes)) ORDER BY p.code, p.partner""",
        {"codes": codes},
    )


def query_weak_lax_units(
    con: duckdb.DuckDBPyConnection, scope: Scope, year: int, level: int | None = None
) -> pd.DataFrame:
    """软弱涣散 units of the year in scope; ``level`` keeps units assessed at that level."""
    return _df(
        con,
        f"""SELECT u.code, u.name, t.name AS township, c.name AS county, a.level, a.target_level
            FROM annual_results a JOIN units u USING (code)
            JOIN regions t ON t.code = u.township_code JOIN regions c ON c.code = u.county_code
            WHERE a.year = $year AND a.weak_lax AND {_in_scope("a")} AND ($level IS NULL OR a.level = $level)
            ORDER BY u.code LIMIT {MAX_LIMIT}""",
        {**scope.params, "year": year, "level": _check_level(level)},
    )


@dataclass(frozen=True)
class Dimensions:
    """The small lookup tables (a few thousand rows), loaded once per store and reused.

    A profile is a handful of indexed point lookups; names come from these dicts in
    memory, because joining or merging even small tables costs more than the lookups.
    """

    region_names: dict[str, str]
    star_info: dict[tuple[str, str], tuple[str, int]]  # (unit_type, star_id) -> (name, ord)
    task_info: dict[
        tuple[int, str], tuple[str, str, str, bool, int]
    ]  # (year, id) -> star, name, desc, veto, ord
    as_of: dt.date


def query_dimensions(con: duckdb.DuckDBPyConnection) -> Dimensions:
    stars = con.execute("SELECT unit_type, star_id, star_name, ord FROM stars").fetchall()
    tasks = con.execute("SELECT year, task_id, star_id, name, description, veto, ord FROM tasks").fetchall()
    return Dimensions(
        region_names=dict(con.execute("SELECT code, name FROM regions").fetchall()),
        star_info={(t, s): (n, o) for t, s, n, o in stars},
        task_info={(int(y), i): (s, n, d, bool(v), o) for y, i, s, n, d, v, o in tasks},
        as_of=_as_of(con),
    )


@dataclass(frozen=True)
class UnitProfile:
    """Everything the village drill-down shows about one unit."""

    unit: dict[str, Any]
    annual: pd.DataFrame
    stars: pd.DataFrame
    unmet_tasks: pd.DataFrame
    problems: pd.DataFrame  # the unit's 问题清单, as stored (the ledger view orders and marks them)
    pairings: pd.DataFrame
    as_of: dt.date | None = None  # the data date: which open items are overdue


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> tuple[list[str], list[tuple]]:
    cur = con.execute(sql, params)
    rows = cur.fetchall()
    return [d[0] for d in cur.description], rows


def query_unit_profile(
    con: duckdb.DuckDBPyConnection, code: str, year: int | None = None, dims: Dimensions | None = None
) -> UnitProfile | None:
    """One unit's full profile for ``year`` (default: its latest year); None if unknown."""
    dims = dims or query_dimensions(con)
    p = {"code": code}
    cols, rows = _rows(con, "SELECT * FROM units WHERE code = $code", p)
    if not rows:
        return None
    unit = dict(zip(cols, rows[0], strict=True))
    for key in ("township", "county", "city"):
        unit[key] = dims.region_names.get(unit[f"{key}_code"], "")
    utype = unit["unit_type"]

    cols, rows = _rows(
        con,
        "SELECT year, target_level, level, weak_lax, open_problems, overdue_problems "
        "FROM annual_results WHERE code = $code ORDER BY year",
        p,
    )
    annual = pd.DataFrame(rows, columns=cols)
    if year is None:
        year = int(annual["year"].max())

    cols, rows = _rows(
        con,
        "SELECT year, star_id, held, tasks_met, tasks_total, required, veto_unmet, tasks_short "
        "FROM star_results WHERE code = $code",
        p,
    )
    star_rows = []
    for r in rows:
        name, order = dims.star_info[(utype, r[1])]
        star_rows.append((*r, name, order, r[3] / r[4]))
    star_rows.sort(key=lambda r: (r[0], r[-2]))
    stars = pd.DataFrame(star_rows, columns=[*cols, "star_name", "ord", "share_met"])

    _, rows = _rows(
        con,
        "SELECT task_id FROM task_results WHERE code = $code AND year = $year AND NOT met",
        {**p, "year": year},
    )
    unmet_rows = []
    for (task_id,) in rows:
        star_id, task_name, desc, veto, order = dims.task_info[(year, task_id)]
        star_name, star_ord = dims.star_info[(utype, star_id)]
        unmet_rows.append((task_id, star_id, star_name, star_ord, task_name, desc, veto, order))
    unmet_rows.sort(key=lambda r: (r[3], not r[6], r[7]))
    unmet = pd.DataFrame(
        [r[:7] for r in unmet_rows],
        columns=["task_id", "star_id", "star_name", "star_ord", "task_name", "description", "veto"],
    )

    cols, rows = _rows(con, "SELECT * FROM problems WHERE code = $code ORDER BY problem_id", p)
    prob_rows = []
    for r in rows:
        rec = dict(zip(cols, r, strict=True))
        rec["star_name"] = dims.star_info.get((utype, rec["star_id"]), ("", 0))[0]
        rec["task_name"] = dims.task_info.get((int(rec["year"]), rec["task_id"]), ("", "", "", False, 0))[1]
        prob_rows.append(rec)
    problems = pd.DataFrame(prob_rows, columns=[*cols, "star_name", "task_name"])

    _, rows = _rows(
        con,
        """SELECT p.weak_code, u.name, '帮带', p.kind, p.since
           FROM pairings p JOIN units u ON u.code = p.weak_code WHERE p.strong_code = $code
           UNION ALL
           SELECT p.strong_code, u.name, '受帮带', p.kind, p.since
           FROM pairings p JOIN units u ON u.code = p.strong_code WHERE p.weak_code = $code
           ORDER BY 1""",
        p,
    )
    pairings = pd.DataFrame(rows, columns=["partner_code", "partner_name", "role", "kind", "since"])
    return UnitProfile(unit, annual, stars, unmet, problems, pairings, dims.as_of)


# --- Region × star / task / year grids, target vs result, unit index -------------------------


def _check_grid(rows: int) -> None:
    """Long-form grids go to charts whole, so they obey MAX_LIMIT by refusing, not truncating."""
    if rows > MAX_LIMIT:
        raise ValueError(f"分组过细：结果将有 {rows} 行（上限 {MAX_LIMIT}），请按更高一级分组或缩小范围")


def _scope_stars(con: duckdb.DuckDBPyConnection, unit_type: TypeFilter) -> pd.DataFrame:
    """The stars of the scope's unit type(s), one name and order per star id."""
    return _df(
        con,
        """SELECT star_id, min(star_name) AS star_name, min(ord) AS ord FROM stars
           WHERE $utype = 'all' OR unit_type = $utype GROUP BY star_id ORDER BY ord, star_id""",
        {"utype": unit_type},
    )


def _grid(regions: pd.DataFrame, other: pd.DataFrame) -> pd.DataFrame:
    """Every region × every row of ``other``, regions in code order."""
    _check_grid(len(regions) * len(other))
    return regions.merge(other, how="cross")


def query_region_star_fail(con: duckdb.DuckDBPyConnection, scope: Scope, year: int, by: str) -> pd.DataFrame:
    """Per child region and star: units assessed, units not holding it, and that share.

    Long form (region × star of the scope's unit types) for heatmaps of where each star is
    missing. Regions or stars with no units in scope are kept with units = 0 and share NaN.
    """
    n = _group_prefix_len(scope, by)
    stats = _df(
        con,
        f"""SELECT rpad(left(r.code, {n}), 12, '0') AS code, r.star_id, count(*)::INTEGER AS units,
                   count(*) FILTER (WHERE NOT r.held)::INTEGER AS not_held
            FROM star_results r WHERE r.year = $year AND {_in_scope("r")} GROUP BY ALL""",
        {**scope.params, "year": year},
    )
    regions = query_regions(con, scope.region, by)[["code", "name"]]
    out = _grid(regions, _scope_stars(con, scope.unit_type)).merge(stats, on=["code", "star_id"], how="left")
    out[["units", "not_held"]] = out[["units", "not_held"]].fillna(0).astype("int64")
    out["share_not_held"] = out["not_held"] / out["units"].where(out["units"] > 0)
    return out.reset_index(drop=True)


def query_region_task_fail(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    year: int,
    by: str,
    star: str | None = None,
    top: int = 15,
) -> pd.DataFrame:
    """Per child region, the share of units failing each of the scope's ``top`` weakest tasks.

    The tasks are those with the highest failing share over the whole scope (optionally only
    ``star``'s), ranked 1… in ``rank``; ``top`` is reduced so the grid stays within MAX_LIMIT rows.
    Regions with no units of a task's type are kept with units = 0 and share NaN.
    """
    n = _group_prefix_len(scope, by)
    regions = query_regions(con, scope.region, by)[["code", "name"]]
    top = max(1, min(int(top), MAX_LIMIT // max(len(regions), 1)))
    tasks = query_weakest_tasks(con, scope, year, limit=top, star=star)
    tasks = tasks[["task_id", "task_name", "star_id", "star_name", "unit_type", "veto"]].assign(
        rank=range(1, len(tasks) + 1)
    )
    stats = _df(
        con,
        f"""SELECT rpad(left(t.township_code, {n}), 12, '0') AS code, t.task_id,
                   sum(t.units)::INTEGER AS units, sum(t.unmet)::INTEGER AS unmet
            FROM task_unmet t
            WHERE t.year = $year AND {_in_scope_townships("t")} AND list_contains($tasks, t.task_id)
            GROUP BY ALL""",
        {**scope.params, "year": year, "tasks": list(tasks["task_id"])},
    )
    out = _grid(regions, tasks).merge(stats, on=["code", "task_id"], how="left")
    out[["units", "unmet"]] = out[["units", "unmet"]].fillna(0).astype("int64")
    out["share_unmet"] = out["unmet"] / out["units"].where(out["units"] > 0)
    return out.sort_values(["code", "rank"]).reset_index(drop=True)


def query_region_year_metrics(con: duckdb.DuckDBPyConnection, scope: Scope, by: str) -> pd.DataFrame:
    """The star-density metrics per child region and year (long form): trends and biggest movers.

    Every region × year is present; regions with no units in scope have units = 0.
    """
    n = _group_prefix_len(scope, by)
    stats = _df(
        con,
        f"""SELECT rpad(left(a.code, {n}), 12, '0') AS code, a.year, {_METRICS}
            FROM annual_results a WHERE {_in_scope("a")} GROUP BY 1, 2""",
        scope.params,
    )
    regions = query_regions(con, scope.region, by)[["code", "name", "kind"]]
    years = pd.DataFrame({"year": query_years(con)})
    out = _grid(regions, years).merge(stats, on=["code", "year"], how="left")
    out[list(_COUNT_METRICS)] = out[list(_COUNT_METRICS)].fillna(0).astype("int64")
    return out.reset_index(drop=True)


def query_target_vs_result(con: duckdb.DuckDBPyConnection, scope: Scope, year: int, by: str) -> pd.DataFrame:
    """Per child region: 创建目标 against 评定结果 — mean levels, share meeting target, and
    how many units aimed at / reached 三星+, 四星+ and 五星."""
    n = _group_prefix_len(scope, by)
    stats = _df(
        con,
        f"""SELECT rpad(left(a.code, {n}), 12, '0') AS code, count(*)::INTEGER AS units,
                   avg(a.target_level) AS mean_target, avg(a.level) AS mean_level,
                   count(*) FILTER (WHERE a.level >= a.target_level)::INTEGER AS meet_target,
                   avg((a.level >= a.target_level)::INTEGER) AS share_meet_target,
                   count(*) FILTER (WHERE a.target_level >= 3)::INTEGER AS target_ge3,
                   count(*) FILTER (WHERE a.level >= 3)::INTEGER AS result_ge3,
                   count(*) FILTER (WHERE a.target_level >= 4)::INTEGER AS target_ge4,
                   count(*) FILTER (WHERE a.level >= 4)::INTEGER AS result_ge4,
                   count(*) FILTER (WHERE a.target_level = 5)::INTEGER AS target_5,
                   count(*) FILTER (WHERE a.level = 5)::INTEGER AS result_5
            FROM annual_results a WHERE a.year = $year AND {_in_scope("a")} GROUP BY 1""",
        {**scope.params, "year": year},
    )
    regions = query_regions(con, scope.region, by)[["code", "name", "kind"]]
    out = regions.merge(stats, on="code", how="left")
    counts = ["units", "meet_target", "target_ge3", "result_ge3", "target_ge4", "result_ge4"]
    counts += ["target_5", "result_5"]
    out[counts] = out[counts].fillna(0).astype("int64")
    return out


def query_unit_index(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every unit with its region names: the corpus of the unit search (one scan, ~52k rows)."""
    return _df(
        con,
        """SELECT u.code, u.name, u.full_name, u.unit_type,
                  u.township_code, coalesce(t.name, '') AS township,
                  u.county_code, coalesce(c.name, '') AS county,
                  u.city_code, coalesce(y.name, '') AS city
           FROM units u
           LEFT JOIN regions t ON t.code = u.township_code
           LEFT JOIN regions c ON c.code = u.county_code
           LEFT JOIN regions y ON y.code = u.city_code
           ORDER BY u.code""",
        {},
    )


# --- The county briefing (县区简报) -----------------------------------------------------------


def query_region(con: duckdb.DuckDBPyConnection, code: str) -> dict[str, Any]:
    """One region's row (name, level, kind, polygon, host): which outline a printed map draws."""
    cols, rows = _rows(
        con,
        """SELECT code, name, level, kind, has_polygon, host_code, city_code, county_code
           FROM regions WHERE code = $code""",
        {"code": code},
    )
    if not rows:
        raise ValueError(f"没有地区 {code}")
    return dict(zip(cols, rows[0], strict=True))


def query_unit_sample(con: duckdb.DuckDBPyConnection, scope: Scope, year: int, n: int) -> pd.DataFrame:
    """Up to ``n`` units in scope with position and level, spread evenly over the scope.

    Ordered by a hash of the code, not the code itself: the first ``n`` codes would all lie
    in the first counties. A printed map of a city or the province needs no 52k points.
    """
    return _df(
        con,
        f"""SELECT a.code, u.name, u.lon, u.lat, a.level
            FROM annual_results a JOIN units u USING (code)
            WHERE a.year = $year AND {_in_scope("a")} ORDER BY hash(a.code), a.code LIMIT $n""",
        {**scope.params, "year": year, "n": min(int(n), MAX_LIMIT)},
    )


def query_overdue_problems(
    con: duckdb.DuckDBPyConnection, scope: Scope, year: int, limit: int = 15
) -> pd.DataFrame:
    """Open 问题清单 items of ``year`` past their deadline on the data date, longest overdue first,
    with the unit, its township, the star and the helping unit: the first ``limit`` items of the
    scope's overdue list (``xingtu.views.overdue.compute_overdue`` gives the list and its days).

    The same items ``annual_results.overdue_problems`` counts (status not 销号, deadline before
    ``meta.as_of``), so the list and the headline number agree; cut in the list's order
    (``xingtu.domain.problems.OVERDUE_ORDER``), so the cut is the list's head.
    """
    return _df(
        con,
        f"""SELECT p.code, p.problem_id, u.name, t.name AS township, p.problem, s.star_name, p.helper,
                   p.deadline, p.status
            FROM problems p JOIN units u USING (code)
            JOIN regions t ON t.code = u.township_code
            LEFT JOIN stars s ON s.unit_type = u.unit_type AND s.star_id = p.star_id
            WHERE p.year = $year AND {overdue_sql("p")} AND {_in_scope("u")}
            ORDER BY {overdue_order_sql("p")} LIMIT $limit""",
        {**scope.params, "year": year, "as_of": _as_of(con), "limit": min(int(limit), MAX_LIMIT)},
    )


def query_standards(con: duckdb.DuckDBPyConnection) -> dict[int, Standard]:
    """The catalogues the store holds, keyed by the year each takes effect (``standard_docs``).

    Pick the one in force with ``xingtu.domain.standard.standard_for_year``. When a year has
    several documents (a catalogue imported over the one built in), the latest version wins.
    A store written before ``standard_docs`` existed is read back from its ``tasks`` table,
    with the rule it could express then (every veto task required, the star's share).
    """
    has_docs = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'standard_docs'"
    ).fetchone()[0]
    if has_docs:
        rows = con.execute(
            "SELECT effective_from, source, doc FROM standard_docs ORDER BY effective_from, version"
        ).fetchall()
        docs = {int(year): (source, json.loads(doc)) for year, source, doc in rows}
        return {year: parse_standard(doc, source) for year, (source, doc) in docs.items()}
    stars = con.execute("SELECT unit_type, star_id, star_name, min_share_met FROM stars ORDER BY ord").df()
    tasks = _df(con, "SELECT * FROM tasks ORDER BY year, ord", {})
    out: dict[int, Standard] = {}
    previous: Any = None
    for year, block in tasks.groupby("year", sort=True):
        types = {
            utype: {
                "stars": [
                    {
                        "id": star.star_id,
                        "name": star.star_name,
                        "tasks": _task_docs(block, utype, star.star_id),
                    }
                    for star in stars[stars["unit_type"] == utype].itertuples()
                ]
            }
            for utype in ("rural", "urban")
        }
        if types != previous:
            previous = types
            shares = zip(stars["star_id"], stars["min_share_met"], strict=True)
            overrides = {sid: {"min_share_met": float(v)} for sid, v in shares}
            rule = {"veto_required": True, "overrides": overrides}
            doc = {"name": "任务清单", "effective_from": int(year), "rule": rule, "types": types}
            out[int(year)] = parse_standard(doc, "tasks")
    return out


def _task_docs(tasks: pd.DataFrame, unit_type: str, star_id: str) -> list[dict[str, Any]]:
    rows = tasks[(tasks["unit_type"] == unit_type) & (tasks["star_id"] == star_id)]
    return [
        {"id": r.task_id, "name": r.name, "description": r.description, "veto": bool(r.veto)}
        for r in rows.itertuples()
    ]


# --- Import coverage (覆盖情况): what has been imported, per county, year and kind -------------


def _has_table(con: duckdb.DuckDBPyConnection, table: str, column: str | None = None) -> bool:
    """Whether the store has a table (and column): a version imported before they existed has not."""
    row = con.execute(
        """SELECT count(*) FROM information_schema.columns
           WHERE table_name = $table AND ($column IS NULL OR column_name = $column)""",
        {"table": table, "column": column},
    ).fetchone()
    return bool(row and row[0])


def _county_prefix(region: str) -> str:
    """The prefix of the counties a coverage query lists: the region's, or its county's below that."""
    county = region if region_level(region) in ("province", "city") else region[:6].ljust(12, "0")
    return region_prefix(county)


def query_coverage_counties(con: duckdb.DuckDBPyConnection, region: str) -> pd.DataFrame:
    """The county-level units inside ``region`` (or the county holding it) with their city and unit
    counts: the rows of the coverage view, so a county nothing was imported for is still listed."""
    return _df(
        con,
        """SELECT r.code, r.name, r.kind, coalesce(c.name, '') AS city, r.units
           FROM regions r LEFT JOIN regions c ON c.code = r.city_code
           WHERE r.level = 'county' AND prefix(r.code, $prefix) ORDER BY r.code""",
        {"prefix": _county_prefix(region)},
    )


_COVERAGE_COLUMNS = [
    "county_code",
    "kind",
    "year",
    "version",
    "created_at",
    "user_name",
    "file_name",
    "rows",
    "units",
    "imports",
]


def query_import_coverage(con: duckdb.DuckDBPyConnection, region: str) -> pd.DataFrame:
    """Per county, kind and year an import touched: the latest import (version, when, who, file,
    rows, units) and how many imports touched it. Year is NULL for kinds without a year."""
    if not _has_table(con, "import_coverage"):
        return pd.DataFrame(columns=_COVERAGE_COLUMNS)
    return _df(
        con,
        """SELECT county_code, kind, year, version, created_at, user_name, file_name, rows, units,
                  count(*) OVER (PARTITION BY county_code, kind, year)::INTEGER AS imports
           FROM import_coverage WHERE prefix(county_code, $prefix)
           QUALIFY row_number() OVER (PARTITION BY county_code, kind, year ORDER BY version DESC) = 1
           ORDER BY county_code, kind, year""",
        {"prefix": _county_prefix(region)},
    )


def query_annual_sources(con: duckdb.DuckDBPyConnection, region: str) -> pd.DataFrame:
    """Per county and year: units with annual results, from an import and generated (sample)."""
    source = "a.source" if _has_table(con, "annual_results", "source") else "'sample'"
    return _df(
        con,
        f"""SELECT rpad(left(a.code, 6), 12, '0') AS county_code, a.year::INTEGER AS year,
                   count(*) FILTER (WHERE {source} = 'imported')::INTEGER AS imported,
                   count(*) FILTER (WHERE {source} = 'sample')::INTEGER AS sample
            FROM annual_results a WHERE prefix(a.code, $prefix) GROUP BY ALL ORDER BY 1, 2""",
        {"prefix": _county_prefix(region)},
    )


@dataclass(frozen=True)
class PlanInputs:
    """What the planner reads for a scope and year: the units (level now, recorded target), the
    tasks each has met, and each task's share of units that met it the year before in the scope."""

    units: pd.DataFrame  # code, name, township_code, unit_type, level, target_level (code order)
    met: pd.DataFrame  # code, task_id: the tasks met that year
    shares: dict[str, float]  # task_id -> share of units in scope that met it the year before
    prev_year: int | None


def query_plan_inputs(con: duckdb.DuckDBPyConnection, scope: Scope, year: int) -> PlanInputs:
    params = {**scope.params, "year": int(year)}
    units = _df(
        con,
        f"""SELECT a.code, u.name, u.township_code::VARCHAR AS township_code, a.unit_type, a.level::INTEGER AS level,
                   a.target_level::INTEGER AS target_level
            FROM annual_results a JOIN units u USING (code)
            WHERE a.year = $year AND {_in_scope("a")} ORDER BY a.code""",
        params,
    )
    met = _df(
        con,
        f"""SELECT t.code, t.task_id FROM task_results t JOIN annual_results a USING (code, year)
            WHERE t.year = $year AND t.met AND {_in_scope("a")} ORDER BY t.code""",
        params,
    )
    prev = max((y for y in query_data_years(con) if y < int(year)), default=None)
    shares: dict[str, float] = {}
    if prev is not None:
        rows = con.execute(
            """SELECT task_id, 1 - sum(unmet) / sum(units) FROM task_unmet
               WHERE year = $prev AND prefix(township_code, $prefix) AND ($utype = 'all' OR unit_type = $utype)
               GROUP BY task_id HAVING sum(units) > 0""",
            {**scope.params, "prev": prev},
        ).fetchall()
        shares = {str(task): float(share) for task, share in rows}
    return PlanInputs(units, met, shares, prev)
