"""Query functions over the store: the only way pages read data.

Each function takes an open DuckDB connection (or cursor) and small, hashable
parameters — a region code, a unit type, a year — and returns a DataFrame or a small
dataclass. No Streamlit here: ``xingtu.store.access`` caches these at the app boundary.
Region filtering uses the hierarchical NBS codes: every unit of a region starts with
the region's significant digits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

import duckdb
import pandas as pd

from xingtu.domain.hierarchy import REGION_LEVELS, prefix_len, region_level, region_prefix
from xingtu.domain.rating import LEVEL_LABELS, LEVELS_DESC

TypeFilter = Literal["all", "rural", "urban"]
TYPE_FILTERS: tuple[TypeFilter, ...] = ("all", "rural", "urban")
CLOSED = "已销号"
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


def _df(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> pd.DataFrame:
    return con.execute(sql, params).df()


def query_meta(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Dataset metadata (name, kind, years, data date, sources …)."""
    return dict(con.execute("SELECT key, value FROM meta ORDER BY key").fetchall())


def query_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    return [
        int(r[0]) for r in con.execute("SELECT DISTINCT year FROM annual_results ORDER BY year").fetchall()
    ]


def _as_of(con: duckdb.DuckDBPyConnection) -> dt.date:
    row = con.execute("SELECT value FROM meta WHERE key = 'as_of'").fetchone()
    return dt.date.fromisoformat(row[0]) if row else dt.date.today()


def query_regions(con: duckdb.DuckDBPyConnection, parent: str, level: str | None = None) -> pd.DataFrame:
    """Regions inside ``parent`` at ``level`` (default: the level just below), in code order."""
    parent_level = region_level(parent)
    level = level or REGION_LEVELS[REGION_LEVELS.index(parent_level) + 1]
    return _df(
        con,
        """SELECT code, name, level, kind, has_polygon, host_code, units, lon, lat
           FROM regions WHERE level = $level AND prefix(code, $prefix) ORDER BY code""",
        {"level": level, "prefix": region_prefix(parent)},
    )


def query_region_counts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The dataset's shape: regions per level and kind, and units per type (level 'village')."""
    return _df(
        con,
        """SELECT level, kind, count(*)::INTEGER AS n FROM regions GROUP BY ALL
           UNION ALL SELECT 'village', unit_type, count(*)::INTEGER FROM units GROUP BY ALL
           ORDER BY 1, 2""",
        {},
    )


def query_standard_summary(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Tasks and veto items per star and unit type in the latest year's catalogue."""
    return _df(
        con,
        """SELECT s.unit_type, s.ord, s.star_name, s.min_share_met,
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
    """The headline metrics of a scope and year (same definitions as the region table)."""
    df = _df(
        con,
        f"""SELECT {_METRICS}
            FROM annual_results a
            WHERE a.year = $year AND {_in_scope("a")}""",
        {**scope.params, "year": year},
    )
    return df.iloc[0].to_dict()


def query_region_metrics(con: duckdb.DuckDBPyConnection, scope: Scope, year: int, by: str) -> pd.DataFrame:
    """Star-density metrics for every region at level ``by`` inside the scope's region.

    Regions without units in scope are kept with units = 0, so nothing is silently dropped.
    """
    scope_level = region_level(scope.region)
    if REGION_LEVELS.index(by) <= REGION_LEVELS.index(scope_level) or by == "village":
        raise ValueError(f"无法在{scope_level}范围内按{by}分组")
    n = prefix_len(by)
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
    count_cols = [
        "units",
        "five_star",
        "meet_target",
        "below_target",
        "weak_lax",
        "overdue_problems",
        "open_problems",
    ]
    out[count_cols] = out[count_cols].fillna(0).astype("int64")
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


def query_monthly_progress(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Share of tasks met per star and month in the current (monthly) year."""
    return _df(
        con,
        f"""SELECT m.year, m.month, m.star_id, s.star_name, s.ord,
                   sum(m.tasks_met)::BIGINT AS tasks_met, sum(m.tasks_total)::BIGINT AS tasks_total,
                   sum(m.tasks_met) / sum(m.tasks_total) AS share_met
            FROM monthly_progress m JOIN {_STAR_NAMES} s USING (star_id)
            WHERE {_in_scope("m")} GROUP BY ALL ORDER BY m.month, s.ord, m.star_id""",
        scope.params,
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


def query_weakest_tasks(
    con: duckdb.DuckDBPyConnection, scope: Scope, year: int, limit: int = 20
) -> pd.DataFrame:
    """Tasks most often unmet in scope (短板弱项), veto items flagged."""
    return _df(
        con,
        f"""SELECT t.task_id, k.unit_type, k.star_id, s.star_name, k.name AS task_name, k.veto,
                   count(*)::INTEGER AS units, sum((NOT t.met)::INTEGER)::INTEGER AS units_unmet,
                   avg((NOT t.met)::INTEGER) AS share_unmet
            FROM task_results t
            JOIN tasks k ON k.year = t.year AND k.task_id = t.task_id
            JOIN {_STAR_NAMES} s ON s.star_id = k.star_id
            WHERE t.year = $year AND prefix(t.code, $prefix) AND ($utype = 'all' OR k.unit_type = $utype)
            GROUP BY ALL ORDER BY share_unmet DESC, t.task_id LIMIT $limit""",
        {**scope.params, "year": year, "limit": min(int(limit), MAX_LIMIT)},
    )


def query_closest_to_next_star(
    con: duckdb.DuckDBPyConnection, scope: Scope, year: int, limit: int = 50
) -> pd.DataFrame:
    """Units nearest to gaining a star: fewest tasks short, ties broken by fewer veto items.

    For each unit the star not held with the smallest gap is its "next star".
    """
    return _df(
        con,
        f"""WITH s AS (
                SELECT r.code, r.star_id, r.tasks_short, r.veto_unmet,
                       r.tasks_total - r.tasks_met AS unmet_tasks,
                       row_number() OVER (
                           PARTITION BY r.code ORDER BY r.tasks_short, r.veto_unmet, r.star_id) AS rn
                FROM star_results r WHERE r.year = $year AND NOT r.held AND {_in_scope("r")})
            SELECT s.code, u.name, t.name AS township, c.name AS county, a.level, a.target_level,
                   s.star_id, n.star_name, s.tasks_short, s.veto_unmet, s.unmet_tasks
            FROM s JOIN units u USING (code)
            JOIN annual_results a ON a.code = s.code AND a.year = $year
            JOIN regions t ON t.code = u.township_code
            JOIN regions c ON c.code = u.county_code
            JOIN {_STAR_NAMES} n ON n.star_id = s.star_id
            WHERE s.rn = 1
            ORDER BY s.tasks_short, s.veto_unmet, a.level DESC, s.code LIMIT $limit""",
        {**scope.params, "year": year, "limit": min(int(limit), MAX_LIMIT)},
    )


def query_weak_lax_units(con: duckdb.DuckDBPyConnection, scope: Scope, year: int) -> pd.DataFrame:
    """软弱涣散 units of the year in scope."""
    return _df(
        con,
        f"""SELECT u.code, u.name, t.name AS township, c.name AS county, a.level, a.target_level
            FROM annual_results a JOIN units u USING (code)
            JOIN regions t ON t.code = u.township_code JOIN regions c ON c.code = u.county_code
            WHERE a.year = $year AND a.weak_lax AND {_in_scope("a")} ORDER BY u.code LIMIT {MAX_LIMIT}""",
        {**scope.params, "year": year},
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
    problems: pd.DataFrame
    pairings: pd.DataFrame


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

    cols, rows = _rows(con, "SELECT * FROM problems WHERE code = $code", p)
    prob_rows = []
    for r in rows:
        rec = dict(zip(cols, r, strict=True))
        rec["star_name"] = dims.star_info.get((utype, rec["star_id"]), ("", 0))[0]
        rec["task_name"] = dims.task_info.get((int(rec["year"]), rec["task_id"]), ("", "", "", False, 0))[1]
        rec["overdue"] = rec["status"] != CLOSED and rec["deadline"] < dims.as_of
        prob_rows.append(rec)
    prob_rows.sort(key=lambda r: (r["status"] == CLOSED, r["deadline"], r["problem_id"]))
    problems = pd.DataFrame(prob_rows, columns=[*cols, "star_name", "task_name", "overdue"])

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
    return UnitProfile(unit, annual, stars, unmet, problems, pairings)
