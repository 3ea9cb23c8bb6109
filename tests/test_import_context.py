"""Reading what a workbook says around its table: targets in words, party-organisation names,
footers, ticks, the year, month, region and unit type in a title, sheet or file name."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from xingtu.imports import normalise as n
from xingtu.imports.context import (
    Overrides,
    RegionNames,
    find_month,
    find_unit_type,
    find_year,
    infer_context,
)
from xingtu.imports.read import is_footer_row, is_tick_hint


@pytest.mark.parametrize(
    ("cell", "target"),
    [
        ("四星", 4),
        (3, 3),
        ("争创五星", 5),
        ("争创三星", 3),
        ("保三冲四", 4),
        ("保三冲四争五", 5),
        ("冲五", 5),
        ("巩固四星", 4),
        ("创建二星", 2),
        ("三星（保）", 3),
        ("五星支部", 5),
        ("五星级", 5),
    ],
)
def test_targets_as_staff_write_them(cell, target):
    assert n.parse_target(cell) == target


@pytest.mark.parametrize("cell", ["七星", "争创", "冲刺先进", "保持稳定"])
def test_unreadable_targets_are_errors(cell):
    with pytest.raises(ValueError):
        n.parse_target(cell)


@pytest.mark.parametrize(
    ("written", "stem"),
    [
        ("刘庄村党支部", "刘庄村"),
        ("刘庄村党总支", "刘庄村"),
        ("新华社区党委", "新华社区"),
        ("王庄村（居）", "王庄村"),
        ("刘庄村民委员会", "刘庄村"),
        ("老街居委会", "老街社区"),
        ("东吴村", "东吴村"),
        (" 大刘村党支部委员会 ", "大刘村"),
    ],
)
def test_party_organisation_names_reduce_to_the_division_name(written, stem):
    assert n.unit_stem(written) == stem


@pytest.mark.parametrize(
    ("row", "footer"),
    [
        (["填表人：张三", "", "审核人：李四", "联系电话：0395-1234567"], True),
        (["", "（盖章）"], True),
        (["审核人：李四"], True),
        (["注：1. 达标打√"], True),
        (["2026年1月5日"], True),
        ([dt.datetime(2026, 1, 5)], True),
        ([1, "大刘村", "四星"], False),
        (["合计", 12], False),  # a subtotal is skipped, not the end of the table
        (["", "", ""], False),
    ],
)
def test_footer_rows_end_the_table(row, footer):
    assert is_footer_row(row) is footer


@pytest.mark.parametrize(
    ("text", "tick"),
    [
        ("星级评定情况（达标打√）", True),
        ("支部过硬星(是/否)", True),
        ("是否达标", True),
        ("达标打“√”", True),
        ("支部过硬星", False),
        ("评定星级", False),
    ],
)
def test_tick_hints(text, tick):
    assert is_tick_hint(text) is tick


@pytest.mark.parametrize(
    ("text", "year", "month", "unit_type"),
    [
        ("源汇区2022年度五星支部创建评定结果汇总表", 2022, None, None),
        ("源汇区2025年9月份农村五星支部创建推进情况统计表", 2025, 9, "rural"),
        ("舞阳县2025年问题整改清单（终）", 2025, None, None),
        ("城市社区", None, None, "urban"),
        ("农村", None, None, "rural"),
        ("村（社区）党组织五星支部评定结果", None, None, None),
        ("填报时间：2026年1月5日", 2026, None, None),
    ],
)
def test_year_month_and_unit_type_in_text(text, year, month, unit_type):
    assert find_year(text) == year
    assert find_month(text) == month
    assert find_unit_type(text) == unit_type


REGIONS = pd.DataFrame(
    [
        ("411100000000", "漯河市", "city", "", "411100000000"),
        ("411102000000", "源汇区", "county", "411102000000", "411100000000"),
        ("411103000000", "郾城区", "county", "411103000000", "411100000000"),
        ("411102100000", "大刘镇", "township", "411102000000", "411100000000"),
        ("411103100000", "城关镇", "township", "411103000000", "411100000000"),
        ("410100100000", "城关镇", "township", "410100000000", "410100000000"),
    ],
    columns=["code", "name", "level", "county_code", "city_code"],
)


@pytest.mark.parametrize(
    ("title", "sheet", "file", "region", "source"),
    [
        ("源汇区2022年度评定结果", "Sheet1", "a.xlsx", "411102000000", "标题"),
        ("评定结果汇总表", "农村", "郾城区2024年评定结果.xlsx", "411103000000", "文件名"),
        ("源汇区2025年度评定结果", "大刘镇", "a.xlsx", "411102100000", "工作表名"),  # the finest agreeing
        ("郾城区2025年度", "城关镇", "a.xlsx", "411103100000", "工作表名"),  # 城关镇 of the county named
        ("城关镇2025年度", "Sheet1", "a.xlsx", None, ""),  # two 城关镇 and no county: not guessed
        ("漯河市2025年度", "Sheet1", "源汇区、郾城区.xlsx", "411100000000", "标题"),  # two counties of one city
    ],
)
def test_region_from_title_sheet_or_file_name(title, sheet, file, region, source):
    ctx = infer_context([title], sheet, file, RegionNames(REGIONS))
    assert ctx.region_code == region
    assert ctx.region_source == source


def test_overrides_win_and_say_so():
    ctx = infer_context(
        ["源汇区2022年度评定结果"],
        "农村",
        "a.xlsx",
        RegionNames(REGIONS),
        Overrides(year=2026, region="411103000000", unit_type="urban"),
    )
    assert (ctx.year, ctx.region_code, ctx.unit_type) == (2026, "411103000000", "urban")
    assert {ctx.year_source, ctx.region_source, ctx.unit_type_source} == {"手动指定"}
    assert ctx.region_name == "郾城区"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2026.1.5", dt.date(2026, 1, 5)),
        ("2026年1月5日", dt.date(2026, 1, 5)),
        ("2025年5月", dt.date(2025, 5, 1)),
        (46000, dt.date(2025, 12, 9)),
        ("10月底前", n.MonthEnd(10)),
        ("12月底", n.MonthEnd(12)),
        ("长期坚持", n.LONG_TERM),
    ],
)
def test_deadlines_in_words(cell, expected):
    assert n.parse_deadline(cell) == expected


def test_free_text_keeps_the_users_punctuation():
    assert n.parse_text("  问题：一是，二是；\r\n三是（缺１名）  ") == "问题：一是，二是；\n三是（缺１名）"
