"""Write a checked import into a store: one SQL block per kind, inside the caller's transaction.

Rows are keyed as the tables are (docs/data-model.md), so an import replaces what it names
and leaves everything else. The ledger is the exception: a file's ledger for a unit and year
replaces that unit's whole ledger of that year, since 台账 are kept whole, not as edits.
Derived columns are recomputed for what changed: star statistics after task results, the
per-township ``task_unmet`` aggregate, open/overdue counts after a ledger, and township
label points after locations.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from xingtu.imports.spec import Crs, Kind
from xingtu.imports.validate import Checked, Reference, check_file
from xingtu.settings import Settings, get_settings
from xingtu.store import versions
from xingtu.store.queries import query_unit_index


def query_reference(con: duckdb.DuckDBPyConnection) -> Reference:
    """Units, stars, task catalogues and years of a store: what a file is checked against."""
    stars = con.execute("SELECT unit_type, star_id, star_name FROM stars ORDER BY unit_type, ord").df()
    tasks = con.execute("SELECT year, unit_type, task_id, star_id, name FROM tasks ORDER BY year, ord").df()
    tasks["year"] = tasks["year"].astype(int)
    years = tuple(int(y) for (y,) in con.execute("SELECT DISTINCT year FROM tasks ORDER BY 1").fetchall())
    hosts = dict(
        con.execute(
            "SELECT code, host_code FROM regions WHERE level = 'county' AND host_code <> ''"
        ).fetchall()
    )
    province = con.execute("SELECT value FROM meta WHERE key = 'province_code'").fetchone()[0]

    def host_polygons() -> tuple[dict[str, str], dict[str, Any]]:
        from xingtu.reference.boundaries import load_cities, load_counties

        polygons: dict[str, Any] = {}
        for geo in (load_counties(province[:2]), load_cities(province[:2])):
            polygons |= dict(zip(geo["code"], geo.geometry, strict=True))
        return hosts, polygons

    return Reference(query_unit_index(con), stars, tasks, years, host_polygons)


def apply_frame(
    con: duckdb.DuckDBPyConnection, kind: Kind, frame: pd.DataFrame, ref: Reference
) -> dict[str, Any]:
    """Apply a checked frame; returns what changed (rows, units, years) for the version log."""
    frame = frame.drop(columns=["_row"], errors="ignore")
    con.register("imp", frame)
    try:
        {
            "annual": _annual,
            "tasks": _tasks,
            "monthly": _monthly,
            "problems": _problems,
            "pairings": _pairings,
            "locations": _locations,
        }[kind](con, frame, ref)
    finally:
        con.unregister("imp")
    codes = set(frame["code"]) if "code" in frame else set(frame["strong_code"]) | set(frame["weak_code"])
    years = sorted({int(y) for y in frame["year"]}) if "year" in frame else []
    return {"rows": len(frame), "units": len(codes), "years": years}


def _annual(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, ref: Reference) -> None:
    weak = "i.weak_lax" if "weak_lax" in frame.columns else "NULL::BOOLEAN"
    con.execute(
        f"""UPDATE annual_results a SET target_level = i.target_level, level = i.level,
                   weak_lax = coalesce({weak}, a.weak_lax)
            FROM imp i WHERE a.code = i.code AND a.year = i.year"""  # noqa: S608 - fixed column names
    )
    con.execute(
        f"""INSERT INTO annual_results
            SELECT i.code, i.year, i.unit_type, i.target_level, i.level, coalesce({weak}, false), 0, 0
            FROM imp i ANTI JOIN annual_results a ON a.code = i.code AND a.year = i.year"""  # noqa: S608
    )
    long = pd.concat(
        [
            frame.loc[frame["unit_type"] == utype, ["code", "year", "unit_type", f"star_{star_id}"]]
            .rename(columns={f"star_{star_id}": "held"})
            .assign(star_id=star_id)
            for utype, star_id in ref.stars[["unit_type", "star_id"]].itertuples(index=False)
            if f"star_{star_id}" in frame.columns  # checked: present for every type in the file
        ],
        ignore_index=True,
    )
    con.register("imp_stars", long[["code", "year", "unit_type", "star_id", "held"]])
    con.execute(
        """UPDATE star_results s SET held = l.held,
                  tasks_short = CASE WHEN l.held THEN 0
                                     ELSE greatest(coalesce(s.required - s.tasks_met, 1), s.veto_unmet, 1) END
           FROM imp_stars l WHERE s.code = l.code AND s.year = l.year AND s.star_id = l.star_id"""
    )
    con.execute(
        """INSERT INTO star_results
           SELECT l.code, l.year, l.unit_type, l.star_id, l.held, NULL, NULL, NULL, NULL, NULL
           FROM imp_stars l ANTI JOIN star_results s
             ON s.code = l.code AND s.year = l.year AND s.star_id = l.star_id"""
    )
    con.unregister("imp_stars")


def _tasks(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, ref: Reference) -> None:
    del frame, ref
    con.execute(
        """UPDATE task_results t SET met = i.met FROM imp i
           WHERE t.code = i.code AND t.year = i.year AND t.task_id = i.task_id"""
    )
    con.execute(
        """INSERT INTO task_results SELECT i.code, i.year, i.task_id, i.met
           FROM imp i ANTI JOIN task_results t
             ON t.code = i.code AND t.year = i.year AND t.task_id = i.task_id"""
    )
    con.execute("CREATE TEMP TABLE touched AS SELECT DISTINCT code, year FROM imp")
    con.execute(
        """WITH agg AS (
               SELECT t.code, t.year, k.star_id, count(*)::SMALLINT AS total,
                      count(*) FILTER (WHERE t.met)::SMALLINT AS met,
                      count(*) FILTER (WHERE k.veto AND NOT t.met)::SMALLINT AS veto_unmet
               FROM task_results t SEMI JOIN touched USING (code, year)
               JOIN tasks k ON k.year = t.year AND k.task_id = t.task_id
               GROUP BY ALL)
           UPDATE star_results s SET tasks_met = a.met, tasks_total = a.total, veto_unmet = a.veto_unmet,
                  required = coalesce(s.required, ceil(a.total * st.min_share_met - 1e-9)::SMALLINT),
                  tasks_short = CASE WHEN s.held THEN 0 ELSE greatest(
                      coalesce(s.required, ceil(a.total * st.min_share_met - 1e-9)::SMALLINT) - a.met,
                      a.veto_unmet, 0) END
           FROM agg a, stars st
           WHERE s.code = a.code AND s.year = a.year AND s.star_id = a.star_id
             AND st.unit_type = s.unit_type AND st.star_id = s.star_id"""
    )
    con.execute(
        """CREATE TEMP TABLE touched_towns AS
           SELECT DISTINCT t.year, u.township_code FROM touched t JOIN units u USING (code)"""
    )
    con.execute(
        """DELETE FROM task_unmet u USING touched_towns t
           WHERE u.year = t.year AND u.township_code = t.township_code"""
    )
    con.execute(
        """INSERT INTO task_unmet
           SELECT t.year, u.township_code, u.unit_type, t.task_id,
                  count(*)::INTEGER, count(*) FILTER (WHERE NOT t.met)::INTEGER
           FROM task_results t JOIN units u USING (code)
           SEMI JOIN touched_towns w ON w.year = t.year AND w.township_code = u.township_code
           GROUP BY ALL"""
    )
    con.execute("DROP TABLE touched; DROP TABLE touched_towns")


def _monthly(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, ref: Reference) -> None:
    del frame, ref
    con.execute(
        """DELETE FROM monthly_progress m USING imp i
           WHERE m.code = i.code AND m.year = i.year AND m.month = i.month AND m.star_id = i.star_id"""
    )
    con.execute(
        """INSERT INTO monthly_progress
           SELECT code, unit_type, year, month, star_id, tasks_met, tasks_total FROM imp"""
    )


def _problems(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, ref: Reference) -> None:
    del ref
    star = "i.star_id" if "star_id" in frame.columns else "NULL"
    task = "i.task_id" if "task_id" in frame.columns else "NULL"
    text = {c: (f"i.{c}" if c in frame.columns else "NULL") for c in ("helper", "measure", "closed_on")}
    con.execute(
        """DELETE FROM problems p USING (SELECT DISTINCT code, year FROM imp) i
           WHERE p.code = i.code AND p.year = i.year"""
    )
    con.execute(
        f"""INSERT INTO problems
            SELECT i.code || '-' || i.year || '-' || lpad((row_number() OVER (PARTITION BY i.code, i.year
                       ORDER BY i._ord))::VARCHAR, 3, '0'),
                   i.code, i.year, {star}, {task}, i.problem, {text["helper"]}, {text["measure"]},
                   i.deadline, i.status, {text["closed_on"]}
            FROM (SELECT *, row_number() OVER () AS _ord FROM imp) i"""  # noqa: S608 - fixed column names
    )
    as_of = con.execute("SELECT value FROM meta WHERE key = 'as_of'").fetchone()[0]
    con.execute(
        """UPDATE annual_results a SET open_problems = c.open, overdue_problems = c.overdue
           FROM (SELECT k.code, k.year,
                        count(p.code) FILTER (WHERE p.status <> '已销号')::INTEGER AS open,
                        count(p.code) FILTER (
                            WHERE p.status <> '已销号' AND p.deadline < $as_of::DATE)::INTEGER
                            AS overdue
                 FROM (SELECT DISTINCT code, year FROM imp) k
                 LEFT JOIN problems p ON p.code = k.code AND p.year = k.year
                 GROUP BY ALL) c
           WHERE a.code = c.code AND a.year = c.year""",
        {"as_of": as_of},
    )


def _pairings(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, ref: Reference) -> None:
    del ref
    kind = "coalesce(i.kind, '支部联建')" if "kind" in frame.columns else "'支部联建'"
    since = "i.since" if "since" in frame.columns else "NULL::DATE"
    con.execute(
        """DELETE FROM pairings p USING imp i
           WHERE p.strong_code = i.strong_code AND p.weak_code = i.weak_code"""
    )
    con.execute(f"INSERT INTO pairings SELECT i.strong_code, i.weak_code, {kind}, {since} FROM imp i")  # noqa: S608


def _locations(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, ref: Reference) -> None:
    del frame, ref
    con.execute(
        """UPDATE units u SET lon = round(i.lon, 6), lat = round(i.lat, 6), location_approx = false
           FROM imp i WHERE u.code = i.code"""
    )
    con.execute(
        """UPDATE regions r SET lon = m.lon, lat = m.lat
           FROM (SELECT township_code, avg(lon) AS lon, avg(lat) AS lat FROM units
                 WHERE township_code IN (
                     SELECT u.township_code FROM units u SEMI JOIN imp i ON i.code = u.code)
                 GROUP BY 1) m
           WHERE r.code = m.township_code"""
    )


def import_bytes(
    data: bytes,
    file_name: str,
    kind: Kind,
    *,
    user: str,
    crs: Crs | None = None,
    settings: Settings | None = None,
    progress: versions.Progress | None = None,
) -> tuple[Checked, versions.Version | None]:
    """Check a file against the store in force and, only if it has no problem, apply it as a new version."""
    settings = settings or get_settings()
    with duckdb.connect(str(versions.active_path(settings)), read_only=True) as con:
        ref = query_reference(con)
    checked = check_file(data, file_name, kind, ref, crs)
    if not checked.ok or checked.frame is None:
        return checked, None
    frame = checked.frame
    version = versions.create_version(
        lambda con: apply_frame(con, kind, frame, ref),
        user=user,
        file_name=file_name,
        kind=kind,
        checksum=checked.checksum,
        settings=settings,
        progress=progress,
    )
    return checked, version
