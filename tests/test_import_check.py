"""Checking whole files against the small store: templates, messy workbooks, located problems."""

from __future__ import annotations

import io

import duckdb
import pytest
from openpyxl import load_workbook

from tests.workbooks import annual_rows, star_names, write_messy_annual, xlsx
from xingtu.imports.apply import query_reference
from xingtu.imports.report import HEADER, build_error_report
from xingtu.imports.spec import KINDS
from xingtu.imports.templates import build_template
from xingtu.imports.validate import Reference, check_file

YUANHUI = "411102000000"
COMMUNITY_HEADER = [
    "单位代码",
    "年度",
    "创建目标",
    "评定星级",
    "支部过硬星",
    "宜业兴业星",
    "平安法治星",
    "共建共享星",
    "幸福和谐星",
]


@pytest.fixture(scope="module")
def ref(small_store_path) -> Reference:
    with duckdb.connect(str(small_store_path), read_only=True) as con:
        return query_reference(con)


@pytest.fixture(scope="module")
def results(small_store_path):
    with duckdb.connect(str(small_store_path), read_only=True) as con:
        return annual_rows(con, 2025, [YUANHUI]), star_names(con)


@pytest.mark.parametrize("kind", KINDS)
def test_every_template_checks_clean_as_downloaded(kind, ref):
    checked = check_file(build_template(kind, ref), f"{kind}.xlsx", kind, ref, crs="gcj02")
    assert checked.problems == []
    assert checked.rows == 1
    assert checked.frame is not None


def test_template_has_chinese_headers_text_codes_and_notes(ref):
    book = load_workbook(io.BytesIO(build_template("annual", ref)))
    sheet = book["填报"]
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["单位代码", "村(社区)名称", "乡镇(街道)", "县(市、区)"]
    assert {"支部过硬星", "产业兴旺星", "宜业兴业星", "评定星级", "创建目标"} <= set(headers)
    assert sheet.freeze_panes == "A2"
    assert sheet["A2"].number_format == "@"
    assert "说明" in book.sheetnames


def test_a_messy_county_workbook_reads_exactly(ref, results):
    frame, stars = results
    checked = check_file(write_messy_annual(frame, stars, 2025), "源汇区.xlsx", "annual", ref)
    assert checked.problems == []
    assert checked.rows == len(frame) == 129
    got = checked.frame.set_index("code")
    want = frame.set_index("code")
    assert (got["level"] == want["level"]).all()
    assert (got["target_level"] == want["target_level"]).all()
    assert (got["weak_lax"] == want["weak_lax"]).all()
    for star in stars:
        mine = want[star].notna()
        assert (got.loc[mine, f"star_{star}"] == want.loc[mine, star].astype(bool)).all()


def test_every_problem_is_located_and_explained(ref, results):
    frame, stars = results
    bad = frame.copy()
    bad.loc[0, "level"] = 5  # disagrees with its stars
    bad.loc[1, "name"] = "新华杜区"  # a typo: unknown name
    bad.loc[3, "target_level"] = 0  # targets are 1–5
    checked = check_file(write_messy_annual(bad, stars, 2025), "bad.xlsx", "annual", ref)
    assert checked.frame is None
    found = {(p.row, p.column): p for p in checked.problems}
    # data starts on row 6, under a title, a blank row, a note and a two-row header
    assert "各星列中" in found[(6, "评定星级")].message
    assert found[(6, "评定星级")].value == "5"
    assert "找不到" in found[(7, " 村（社区）名称 ".strip())].message
    assert "1–5" in found[(9, "创建目标")].message
    assert len(checked.problems) == 3
    assert all(p.sheet == "评定结果" for p in checked.problems)


def test_ambiguous_and_unknown_names_list_candidates(ref):
    names = ref.units["name"]
    dup = names[names.duplicated()].iloc[0]
    rows = [["村(社区)名称", "年度", "创建目标", "评定星级", "支部过硬星"], [dup, 2025, 3, 3, "是"]]
    checked = check_file(xlsx(rows), "a.xlsx", "annual", ref)
    message = next(p.message for p in checked.problems if p.row == 2 and "重名" in p.message)
    assert message.count("代码 4") >= 2  # each candidate with its code


@pytest.mark.parametrize(
    ("row", "column", "needle"),
    [
        (["411102001002", 2031, "三星", "三星", "是", "是", "是", "否", "否"], "年度", "2022–2025"),
        (["411102001002", 2025, "三星", "三星", "是", "是", "是", "否", "是"], "评定星级", "各星列中"),
        (["411102001002", 2025, "七星", "三星", "是", "是", "是", "否", "否"], "创建目标", "星级"),
        (["411102001002", 2025, "三星", "三星", "是", "是", "是", "否", None], "幸福和谐星", "须填写"),
        (["41110200100", 2025, "三星", "三星", "是", "是", "是", "否", "否"], "单位代码", "11 位"),
        (["419999999999", 2025, "三星", "三星", "是", "是", "是", "否", "否"], "单位代码", "不在本数据集"),
    ],
)
def test_rule_violations_are_reported_on_their_cell(ref, row, column, needle):
    checked = check_file(xlsx([COMMUNITY_HEADER, row]), "a.xlsx", "annual", ref)
    assert any(p.row == 2 and p.column == column and needle in p.message for p in checked.problems), (
        checked.problems
    )


def test_a_village_cannot_hold_a_community_star(ref):
    village = ref.units.loc[ref.units["unit_type"] == "rural", "code"].iloc[0]
    header = [
        "单位代码",
        "年度",
        "创建目标",
        "评定星级",
        "支部过硬",
        "产业兴旺",
        "生态宜居",
        "平安法治",
        "文明幸福",
        "宜业兴业",
    ]
    row = [village, 2025, 3, 3, "是", "是", "是", "否", "否", "是"]
    checked = check_file(xlsx([header, row]), "a.xlsx", "annual", ref)
    assert [(p.column, "不属于村" in p.message) for p in checked.problems] == [("宜业兴业", True)]


def test_duplicate_rows_are_reported_on_both(ref):
    row = ["411102001002", 2025, 3, 3, "是", "是", "是", "否", "否"]
    checked = check_file(xlsx([COMMUNITY_HEADER, row, row]), "a.xlsx", "annual", ref)
    assert sorted(p.row for p in checked.problems if "多行" in p.message) == [2, 3]


def test_missing_required_columns_are_named_with_synonyms(ref):
    checked = check_file(xlsx([["单位代码", "年度"], ["411102001002", 2025]]), "a.xlsx", "annual", ref)
    messages = " ".join(p.message for p in checked.problems)
    assert "缺少必填列“评定星级”" in messages and "星级" in messages
    assert "缺少必填列“创建目标”" in messages


def test_a_file_without_a_recognisable_header(ref):
    checked = check_file(xlsx([["a", "b"], [1, 2]]), "a.xlsx", "annual", ref)
    assert len(checked.problems) == 1 and "模板" in checked.problems[0].message


def test_gbk_csv_with_names_and_levels(ref, results):
    frame, stars = results
    row = frame[frame["unit_type"] == "urban"].iloc[0]
    cols = ["branch", "business", "safety", "sharing", "harmony"]
    header = "村（社区）名称,乡镇,县区,年度,目标星级,星级," + ",".join(stars[c] for c in cols)
    values = [row["name"], row["township"], row["county"], "2025", "四星", f"{int(row['level'])}星"]
    values += ["√" if row[c] else "×" for c in cols]
    data = (header + "\n" + ",".join(values) + "\n").encode("gbk")
    checked = check_file(data, "a.csv", "annual", ref)
    assert checked.problems == []
    assert checked.frame["code"].tolist() == [row["code"]]


def test_tasks_by_name_and_problems_and_monthly(ref):
    code = "411102001002"  # a 社区
    tasks = ref.tasks[(ref.tasks["year"] == 2025) & (ref.tasks["unit_type"] == "urban")]
    rows = [
        ["单位代码", "年度", "任务名称", "是否达标"],
        [code, 2025, tasks["name"].iloc[0], "√"],
        [code, 2025, "不存在的任务", "×"],
    ]
    checked = check_file(xlsx(rows), "t.xlsx", "tasks", ref)
    assert [(p.row, "不在 2025 年" in p.message) for p in checked.problems] == [(3, True)]
    monthly = [["单位代码", "年度", "月份", "星", "已达标任务数"], [code, 2025, 13, "产业兴旺星", 30]]
    checked = check_file(xlsx(monthly), "m.xlsx", "monthly", ref)
    messages = {p.column: p.message for p in checked.problems}
    assert "1–12" in messages["月份"] and "不是社区的星" in messages["星"]
    ledger = [
        ["单位代码", "年度", "问题描述", "整改时限", "整改状态", "销号日期"],
        [code, 2025, "x", "2025-13-01", "搁置", "2025-05-01"],
    ]
    checked = check_file(xlsx(ledger), "p.xlsx", "problems", ref)
    columns = {p.column for p in checked.problems}
    assert {"整改时限", "整改状态"} <= columns


def test_locations_need_a_system_and_must_fall_inside_their_county(ref):
    rows = [["单位代码", "经度", "纬度"], ["411102001002", 114.0233, 33.5713], ["411102004201", 113.0, 34.7]]
    assert "坐标系" in check_file(xlsx(rows), "p.xlsx", "locations", ref).problems[0].message
    checked = check_file(xlsx(rows), "p.xlsx", "locations", ref, crs="wgs84")
    assert [(p.row, "边界外" in p.message) for p in checked.problems] == [(3, True)]
    swapped = [["单位代码", "经度", "纬度"], ["411102001002", 33.5713, 114.0233]]
    assert "填反" in check_file(xlsx(swapped), "p.xlsx", "locations", ref, crs="gcj02").problems[0].message


def test_error_report_rereads_with_every_problem_and_is_injection_safe(ref):
    text = "村名,年度,创建目标,评定星级,支部过硬星\n=HYPERLINK(1),2025,@x,+1,-1\n"
    checked = check_file(text.encode(), "a.csv", "annual", ref)
    assert len(checked.problems) >= 4
    book = load_workbook(io.BytesIO(build_error_report(checked.problems)))
    sheet = book.active
    assert tuple(c.value for c in sheet[1]) == HEADER
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == len(checked.problems) + 1
    values = [sheet.cell(row=r, column=4).value for r in range(2, sheet.max_row + 1)]
    assert {"'=HYPERLINK(1)", "'@x", "'+1", "'-1"} <= set(values)
    assert all(sheet.cell(row=r, column=2).value == 2 for r in range(2, sheet.max_row + 1))
    assert all(sheet.cell(row=r, column=5).value for r in range(2, sheet.max_row + 1))
