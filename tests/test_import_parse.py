"""Reading real-world cells and headers: value parsers, header location, file decoding."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from xingtu.domain.geo import to_gcj02
from xingtu.imports import normalise as n
from xingtu.imports.read import FileError, Sheet, build_lookup, locate_header, read_sheets


@pytest.mark.parametrize(
    ("cell", "level"),
    [
        (4, 4),
        (4.0, 4),
        ("4", 4),
        ("４", 4),
        ("四", 4),
        ("四星", 4),
        ("四星级", 4),
        ("4星", 4),
        (" 四星级 ", 4),
        ("★★★★", 4),
        ("★★★★☆", 4),
        ("五星", 5),
        ("0", 0),
        ("未评星", 0),
        (None, None),
        ("", None),
        ("  ", None),
    ],
)
def test_levels_in_every_spelling(cell, level):
    assert n.parse_level(cell) == level


@pytest.mark.parametrize("cell", ["六星", 6, -1, 4.5, "四颗星星", "abc", "★★★★★★", "45"])
def test_levels_that_are_not_levels_are_errors(cell):
    with pytest.raises(ValueError, match="星级"):
        n.parse_level(cell)


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("是", True),
        ("√", True),
        ("✓", True),
        ("达标", True),
        ("1", True),
        (1, True),
        ("Y", True),
        ("TRUE", True),
        (True, True),
        ("否", False),
        ("×", False),
        ("未达标", False),
        ("0", False),
        (0, False),
        ("N", False),
        (False, False),
        (None, None),
        ("", None),
    ],
)
def test_yes_no_in_every_spelling(cell, value):
    assert n.parse_bool(cell) == value


@pytest.mark.parametrize("cell", ["也许", 2, "√√", "是否"])
def test_yes_no_rejects_the_rest(cell):
    with pytest.raises(ValueError, match="是/否"):
        n.parse_bool(cell)


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("411102001002", "411102001002"),
        (411102001002, "411102001002"),
        (411102001002.0, "411102001002"),
        ("４１１１０２００１００２", "411102001002"),
        (" 411102001002 ", "411102001002"),
    ],
)
def test_codes_as_text_numbers_or_full_width(cell, code):
    assert n.parse_code(cell) == code


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("4.11102E+11", "科学计数法"),
        ("41110200100", "11 位"),
        ("41110200100A", "12 位数字"),
        (4.5, "12 位数字"),
    ],
)
def test_bad_codes_say_what_is_wrong(cell, message):
    with pytest.raises(ValueError, match=message):
        n.parse_code(cell)


@pytest.mark.parametrize(
    ("cell", "date"),
    [
        (dt.datetime(2025, 6, 30, 8, 0), dt.date(2025, 6, 30)),
        ("2025-06-30", dt.date(2025, 6, 30)),
        ("2025/6/30", dt.date(2025, 6, 30)),
        ("2025.6.30", dt.date(2025, 6, 30)),
        ("2025年6月30日", dt.date(2025, 6, 30)),
        (45658, dt.date(2025, 1, 1)),  # Excel serial day
        (45838, dt.date(2025, 6, 30)),
        (None, None),
    ],
)
def test_dates(cell, date):
    assert n.parse_date(cell) == date


@pytest.mark.parametrize("cell", ["2025-02-30", "下月底", 12])
def test_bad_dates(cell):
    with pytest.raises(ValueError, match="日期"):
        n.parse_date(cell)


@pytest.mark.parametrize(("cell", "value"), [(3, 3), (3.0, 3), ("３", 3), (" 12 ", 12), (None, None)])
def test_integers(cell, value):
    assert n.parse_int(cell) == value


@pytest.mark.parametrize(
    "cell", [3.5, "三", True, 10**18, 2**64, -(10**10), 1e19, "18446744073709551615", float("inf")]
)
def test_not_integers(cell):
    with pytest.raises(ValueError):
        n.parse_int(cell)


@pytest.mark.parametrize(
    ("header", "normalised"),
    [
        (" 村（社区）名称 ", "村(社区)名称"),
        ("*评定星级", "评定星级"),
        ("县（市、区）", "县(市、区)"),
        ("LON", "lon"),
    ],
)
def test_headers_are_normalised_for_matching(header, normalised):
    assert n.normalise_header(header) == normalised


LOOKUP = build_lookup(
    {"name": ["村名", "村(社区)名称"], "level": ["星级", "评定星级"], "star_a": ["支部过硬"]}
)


def test_header_found_below_a_title_and_blank_rows():
    sheet = Sheet("s", [("2025年汇总表",), (None,), ("序号", "村名", "星级", "备注"), (1, "甲村", 3, None)])
    match = locate_header(sheet, LOOKUP)
    assert match.columns == {"name": 1, "level": 2}
    assert match.data_start == 3
    assert match.ignored == ["序号", "备注"]


def test_two_row_header_with_a_merged_group_cell():
    sheet = Sheet(
        "s",
        [
            ("村名", "评定星级", "各星情况", None),
            (None, None, "支部过硬", "其他"),
            ("甲村", "三星", "是", None),
        ],
    )
    match = locate_header(sheet, LOOKUP)
    assert match.columns == {"name": 0, "level": 1, "star_a": 2}
    assert match.data_start == 2


def test_a_column_named_twice_is_reported():
    match = locate_header(Sheet("s", [("村名", "星级", "评定星级"), ("甲村", 3, 3)]), LOOKUP)
    assert [d[0] for d in match.duplicates] == ["level"]


def test_header_with_a_bracket_note_still_matches():
    match = locate_header(Sheet("s", [("村名（全称）", "星级(填数字)"), ("甲村", 3)]), LOOKUP)
    assert match.columns == {"name": 0, "level": 1}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_utf8_and_gbk(encoding):
    text = "村名,星级\n霍庄村,四星\n"
    sheets = read_sheets(text.encode(encoding), "a.csv")
    assert sheets[0].rows == [("村名", "星级"), ("霍庄村", "四星")]


def test_semicolon_and_tab_separated_csv():
    assert read_sheets("村名\t星级\n甲村\t3\n".encode(), "a.csv")[0].rows[1] == ("甲村", "3")


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "a.xlsx", "空"),
        (b"PK\x03\x04garbage", "a.xlsx", "无法打开"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a.xls", ".xls"),
        (b"%PDF-1.4", "a.pdf", ".pdf"),
        (b"a,b\x00c", "a.csv", "二进制"),
    ],
)
def test_unreadable_files_get_a_file_level_message(data, name, message):
    with pytest.raises(FileError, match=message):
        read_sheets(data, name)


@pytest.mark.parametrize(
    ("crs", "lon", "lat", "east_m", "north_m"),
    [
        # Zhengzhou: GCJ-02 lies ~555 m east and ~125 m south of WGS-84 (docs/data-model.md)
        ("wgs84", 113.6254, 34.7466, (500, 620), (-250, -50)),
        # BD-09 lies ~650 m east and ~600 m north of GCJ-02, so converting goes back west and south
        ("bd09", 113.6254, 34.7466, (-700, -500), (-700, -500)),
        ("gcj02", 113.6254, 34.7466, (0, 0), (0, 0)),
    ],
)
def test_coordinate_systems_convert_to_gcj02(crs, lon, lat, east_m, north_m):
    glon, glat = to_gcj02(np.array([lon, np.nan]), np.array([lat, 1.0]), crs)
    east = (glon[0] - lon) * 111_320 * np.cos(np.radians(lat))
    north = (glat[0] - lat) * 110_574
    assert east_m[0] <= east <= east_m[1]
    assert north_m[0] <= north <= north_m[1]
    assert np.isnan(glon[1])


def test_unknown_coordinate_system():
    with pytest.raises(ValueError, match="坐标系"):
        to_gcj02(np.array([113.0]), np.array([34.0]), "cgcs2000")
