"""One star rule: the generator and the import path give the same stars and levels for any catalogue.

For random catalogues (veto tasks required or not, per star; different shares) the generator
draws task results for its target stars; the same results are then written through the
importer (``apply_standard`` puts the catalogue in force, ``apply_frame`` writes the task
results) on a small store built by code. Both must give the same held stars, statistics and
levels, and the scalar rule must agree with both.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xingtu.demo.calibration import load_calibration
from xingtu.demo.generator import generate_demo
from xingtu.domain.rating import compute_level, star_held, tasks_short, veto_unmet
from xingtu.domain.standard import parse_standard
from xingtu.imports.apply import apply_frame, apply_standard, query_reference

STAR_IDS = {
    "rural": ("branch", "industry", "ecology", "safety", "civility"),
    "urban": ("branch", "business", "safety", "sharing", "harmony"),
}
SHARES = (0.5, 0.6, 0.75, 0.8, 0.9, 1.0)
STATS = ["held", "tasks_met", "tasks_total", "required", "veto_unmet", "tasks_short"]


@st.composite
def catalogues(draw: Any) -> dict[str, Any]:
    """A catalogue document with the sample's star ids (the generator keeps star ids across years)."""
    all_ids = sorted({s for ids in STAR_IDS.values() for s in ids})
    overrides = {}
    for sid in all_ids:
        entry = {}
        if draw(st.booleans()):
            entry["min_share_met"] = draw(st.sampled_from(SHARES))
        if draw(st.booleans()):
            entry["veto_required"] = draw(st.booleans())
        if entry:
            overrides[sid] = entry
    types = {}
    for utype, ids in STAR_IDS.items():
        stars = []
        for sid in ids:
            n = draw(st.integers(1, 7))
            veto = draw(st.lists(st.booleans(), min_size=n, max_size=n))
            tasks = [
                {"id": f"{utype[0]}-{sid}-{j}", "name": f"{sid}任务{j}", "description": "说明", "veto": v}
                for j, v in enumerate(veto)
            ]
            stars.append({"id": sid, "name": f"{sid}星", "tasks": tasks})
        types[utype] = {"stars": stars}
    rule = {
        "veto_required": draw(st.booleans()),
        "min_share_met": draw(st.sampled_from(SHARES)),
        "overrides": overrides,
    }
    return {"name": "随机清单", "effective_from": 2022, "rule": rule, "types": types}


@pytest.fixture(scope="module")
def store(
    small_store_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[duckdb.DuckDBPyConnection, Any]:
    """A copy of the small store whose facts are cut to 24 units of one county, so an example takes
    a fraction of a second; and those units for the generator."""
    path = tmp_path_factory.mktemp("paths") / "store.duckdb"
    shutil.copyfile(small_store_path, path)
    con = duckdb.connect(str(path))
    pick = "SELECT code FROM units WHERE county_code = '411102000000' AND unit_type = ? ORDER BY code LIMIT ?"
    keep = pd.concat([con.execute(pick, ["rural", 14]).df(), con.execute(pick, ["urban", 10]).df()])
    con.register("keep", keep)
    for table in ("task_results", "star_results", "annual_results", "monthly_progress", "problems"):
        con.execute(f"DELETE FROM {table} t WHERE t.code NOT IN (SELECT code FROM keep)")
    con.execute("DELETE FROM task_unmet")
    units = con.execute("SELECT * FROM units SEMI JOIN keep USING (code) ORDER BY code").df()
    con.unregister("keep")
    yield con, units
    con.close()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=catalogues())
def test_generator_and_import_give_the_same_stars_and_levels(store, doc: dict[str, Any]) -> None:
    con, units = store
    standard = parse_standard(doc, "随机清单")
    cal = load_calibration()
    demo = generate_demo(units, {2022: standard}, cal, whole_province=False)
    codes = units["code"].to_numpy()
    tasks = pd.DataFrame(
        {
            "code": codes[demo.task_unit],
            "year": demo.task_year.astype(int),
            "task_id": np.array(demo.task_ids, dtype=object)[demo.task_index],
            "met": demo.task_met,
        }
    )
    tasks = tasks.merge(units[["code", "unit_type"]], on="code")

    con.execute("BEGIN TRANSACTION")
    try:
        apply_standard(con, 2022, standard, doc)  # in force for every year: the sample's results go
        assert con.execute("SELECT count(*) FROM task_results").fetchone()[0] == 0
        apply_frame(con, "tasks", tasks, query_reference(con))
        stored = con.execute(
            f"SELECT code, year, star_id, {', '.join(STATS)} FROM star_results ORDER BY year, code, star_id"
        ).df()
        levels = con.execute("SELECT code, year, level FROM annual_results ORDER BY year, code").df()
    finally:
        con.execute("ROLLBACK")

    generated = demo.stars.sort_values(["year", "code", "star_id"]).reset_index(drop=True)
    for column in ["code", "star_id", *STATS]:
        assert stored[column].astype(str).tolist() == generated[column].astype(str).tolist(), column
    want = demo.annual.sort_values(["year", "code"]).reset_index(drop=True)
    assert levels["code"].tolist() == want["code"].tolist()
    assert levels["level"].astype(int).tolist() == want["level"].astype(int).tolist()

    # the scalar rule agrees, unit by unit and star by star
    types = dict(zip(units["code"], units["unit_type"], strict=True))
    level_of = {(c, int(y)): int(v) for c, y, v in levels.itertuples(index=False)}
    stats_of = {
        (r.code, int(r.year), r.star_id): (bool(r.held), int(r.tasks_short), int(r.veto_unmet))
        for r in stored.itertuples(index=False)
    }
    for (code, year), block in tasks.groupby(["code", "year"]):
        met = dict(zip(block["task_id"], block["met"].astype(bool), strict=True))
        utype = types[code]
        assert compute_level(standard, utype, met) == level_of[(code, year)]
        for star in standard.stars_for(utype):
            scalar = (star_held(star, met), tasks_short(star, met), veto_unmet(star, met))
            assert scalar == stats_of[(code, year, star.id)]


def test_veto_tasks_count_only_where_the_star_requires_them(store) -> None:
    """The bug this rule replaced: an unmet veto task of a star without the veto rule counted."""
    con, units = store
    doc = {
        "name": "无否决",
        "effective_from": 2022,
        "rule": {"veto_required": False, "min_share_met": 0.5},
        "types": {
            utype: {
                "stars": [
                    {
                        "id": sid,
                        "name": f"{sid}星",
                        "tasks": [
                            {
                                "id": f"{utype[0]}-{sid}-{j}",
                                "name": f"任务{j}",
                                "description": "说明",
                                "veto": j == 0,
                            }
                            for j in range(4)
                        ],
                    }
                    for sid in ids
                ]
            }
            for utype, ids in STAR_IDS.items()
        },
    }
    standard = parse_standard(doc, "无否决")
    code, utype = units["code"].iat[0], units["unit_type"].iat[0]
    rows = [
        {"code": code, "year": 2025, "unit_type": utype, "task_id": t.id, "met": t.id.endswith(("-2", "-3"))}
        for t in standard.tasks_for(utype)
    ]  # the veto task (…-0) unmet, 2 of 4 met: every star held at share 0.5
    con.execute("BEGIN TRANSACTION")
    try:
        apply_standard(con, 2022, standard, doc)
        apply_frame(con, "tasks", pd.DataFrame(rows), query_reference(con))
        stars = con.execute(
            """SELECT bool_and(held), max(veto_unmet), max(tasks_short) FROM star_results
               WHERE code = ? AND year = 2025""",
            [code],
        ).fetchone()
        level = con.execute(
            "SELECT level FROM annual_results WHERE code = ? AND year = 2025", [code]
        ).fetchone()
    finally:
        con.execute("ROLLBACK")
    assert stars == (True, 0, 0)
    assert level == (5,)
