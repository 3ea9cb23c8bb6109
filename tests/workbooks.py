"""Workbooks shaped like real county 台账, built by code from a store (tests and the import benchmark).

``annual_rows`` reads a year's results back out of a store, so a workbook written from it
is valid by construction; ``write_messy_annual`` writes them the way counties do: a title,
a note line, blank rows, a two-row header with a merged group cell, names instead of codes,
levels and stars in every spelling, full-width characters, stray spaces and a 合计 row.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import duckdb
import pandas as pd
from openpyxl import Workbook

LEVEL_FORMS = (
    lambda n: n,
    lambda n: str(n).translate(str.maketrans("012345", "０１２３４５")),
    lambda n: "零一二三四五"[n] + "星" if n else "未评星",
    lambda n: "零一二三四五"[n] + "星级" if n else "未评星",
    lambda n: "★" * n + "☆" * (5 - n),
)
YES_FORMS = ("是", "√", "1", "达标", "是 ")
NO_FORMS = ("否", "×", "0", "未达标", " 否")


def annual_rows(con: duckdb.DuckDBPyConnection, year: int, county_codes: Sequence[str] = ()) -> pd.DataFrame:
    """One row per unit: code, names, target, level and held per star (a wide frame)."""
    where = "AND u.county_code IN (SELECT unnest($counties))" if county_codes else ""
    frame = con.execute(
        f"""SELECT a.code, u.name, t.name AS township, c.name AS county, u.unit_type,
                   a.target_level, a.level, a.weak_lax
            FROM annual_results a JOIN units u USING (code)
            JOIN regions t ON t.code = u.township_code JOIN regions c ON c.code = u.county_code
            WHERE a.year = $year {where} ORDER BY a.code""",
        {"year": year, **({"counties": list(county_codes)} if county_codes else {})},
    ).df()
    stars = con.execute(
        "SELECT code, star_id, held FROM star_results WHERE year = $year", {"year": year}
    ).df()
    wide = stars.pivot(index="code", columns="star_id", values="held")
    return frame.join(wide, on="code")


def same_named(frame: pd.DataFrame) -> frozenset[str]:
    """Codes of units sharing their name with another unit of the same township (NBS has a few)."""
    dup = frame.duplicated(["name", "township", "county"], keep=False)
    return frozenset(frame.loc[dup, "code"])


def star_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("SELECT DISTINCT star_id, star_name FROM stars ORDER BY star_id").fetchall())


def write_messy_annual(
    frame: pd.DataFrame,
    stars: dict[str, str],
    year: int,
    with_codes: bool = False,
    codes_for: frozenset[str] = frozenset(),
) -> bytes:
    """The results as a county would send them (see the module docstring).

    ``with_codes`` adds a code column for every row; ``codes_for`` fills it only for those
    units (as a county does for same-named units in one township, when the importer asks).
    """
    all_codes = with_codes
    with_codes = with_codes or bool(codes_for)
    book = Workbook()
    ws = book.active
    ws.title = "评定结果"
    star_ids = list(stars)
    lead = ["序号", "县(市、区)", "乡镇（街道）", " 村（社区）名称 ", "年度", "创建目标", "评定星级"]
    if with_codes:
        lead.insert(1, "统计用区划代码")
    width = len(lead) + len(star_ids) + 2
    ws.append([f"{year}年度五星支部创建评定结果汇总表"] + [None] * (width - 1))
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.append([None] * width)
    ws.append(["填报单位：（盖章）", None, None, "填报日期：", f"{year}-11-30"])
    ws.append([*lead, "各星获得情况", *([None] * (len(star_ids) - 1)), "是否软弱涣散", "备注"])
    first = len(lead) + 1
    ws.merge_cells(start_row=4, start_column=first, end_row=4, end_column=first + len(star_ids) - 1)
    ws.append([None] * len(lead) + [stars[s].removesuffix("星") for s in star_ids] + [None, None])
    for col in [*range(1, len(lead) + 1), width - 1, width]:
        ws.merge_cells(start_row=4, start_column=col, end_row=5, end_column=col)
    for i, row in enumerate(frame.itertuples(index=False)):
        level = LEVEL_FORMS[i % len(LEVEL_FORMS)](int(row.level))
        target = LEVEL_FORMS[(i + 2) % len(LEVEL_FORMS)](int(row.target_level))
        cells: list[Any] = [
            i + 1,
            row.county,
            row.township,
            f" {_wide(row.name) if i % 7 == 0 else row.name} ",
        ]
        if with_codes:
            cells.insert(1, row.code if all_codes or row.code in codes_for else None)
        cells += [year, target, level]
        for s in star_ids:
            held = getattr(row, s)
            if pd.isna(held):
                cells.append(None)
            else:
                forms = YES_FORMS if held else NO_FORMS
                cells.append(forms[i % len(forms)])
        cells += ["是" if row.weak_lax else "否", None]
        ws.append(cells)
    ws.append(["合计", None, None, None, None, None, len(frame)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx(rows: list[list[Any]]) -> bytes:
    """A plain one-sheet workbook of these rows (the first is the header)."""
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _wide(text: str) -> str:
    """Some names arrive with full-width letters or digits (e.g. typed with an IME)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


TARGET_WORDS = ("争创{n}星", "保{p}冲{n}", "冲{n}", "巩固{n}星", "创建{n}星")
CN = "零一二三四五"


def write_county_workbook(
    frame: pd.DataFrame,
    stars_by_type: dict[str, list[tuple[str, str]]],
    year: int,
    county: str,
    codes_for: frozenset[str] | None = None,
) -> bytes:
    """A county's results as its organisation department sends them: the year and county only in
    the title, one sheet 农村 and one 城市社区 (each with its own stars), units written as party
    organisations with no code, the township merged over its units, stars ticked （达标打√） with
    blanks for "no", targets in words, a 合计 row, a signer footer, and a 填表说明 sheet.

    ``stars_by_type``: unit type -> [(star_id, star_name)] in catalogue order. ``codes_for``
    (a province- or city-wide table): add a 县（市、区） column, and a code column filled only for
    those units (same-named units of one township, as the importer asks).
    """
    wide = codes_for is not None
    book = Workbook()
    book.remove(book.active)
    for sheet, utype, suffix in (("农村", "rural", "党支部"), ("城市社区", "urban", "党委")):
        rows = (
            frame[frame["unit_type"] == utype]
            .sort_values(["county", "township", "code"])
            .reset_index(drop=True)
        )
        stars = stars_by_type[utype]
        ws = book.create_sheet(sheet)
        lead = [
            "序号",
            *(["县（市、区）", "统计用区划代码"] if wide else []),
            "乡镇（街道）",
            "党组织名称",
            "创建目标",
        ]
        width = len(lead) + 1 + len(stars)
        g = len(lead) + 1  # first star column
        ws.append([f"{county}{year}年度“五星”支部创建评定结果汇总表"])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        ws.append([f"填报单位：{county}委组织部（盖章）", None, None, None, f"填报时间：{year + 1}年1月5日"])
        ws.append([*lead, "星级评定情况（达标打√）"] + [None] * (len(stars) - 1) + ["评定星级"])
        ws.append([None] * len(lead) + [name for _, name in stars] + [None])
        ws.merge_cells(start_row=3, start_column=g, end_row=3, end_column=g - 1 + len(stars))
        for col in (*range(1, len(lead) + 1), width):
            ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
        first = 5
        start = 0
        for i, row in enumerate(rows.itertuples(index=False)):
            level, target = int(row.level), int(row.target_level)
            words = TARGET_WORDS[i % len(TARGET_WORDS)].format(n=CN[target], p=CN[max(target - 1, 1)])
            ws.append(
                [
                    i + 1,
                    *([row.county, row.code if row.code in (codes_for or ()) else None] if wide else []),
                    row.township if i == start else None,
                    row.name + suffix,
                    words
                    if target >= 2 or "{p}" not in TARGET_WORDS[i % len(TARGET_WORDS)]
                    else f"争创{CN[target]}星",
                    *["√" if bool(getattr(row, sid)) else None for sid, _ in stars],
                    f"{CN[level]}星" if level else "未评星",
                ]
            )
            last = i + 1 == len(rows) or rows.at[i + 1, "township"] != row.township
            if last:
                if i > start:
                    col = 4 if wide else 2
                    ws.merge_cells(
                        start_row=first + start, start_column=col, end_row=first + i, end_column=col
                    )
                start = i + 1
        ws.append(["合计", None, f"{len(rows)}个"])
        ws.append(["填表人：王某某", None, "审核人：李某某", None, "联系电话：0395-0000000"])
        ws.append([f"{year + 1}年1月5日"])
    book.create_sheet("填表说明").append(["1. 达标的星打√，未达标的空白。2. 创建目标填写“争创X星”等。"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def stars_by_type(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for utype, sid, name in con.execute(
        "SELECT unit_type, star_id, star_name FROM stars ORDER BY unit_type, ord"
    ).fetchall():
        out.setdefault(utype, []).append((sid, name))
    return out
