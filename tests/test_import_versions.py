"""Imports as dataset versions: each kind's effect, rollback, all-or-nothing under failure and kill."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import store_env
from tests.workbooks import annual_rows, star_names, write_messy_annual, xlsx
from xingtu.imports import apply
from xingtu.settings import ROOT
from xingtu.store import versions
from xingtu.store.paths import store_path

CODE = "411102001002"  # 源汇区老街街道新华社区, a 社区


@pytest.fixture
def settings(make_store):
    """A store folder whose base (v0) is a copy of the small store."""
    return make_store(name="versions")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def query(s, sql: str, params: dict | None = None) -> list[tuple]:
    with duckdb.connect(str(versions.active_path(s)), read_only=True) as con:
        return con.execute(sql, params or {}).fetchall()


def load(s, rows: list[list], kind: str, **kw):
    return apply.import_bytes(xlsx(rows), f"{kind}.xlsx", kind, user="测试员", settings=s, **kw)


ANNUAL_HEADER = [
    "单位代码",
    "年度",
    "创建目标",
    "评定星级",
    "支部过硬",
    "宜业兴业",
    "平安法治",
    "共建共享",
    "幸福和谐",
]


def test_annual_import_makes_a_version_and_rollback_restores(settings):
    base = digest(store_path(settings))
    before = query(
        settings,
        "SELECT level, target_level FROM annual_results WHERE code = $c AND year = 2025",
        {"c": CODE},
    )
    checked, version = load(
        settings, [ANNUAL_HEADER, [CODE, 2025, "五星", "★★★★★", "是", "是", "是", "是", "是"]], "annual"
    )
    assert checked.ok and version is not None and version.id == 1 and version.parent == 0
    assert version.user == "测试员" and version.rows == 1 and version.units == 1 and version.years == [2025]
    assert version.checksum == checked.checksum and len(version.checksum) == 64
    assert query(
        settings,
        "SELECT level, target_level FROM annual_results WHERE code = $c AND year = 2025",
        {"c": CODE},
    ) == [(5, 5)]
    held = query(
        settings,
        "SELECT bool_and(held), max(tasks_short) FROM star_results WHERE code = $c AND year = 2025",
        {"c": CODE},
    )
    assert held == [(True, 0)]
    meta = dict(query(settings, "SELECT key, value FROM meta"))
    assert (
        meta["dataset_kind"] == "mixed" and meta["version_id"] == "1" and meta["fingerprint"].endswith("-v1")
    )
    assert query(settings, "SELECT version, user_name, file_name, kind FROM imports") == [
        (1, "测试员", "annual.xlsx", "annual")
    ]
    assert digest(store_path(settings)) == base  # the base is never written

    assert versions.rollback(settings) == 0
    assert versions.active_path(settings) == store_path(settings)
    assert (
        query(
            settings,
            "SELECT level, target_level FROM annual_results WHERE code = $c AND year = 2025",
            {"c": CODE},
        )
        == before
    )
    versions.activate(1, settings)
    assert versions.current_id(settings) == 1


def test_a_rejected_file_changes_nothing(settings):
    base = digest(store_path(settings))
    checked, version = load(
        settings, [ANNUAL_HEADER, [CODE, 2025, "五星", "三星", "是", "是", "是", "是", "是"]], "annual"
    )
    assert not checked.ok and version is None
    assert versions.list_versions(settings) == [] and versions.current_id(settings) == 0
    assert digest(store_path(settings)) == base
    assert not list(versions.versions_dir(settings).glob("v*.duckdb"))


def test_a_failure_while_writing_leaves_the_previous_version_in_force(settings):
    load(settings, [ANNUAL_HEADER, [CODE, 2025, "五星", "五星", "是", "是", "是", "是", "是"]], "annual")
    v1 = digest(versions.active_path(settings))

    def half_then_fail(con):
        con.execute("DELETE FROM annual_results")  # half-applied …
        raise RuntimeError("disk full")  # … then the write fails

    with pytest.raises(RuntimeError):
        versions.create_version(
            half_then_fail, user="x", file_name="f", kind="annual", checksum="", settings=settings
        )
    assert versions.current_id(settings) == 1
    assert digest(versions.active_path(settings)) == v1
    assert [v.id for v in versions.list_versions(settings)] == [1]
    assert not [p for p in versions.versions_dir(settings).iterdir() if p.name.startswith(".v")]


def test_messy_county_workbook_imports_and_queries_see_it(settings, small_store_path):
    with duckdb.connect(str(small_store_path), read_only=True) as con:
        frame, stars = annual_rows(con, 2025, ["411102000000"]), star_names(con)
    frame["level"] = frame["level"].where(frame["unit_type"] != "urban", 0)
    for star in ("branch", "business", "safety", "sharing", "harmony"):
        frame.loc[frame["unit_type"] == "urban", star] = False
    checked, version = apply.import_bytes(
        write_messy_annual(frame, stars, 2025), "源汇区.xlsx", "annual", user="u", settings=settings
    )
    assert checked.problems == [] and version is not None
    urban = query(
        settings,
        """SELECT count(*), max(level) FROM annual_results a JOIN units u USING (code)
           WHERE u.county_code = '411102000000' AND u.unit_type = 'urban' AND year = 2025""",
    )
    assert urban[0][1] == 0
    stars_held = query(
        settings,
        """SELECT count(*) FROM star_results s JOIN units u USING (code)
           WHERE u.county_code = '411102000000' AND u.unit_type = 'urban' AND year = 2025 AND held""",
    )
    assert stars_held == [(0,)]


def test_task_import_recomputes_star_statistics_and_the_township_aggregate(settings):
    task = query(
        settings,
        """SELECT task_id FROM tasks WHERE year = 2025 AND unit_type = 'urban' AND star_id = 'branch'
           ORDER BY ord LIMIT 1""",
    )[0][0]
    met = query(
        settings,
        "SELECT met FROM task_results WHERE code = $c AND year = 2025 AND task_id = $t",
        {"c": CODE, "t": task},
    )[0][0]
    _, version = load(
        settings,
        [["单位代码", "年度", "任务编号", "是否达标"], [CODE, 2025, task, "否" if met else "是"]],
        "tasks",
    )
    assert version is not None
    check = query(
        settings,
        """SELECT count(*) FROM star_results s JOIN (
               SELECT t.code, t.year, k.star_id, count(*) FILTER (WHERE t.met) AS met
               FROM task_results t JOIN tasks k USING (year, task_id) WHERE t.code = $c GROUP BY ALL) a
           USING (code, year, star_id) WHERE s.tasks_met <> a.met""",
        {"c": CODE},
    )
    assert check == [(0,)]
    agg = query(
        settings,
        """SELECT count(*) FROM task_unmet m FULL JOIN (
               SELECT t.year, u.township_code, u.unit_type, t.task_id, count(*) AS units,
                      count(*) FILTER (WHERE NOT t.met) AS unmet
               FROM task_results t JOIN units u USING (code) GROUP BY ALL) r
           USING (year, township_code, unit_type, task_id)
           WHERE m.units IS DISTINCT FROM r.units OR m.unmet IS DISTINCT FROM r.unmet""",
    )
    assert agg == [(0,)]


def test_ledger_import_replaces_the_units_ledger_and_recounts_overdue(settings):
    rows = [
        ["单位代码", "年度", "问题描述", "帮扶单位", "整改时限", "整改状态", "销号日期"],
        [CODE, 2025, "问题甲", "区人社局", "2025-01-31", "整改中", None],
        [CODE, 2025, "问题乙", "区人社局", "2025-03-31", "已销号", "2025-03-20"],
        [CODE, 2025, "问题丙", "区民政局", "2030-12-31", "未开始", None],
    ]
    _, version = load(settings, rows, "problems")
    assert version is not None
    assert query(
        settings, "SELECT problem, status FROM problems WHERE code = $c ORDER BY problem_id", {"c": CODE}
    ) == [
        ("问题甲", "整改中"),
        ("问题乙", "已销号"),
        ("问题丙", "未启动"),
    ]
    counts = query(
        settings,
        "SELECT open_problems, overdue_problems FROM annual_results WHERE code = $c AND year = 2025",
        {"c": CODE},
    )
    assert counts == [(2, 1)]


def test_pairings_and_locations(settings):
    rows = [
        ["帮带单位代码", "受帮带村(社区)", "受帮带乡镇", "县(市、区)", "联建类型"],
        [CODE, "东吴村", "干河陈街道", "源汇区", "四星带三星"],
    ]
    _, version = load(settings, rows, "pairings")
    assert version is not None
    assert query(
        settings,
        "SELECT weak_code, kind FROM pairings WHERE strong_code = $c AND weak_code = '411102004201'",
        {"c": CODE},
    ) == [("411102004201", "四星带三星")]
    _, version = load(
        settings, [["单位代码", "经度", "纬度"], [CODE, 114.0233, 33.5713]], "locations", crs="wgs84"
    )
    assert version is not None and version.id == 2
    lon, lat, approx = query(
        settings, "SELECT lon, lat, location_approx FROM units WHERE code = $c", {"c": CODE}
    )[0]
    assert 114.028 < lon < 114.031 and 33.569 < lat < 33.571 and approx is False  # moved to GCJ-02


def test_old_version_files_are_pruned_but_stay_in_the_log(settings, monkeypatch):
    monkeypatch.setattr(versions, "KEEP_FILES", 2)
    for level in range(1, 6):
        stars = ["是"] * level + ["否"] * (5 - level)
        load(settings, [ANNUAL_HEADER, [CODE, 2025, "五星", level, *stars]], "annual")
    log = versions.list_versions(settings)
    assert [v.pruned for v in log] == [True, True, False, False, False]
    assert versions.current_id(settings) == 5
    with pytest.raises(versions.VersionError):
        versions.activate(1, settings)


def test_killing_an_import_midway_leaves_the_previous_version_intact(settings, tmp_path):
    """SIGKILL the command-line import while it writes the new version, then check and import again."""
    with duckdb.connect(str(store_path(settings)), read_only=True) as con:
        frame, stars = annual_rows(con, 2025), star_names(con)
    workbook = tmp_path / "all.xlsx"
    workbook.write_bytes(write_messy_annual(frame, stars, 2025, with_codes=True))
    env = {**os.environ, **store_env(settings), "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "xingtu.imports", "load", str(workbook), "--kind", "annual", "--user", "u"]
    base = digest(store_path(settings))
    killed_midway = 0
    for _ in range(3):
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        for line in proc.stdout:
            if "写入新版本" in line:
                proc.send_signal(signal.SIGKILL)
                break
        proc.wait(timeout=120)
        proc.stdout.close()
        if proc.returncode == -signal.SIGKILL and versions.current_id(settings) == 0:
            killed_midway += 1
        # whatever the moment of the kill: the base is untouched and the pointer names a whole store
        assert digest(store_path(settings)) == base
        assert query(settings, "SELECT count(*) FROM meta")[0][0] > 0  # it opens, with its metadata
        if versions.current_id(settings) != 0:
            versions.activate(0, settings)
    assert killed_midway >= 1
    for v in versions.list_versions(settings):  # a logged version is a whole store, never a fragment
        assert v.id > 0 and (v.pruned or versions.version_path(settings, v.id).is_file()), v
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "已导入为 v" in done.stdout
    assert not [p for p in versions.versions_dir(settings).iterdir() if p.name.startswith(".v")]  # swept
    assert query(settings, "SELECT count(*) FROM imports") == [(1,)]
