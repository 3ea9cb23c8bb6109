"""The province's own catalogue (评星标准对照表) in Excel: export, check, diff, ids, import as a version."""

from __future__ import annotations

import dataclasses
import io
import shutil
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest

from tests.workbooks import xlsx
from xingtu.domain.rating import compute_level
from xingtu.domain.standard import Standard, Task, standard_for_year
from xingtu.domain.units import UNIT_TYPES
from xingtu.imports import apply
from xingtu.imports.catalogue import check_catalogue, export_catalogue, preview_rows, summary_lines
from xingtu.reference.standards import load_standard_file
from xingtu.settings import DATA_DIR
from xingtu.store import versions
from xingtu.store.queries import query_standards


@pytest.fixture(scope="module")
def current() -> Standard:
    return load_standard_file(DATA_DIR / "standard" / "2022.yaml")


def edit(data: bytes, change: Any) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    change(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def staff_workbook(std: Standard, *, skip: tuple[str, str] | None = None) -> bytes:
    """A catalogue as staff type it: a title row, sheets 农村/城市社区, no 编号 column, the star in a
    merged cell over its tasks, 否决项 as √ or blank, no rule sheet."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for utype, sheet in (("rural", "农村"), ("urban", "城市社区")):
        ws = book.create_sheet(sheet)
        ws.append([f"五星支部创建评星标准对照表（{sheet}）"])
        ws.append(["星", "序号", "任务", "说明", "否决项"])
        row = 3
        for star in std.stars_for(utype):
            if skip == (utype, star.id):
                continue
            first = row
            for i, task in enumerate(star.tasks, start=1):
                ws.append(
                    [star.name if i == 1 else None, i, task.name, task.description, "√" if task.veto else ""]
                )
                ws.cell(row=row, column=3).data_type = "s"  # text as typed, even if it starts with "="
                row += 1
            ws.merge_cells(start_row=first, start_column=1, end_row=row - 1, end_column=1)
        ws.append(["填表人：张三", None, None, None, None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_export_then_check_gives_back_the_same_catalogue(current: Standard) -> None:
    checked = check_catalogue(export_catalogue(current), "清单.xlsx", 2026, current)
    assert checked.ok, checked.problems
    assert checked.changes == []
    new = checked.standard
    assert new is not None and new.effective_from == 2026 and not new.sample
    for t in UNIT_TYPES:
        assert new.stars_for(t) == current.stars_for(t)  # ids, names, tasks, veto, share, veto rule
    assert summary_lines(checked)[1:] == ["村：与现行清单相同", "社区：与现行清单相同"]


def test_staff_layout_is_read_with_merged_stars_and_ids_kept(current: Standard) -> None:
    checked = check_catalogue(staff_workbook(current), "评星标准对照表.xlsx", 2026, current)
    assert checked.ok, checked.problems
    assert [s[:3] for s in checked.sheets] == [("农村", "imported", 90), ("城市社区", "imported", 106)]
    assert checked.standard is not None
    for t in UNIT_TYPES:
        assert checked.standard.stars_for(t) == current.stars_for(t)
    assert (
        "没有“得星规则”表：沿用现行清单的得星规则",
        "no “得星规则” sheet: the star rule in force is kept",
    ) in (checked.notes)


def test_new_renamed_and_veto_changes_are_listed_and_ids_are_stable(current: Standard) -> None:
    branch = current.stars_for("rural")[0]
    tasks = list(branch.tasks)
    tasks[1] = dataclasses.replace(tasks[1], name="班子成员及近亲属无违纪违法")  # R-BR-02 renamed in place
    tasks[3] = dataclasses.replace(tasks[3], veto=True)  # R-BR-04 becomes a veto task
    tasks.insert(5, Task("?", "branch", '=HYPERLINK("http://x")', "新增任务说明，含全角标点：；", False))
    stars = {
        **current.stars,
        "rural": (dataclasses.replace(branch, tasks=tuple(tasks)), *current.stars["rural"][1:]),
    }
    data = staff_workbook(dataclasses.replace(current, stars=stars))
    first = check_catalogue(data, "清单.xlsx", 2026, current)
    again = check_catalogue(data, "清单.xlsx", 2027, current)
    assert first.ok, first.problems
    kinds = {(c.unit_type, c.change, c.task_id) for c in first.changes}
    new_id = next(c.task_id for c in first.changes if c.change == "added")
    assert kinds == {
        ("rural", "renamed", "R-BR-02"),
        ("rural", "veto", "R-BR-04"),
        ("rural", "added", new_id),
    }
    assert new_id.startswith("R-BR-N") and new_id not in current.tasks_by_id
    assert next(c.task_id for c in again.changes if c.change == "added") == new_id  # stable
    assert first.standard is not None
    task = first.standard.tasks_by_id[new_id]
    assert task.star == "branch" and task.name.startswith("=HYPERLINK")
    assert task.description == "新增任务说明，含全角标点：；"  # the user's punctuation is kept
    assert first.standard.tasks_by_id["R-BR-04"].veto
    rows = preview_rows(first, "en")
    assert {r["change"] for r in rows} == {"task renamed (id kept)", "veto flag changed", "task added"}
    # the export neutralises formula-like text, and reading it back restores the task's text
    again_export = check_catalogue(export_catalogue(first.standard), "x.xlsx", 2026, first.standard)
    assert again_export.ok and again_export.changes == []
    book = openpyxl.load_workbook(io.BytesIO(export_catalogue(first.standard)))
    assert not any(str(c.value).startswith("=") for row in book["村"].iter_rows() for c in row if c.value)


def test_rule_sheet_changes_the_rule_per_star(current: Standard) -> None:
    def change(book: openpyxl.Workbook) -> None:
        ws = book["得星规则"]
        for row in ws.iter_rows(min_row=2):
            if row[0].value == "生态宜居星":
                row[1].value, row[2].value = "75%", "否"

    checked = check_catalogue(edit(export_catalogue(current), change), "清单.xlsx", 2026, current)
    assert checked.ok, checked.problems
    assert checked.standard is not None
    ecology = next(s for s in checked.standard.stars_for("rural") if s.id == "ecology")
    assert (ecology.min_share_met, ecology.veto_required) == (0.75, False)
    branch = next(s for s in checked.standard.stars_for("rural") if s.id == "branch")
    assert (branch.min_share_met, branch.veto_required) == (0.8, True)
    assert [(c.change, c.star) for c in checked.changes] == [("rule", "生态宜居星")]


def test_a_malformed_catalogue_is_refused_with_sheet_row_and_fix(current: Standard) -> None:
    data = staff_workbook(current, skip=("rural", "ecology"))  # 村 has four stars

    def change(book: openpyxl.Workbook) -> None:
        ws = book["城市社区"]
        ws.cell(row=10, column=3).value = ws.cell(row=5, column=3).value  # a duplicate task
        ws.cell(row=11, column=5).value = "可能"  # not a veto value

    checked = check_catalogue(edit(data, change), "清单.xlsx", 2026, current)
    assert not checked.ok and checked.standard is None
    by_field = {(p.sheet, p.row, p.column): p for p in checked.problems}
    four = by_field[("农村", None, "星")]
    assert "只有 4 颗星（缺少 生态宜居星）" in four.message and "请补上" in four.message
    assert "have 4 stars (missing “生态宜居星”)" in four.message_en
    dup = by_field[("城市社区", 10, "任务")]
    assert "第 5 行已有同名任务" in dup.message and "请删除重复的一行" in dup.message
    assert "also on row 5" in dup.message_en
    veto = by_field[("城市社区", 11, "否决项")]
    assert veto.value == "可能" and "留空" in veto.message
    assert len(checked.problems) == 3


@pytest.mark.parametrize(
    ("change", "where", "fragment"),
    [
        pytest.param(
            lambda b: setattr(b["村"].cell(row=2, column=1), "value", "支部硬核星"),
            ("村", 2, "星"),
            "不是现行清单中村的星",
            id="unknown-star",
        ),
        pytest.param(
            lambda b: setattr(b["得星规则"].cell(row=2, column=2), "value", 1.5),
            ("得星规则", 2, "达标比例"),
            "达标比例应在 0 到 1 之间",
            id="share-out-of-range",
        ),
        pytest.param(
            lambda b: setattr(b["村"].cell(row=3, column=4), "value", None),
            ("村", 3, "说明"),
            "说明为空",
            id="empty-description",
        ),
        pytest.param(
            lambda b: setattr(b["社区"].cell(row=3, column=6), "value", "R-BR-01"),
            ("社区", 3, "编号"),
            "另一类单位的任务",
            id="id-of-the-other-type",
        ),
    ],
)
def test_single_problems(current: Standard, change: Any, where: tuple, fragment: str) -> None:
    checked = check_catalogue(edit(export_catalogue(current), change), "清单.xlsx", 2026, current)
    assert [(p.sheet, p.row, p.column) for p in checked.problems] == [where]
    assert fragment in checked.problems[0].message and checked.problems[0].message_en


def test_years_before_the_campaign_are_refused(current: Standard) -> None:
    checked = check_catalogue(export_catalogue(current), "清单.xlsx", 2021, current)
    assert not checked.ok
    assert "早于五星支部创建的首个评定年度（2022）" in checked.problems[0].message


def test_not_a_workbook(current: Standard) -> None:
    checked = check_catalogue(b"not an excel file", "清单.xlsx", 2026, current)
    assert not checked.ok and "无法打开 Excel 文件" in checked.problems[0].message


# ─────────── the "done when": export, edit, import for a later year, rate with it ───────────


@pytest.fixture
def settings(make_store):
    return make_store(name="catalogue")


def read(s, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(versions.active_path(s)), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


RENAMED = "支部书记年度述职评议“好”等次"


def test_an_edited_catalogue_rates_a_later_year(settings) -> None:
    old = standard_for_year(load_standard_file_dir(), 2025)
    branch = old.stars_for("urban")[0]
    renamed, flipped = branch.tasks[1], next(t for t in branch.tasks if not t.veto)

    def change(book: openpyxl.Workbook) -> None:
        ws = book["社区"]
        for row in ws.iter_rows(min_row=2):
            if row[5].value == renamed.id:
                row[2].value = RENAMED
            if row[5].value == flipped.id:
                row[4].value = "是"

    data = edit(apply.export_standard(2025, settings), change)
    preview = apply.check_standard(data, "2026清单.xlsx", 2026, settings)
    assert preview.ok and {(c.change, c.task_id) for c in preview.changes} == {
        ("renamed", renamed.id),
        ("veto", flipped.id),
    }
    checked, version = apply.import_standard(data, "2026清单.xlsx", 2026, user="测试员", settings=settings)
    assert checked.ok and version is not None and version.kind == "standard"

    # the same catalogue, built independently from the one in force
    def edited(task: Task) -> Task:
        if task.id == renamed.id:
            return dataclasses.replace(task, name=RENAMED)
        return dataclasses.replace(task, veto=True) if task.id == flipped.id else task

    stars = {
        t: tuple(dataclasses.replace(s, tasks=tuple(edited(k) for k in s.tasks)) for s in old.stars_for(t))
        for t in UNIT_TYPES
    }
    expected_std = dataclasses.replace(old, stars=stars, effective_from=2026)

    units = [
        c for (c,) in read(settings, "SELECT code FROM units WHERE unit_type = 'urban' ORDER BY code LIMIT 6")
    ]
    tasks = old.tasks_for("urban")
    results: dict[str, dict[str, bool]] = {}
    rows: list[list[Any]] = [["单位代码", "年度", "任务编号", "任务名称", "是否达标"]]
    for u, code in enumerate(units):
        met = {t.id: (i + u) % (5 + u) != 0 for i, t in enumerate(tasks)}
        if u == 0:  # everything met but the task that became a veto task
            met = {t.id: t.id != flipped.id for t in tasks}
        results[code] = met
        for t in tasks:
            if t.id == renamed.id:  # by its new name: the task import knows the new catalogue
                rows.append([code, 2026, None, RENAMED, "是" if met[t.id] else "否"])
            else:
                rows.append([code, 2026, t.id, None, "是" if met[t.id] else "否"])
    checked_tasks, v2 = apply.import_bytes(
        xlsx(rows), "2026任务.xlsx", "tasks", user="测试员", settings=settings
    )
    assert checked_tasks.ok, checked_tasks.problems[:3]
    assert v2 is not None

    stored = dict(read(settings, "SELECT code, level FROM annual_results WHERE year = 2026"))
    expected = {code: compute_level(expected_std, "urban", met) for code, met in results.items()}
    assert stored == expected
    assert expected[units[0]] == 4 and compute_level(old, "urban", results[units[0]]) == 5  # the flip matters
    assert read(settings, "SELECT name FROM tasks WHERE year = 2026 AND task_id = ?", [renamed.id]) == [
        (RENAMED,)
    ]
    assert read(settings, "SELECT name FROM tasks WHERE year = 2025 AND task_id = ?", [renamed.id]) == [
        (renamed.name,)
    ]

    # rolled back like data: the task results, then the catalogue
    versions.rollback(settings)
    versions.rollback(settings)
    with duckdb.connect(str(versions.active_path(settings)), read_only=True) as con:
        assert sorted(query_standards(con)) == [2022]


def test_a_malformed_catalogue_import_changes_nothing(settings) -> None:
    def change(book: openpyxl.Workbook) -> None:
        ws = book["村"]  # drop 文明幸福星, the last star: its merged cell and its 18 rows
        rows = [c.row for c in ws["F"] if str(c.value).startswith("R-CV-")]
        ws.unmerge_cells(start_row=rows[0], start_column=1, end_row=rows[-1], end_column=1)
        ws.delete_rows(rows[0], len(rows))
        book["社区"].cell(row=4, column=3).value = book["社区"].cell(row=3, column=3).value

    data = edit(apply.export_standard(2025, settings), change)
    checked, version = apply.import_standard(data, "坏清单.xlsx", 2026, user="测试员", settings=settings)
    assert version is None and versions.current_id(settings) == 0
    where = {(p.sheet, p.row, p.column) for p in checked.problems}
    assert where == {("村", None, "星"), ("社区", 4, "任务")}
    assert all("请" in p.message and p.message_en for p in checked.problems)


def load_standard_file_dir() -> dict[int, Standard]:
    from xingtu.reference.standards import load_standards

    return load_standards(DATA_DIR / "standard")


def test_standards_are_read_from_the_store_and_from_an_older_store(
    small_store_path: Path, tmp_path: Path
) -> None:
    """query_standards reads standard_docs; a store written before it existed is read from its tasks."""
    sample = load_standard_file(DATA_DIR / "standard" / "2022.yaml")
    with duckdb.connect(str(small_store_path), read_only=True) as con:
        stored = query_standards(con)
    assert list(stored) == [2022] and stored[2022] == sample
    path = tmp_path / "old.duckdb"
    shutil.copyfile(small_store_path, path)
    with duckdb.connect(str(path)) as con:
        con.execute("DROP TABLE standard_docs")
        legacy = query_standards(con)
    assert list(legacy) == [2022]
    for t in UNIT_TYPES:
        assert legacy[2022].stars_for(t) == sample.stars_for(t)
