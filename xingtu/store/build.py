"""Build the embedded DuckDB store from the reference extracts and the demo generator.

``Settings.dataset`` chooses what the base store holds besides the reference data: the
generated sample results (``sample``, the default) or none (``empty``: a real-data-only
deployment, whose results all come from imports; it builds in seconds).

The store is never committed: it is built on first run (the server starts the build at once,
xingtu/store/first_start.py; bench/bench_first_start.py times it) and rebuilt whenever an input
changes, detected by a fingerprint of every input file and of the builder's version. A build
writes to a temporary file in the same folder and renames it into place only when complete,
under a file lock, so a crash or a second process never leaves or sees a half-built store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import yaml

from xingtu.demo.calibration import CALIBRATION_PATH, Calibration, load_calibration
from xingtu.demo.generator import GENERATOR_VERSION, DemoData, generate_demo
from xingtu.demo.locations import compute_locations
from xingtu.domain.hierarchy import compute_regions, compute_units
from xingtu.domain.problems import open_sql, overdue_sql
from xingtu.domain.standard import Standard, standard_for_year
from xingtu.domain.units import UNIT_TYPES
from xingtu.i18n import translate
from xingtu.reference.boundaries import load_cities, load_counties
from xingtu.reference.divisions import load_divisions
from xingtu.reference.standards import load_standards
from xingtu.settings import Settings, get_settings
from xingtu.store import versions
from xingtu.store.paths import store_path
from xingtu.viewstate import Lang

SCHEMA_VERSION = "3"
INDEXES = (
    ("units", "code"),
    ("annual_results", "code"),
    ("star_results", "code"),
    ("problems", "code"),
    ("pairings", "strong_code"),
    ("pairings", "weak_code"),
)
# (fraction done, step): the step is a key of xingtu.i18n TEXTS, shown in the UI's language.
# The steps in order (an empty base skips the sample's: generate, tasks, unmet, monthly).
BUILD_STEPS = (
    "build.divisions",
    "build.locations",
    "build.generate",
    "build.write",
    "build.tasks",
    "build.unmet",
    "build.monthly",
    "build.done",
)
Progress = Callable[[float, str], None]


def _no_progress(_fraction: float, _message: str) -> None:
    return None


def input_files(settings: Settings) -> list[Path]:
    """Every file whose content shapes the store."""
    files = [settings.divisions_path, CALIBRATION_PATH]
    files += sorted(settings.geo_dir.glob("*.geojson"))
    files += sorted(settings.standard_dir.glob("*.yaml"))
    return files


def compute_fingerprint(settings: Settings, counties: Sequence[str] | None = None) -> str:
    h = hashlib.sha256(
        f"schema={SCHEMA_VERSION};generator={GENERATOR_VERSION};dataset={settings.dataset};".encode()
    )
    h.update(("counties=" + ",".join(counties or [])).encode())
    for path in input_files(settings):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def read_fingerprint(path: Path) -> str | None:
    """The fingerprint of an existing store, or None if absent or unreadable."""
    if not path.exists():
        return None
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            row = con.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
    except duckdb.Error:
        return None
    return row[0] if row else None


def ensure_store(
    settings: Settings | None = None,
    progress: Progress = _no_progress,
    counties: Sequence[str] | None = None,
) -> Path:
    """Return the path of the store in force, building the base store first if needed.

    The base (version 0) is rebuilt when its inputs change; an imported version in force
    (``xingtu.store.versions``) stays in force, since it holds data no input can rebuild.
    """
    settings = settings or get_settings()
    counties = counties or settings.counties or None
    path = store_path(settings)
    if not store_is_current(settings, counties):
        with versions.store_lock(path.parent):
            if not store_is_current(settings, counties):  # another process may have built it meanwhile
                build_store(path, settings, progress, counties)
    return versions.active_path(settings)


def store_is_current(settings: Settings | None = None, counties: Sequence[str] | None = None) -> bool:
    """Whether the store exists and was built from exactly the current inputs."""
    settings = settings or get_settings()
    counties = counties or settings.counties or None
    return read_fingerprint(store_path(settings)) == compute_fingerprint(settings, counties)


def build_store(
    path: Path,
    settings: Settings | None = None,
    progress: Progress = _no_progress,
    counties: Sequence[str] | None = None,
) -> None:
    """Build the store at ``path`` atomically. ``counties`` (12-digit codes) limits it, for tests."""
    settings = settings or get_settings()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        _build(tmp, settings, progress, counties)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
    progress(1.0, "build.done")


def _build(path: Path, settings: Settings, progress: Progress, counties: Sequence[str] | None) -> None:
    progress(0.02, "build.divisions")
    divisions = load_divisions(settings.divisions_path)
    regions = compute_regions(divisions)
    units = compute_units(divisions)
    if counties:
        keep = set(counties)
        units = units[units["county_code"].isin(keep)].reset_index(drop=True)
        regions = regions[
            regions["level"].isin(["province", "city"])
            | regions["county_code"].isin(keep)
            | regions["code"].isin(keep)
        ].reset_index(drop=True)
    standards = load_standards(settings.standard_dir)
    cal = load_calibration()

    sample = settings.dataset == "sample"
    # The sample's generator needs the units but not their positions: it runs in a second thread
    # while the boundaries load and the positions are drawn (numpy and shapely release the GIL).
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="xingtu-generate") as pool:
        generated = pool.submit(generate_demo, units, standards, cal, not counties) if sample else None
        progress(0.08, "build.locations")
        county_geo = load_counties(settings.province)
        city_geo = load_cities(settings.province)
        polygons = dict(zip(county_geo["code"], county_geo.geometry, strict=True))
        polygons |= dict(zip(city_geo["code"], city_geo.geometry, strict=True))
        county_rows = regions[regions["level"] == "county"]
        host = {
            c: (c if c in polygons else city)
            for c, city in zip(county_rows["code"], county_rows["city_code"], strict=True)
        }
        locations = compute_locations(units, polygons, host, cal.seed)
        units = units.merge(locations, on="code", how="left", validate="one_to_one")
        if generated is not None:
            progress(0.2, "build.generate")
            demo = generated.result()

    progress(0.55, "build.write")
    regions = _region_summary(regions, units, county_geo, city_geo, host)
    latest = standard_for_year(standards, max(cal.years))
    stars = pd.DataFrame(
        [
            (t, s.id, s.name, i + 1, s.min_share_met)
            for t in UNIT_TYPES
            for i, s in enumerate(latest.stars_for(t))
        ],
        columns=["unit_type", "star_id", "star_name", "ord", "min_share_met"],
    )
    tasks = compute_task_rows(standards, cal.years)
    province = regions.loc[regions["level"] == "province"].iloc[0]
    meta = {
        "fingerprint": compute_fingerprint(settings, counties),
        "schema_version": SCHEMA_VERSION,
        "province_code": province["code"],
        "province_name": province["name"],
        "years": ",".join(str(y) for y in cal.years),
        "monthly_year": str(cal.monthly_year),
        "standard_name": latest.name,
        "standard_sample": str(latest.sample).lower(),
        "built_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
    } | (_sample_meta(province["name"], cal) if sample else _empty_meta(province["name"]))

    with duckdb.connect(str(path)) as con:
        con.execute("SET preserve_insertion_order = true")
        con.execute("SET enable_progress_bar = false")
        con.register("meta_df", pd.DataFrame(sorted(meta.items()), columns=["key", "value"]))
        con.execute("CREATE TABLE meta AS SELECT * FROM meta_df")
        _create(con, "regions", regions, order="code")
        _create(con, "units", units, order="code")
        _create(con, "stars", stars, order="unit_type, ord")
        _create(con, "tasks", tasks, order="year, unit_type, ord")
        _create(con, "standard_docs", standard_docs(settings), order="effective_from")
        if sample:
            _write_sample(con, demo, units, cal, progress)
        else:
            for table, columns in EMPTY_FACTS.items():
                con.execute(f"CREATE TABLE {table} ({columns})")
        # written by imports: annual results say where each row came from (contract: 'sample' for
        # generated rows, 'imported' for imported ones); import_coverage, what each import touched
        con.execute("ALTER TABLE annual_results ALTER COLUMN source SET DEFAULT 'imported'")
        con.execute(f"CREATE TABLE import_coverage ({IMPORT_COVERAGE})")
        # point lookups (one unit's profile) use ART indexes; aggregates scan
        for table, column in INDEXES:
            con.execute(f"CREATE INDEX {table}_{column} ON {table} ({column})")
        con.execute("CHECKPOINT")


# The fact tables of an empty base: the columns and types the sample build writes (a test
# compares the two), with no rows.
EMPTY_FACTS = {
    "annual_results": "code VARCHAR, year SMALLINT, unit_type VARCHAR, target_level TINYINT, level TINYINT, "
    "weak_lax BOOLEAN, open_problems INTEGER, overdue_problems INTEGER, source VARCHAR",
    "star_results": "code VARCHAR, year SMALLINT, unit_type VARCHAR, star_id VARCHAR, held BOOLEAN, "
    "tasks_met SMALLINT, tasks_total SMALLINT, required SMALLINT, veto_unmet SMALLINT, tasks_short SMALLINT",
    "task_results": "code VARCHAR, year SMALLINT, task_id VARCHAR, met BOOLEAN",
    "task_unmet": "year SMALLINT, township_code VARCHAR, unit_type VARCHAR, task_id VARCHAR, units INTEGER, "
    "unmet INTEGER",
    "monthly_progress": "code VARCHAR, unit_type VARCHAR, year SMALLINT, month TINYINT, star_id VARCHAR, "
    "tasks_met SMALLINT, tasks_total SMALLINT",
    "problems": "problem_id VARCHAR, code VARCHAR, year SMALLINT, star_id VARCHAR, task_id VARCHAR, "
    "problem VARCHAR, helper VARCHAR, measure VARCHAR, deadline DATE, status VARCHAR, closed_on DATE",
    "pairings": "strong_code VARCHAR, weak_code VARCHAR, kind VARCHAR, since DATE",
}
# One row per version × kind × county × year an import touched (year NULL for kinds without one).
IMPORT_COVERAGE = (
    "version INTEGER, created_at VARCHAR, user_name VARCHAR, file_name VARCHAR, kind VARCHAR, "
    "year INTEGER, county_code VARCHAR, rows INTEGER, units INTEGER"
)


def _sample_meta(province: str, cal: Calibration) -> dict[str, str]:
    return {
        "dataset_kind": "sample",
        "dataset_name": translate("status.dataset.sample", "zh", province=province),
        "dataset_note": "演示用样例数据：评定结果、任务完成情况、问题清单等均为程序按公开数据校准生成，"
        "并非真实评定结果；村（社区）位置为近似位置。",
        "as_of": cal.as_of.isoformat(),
        "sources": json.dumps(SOURCES, ensure_ascii=False),
    }


def _empty_meta(province: str) -> dict[str, str]:
    return {
        "dataset_kind": "empty",  # an import makes it 'imported' (versions._stamp)
        # true before and after imports (the name and note are kept by them): no sample rows, ever
        "dataset_name": translate("status.dataset.empty", "zh", province=province),
        "dataset_note": "本数据集只含真实的行政区划、边界与任务清单，不含样例数据："
        "评定结果等全部来自各县区的导入，尚未导入的地区标为“未导入”，导入情况见“数据概况”页的覆盖情况。"
        "村（社区）位置为近似位置，可导入实际位置。",
        "as_of": dt.date.today().isoformat(),
        "sources": json.dumps([*SOURCES[:3], EMPTY_RESULTS_SOURCE], ensure_ascii=False),
    }


def _write_sample(
    con: duckdb.DuckDBPyConnection, demo: DemoData, units: pd.DataFrame, cal: Calibration, progress: Progress
) -> None:
    """The generated fact tables (the sample dataset).

    The generator numbers units in code order and returns task results sorted by (year, unit,
    task), so the 20M task rows go in as they come: codes and task ids as Arrow dictionaries
    over those numbers (no join, no sort), and their per-township counts by ``np.bincount``.
    """
    units = units.sort_values("code").reset_index(drop=True)  # the generator's unit numbering
    # Fact tables carry unit_type (and annual results the ledger counts as of the data
    # date) so the overview aggregates scan one table with no join.
    con.register("annual_df", demo.annual)
    con.register("problems_df", demo.problems)
    con.execute(
        """
        CREATE TABLE annual_results AS
        SELECT a.code, a.year, u.unit_type, a.target_level, a.level, a.weak_lax,
               coalesce(p.open, 0)::INTEGER AS open_problems,
               coalesce(p.overdue, 0)::INTEGER AS overdue_problems, 'sample' AS source
        FROM annual_df a JOIN units u USING (code)
        LEFT JOIN (SELECT code, year,
                          count(*) FILTER (WHERE OPEN) AS open,
                          count(*) FILTER (WHERE OVERDUE) AS overdue
                   FROM problems_df GROUP BY code, year) p USING (code, year)
        ORDER BY a.year, a.code
        """.replace("OVERDUE", overdue_sql()).replace("OPEN", open_sql()),
        {"as_of": cal.as_of},
    )
    con.register("stars_df", demo.stars)
    con.execute(
        """CREATE TABLE star_results AS SELECT s.code, s.year, u.unit_type, s.* EXCLUDE (code, year)
           FROM stars_df s JOIN units u USING (code) ORDER BY s.year, s.code, s.star_id"""
    )
    progress(0.7, "build.tasks")
    codes = pa.array(units["code"].to_numpy(dtype=object), pa.string())
    task_ids = pa.array(list(demo.task_ids), pa.string())
    con.register(
        "task_raw",
        pa.table(
            {
                "code": pa.DictionaryArray.from_arrays(pa.array(demo.task_unit, pa.int32()), codes),
                "year": pa.array(demo.task_year, pa.int16()),
                "task_id": pa.DictionaryArray.from_arrays(pa.array(demo.task_index, pa.int16()), task_ids),
                "met": pa.array(demo.task_met, pa.bool_()),
            }
        ),
    )
    # already in (year, code, task order): insertion order is the stored order
    con.execute(
        """CREATE TABLE task_results AS
           SELECT code::VARCHAR AS code, year, task_id::VARCHAR AS task_id, met FROM task_raw"""
    )
    con.unregister("task_raw")
    progress(0.84, "build.unmet")
    # Task failures per township: region-level 短板 queries read ~60× fewer rows than
    # task_results. Townships are the finest region, so any region is a prefix of them.
    con.register("task_unmet_df", _task_unmet(demo, units))
    con.execute(
        """CREATE TABLE task_unmet AS SELECT year, township_code::VARCHAR AS township_code,
           unit_type::VARCHAR AS unit_type, task_id::VARCHAR AS task_id, units, unmet FROM task_unmet_df"""
    )
    con.unregister("task_unmet_df")
    progress(0.9, "build.monthly")
    con.register("monthly_df", demo.monthly)
    con.execute(
        """CREATE TABLE monthly_progress AS SELECT m.code, u.unit_type, m.* EXCLUDE (code)
           FROM monthly_df m JOIN units u USING (code) ORDER BY m.year, m.code, m.month, m.star_id"""
    )
    _create(con, "problems", demo.problems, order="problem_id")
    _create(con, "pairings", demo.pairings, order="strong_code, weak_code")


def _task_unmet(demo: DemoData, units: pd.DataFrame) -> pa.Table:
    """``task_unmet`` rows (units and unmet per year × township × unit type × task), in key order.

    ``units`` is in code order (the generator's numbering). Every key part is numbered in its
    sort order, so the non-empty cells of the count array come out already sorted.
    """
    towns, town_of = np.unique(units["township_code"].to_numpy(dtype=object), return_inverse=True)
    types, type_of = np.unique(units["unit_type"].to_numpy(dtype=object), return_inverse=True)
    task_ids = np.array(demo.task_ids, dtype=object)
    task_order = np.argsort(task_ids, kind="stable")
    task_rank = np.empty(len(task_ids), dtype=np.int64)
    task_rank[task_order] = np.arange(len(task_ids))
    first_year = int(demo.task_year.min()) if len(demo.task_year) else 0
    n_years = int(demo.task_year.max()) - first_year + 1 if len(demo.task_year) else 0
    n_unit_keys = len(towns) * len(types)
    unit_key = town_of.astype(np.int64) * len(types) + type_of  # per unit: township × unit type
    key = (demo.task_year - first_year).astype(np.int64) * n_unit_keys
    key += unit_key[demo.task_unit]
    key *= len(task_ids)
    key += task_rank[demo.task_index]
    size = n_years * n_unit_keys * len(task_ids)
    total = np.bincount(key, minlength=size)
    unmet = np.bincount(key[~demo.task_met], minlength=size)
    cells = np.flatnonzero(total)
    year, rest = np.divmod(cells, n_unit_keys * len(task_ids))
    ut, task = np.divmod(rest, len(task_ids))
    town, typ = np.divmod(ut, len(types))

    def labels(index: np.ndarray, names: np.ndarray) -> pa.DictionaryArray:
        return pa.DictionaryArray.from_arrays(pa.array(index, pa.int32()), pa.array(names, pa.string()))

    return pa.table(
        {
            "year": pa.array((year + first_year).astype(np.int16)),
            "township_code": labels(town, towns),
            "unit_type": labels(typ, types),
            "task_id": labels(task, task_ids[task_order]),
            "units": pa.array(total[cells].astype(np.int32)),
            "unmet": pa.array(unmet[cells].astype(np.int32)),
        }
    )


def standard_docs(settings: Settings) -> pd.DataFrame:
    """Every catalogue file as a ``standard_docs`` row: the document as JSON, version 0 (the base).

    Imported catalogues (kind ``standard``) add rows with their version; the rule and tasks of
    a year are read back with ``queries.query_standards`` and ``standard_for_year``.
    """
    rows = [
        (
            int(path.stem),
            path.name,
            json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), ensure_ascii=False, default=str),
            0,
        )
        for path in sorted(settings.standard_dir.glob("*.yaml"))
        if path.stem.isdigit()
    ]
    df = pd.DataFrame(rows, columns=["effective_from", "source", "doc", "version"])
    return df.astype({"effective_from": "int32", "version": "int32"})


TASK_COLUMNS = ["year", "unit_type", "task_id", "star_id", "ord", "name", "description", "veto"]


def compute_task_rows(standards: Mapping[int, Standard], years: Iterable[int]) -> pd.DataFrame:
    """The ``tasks`` table's rows of ``years``, each from the catalogue in force that year (none
    for a year no catalogue covers): the one materialisation the build and imports share."""
    rows = []
    for y in years:
        try:
            standard = standard_for_year(standards, y)
        except LookupError:
            continue
        rows += [
            (y, t, task.id, task.star, j + 1, task.name, task.description, task.veto)
            for t in UNIT_TYPES
            for j, task in enumerate(standard.tasks_for(t))
        ]
    return pd.DataFrame(rows, columns=TASK_COLUMNS)


def _create(con: duckdb.DuckDBPyConnection, name: str, df: pd.DataFrame, order: str) -> None:
    con.register(f"{name}_df", df)
    con.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_df ORDER BY {order}")  # noqa: S608 - fixed names
    con.unregister(f"{name}_df")


def _region_summary(
    regions: pd.DataFrame,
    units: pd.DataFrame,
    county_geo: pd.DataFrame,
    city_geo: pd.DataFrame,
    host: dict[str, str],
) -> pd.DataFrame:
    """Regions with unit counts, polygon flag and a label point (polygon's or units' centre)."""
    out = regions.copy()
    has_poly = set(county_geo["code"]) | set(city_geo["code"])
    out["has_polygon"] = out["code"].isin(has_poly) | (out["level"] == "province")
    out["host_code"] = out["code"].map(host).fillna("")
    counts = {}
    for col in ("city_code", "county_code", "township_code"):
        counts.update(units.groupby(col).size().to_dict())
    counts[out.loc[out["level"] == "province", "code"].iloc[0]] = len(units)
    out["units"] = out["code"].map(counts).fillna(0).astype("int32")
    centre = {}
    for col in ("city_code", "county_code", "township_code"):
        centre.update(units.groupby(col)[["lon", "lat"]].mean().apply(tuple, axis=1).to_dict())
    for geo in (county_geo, city_geo):
        pts = geo.geometry.representative_point()
        centre.update({c: (p.x, p.y) for c, p in zip(geo["code"], pts, strict=True)})
    out["lon"] = [centre.get(c, (np.nan, np.nan))[0] for c in out["code"]]
    out["lat"] = [centre.get(c, (np.nan, np.nan))[1] for c in out["code"]]
    return out


# The data sources a store names (meta.sources, in Chinese; the status page shows them in the UI's
# language by the same keys): reference data, then the results of the sample or of imports.
SOURCE_FIELDS = ("what", "source", "licence", "file")
SOURCE_IDS = ("divisions", "boundaries", "standard", "results")


def source_row(source_id: str, lang: Lang = "zh") -> dict[str, str]:
    """One row of the sources table, in ``lang``."""
    return {f: translate(f"source.{source_id}.{f}", lang) for f in SOURCE_FIELDS}


SOURCES = [source_row(s) for s in SOURCE_IDS]
EMPTY_RESULTS_SOURCE = source_row("imported")
