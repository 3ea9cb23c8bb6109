"""Write a checked import into a store: one SQL block per kind, inside the caller's transaction.

Rows are keyed as the tables are (docs/data-model.md), so an import replaces what it names
and leaves everything else. The ledger is the exception: a file's ledger for a unit and year
replaces that unit's whole ledger of that year, since 台账 are kept whole, not as edits.
Derived columns are recomputed for what changed: star statistics after task results, the
per-township ``task_unmet`` aggregate, open/overdue counts after a ledger, and township
label points after locations.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from xingtu.domain.problems import open_sql, overdue_sql
from xingtu.domain.rating import compute_star_stats_matrix
from xingtu.domain.standard import Standard, standard_for_year, standard_to_doc
from xingtu.domain.units import UNIT_TYPES
from xingtu.imports.catalogue import CatalogueCheck, check_catalogue, export_catalogue
from xingtu.imports.context import CAMPAIGN_START, Overrides
from xingtu.imports.guard import read_sheets_guarded
from xingtu.imports.preview import LevelChanges
from xingtu.imports.spec import Crs, Kind
from xingtu.imports.validate import Checked, Reference, check_file
from xingtu.settings import Settings, get_settings
from xingtu.store import versions
from xingtu.store.build import compute_task_rows
from xingtu.store.queries import query_standards, query_unit_index


def _table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(
        con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchall()[
            0
        ][0]
    )


def query_reference(con: duckdb.DuckDBPyConnection) -> Reference:
    """Units, regions, stars, task catalogues, years and earlier imports of a store: what a file is checked against.

    The task list covers the store's years and every later year a file may bring (up to
    ``Reference.max_year``), each from the catalogue in force for it, so a next year's task
    results are checked against the catalogue they will be rated with.
    """
    stars = con.execute("SELECT unit_type, star_id, star_name FROM stars ORDER BY unit_type, ord").df()
    tasks = con.execute("SELECT year, unit_type, task_id, star_id, name FROM tasks ORDER BY year, ord").df()
    tasks["year"] = tasks["year"].astype(int)
    task_years = sorted({int(y) for y in tasks["year"]})
    data_years = tuple(
        int(y) for (y,) in con.execute("SELECT DISTINCT year FROM annual_results ORDER BY 1").fetchall()
    )
    hosts = dict(
        con.execute(
            "SELECT code, host_code FROM regions WHERE level = 'county' AND host_code <> ''"
        ).fetchall()
    )
    province = con.execute("SELECT value FROM meta WHERE key = 'province_code'").fetchone()[0]
    regions = con.execute(
        """SELECT code, name, level, county_code, city_code FROM regions
           WHERE level IN ('city', 'county', 'township')"""
    ).df()
    standards = query_standards(con)
    coverage = (
        con.execute("SELECT * FROM import_coverage").df() if _table_exists(con, "import_coverage") else None
    )

    def host_polygons() -> tuple[dict[str, str], dict[str, Any]]:
        from xingtu.reference.boundaries import load_cities, load_counties

        polygons: dict[str, Any] = {}
        for geo in (load_counties(province[:2]), load_cities(province[:2])):
            polygons |= dict(zip(geo["code"], geo.geometry, strict=True))
        return hosts, polygons

    ref = Reference(
        query_unit_index(con),
        stars,
        tasks,
        data_years,
        host_polygons,
        regions=regions,
        standards=standards,
        coverage=coverage,
    )
    later = [y for y in range(CAMPAIGN_START, ref.max_year + 1) if y not in task_years]
    extra = compute_task_rows(standards, later)
    if not extra.empty:
        ref.tasks = pd.concat([tasks, extra[tasks.columns]], ignore_index=True)
    return ref


def query_level_changes(con: duckdb.DuckDBPyConnection, checked: Checked) -> LevelChanges | None:
    """How applying an annual file moves unit levels against the version in force."""
    frame = checked.frame
    if checked.kind != "annual" or frame is None or frame.empty:
        return None
    con.register("chk", frame[["code", "year", "level"]].astype({"year": "int64", "level": "int64"}))
    try:
        up, down, new, same = con.execute(
            """SELECT count(*) FILTER (WHERE a.level IS NOT NULL AND c.level > a.level),
                      count(*) FILTER (WHERE a.level IS NOT NULL AND c.level < a.level),
                      count(*) FILTER (WHERE a.level IS NULL),
                      count(*) FILTER (WHERE c.level = a.level)
               FROM chk c LEFT JOIN annual_results a ON a.code = c.code AND a.year = c.year"""
        ).fetchall()[0]
    finally:
        con.unregister("chk")
    return LevelChanges(int(up), int(down), int(new), int(same))


def apply_frame(
    con: duckdb.DuckDBPyConnection, kind: Kind, frame: pd.DataFrame, ref: Reference
) -> dict[str, Any]:
    """Apply a checked frame; returns what changed (rows, units, years, coverage) for the version log."""
    frame = frame.drop(columns=["_row", "_sheet"], errors="ignore")
    years = sorted(int(y) for y in pd.unique(frame["year"].dropna())) if "year" in frame else []
    materialise_tasks(con, years)  # a new year gets its catalogue's tasks
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
    _update_year_meta(con)
    if "code" in frame:
        units = int(frame["code"].nunique())
    else:
        units = int(pd.concat([frame["strong_code"], frame["weak_code"]]).nunique())
    return {"rows": len(frame), "units": units, "years": years, "coverage": _coverage(con, kind, frame)}


def _coverage(con: duckdb.DuckDBPyConnection, kind: Kind, frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows and units per county (and year) that the import touched: the coverage view's record."""
    code = "code" if "code" in frame.columns else "weak_code"
    county = "county_code" if "county_code" in frame.columns else "weak_county_code"
    keys = pd.DataFrame(
        {
            "code": frame[code].astype(str),
            "county_code": frame[county] if county in frame.columns else frame[code].str[:6] + "000000",
            "year": frame["year"].astype("Int64")
            if "year" in frame.columns
            else pd.array([None] * len(frame), "Int64"),
        }
    )
    con.register("cov_keys", keys)
    try:
        rows = con.execute(
            """SELECT county_code, year, count(*) AS n, count(DISTINCT code) AS units
               FROM cov_keys GROUP BY ALL ORDER BY ALL"""
        ).fetchall()
    finally:
        con.unregister("cov_keys")
    return [
        {
            "kind": kind,
            "year": None if year is None else int(year),
            "county_code": c,
            "rows": int(n),
            "units": int(u),
        }
        for c, year, n, u in rows
    ]


def _update_year_meta(con: duckdb.DuckDBPyConnection) -> None:
    """meta.years and meta.monthly_year follow the data: a new year's import shows it everywhere."""
    years = [int(y) for (y,) in con.execute("SELECT DISTINCT year FROM annual_results ORDER BY 1").fetchall()]
    monthly = con.execute("SELECT max(year) FROM monthly_progress").fetchall()[0][0]
    updates = {"years": ",".join(map(str, years))}
    if monthly is not None:
        updates["monthly_year"] = str(int(monthly))
    for key, value in updates.items():
        con.execute("DELETE FROM meta WHERE key = ?", [key])
        con.execute("INSERT INTO meta VALUES (?, ?)", [key, value])


def _annual(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, ref: Reference) -> None:
    weak = "i.weak_lax" if "weak_lax" in frame.columns else "NULL::BOOLEAN"
    _replace_earlier(con, "annual", ref)
    con.execute(
        f"""UPDATE annual_results a SET target_level = i.target_level, level = i.level,
                   weak_lax = coalesce({weak}, a.weak_lax), source = 'imported'
            FROM imp i WHERE a.code = i.code AND a.year = i.year"""  # noqa: S608 - fixed column names
    )
    con.execute(
        f"""INSERT INTO annual_results (code, year, unit_type, target_level, level, weak_lax,
                                        open_problems, overdue_problems, source)
            SELECT i.code, i.year, i.unit_type, i.target_level, i.level, coalesce({weak}, false), 0, 0,
                   'imported'
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


def _replace_earlier(con: duckdb.DuckDBPyConnection, kind: Kind, ref: Reference) -> None:
    """A corrected file replaces the earlier import of the same county and year: units the earlier
    file had and this one has not go back to 未导入 (their imported rows are removed)."""
    if ref.coverage is None or ref.coverage.empty:
        return
    covered = ref.coverage[ref.coverage["kind"] == kind][["county_code", "year"]].drop_duplicates()
    if covered.empty:
        return
    con.register("covered", covered)
    try:
        gone = """SELECT a.code, a.year FROM annual_results a
                  JOIN (SELECT DISTINCT county_code, year FROM imp) n
                    ON a.year = n.year AND left(a.code, 6) = left(n.county_code, 6)
                  SEMI JOIN covered c ON c.county_code = n.county_code AND c.year = n.year
                  ANTI JOIN imp i ON i.code = a.code AND i.year = a.year
                  WHERE a.source = 'imported'"""
        con.execute(f"CREATE TEMP TABLE gone AS {gone}")
        for table in ("star_results", "task_results", "monthly_progress", "problems", "annual_results"):
            con.execute(f"DELETE FROM {table} t USING gone g WHERE t.code = g.code AND t.year = g.year")  # noqa: S608
        con.execute("DROP TABLE gone")
    finally:
        con.unregister("covered")


def _tasks(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, ref: Reference) -> None:
    """Task results, then every derived number of the units and years they touch.

    Star statistics, ``held`` and the unit's level come from the one rating rule
    (``xingtu.domain.rating``) applied to the stored results (``recompute_ratings``); the
    per-township ``task_unmet`` aggregate is recounted for the touched townships.
    """
    del ref
    # typed once (the frame's columns are Python objects); a literal year list lets every scan of
    # task_results, stored in year order, skip the other years
    years = ", ".join(str(int(y)) for y in pd.unique(frame["year"]))
    con.execute(
        "CREATE OR REPLACE TEMP TABLE imp_tasks AS SELECT code, year::SMALLINT AS year, task_id, met FROM imp"
    )
    con.execute(
        f"""UPDATE task_results t SET met = i.met FROM imp_tasks i
            WHERE t.year IN ({years}) AND t.code = i.code AND t.year = i.year AND t.task_id = i.task_id
              AND t.met IS DISTINCT FROM i.met"""  # noqa: S608 - integers
    )
    con.execute(
        f"""INSERT INTO task_results SELECT i.code, i.year, i.task_id, i.met
            FROM imp_tasks i
            ANTI JOIN (SELECT code, year, task_id FROM task_results WHERE year IN ({years})) t
              ON t.code = i.code AND t.year = i.year AND t.task_id = i.task_id"""  # noqa: S608 - integers
    )
    con.execute("CREATE OR REPLACE TEMP TABLE touched AS SELECT DISTINCT code, year FROM imp_tasks")
    con.execute("DROP TABLE imp_tasks")
    recompute_ratings(con, "touched")
    con.execute(
        """CREATE TEMP TABLE touched_towns AS
           SELECT DISTINCT t.year, u.township_code FROM touched t JOIN units u USING (code)"""
    )
    con.execute(
        """DELETE FROM task_unmet u USING touched_towns t
           WHERE u.year = t.year AND u.township_code = t.township_code"""
    )
    con.execute(
        f"""INSERT INTO task_unmet
            SELECT t.year, u.township_code, u.unit_type, t.task_id,
                   count(*)::INTEGER, count(*) FILTER (WHERE NOT t.met)::INTEGER
            FROM task_results t JOIN units u USING (code)
            SEMI JOIN touched_towns w ON w.year = t.year AND w.township_code = u.township_code
            WHERE t.year IN ({years})
            GROUP BY ALL"""  # noqa: S608 - integers
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
        f"""UPDATE annual_results a SET open_problems = c.open, overdue_problems = c.overdue
           FROM (SELECT k.code, k.year,
                        count(p.code) FILTER (WHERE {open_sql("p")})::INTEGER AS open,
                        count(p.code) FILTER (WHERE {overdue_sql("p", "$as_of::DATE")})::INTEGER
                            AS overdue
                 FROM (SELECT DISTINCT code, year FROM imp) k
                 LEFT JOIN problems p ON p.code = k.code AND p.year = k.year
                 GROUP BY ALL) c
           WHERE a.code = c.code AND a.year = c.year""",  # noqa: S608 -- only the domain's SQL rule
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
    kind: Kind | None,
    *,
    user: str,
    crs: Crs | None = None,
    overrides: Overrides | None = None,
    settings: Settings | None = None,
    progress: versions.Progress | None = None,
) -> tuple[Checked, versions.Version | None]:
    """Check a file against the store in force and, only if it has no problem, apply it as a new version.

    ``kind`` None: recognised from the headers. ``overrides``: the year, region or unit type the
    user states instead of what the title, sheet or file name says.
    """
    settings = settings or get_settings()
    with duckdb.connect(str(versions.active_path(settings)), read_only=True) as con:
        ref = query_reference(con)
    checked = check_file(data, file_name, kind, ref, crs, overrides, reader=read_sheets_guarded)
    if not checked.ok or checked.frame is None:
        return checked, None
    return checked, apply_checked(checked, ref, user=user, settings=settings, progress=progress)


def apply_checked(
    checked: Checked,
    ref: Reference,
    *,
    user: str,
    settings: Settings | None = None,
    progress: versions.Progress | None = None,
) -> versions.Version:
    """Apply a clean check as a new version (the web page checks first, shows the preview, then applies)."""
    if not checked.ok or checked.frame is None:
        raise ValueError("only a file with no problem can be applied")
    frame, kind, file_name = checked.frame, checked.kind, checked.file_name
    settings = settings or get_settings()
    return versions.create_version(
        lambda con: apply_frame(con, kind, frame, ref),
        user=user,
        file_name=file_name,
        kind=kind,
        checksum=checked.checksum,
        settings=settings,
        progress=progress,
    )


# ───────────── the one rating rule over stored task results; catalogues (kind "standard") ─────────────


def dataset_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """The years the store holds: those with a task catalogue or with annual results."""
    return [
        int(y)
        for (y,) in con.execute(
            "SELECT year FROM tasks UNION SELECT year FROM annual_results ORDER BY 1"
        ).fetchall()
    ]


def materialise_tasks(
    con: duckdb.DuckDBPyConnection,
    years: Sequence[int],
    standards: Mapping[int, Standard] | None = None,
    replace: bool = False,
) -> None:
    """Write the ``tasks`` rows of ``years`` from the catalogue in force in each (``standard_docs``).

    Years already materialised are kept unless ``replace`` (a new catalogue applies to them).
    """
    present = {int(y) for (y,) in con.execute("SELECT DISTINCT year FROM tasks").fetchall()}
    todo = sorted({int(y) for y in years if replace or int(y) not in present})
    if not todo:
        return
    standards = standards if standards is not None else query_standards(con)
    df = compute_task_rows(standards, todo)
    con.register("new_tasks", df)
    try:
        con.execute("DELETE FROM tasks WHERE list_contains($years, year)", {"years": todo})
        con.execute(
            """INSERT INTO tasks (year, unit_type, task_id, star_id, ord, name, description, veto)
               SELECT year, unit_type, task_id, star_id, ord, name, description, veto FROM new_tasks"""
        )
    finally:
        con.unregister("new_tasks")


_STAR_STATS = ("held", "tasks_met", "tasks_total", "required", "veto_unmet", "tasks_short")


def recompute_ratings(
    con: duckdb.DuckDBPyConnection, touched: str = "touched", mark_imported: bool = True
) -> int:
    """Recompute ``star_results`` and ``annual_results.level`` of the (code, year) pairs in table
    ``touched`` from their stored task results, with the rule of each year's catalogue.

    The rule is ``xingtu.domain.rating`` (vectorised): per star tasks_met, tasks_total,
    required, veto_unmet (only where the star requires its veto tasks), tasks_short and held;
    the level is the number of stars held. A task with no result counts as not met; results
    of tasks outside the year's catalogue are ignored. A unit-year with no annual row gets one
    (target_level NULL, not 软弱涣散). ``mark_imported`` sets ``annual_results.source`` to
    'imported' on the rows written (task results from an import, not a re-rating of sample
    rows under a new catalogue). Returns the number of unit-years recomputed.
    """
    pairs = con.execute(
        f"""SELECT k.code, k.year::SMALLINT AS year, u.unit_type
            FROM (SELECT DISTINCT code, year FROM {touched}) k JOIN units u USING (code)
            ORDER BY k.year, u.unit_type, k.code"""  # noqa: S608 - a temp table name chosen by the caller
    ).df()
    if pairs.empty:
        return 0
    pairs["i"] = np.arange(len(pairs), dtype=np.int32)
    standards = query_standards(con)
    groups = []  # (year, unit_type, first i, last i + 1, catalogue)
    positions = []
    for (year, utype), block in pairs.groupby(["year", "unit_type"], sort=True):
        std = standard_for_year(standards, int(year))
        groups.append((int(year), utype, int(block["i"].iat[0]), int(block["i"].iat[-1]) + 1, std))
        positions += [(int(year), utype, t.id, j) for j, t in enumerate(std.tasks_for(utype))]
    taskpos = pd.DataFrame(positions, columns=["year", "unit_type", "task_id", "col"]).astype(
        {"year": "int16", "col": "int16"}
    )
    con.register("rate_pairs", pairs)
    con.register("rate_taskpos", taskpos)
    try:
        years = ", ".join(str(g[0]) for g in groups)  # literal: the scan skips other years' row groups
        got = con.execute(
            f"""SELECT p.i, c.col, coalesce(t.met, false) AS met
                FROM task_results t
                JOIN rate_pairs p ON p.code = t.code AND p.year = t.year
                JOIN rate_taskpos c
                  ON c.year = t.year AND c.unit_type = p.unit_type AND c.task_id = t.task_id
                WHERE t.year IN ({years})"""  # noqa: S608 - integers
        ).fetchnumpy()
    finally:
        con.unregister("rate_taskpos")
    idx, col, met = (np.asarray(got[k]) for k in ("i", "col", "met"))
    codes = pairs["code"].to_numpy()
    level = np.zeros(len(pairs), dtype=np.int8)
    cols: dict[str, list[np.ndarray]] = {k: [] for k in ("row", "star", *_STAR_STATS)}
    star_ids: list[str] = []
    for _year, utype, lo, hi, std in groups:
        sel = (idx >= lo) & (idx < hi)
        matrix = np.zeros((hi - lo, len(std.tasks_for(utype))), dtype=bool)
        matrix[idx[sel] - lo, col[sel]] = met[sel]
        start = 0
        for star in std.stars_for(utype):
            stats = compute_star_stats_matrix(star, matrix[:, start : start + len(star.tasks)])
            start += len(star.tasks)
            level[lo:hi] += stats.held
            n = hi - lo
            star_ids.append(star.id)
            cols["row"].append(np.arange(lo, hi, dtype=np.int32))
            cols["star"].append(np.full(n, len(star_ids) - 1, dtype=np.int32))
            for key in _STAR_STATS:
                value = getattr(stats, key)
                cols[key].append(np.broadcast_to(np.asarray(value), (n,)))
    row, star_idx = np.concatenate(cols["row"]), np.concatenate(cols["star"])
    stars = pd.DataFrame(
        {
            "code": codes[row],
            "year": pairs["year"].to_numpy()[row],
            "unit_type": pairs["unit_type"].to_numpy()[row],
            "star_id": np.array(star_ids, dtype=object)[star_idx],
            **{
                key: np.concatenate(cols[key]).astype(bool if key == "held" else np.int16)
                for key in _STAR_STATS
            },
        }
    )
    pairs["level"] = level
    con.register("rate_stars", stars)
    try:
        con.execute(
            """DELETE FROM star_results s USING rate_pairs p WHERE s.code = p.code AND s.year = p.year"""
        )
        con.execute(
            """INSERT INTO star_results (code, year, unit_type, star_id, held, tasks_met, tasks_total,
                                        required, veto_unmet, tasks_short)
               SELECT code, year, unit_type, star_id, held, tasks_met, tasks_total, required, veto_unmet,
                      tasks_short
               FROM rate_stars ORDER BY year, code, star_id"""
        )
        con.unregister("rate_pairs")
        con.register("rate_pairs", pairs)  # now with the level
        has_source = bool(
            con.execute(
                """SELECT count(*) FROM information_schema.columns
                   WHERE table_name = 'annual_results' AND column_name = 'source'"""
            ).fetchone()[0]
        )
        source = ", source = 'imported'" if (has_source and mark_imported) else ""
        con.execute(
            f"""UPDATE annual_results a SET level = p.level{source}
                FROM rate_pairs p WHERE a.code = p.code AND a.year = p.year"""  # noqa: S608 - fixed text
        )
        con.execute(
            """INSERT INTO annual_results
                   (code, year, unit_type, target_level, level, weak_lax, open_problems, overdue_problems)
               SELECT p.code, p.year, p.unit_type, NULL, p.level, false, 0, 0
               FROM rate_pairs p ANTI JOIN annual_results a ON a.code = p.code AND a.year = p.year"""
        )
    finally:
        con.unregister("rate_pairs")
        con.unregister("rate_stars")
    return len(pairs)


def apply_standard(
    con: duckdb.DuckDBPyConnection,
    year: int,
    standard: Standard,
    doc: Mapping[str, Any],
    *,
    source: str = "",
    version: int = 0,
) -> dict[str, Any]:
    """Put a catalogue in force from ``year``: record it in ``standard_docs`` and re-derive the years
    it governs.

    For every dataset year from ``year`` on whose catalogue in force is now this one (a later
    catalogue keeps its own years), the ``tasks`` rows are rewritten, results of tasks the
    catalogue no longer has are deleted, every unit-year with task results is re-rated with
    the new rule (``recompute_ratings``) and ``task_unmet`` is recounted. Runs inside the
    caller's transaction (``create_version``).
    """
    if standard.effective_from != year:
        raise ValueError(
            f"清单的起始年份 {standard.effective_from} 与导入年度 {year} 不一致"
            f" / The catalogue takes effect from {standard.effective_from}, not from the import year {year}"
        )
    if not con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'standard_docs'"
    ).fetchone()[0]:  # a store written before catalogues were stored: record what it used
        legacy = query_standards(con)
        con.execute(
            """CREATE TABLE standard_docs
               (effective_from INTEGER, source VARCHAR, doc VARCHAR, version INTEGER)"""
        )
        for y, std in legacy.items():
            con.execute(
                "INSERT INTO standard_docs VALUES (?, 'tasks', ?, 0)",
                [y, json.dumps(standard_to_doc(std), ensure_ascii=False)],
            )
    con.execute(
        "INSERT INTO standard_docs VALUES (?, ?, ?, ?)",
        [int(year), source or standard.name, json.dumps(doc, ensure_ascii=False), int(version)],
    )
    standards = query_standards(con)
    governed = [y for y in dataset_years(con) if y >= year]
    years = [y for y in governed if standard_for_year(standards, y) is standards[year]]
    if years:
        materialise_tasks(con, years, standards, replace=True)
        con.execute(
            """DELETE FROM task_results t WHERE list_contains($years, t.year)
               AND NOT EXISTS (SELECT 1 FROM tasks k WHERE k.year = t.year AND k.task_id = t.task_id)""",
            {"years": years},
        )
        con.execute(
            """CREATE OR REPLACE TEMP TABLE touched AS
               SELECT DISTINCT code, year FROM task_results WHERE list_contains($years, year)
               UNION SELECT code, year FROM star_results
                     WHERE list_contains($years, year) AND tasks_met IS NOT NULL""",
            {"years": years},
        )
        units = recompute_ratings(con, "touched", mark_imported=False)
        con.execute("DROP TABLE touched")
        con.execute("DELETE FROM task_unmet WHERE list_contains($years, year)", {"years": years})
        con.execute(
            """INSERT INTO task_unmet
               SELECT t.year, u.township_code, u.unit_type, t.task_id,
                      count(*)::INTEGER, count(*) FILTER (WHERE NOT t.met)::INTEGER
               FROM task_results t JOIN units u USING (code)
               WHERE list_contains($years, t.year)
               GROUP BY ALL ORDER BY ALL""",
            {"years": years},
        )
    else:
        units = 0
    latest_year = max(dataset_years(con), default=year)
    if standard_for_year(standards, latest_year) is standards[year]:  # the catalogue the pages show
        for utype in UNIT_TYPES:
            for star in standard.stars_for(utype):
                con.execute(
                    "UPDATE stars SET min_share_met = ? WHERE unit_type = ? AND star_id = ?",
                    [star.min_share_met, utype, star.id],
                )
        meta = {"standard_name": standard.name, "standard_sample": str(standard.sample).lower()}
        for key, value in meta.items():
            con.execute("DELETE FROM meta WHERE key = ?", [key])
            con.execute("INSERT INTO meta VALUES (?, ?)", [key, value])
    return {"rows": sum(len(standard.tasks_for(t)) for t in UNIT_TYPES), "units": units, "years": years}


def check_standard(
    data: bytes, file_name: str, year: int, settings: Settings | None = None
) -> CatalogueCheck:
    """The import page's preview of a catalogue workbook for ``year``: problems, or what differs
    from the catalogue in force (``check.changes``, ``catalogue.preview_rows``,
    ``catalogue.summary_lines``) and what applying it does to stored data (``check.impact``)."""
    settings = settings or get_settings()
    with duckdb.connect(str(versions.active_path(settings)), read_only=True) as con:
        standards = query_standards(con)
        current = standard_for_year(standards, max(int(year), min(standards)))
        checked = check_catalogue(data, file_name, int(year), current)
        if checked.ok and checked.standard is not None:
            checked.impact = _standard_impact(con, int(year), checked.standard, standards)
    return checked


def _standard_impact(
    con: duckdb.DuckDBPyConnection, year: int, standard: Standard, standards: Mapping[int, Standard]
) -> dict[str, Any]:
    """Years the catalogue would govern, task results it would drop, unit-years re-rated."""
    later = [y for y in standards if y > year]
    years = [y for y in dataset_years(con) if y >= year and (not later or y < min(later))]
    keep = [t.id for u in UNIT_TYPES for t in standard.tasks_for(u)]
    dropped, unit_years = con.execute(
        """SELECT count(*) FILTER (WHERE NOT list_contains($keep, task_id)), count(DISTINCT (code, year))
           FROM task_results WHERE list_contains($years, year)""",
        {"keep": keep, "years": years},
    ).fetchone()
    return {"years": years, "results_dropped": int(dropped), "unit_years": int(unit_years)}


def export_standard(year: int, settings: Settings | None = None) -> bytes:
    """The catalogue in force in ``year`` as the Excel layout staff edit (评星标准对照表)."""
    settings = settings or get_settings()
    with duckdb.connect(str(versions.active_path(settings)), read_only=True) as con:
        standards = query_standards(con)
    return export_catalogue(standard_for_year(standards, max(int(year), min(standards))))


def import_standard(
    data: bytes,
    file_name: str,
    year: int,
    *,
    user: str,
    settings: Settings | None = None,
    progress: versions.Progress | None = None,
) -> tuple[CatalogueCheck, versions.Version | None]:
    """Check a catalogue workbook and, only if it has no problem, put it in force from ``year`` as a
    new dataset version (kind ``standard``), rolled back like any import."""
    settings = settings or get_settings()
    checked = check_standard(data, file_name, year, settings)
    if not checked.ok or checked.standard is None or checked.doc is None:
        return checked, None
    standard, doc = checked.standard, checked.doc

    def apply(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
        # create_version numbers the new version as the log's largest id + 1, under its lock
        vid = max([v.id for v in versions.list_versions(settings)] + [0]) + 1
        return apply_standard(con, int(year), standard, doc, source=file_name, version=vid)

    version = versions.create_version(
        apply,
        user=user,
        file_name=file_name,
        kind="standard",
        checksum=checked.checksum,
        note=f"任务清单自 {year} 年起施行",
        settings=settings,
        progress=progress,
    )
    return checked, version
