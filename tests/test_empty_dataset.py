"""A real-data-only deployment (XINGTU_DATASET=empty): the base store, empty pages, coverage, the label.

The empty base holds the real divisions, boundaries and task catalogue and no results. Every
page must render with no error and no made-up number, naming what is not imported (未导入).
Imports are simulated here by writing a county's rows (taken from the generated small store)
into a new version, as the importer does, with the ``import_coverage`` rows it records; the
browser test (tests/e2e/test_empty_browser.py) goes through the real importer.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import duckdb
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from components import coverage, nodata
from tests.conftest import SMALL_COUNTIES, store_env
from tests.scope_check import open_as
from xingtu.settings import ROOT, get_settings
from xingtu.store import queries as q
from xingtu.store import versions, views
from xingtu.store.build import EMPTY_FACTS, build_store, compute_fingerprint, ensure_store
from xingtu.store.paths import store_path

APP = str(ROOT / "app.py")
PAGES = {
    "overview": "app_pages/overview.py",
    "trends": "app_pages/trends.py",
    "unit": "app_pages/unit.py",
    "weak": "app_pages/weak.py",
    "status": "app_pages/status.py",
    "visit": "app_pages/visit.py",
    "screen": "app_pages/screen.py",
}
YUANHUI, YANCHENG, ZONE = SMALL_COUNTIES  # 源汇区, 郾城区, 漯河经济技术开发区
FACTS = tuple(EMPTY_FACTS)
UNIT = "411102001001"  # 滨西社区, 源汇区


@pytest.fixture(scope="module")
def empty_store_path(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    """The small empty store built by code, and how long the build took."""
    path = tmp_path_factory.mktemp("empty") / "empty.duckdb"
    settings = get_settings()
    started = time.perf_counter()
    build_store(path, type(settings)(**{**settings.__dict__, "dataset": "empty"}), counties=SMALL_COUNTIES)
    return path, time.perf_counter() - started


@pytest.fixture
def empty_con(empty_store_path):
    con = duckdb.connect(str(empty_store_path[0]), read_only=True)
    yield con
    con.close()


@pytest.fixture
def empty_env(make_store, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An app environment on an empty small dataset of its own (a fresh store folder per test)."""
    settings = make_store(dataset="empty", name="empty-app")
    for name, value in store_env(settings).items():
        monkeypatch.setenv(name, value)
    for name in ("XINGTU_USERS_FILE", "XINGTU_SHARE_SECRET", "XINGTU_AUDIT_FILE"):
        monkeypatch.delenv(name, raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield settings.store_dir
    st.cache_data.clear()
    st.cache_resource.clear()


def _import_county(sample: Path, county: str, year: int, user: str = "源汇区委组织部") -> versions.Version:
    """Write one county's results of ``year`` (from the generated store) as an import would: a new
    version with annual and star results marked imported, and its coverage rows."""

    with duckdb.connect(str(sample), read_only=True) as src:
        where = {"y": year, "p": county[:6]}
        annual = src.execute(
            "SELECT * EXCLUDE (source) FROM annual_results WHERE year = $y AND prefix(code, $p)", where
        ).df()
        stars = src.execute("SELECT * FROM star_results WHERE year = $y AND prefix(code, $p)", where).df()

    def apply(con: duckdb.DuckDBPyConnection) -> dict:
        con.register("new_annual", annual)
        con.register("new_stars", stars)
        con.execute("INSERT INTO annual_results SELECT *, 'imported' FROM new_annual")
        con.execute("INSERT INTO star_results SELECT * FROM new_stars")
        con.execute(
            """INSERT INTO import_coverage VALUES (
                   (SELECT coalesce(max(version), 0) + 1 FROM import_coverage),
                   '2026-06-01T10:00:00+08:00', $user, $file, 'annual', $y, $c, $n, $n)""",
            {"user": user, "file": f"{county}-{year}.xlsx", "y": year, "c": county, "n": len(annual)},
        )
        return {"rows": len(annual), "units": len(annual), "years": [year]}

    return versions.create_version(
        apply, user=user, file_name=f"{county}-{year}.xlsx", kind="annual", checksum="test"
    )


def _open(page: str, params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.run()
    if page != "overview":
        at.switch_page(PAGES[page]).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _html(at: AppTest) -> str:
    return " ".join(h.proto.body for h in at.get("html"))


def _ranking_rows(at: AppTest) -> list[dict]:
    import json

    return next(
        json.loads(e.proto.json)["rows"]
        for e in at.get("bidi_component")
        if e.proto.component_name == "xingtu_ranking"
    )


def _map_legend(at: AppTest) -> str:
    return next(h.proto.body for h in at.get("html") if "map-legend" in h.proto.body)


# --- the base store -------------------------------------------------------------------------


def test_the_empty_base_holds_the_reference_data_and_no_results(empty_con, small_con, empty_store_path):
    for table in FACTS:
        assert empty_con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
    for table in ("regions", "units", "stars", "tasks"):
        sql = f"SELECT count(*) FROM {table}"
        assert empty_con.execute(sql).fetchone()[0] == small_con.execute(sql).fetchone()[0] > 0, table
    years = [r[0] for r in empty_con.execute("SELECT DISTINCT year FROM tasks ORDER BY 1").fetchall()]
    assert years[0] == 2022 and years == list(range(2022, years[-1] + 1))
    meta = q.query_meta(empty_con)
    assert meta["dataset_kind"] == "empty" and "仅导入数据" in meta["dataset_name"]
    assert "不含样例数据" in meta["dataset_note"] and "未导入" in meta["dataset_note"]
    assert empty_con.execute("SELECT count(*) FROM import_coverage").fetchone()[0] == 0
    assert empty_store_path[1] < 20  # seconds: no generator run (about 2 s here)


def test_the_empty_fact_tables_have_the_sample_builds_columns(empty_con, small_con):
    for table in (*FACTS, "import_coverage"):
        shape = f"SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '{table}'"
        assert empty_con.execute(shape).fetchall() == small_con.execute(shape).fetchall(), table


def test_generated_rows_say_they_are_sample_and_imports_default_to_imported(small_con):
    assert small_con.execute("SELECT DISTINCT source FROM annual_results").fetchall() == [("sample",)]
    default = small_con.execute(
        """SELECT column_default FROM information_schema.columns
           WHERE table_name = 'annual_results' AND column_name = 'source'"""
    ).fetchone()[0]
    assert "imported" in default


def test_the_dataset_mode_is_a_setting_part_of_the_fingerprint_and_the_file(monkeypatch):
    monkeypatch.delenv("XINGTU_DATASET", raising=False)
    sample = get_settings()
    assert sample.dataset == "sample"
    monkeypatch.setenv("XINGTU_DATASET", "empty")
    empty = get_settings()
    assert compute_fingerprint(sample) != compute_fingerprint(empty)
    assert store_path(sample) != store_path(empty)  # imported versions never sit on the other base
    monkeypatch.setenv("XINGTU_DATASET", "nothing")
    with pytest.raises(ValueError, match="XINGTU_DATASET"):
        get_settings()


# --- queries on an empty store --------------------------------------------------------------


def test_queries_on_the_empty_store_name_what_is_missing(empty_con):
    assert q.query_data_years(empty_con) == []
    assert q.query_years(empty_con) == q.query_campaign_years(empty_con) != []
    year = q.query_years(empty_con)[-1]
    summary = q.query_summary(empty_con, q.Scope("411100000000"), year)
    units = empty_con.execute("SELECT count(*) FROM units").fetchone()[0]
    assert summary["units"] == 0 and summary["expected"] == units
    counties = q.query_region_metrics(empty_con, q.Scope("411100000000"), year, "county")
    assert set(counties["code"]) >= set(SMALL_COUNTIES)
    assert (counties["units"] == 0).all() and (
        counties.set_index("code").loc[list(SMALL_COUNTIES), "expected"] > 0
    ).all()
    assert q.query_sample_share(empty_con, q.Scope("410000000000"), year) == (0, 0)


def test_coverage_lists_every_county_and_what_was_imported(empty_store_path, small_store_path, tmp_path):
    path = tmp_path / "one.duckdb"
    shutil.copyfile(empty_store_path[0], path)
    with duckdb.connect(str(path)) as con:
        con.execute(f"ATTACH '{small_store_path}' AS src (READ_ONLY)")
        con.execute(
            """INSERT INTO annual_results SELECT * EXCLUDE (source), 'imported' FROM src.annual_results
               WHERE year = 2024 AND prefix(code, '411102')"""
        )
        n = con.execute("SELECT count(*) FROM annual_results").fetchone()[0]
        con.execute(
            "INSERT INTO import_coverage VALUES (1, '2026-06-01T10:00:00+08:00', '张三', '源汇区.xlsx', "
            "'annual', 2024, ?, ?, ?)",
            [YUANHUI, n, n],
        )
        cov = views.query_coverage(con, "411100000000")
        own = views.query_coverage(con, YANCHENG)  # a county account sees its own county only
    assert list(own.counties["code"]) == [YANCHENG] and own.imports.empty
    assert set(cov.counties["code"]) == set(SMALL_COUNTIES) and cov.years[0] == 2022
    text, state = coverage.compute_matrix(cov, "annual", "zh")
    assert list(text["code"])[-1] == YUANHUI  # imported counties last: the missing ones to chase first
    row = text.index[text["code"] == YUANHUI][0]
    assert state.loc[row, "2024"] == coverage.DONE and state.loc[row, "2025"] == coverage.NONE
    assert text.loc[row, "2024"].startswith(f"已导入 {n:,}/{n:,}") and "张三" in text.loc[row, "2024"]
    others = text.index[text["code"] != YUANHUI]
    assert (state.loc[others] == coverage.NONE).all().all() and (text.loc[others, "2024"] == "未导入").all()
    assert coverage.compute_summary(state) == ("2025", 0, 3)
    details = coverage.compute_details(cov, "zh")
    assert details[["county", "file_name", "user_name", "units", "of"]].values.tolist() == [
        ["源汇区", "源汇区.xlsx", "张三", n, n]
    ]
    assert details["kind_label"].tolist() == ["年度评定结果"]
    assert coverage.compute_details(cov, "en")["kind_label"].tolist() == ["Annual results"]
    english, same = coverage.compute_matrix(cov, "annual", "en")  # the language asked for
    assert same.equals(state) and english.loc[row, "2024"].startswith(f"imported {n:,}/{n:,}")
    assert (english.loc[others, "2024"] == "not imported").all()
    # a kind without a year has one column; nothing imported of it
    text, state = coverage.compute_matrix(cov, "locations", "zh")
    assert list(state.columns) == ["（不分年度）"] and (state == coverage.NONE).all().all()
    assert list(coverage.compute_matrix(cov, "locations", "en")[1].columns) == ["(no year)"]


@pytest.mark.parametrize(
    ("lang", "none", "partial"),
    [
        ("zh", "源汇区 2025 年尚未导入评定结果（共 120 个村（社区））", "已导入 30 / 120 个村（社区）"),
        ("en", "No results imported for 源汇区 in 2025 yet (120 units)", "results imported for 30 of 120"),
    ],
)
def test_the_notice_names_what_is_not_imported_in_the_language_asked(lang, none, partial):
    notice = nodata.compute_notice
    kind, text = notice({"units": 0, "expected": 120}, "源汇区", 2025, lang)
    assert kind == "none" and text.startswith(none)
    kind, text = notice({"units": 30, "expected": 120}, "源汇区", 2025, lang)
    assert kind == "partial" and partial in text and "90" in text
    assert notice({"units": 120, "expected": 120}, "源汇区", 2025, lang) is None  # all in: nothing to say
    assert notice({"units": 0, "expected": 0}, "源汇区", 2025, lang) is None  # no units match the filters


def test_the_sample_label_follows_the_scope_shown(small_store_path, tmp_path):
    path = tmp_path / "mixed.duckdb"
    shutil.copyfile(small_store_path, path)
    with duckdb.connect(str(path)) as con:
        con.execute(
            "UPDATE annual_results SET source = 'imported' WHERE prefix(code, '411102') AND year = 2025"
        )
        assert q.query_sample_share(con, q.Scope(YUANHUI), 2025)[0] == 0
        assert q.query_sample_share(con, q.Scope(YUANHUI), 2024)[0] > 0
        assert q.query_sample_share(con, q.Scope("411100000000"), 2025)[0] > 0
        con.execute("INSERT INTO meta VALUES ('version_id', '1')")
        con.execute("UPDATE meta SET value = 'mixed' WHERE key = 'dataset_kind'")
        assert views.query_briefing(con, q.Scope(YUANHUI), 2025).meta["dataset_kind"] == "imported"
        assert views.query_briefing(con, q.Scope(YANCHENG), 2025).meta["dataset_kind"] == "mixed"


# --- the app on an empty store --------------------------------------------------------------


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders_on_the_empty_store_without_error_or_sample_label(empty_env, page):
    at = _open(page, {"u": UNIT} if page == "unit" else None)
    assert not at.error, [e.value for e in at.error]
    html = _html(at)
    assert "sample-badge" not in html and "样例数据" not in html
    shown = " ".join([*(i.value for i in at.info), *(c.value for c in at.caption), html])
    assert "未导入" in shown or "尚未导入" in shown, page


def test_the_empty_overview_greys_every_region_and_says_not_imported(empty_env):
    at = _open("overview", {"r": "4111"})
    infos = " ".join(i.value for i in at.info)
    assert "尚无任何评定结果" in infos and "尚未导入评定结果" in infos
    rows = _ranking_rows(at)
    assert {r["code"] for r in rows} >= set(SMALL_COUNTIES)
    assert all(r["value"] == "未导入" and r["rank"] == "" and r["nodata"] for r in rows)
    assert "未导入" in _map_legend(at)
    # the divisions' units, none imported; no level, target or problem count is made up
    assert [(m.label, m.value, m.proto.delta) for m in at.metric] == [("村（社区）总数", "380", "未导入")]
    assert "尚无任何年度的数据" in " ".join(c.value for c in at.sidebar.caption)


def test_the_empty_big_screen_lists_the_counties_not_imported(empty_env):
    at = _open("screen", {"r": "4111"})
    html = _html(at)
    assert "未导入的县（区）（3）" in html and "源汇区" in html and "尚无已导入的评定结果" in html
    assert "未导入" in html.split('data-testid="screen-legend"')[1]


def test_after_an_import_the_county_shows_its_levels_and_the_label_stays_away(empty_env, small_store_path):
    ensure_store()
    _import_county(small_store_path, YUANHUI, 2025)
    with duckdb.connect(str(small_store_path), read_only=True) as con:
        levels = dict(
            con.execute(
                """SELECT level, count(*) FROM annual_results
                   WHERE year = 2025 AND prefix(code, '411102') GROUP BY 1"""
            ).fetchall()
        )
    at = _open("overview", {"r": "4111", "y": "2025"})
    rows = {r["code"]: r for r in _ranking_rows(at)}
    assert rows[YUANHUI]["units"] == sum(levels.values()) and rows[YUANHUI]["rank"] == "1"
    assert rows[YANCHENG]["value"] == rows[ZONE]["value"] == "未导入"
    total = sum(levels.values())
    expected = int(
        q.query_summary(duckdb.connect(str(small_store_path), read_only=True), q.Scope("411100000000"), 2025)[
            "units"
        ]
    )
    cards = {m.label: m for m in at.metric}
    assert cards["村（社区）总数"].value == f"{total:,}"
    assert cards["村（社区）总数"].proto.delta == f"未导入 {expected - total:,}"
    five = next(m.value for k, m in cards.items() if k.startswith("五星"))
    assert five == f"{levels.get(5, 0):,}"
    assert "已导入" in " ".join(c.value for c in at.caption)  # partial: the numbers count the imported part
    assert "sample-badge" not in _html(at)

    at = _open("overview", {"r": "411102", "y": "2025"})
    assert not any("尚未导入评定结果" in i.value for i in at.info)
    status = _open("status")
    matrix = status.dataframe[0].value
    row = matrix[matrix["code"] == YUANHUI].iloc[0]
    assert row["2025"].startswith(f"已导入 {total:,}/") and row["2024"] == "未导入"
    assert set(matrix.loc[matrix["code"] != YUANHUI, "2025"]) == {"未导入"}
    details = status.dataframe[1].value
    assert list(details["county"]) == ["源汇区"] and list(details["file_name"]) == [f"{YUANHUI}-2025.xlsx"]


def test_a_county_account_sees_the_coverage_of_its_own_county_only(
    empty_env, small_store_path, users_file, monkeypatch
):
    monkeypatch.setenv("XINGTU_USERS_FILE", str(users_file))
    monkeypatch.setenv("XINGTU_AUDIT_FILE", str(empty_env / "audit.jsonl"))
    ensure_store()
    _import_county(small_store_path, YANCHENG, 2025, user="郾城区委组织部")
    at = open_as(None, "status", login="yuanhui")
    assert not at.exception, [e.value for e in at.exception]
    matrix = at.dataframe[0].value
    assert list(matrix["code"]) == [YUANHUI] and set(
        matrix.drop(columns=["city", "county", "code", "units"]).iloc[0]
    ) == {"未导入"}
    assert "郾城区" not in " ".join(str(v) for v in matrix.values.ravel())
    assert any("还没有任何导入" in c.value for c in at.caption)
