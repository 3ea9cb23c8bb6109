"""A corpus of county, township and city workbooks, built by code the way they are really sent.

Every habit of ``/work/shared/notes/county-workbooks.md`` is a file here: title rows with the
year and region only in them, two sheets (农村 + 城市社区), one sheet per township, notes,
hidden and empty sheets, two-row headers with a merged group cell and tick hints, blanks for
"not met", levels and targets in words, party-organisation names without codes, same-named
villages told apart by township or county, 小计/合计 rows and signer footers, problem ledgers
with merged units and deadlines in words, a pairing list, a monthly progress sheet, old .xls,
GBK and UTF-8 CSV, a next-year file, a pre-campaign year and a corrected file.

The units are real: the small test store's counties (``tests.conftest.SMALL_COUNTIES``), read
from the committed NBS divisions exactly as the store reads them, picked with seeded random
generators so every run builds the same bytes. Each file carries what a correct importer must
understand from it (kind, context, sheets, rows with their values) — see ``CorpusFile``.

``python -m tests.corpus OUTDIR`` writes the files for trying them by hand.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import xlwt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from tests.conftest import SMALL_COUNTIES
from xingtu.domain.hierarchy import compute_regions, compute_units
from xingtu.domain.standard import Standard, standard_for_year
from xingtu.reference.divisions import load_divisions
from xingtu.reference.standards import load_standards

CSV_SHEET = "CSV"  # the one "sheet" of a CSV file, as the reader names it
CAMPAIGN_START = 2022
LAST_YEAR = 2025  # the small store's last year (2022–2025)

YUANHUI, YANCHENG, ZONE, LUOHE = "411102000000", "411103000000", "411171000000", "411100000000"


# --- what a file must give -------------------------------------------------------------------


@dataclass(frozen=True)
class ExpectedSheet:
    status: str  # "imported" | "skipped"
    rows: int = 0  # data rows read (units, problems, pairs …), not header, 合计 or footer rows
    reason: tuple[str, ...] = ()  # skipped: the reason contains at least one of these words
    footer_rows: tuple[int, ...] = ()  # Excel row numbers of the footer lines under the table
    may_skip: tuple[int, ...] = ()  # 小计/合计/blank rows under the table a report may also list


@dataclass(frozen=True)
class ExpectedProblem:
    sheet: str
    row: int | None  # None: a file- or column-level problem
    column: str | None  # the column as written in the file; None: any
    all_of: tuple[str, ...] = ()  # the message contains every one of these
    any_of: tuple[str, ...] = ()  # … and at least one of these


@dataclass(frozen=True)
class CorpusFile:
    name: str
    data: bytes
    kind: str
    habit: str
    year: int | None
    region: str  # 12-digit code of the county, township or city the file is about
    unit_type: str | None  # "rural"/"urban" when the title, sheet or file name says so
    sheets: Mapping[str, ExpectedSheet]
    rows: tuple[Mapping[str, Any], ...] = ()  # the frame, one mapping per row (with _sheet, _row)
    year_source: str | None = None  # the word the context's year_source contains
    region_source: str | None = None
    new_years: tuple[int, ...] = ()
    problems: tuple[ExpectedProblem, ...] = ()  # a bad file: exactly these problems, no frame
    corrects: str | None = None  # the file this corrected one replaces

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def key(self) -> tuple[str, ...]:
        """Columns that identify a frame row: monthly sheets give one row per unit and star."""
        return ("_sheet", "_row", "star_id") if self.kind == "monthly" else ("_sheet", "_row")

    @property
    def levels(self) -> dict[str, int]:
        return {r["code"]: r["level"] for r in self.rows} if self.kind == "annual" else {}

    @property
    def targets(self) -> dict[str, int]:
        return {r["code"]: r["target_level"] for r in self.rows} if self.kind == "annual" else {}


# --- a sheet as cells, written to .xlsx, .xls or .csv ----------------------------------------


@dataclass
class Grid:
    """One sheet: cells at (row, column), 1-based as Excel shows them, and merged ranges."""

    name: str
    cells: dict[tuple[int, int], Any] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2
    hidden: bool = False

    def put(self, row: int, values: Sequence[Any], col: int = 1) -> None:
        for i, v in enumerate(values):
            if v is not None and v != "":
                self.cells[(row, col + i)] = v

    def merge(self, r1: int, c1: int, r2: int, c2: int, value: Any) -> None:
        """A merged range holds its value in the top-left cell only, as Excel keeps it."""
        if value is not None and value != "":
            self.cells[(r1, c1)] = value
        if (r1, c1) != (r2, c2):
            self.merges.append((r1, c1, r2, c2))

    @property
    def size(self) -> tuple[int, int]:
        rows = max((r for r, _ in self.cells), default=0)
        cols = max((c for _, c in self.cells), default=0)
        return rows, cols

    def matrix(self) -> list[list[Any]]:
        rows, cols = self.size
        return [[self.cells.get((r, c)) for c in range(1, cols + 1)] for r in range(1, rows + 1)]


def to_xlsx(grids: Sequence[Grid]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for g in grids:
        sheet = book.create_sheet(g.name)
        for (r, c), v in g.cells.items():
            cell = sheet.cell(r, c, v)
            if isinstance(v, dt.date):
                cell.number_format = "yyyy/m/d"
            if isinstance(v, str) and "\n" in v:
                cell.alignment = Alignment(wrap_text=True, vertical="center")
        for r1, c1, r2, c2 in g.merges:
            sheet.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
            top = sheet.cell(r1, c1)
            top.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            if r1 == r2 and c2 - c1 > 3:  # a title across the table
                top.font = Font(bold=True, size=14)
        if g.hidden:
            sheet.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_xls(grids: Sequence[Grid]) -> bytes:
    """Old Excel 97–2003 (.xls), as many offices still save."""
    book = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="YYYY/M/D")
    for g in grids:
        sheet = book.add_sheet(g.name, cell_overwrite_ok=True)
        merged = set()
        for r1, c1, r2, c2 in g.merges:
            value = g.cells.get((r1, c1), "")
            if isinstance(value, dt.date):
                sheet.write_merge(r1 - 1, r2 - 1, c1 - 1, c2 - 1, value, date_style)
            else:
                sheet.write_merge(r1 - 1, r2 - 1, c1 - 1, c2 - 1, value)
            merged.add((r1, c1))
        for (r, c), v in g.cells.items():
            if (r, c) in merged:
                continue
            if isinstance(v, dt.date):
                sheet.write(r - 1, c - 1, v, date_style)
            else:
                sheet.write(r - 1, c - 1, v)
        if g.hidden:
            raise ValueError("hidden sheets are written to .xlsx only")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_csv(grid: Grid, encoding: str) -> bytes:
    """What Excel's "save as CSV" writes: merged values in their first cell, dates as y/m/d."""

    def text(v: Any) -> str:
        if v is None:
            return ""
        if isinstance(v, dt.date):
            return f"{v.year}/{v.month}/{v.day}"
        return str(v)

    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    for row in grid.matrix():
        writer.writerow([text(v) for v in row])
    return out.getvalue().encode(encoding)  # strict: a character GBK lacks is a corpus bug


# --- the reference: real units of the small store ---------------------------------------------


@dataclass(frozen=True)
class Unit:
    code: str
    name: str  # short: 周庄村, 新华社区
    full_name: str  # NBS: 周庄村村民委员会
    unit_type: str
    township_code: str
    township: str
    county_code: str
    county: str


@dataclass(frozen=True)
class Pick:
    """A unit with the result a file states for it."""

    unit: Unit
    level: int
    target: int
    held: tuple[str, ...]  # star ids


@cache
def units() -> tuple[Unit, ...]:
    divisions = load_divisions()
    regions = compute_regions(divisions).set_index("code")["name"]
    table = compute_units(divisions)
    table = table[table["county_code"].isin(SMALL_COUNTIES)]
    return tuple(
        Unit(
            r.code,
            r.name,
            r.full_name,
            r.unit_type,
            r.township_code,
            regions[r.township_code],
            r.county_code,
            regions[r.county_code],
        )
        for r in table.itertuples(index=False)
    )


@cache
def region_name(code: str) -> str:
    return compute_regions(load_divisions()).set_index("code").at[code, "name"]


@cache
def townships(county: str) -> tuple[tuple[str, str], ...]:
    """(code, name) of a county's townships that hold units, in code order."""
    seen = {u.township_code: u.township for u in units() if u.county_code == county}
    return tuple(sorted(seen.items()))


def township_code(name: str) -> str:
    return next(u.township_code for u in units() if u.township == name)


def unit_by(name: str, township: str) -> Unit:
    return next(u for u in units() if u.name == name and u.township == township)


@cache
def standard() -> Standard:
    return standard_for_year(load_standards(), CAMPAIGN_START)


def stars(unit_type: str) -> tuple[tuple[str, str], ...]:
    """(id, name) of a unit type's five stars."""
    return tuple((s.id, s.name) for s in standard().stars_for(unit_type))


def star_columns(types: Iterable[str]) -> tuple[tuple[str, str], ...]:
    out: dict[str, str] = {}
    for t in types:
        out.update(stars(t))
    return tuple(out.items())


def pick(
    rng: random.Random,
    n: int,
    county: str | Sequence[str],
    *,
    township: str | None = None,
    unit_type: str | None = None,
    unique_in: str | None = "county",
    must: Sequence[Unit] = (),
) -> list[Unit]:
    """``n`` units (plus ``must``), whose names are unique within ``unique_in`` (None: no check).

    A file without a township column can only name units that are unique in its county.
    """
    counties = (county,) if isinstance(county, str) else tuple(county)
    pool = [
        u
        for u in units()
        if u.county_code in counties
        and (township is None or u.township_code == township)
        and (unit_type is None or u.unit_type == unit_type)
    ]
    if unique_in:
        scope = (lambda u: u.county_code) if unique_in == "county" else (lambda u: u.township_code)
        counts: dict[tuple[str, str], int] = {}
        for u in units():
            counts[(scope(u), u.name)] = counts.get((scope(u), u.name), 0) + 1
        pool = [u for u in pool if counts[(scope(u), u.name)] == 1]
    rest = [u for u in pool if u not in must]
    chosen = list(must) + rng.sample(rest, min(len(rest), max(0, n - len(must))))
    return sorted(chosen, key=lambda u: (u.county_code, u.township_code, u.code))


def rate(rng: random.Random, chosen: Sequence[Unit]) -> list[Pick]:
    out = []
    for u in chosen:
        level = rng.choices(range(6), weights=(1, 2, 3, 4, 3, 2))[0]
        target = rng.randint(max(level, 1), 5) if rng.random() < 0.6 else max(level, 1)
        held = tuple(sorted(rng.sample([s for s, _ in stars(u.unit_type)], level)))
        out.append(Pick(u, level, target, held))
    return out


def annual_row(p: Pick, year: int, sheet: str, row: int) -> dict[str, Any]:
    values: dict[str, Any] = {
        "_sheet": sheet,
        "_row": row,
        "code": p.unit.code,
        "year": year,
        "unit_type": p.unit.unit_type,
        "level": p.level,
        "target_level": p.target,
    }
    for sid, _ in stars(p.unit.unit_type):
        values[f"star_{sid}"] = sid in p.held
    return values


# --- how people write cells --------------------------------------------------------------------

CN = "零一二三四五"
FW = str.maketrans("0123456789", "０１２３４５６７８９")


def level_text(level: int, form: str) -> Any:
    if level == 0:
        return {"int": 0, "fw": "０"}.get(form, "未评星")
    return {
        "int": level,
        "str": str(level),
        "fw": str(level).translate(FW),
        "cn": f"{CN[level]}星",
        "cnji": f"{CN[level]}星级",
        "zhibu": f"{CN[level]}星支部",
        "stars": "★" * level,
        "xing": f"{level}星",
        "bao": f"{CN[level]}星（保）",
    }[form]


def target_text(target: int, form: str) -> Any:
    if form == "baochong" and target >= 2:
        return f"保{CN[target - 1]}冲{CN[target]}"
    return {
        "int": target,
        "cn": f"{CN[target]}星",
        "zhengchuang": f"争创{CN[target]}星",
        "baochong": f"争创{CN[target]}星",
        "chong": f"冲{CN[target]}",
        "gonggu": f"巩固{CN[target]}星",
        "chuangjian": f"创建{CN[target]}星",
    }[form]


def cycle(forms: Sequence[str]) -> Callable[[int, int], Any]:
    """A writer that uses each spelling in turn (row i gets forms[i % len])."""
    return lambda i, v: forms[i % len(forms)]


@dataclass
class Layout:
    """How a county writes its annual results table."""

    name_col: str = "村（社区）名称"
    seq_col: str | None = "序号"
    county_col: str | None = None
    township_col: str | None = None
    code_col: str | None = None
    target_col: str = "创建目标"
    level_col: str = "评定星级"
    note_col: str | None = "备注"
    star_types: tuple[str, ...] = ("rural",)
    group: str | None = None  # a group cell merged over the star columns (two header rows)
    star_label: Callable[[str], str] = lambda s: s
    merge_township: bool = False
    merge_county: bool = False
    subtotals: bool = False  # a 小计 row after each township
    total: bool = False  # a 合计 row under the table
    name: Callable[[Pick, int], str] = lambda p, i: p.unit.name
    level: Callable[[int, int], Any] = lambda i, v: level_text(v, "cn")
    target: Callable[[int, int], Any] = lambda i, v: target_text(v, "cn")
    yes: Sequence[Any] = ("√",)
    no: Sequence[Any] = ("×",)  # a blank means "no" only where a hint (达标打√) says so
    not_applicable: Any = "/"  # under a star the unit's type does not have
    code: Callable[[str], Any] = lambda c: c


def layout_width(lay: Layout) -> int:
    cols = (lay.seq_col, lay.county_col, lay.township_col, lay.name_col, lay.code_col, lay.target_col)
    return sum(1 for c in cols if c) + len(star_columns(lay.star_types)) + 1 + (1 if lay.note_col else 0)


def write_annual(
    g: Grid, row: int, picks: Sequence[Pick], lay: Layout, year: int
) -> tuple[int, list[dict[str, Any]], list[int], int]:
    """The header at ``row`` and the table under it.

    Returns the next free row, the expected frame rows, the 小计/合计 row numbers and the width.
    """
    cols: list[tuple[str, str]] = []  # (what, header)
    for what, header in (
        ("seq", lay.seq_col),
        ("county", lay.county_col),
        ("township", lay.township_col),
        ("name", lay.name_col),
        ("code", lay.code_col),
        ("target", lay.target_col),
    ):
        if header:
            cols.append((what, header))
    star_cols = star_columns(lay.star_types)
    missing = {p.unit.unit_type for p in picks} - set(lay.star_types)
    if missing:
        raise ValueError(f"{g.name}: units of type {missing} but no star columns for them")
    cols += [(f"star:{sid}", lay.star_label(name)) for sid, name in star_cols]
    cols.append(("level", lay.level_col))
    if lay.note_col:
        cols.append(("note", lay.note_col))
    at = {what: i + 1 for i, (what, _) in enumerate(cols)}
    width = len(cols)
    first_star = at[f"star:{star_cols[0][0]}"]
    last_star = at[f"star:{star_cols[-1][0]}"]
    if lay.group:
        for what, header in cols:
            if what.startswith("star:"):
                g.put(row + 1, [header], at[what])
            else:
                g.merge(row, at[what], row + 1, at[what], header)
        g.merge(row, first_star, row, last_star, lay.group)
        row += 2
    else:
        g.put(row, [h for _, h in cols])
        row += 1
    expected: list[dict[str, Any]] = []
    skip: list[int] = []
    seq = 0
    groups: dict[tuple[str, str], list[Pick]] = {}
    for p in picks:
        groups.setdefault((p.unit.county_code, p.unit.township_code), []).append(p)
    county_start: dict[str, int] = {}
    county_end: dict[str, int] = {}
    for (county, _), members in groups.items():
        start = row
        for p in members:
            i = seq
            seq += 1
            u = p.unit
            values: dict[int, Any] = {at["name"]: lay.name(p, i), at["target"]: lay.target(i, p.target)}
            values[at["level"]] = lay.level(i, p.level)
            if "seq" in at:
                values[at["seq"]] = seq
            if "code" in at:
                values[at["code"]] = lay.code(u.code)
            if "township" in at and (not lay.merge_township or row == start):
                values[at["township"]] = u.township
            if "county" in at and not lay.merge_county:
                values[at["county"]] = u.county
            own = {sid for sid, _ in stars(u.unit_type)}
            for j, (sid, _) in enumerate(star_cols):
                if sid not in own:
                    cell = lay.not_applicable
                elif sid in p.held:
                    cell = lay.yes[(i + j) % len(lay.yes)]
                else:
                    cell = lay.no[(i + j) % len(lay.no)]
                values[at[f"star:{sid}"]] = cell
            for c, v in values.items():
                g.put(row, [v], c)
            expected.append(annual_row(p, year, g.name, row))
            row += 1
        if lay.merge_township and "township" in at and row - start > 1:
            g.merge(start, at["township"], row - 1, at["township"], members[0].unit.township)
        county_start.setdefault(county, start)
        county_end[county] = row - 1
        if lay.subtotals:
            label_col = at.get("township", at["name"])
            g.put(row, ["小计"], label_col)
            _counts(g, row, members, star_cols, at)
            skip.append(row)
            row += 1
    if lay.merge_county and "county" in at:
        for county, start in county_start.items():
            g.merge(start, at["county"], county_end[county], at["county"], region_name(county))
    if lay.total:
        label_end = at["name"]
        g.merge(row, 1, row, label_end, "合计")
        _counts(g, row, list(picks), star_cols, at)
        skip.append(row)
        row += 1
    return row, expected, skip, width


def _counts(
    g: Grid, row: int, members: Sequence[Pick], star_cols: Sequence[tuple[str, str]], at: dict[str, int]
) -> None:
    """A subtotal row: how many units hold each star (numbers under the tick columns)."""
    for sid, _ in star_cols:
        g.put(row, [sum(sid in p.held for p in members)], at[f"star:{sid}"])
    g.put(row, [f"{len(members)}个"], at["level"])


def title(g: Grid, row: int, text: str, width: int) -> int:
    g.merge(row, 1, row, width, text)
    return row + 1


def footer(g: Grid, row: int, width: int, *, style: str = "cells", date: Any = "2026年1月5日") -> list[int]:
    """Signer lines under the table (one blank row first); returns their row numbers."""
    row += 1
    lines = []
    if style == "cells":
        g.put(row, ["填表人：王丽"])
        g.put(row, ["审核人：赵建军"], max(2, width // 2 - 1))
        g.put(row, ["联系电话：0395-3126688"], max(3, width - 2))
    else:
        g.merge(row, 1, row, width, "填表人：王丽          审核人：赵建军          联系电话：13803950123")
    lines.append(row)
    g.put(row + 1, ["（盖章）"], max(2, width - 2))
    lines.append(row + 1)
    g.put(row + 2, [date], max(2, width - 2))
    lines.append(row + 2)
    return lines


# --- the files -----------------------------------------------------------------------------------

Builder = Callable[[], CorpusFile]
BUILDERS: dict[str, Builder] = {}


def builder(fn: Builder) -> Builder:
    BUILDERS[fn.__name__] = fn
    return fn


def _rng(key: str) -> random.Random:
    return random.Random(f"xingtu-corpus-{key}")


def annual_file(
    name: str,
    habit: str,
    grids: list[Grid],
    expected: Mapping[str, ExpectedSheet],
    rows: list[dict[str, Any]],
    *,
    year: int,
    region: str,
    unit_type: str | None = None,
    year_source: str = "标题",
    region_source: str = "标题",
    fmt: str = "xlsx",
    **extra: Any,
) -> CorpusFile:
    data = to_xls(grids) if fmt == "xls" else to_xlsx(grids)
    return CorpusFile(
        name,
        data,
        "annual",
        habit,
        year,
        region,
        unit_type,
        expected,
        tuple(rows),
        year_source,
        region_source,
        new_years=(year,) if year > LAST_YEAR else (),
        **extra,
    )


def simple_annual(
    key: str,
    *,
    county: str,
    year: int,
    heading: Sequence[str],
    lay: Layout,
    n: int = 14,
    sheet: str = "Sheet1",
    unit_type: str | None = None,
    footers: bool = False,
    picks: Sequence[Pick] | None = None,
    must: Sequence[Unit] = (),
) -> tuple[Grid, list[dict[str, Any]], ExpectedSheet, list[Pick]]:
    """One sheet: title rows, the table, optionally a footer."""
    rng = _rng(key)
    if picks is None:
        chosen = pick(
            rng, n, county, unit_type=unit_type, unique_in=None if lay.township_col else "county", must=must
        )
        picks = rate(rng, chosen)
    g = Grid(sheet)
    width = layout_width(lay)
    row = 1
    for line in heading:
        row = title(g, row, line, width)
    end, rows, skip, width = write_annual(g, row, picks, lay, year)
    lines = footer(g, end, width) if footers else []
    blank = [end] if footers else []
    return g, rows, ExpectedSheet("imported", len(rows), (), tuple(lines), tuple(skip + blank)), list(picks)


def _quoted(text: str) -> str:
    return text.replace("五星支部", "“五星”支部")


@builder
def title_only() -> CorpusFile:
    g, rows, sheet, _ = simple_annual(
        "title_only",
        county=YUANHUI,
        year=2022,
        heading=['源汇区2022年度"五星"支部创建评定结果汇总表'],
        lay=Layout(),
        unit_type="rural",
        must=[unit_by("徐庄村", "大刘镇"), unit_by("曹店村", "问十乡")],
    )
    return annual_file(
        "源汇区2022年度五星支部创建评定结果汇总表.xlsx",
        "年度和县区只在合并的标题行里（带引号的“五星”）；无代码列，按名称匹配（徐庄村、曹店村在别的县区也有）",
        [g],
        {g.name: sheet},
        rows,
        year=2022,
        region=YUANHUI,
    )


@builder
def title_rows_and_filler_line() -> CorpusFile:
    g, rows, sheet, _ = simple_annual(
        "title_rows_and_filler_line",
        county=YUANHUI,
        year=2025,
        heading=[
            "附件2",
            '源汇区2025年度农村"五星"支部创建评定结果汇总表',
            "填报单位：中共漯河市源汇区委组织部（盖章）                    填报时间：2026年1月5日",
        ],
        lay=Layout(township_col="乡镇（街道）"),
        unit_type="rural",
    )
    return annual_file(
        "附件2：评定结果汇总表.xlsx",
        "三行标题（附件2、标题、“填报单位…（盖章） 填报时间：2026年1月5日”）；年度取标题的 2025 而非填报时间",
        [g],
        {g.name: sheet},
        rows,
        year=2025,
        region=YUANHUI,
        unit_type="rural",
    )


@builder
def year_in_file_name() -> CorpusFile:
    g, rows, sheet, _ = simple_annual(
        "year_in_file_name",
        county=YANCHENG,
        year=2024,
        heading=["郾城区五星支部创建评定结果汇总表"],
        lay=Layout(township_col="乡镇", star_types=("rural",)),
        unit_type="rural",
    )
    return annual_file(
        "郾城区2024年五星支部评定结果.xlsx",
        "年度只在文件名里（标题无年度）",
        [g],
        {g.name: sheet},
        rows,
        year=2024,
        region=YANCHENG,
        year_source="文件名",
    )


@builder
def year_in_sheet_name() -> CorpusFile:
    g, rows, sheet, _ = simple_annual(
        "year_in_sheet_name",
        county=ZONE,
        year=2023,
        heading=["五星支部创建评定结果汇总表"],
        lay=Layout(township_col="乡镇", star_types=("rural", "urban")),
        sheet="2023年",
    )
    return annual_file(
        "漯河经济技术开发区评定结果.xlsx",
        "年度只在工作表名（2023年）里，县区只在文件名里；村和社区同表（8 个星列，别类星写 /）",
        [g],
        {g.name: sheet},
        rows,
        year=2023,
        region=ZONE,
        year_source="工作表名",
        region_source="文件名",
    )


def two_type_sheets(
    key: str, county: str, year: int, heading: str, lay: Layout, n_rural: int, n_urban: int
) -> tuple[list[Grid], dict[str, ExpectedSheet], list[dict[str, Any]]]:
    grids, expected, rows = [], {}, []
    for sheet, utype, n in (("农村", "rural", n_rural), ("城市社区", "urban", n_urban)):
        g, r, s, _ = simple_annual(
            f"{key}-{utype}",
            county=county,
            year=year,
            heading=[heading],
            lay=replace(lay, star_types=(utype,)),
            n=n,
            sheet=sheet,
            unit_type=utype,
        )
        grids.append(g)
        expected[sheet] = s
        rows += r
    return grids, expected, rows


@builder
def two_sheets_rural_urban() -> CorpusFile:
    grids, expected, rows = two_type_sheets(
        "two_sheets",
        YANCHENG,
        2025,
        '郾城区2025年度"五星"支部创建评定结果汇总表',
        Layout(township_col="乡镇（街道）", name_col="村（社区）名称"),
        12,
        9,
    )
    return annual_file(
        "郾城区2025年度五星支部评定结果.xlsx",
        "两个工作表：农村 + 城市社区，各有本类型的五个星列；两个表都要导入",
        grids,
        expected,
        rows,
        year=2025,
        region=YANCHENG,
    )


def notes_sheet(name: str = "填表说明") -> Grid:
    g = Grid(name)
    g.put(1, ["填表说明"])
    g.put(2, ["1. 本表由各乡镇（街道）党（工）委填写，县（市、区）委组织部汇总。"])
    g.put(3, ["2. “星级评定情况”栏中，达标的打√，未达标的空白。"])
    g.put(4, ["3. 评定星级按所得星数填写，如：三星；创建目标填争创星级，如：争创四星、保三冲四。"])
    g.put(5, ["4. 村（社区）名称按党组织名称填写，如：XX村党支部、XX社区党委。"])
    return g


@builder
def notes_sheet_beside() -> CorpusFile:
    g, rows, sheet, _ = simple_annual(
        "notes_sheet_beside",
        county=ZONE,
        year=2025,
        heading=['漯河经济技术开发区2025年度"五星"支部创建评定结果'],
        lay=Layout(township_col="乡镇", group="星级评定情况（达标打√）"),
        unit_type="rural",
    )
    notes = notes_sheet()
    return annual_file(
        "漯河经济技术开发区2025年度评定结果.xlsx",
        "数据表旁有“填表说明”工作表：跳过并写明原因",
        [g, notes],
        {g.name: sheet, notes.name: ExpectedSheet("skipped", reason=("说明", "表头"))},
        rows,
        year=2025,
        region=ZONE,
    )


def lists_sheet() -> Grid:
    """The hidden sheet behind drop-down lists (数据有效性)."""
    g = Grid("下拉选项", hidden=True)
    for i, v in enumerate(["是", "否", "√", "×"], start=1):
        g.put(i, [v], 1)
    for i, v in enumerate(["未评星", "一星", "二星", "三星", "四星", "五星"], start=1):
        g.put(i, [v], 2)
    return g


@builder
def hidden_sheet() -> CorpusFile:
    g, rows, sheet, _ = simple_annual(
        "hidden_sheet",
        county=YUANHUI,
        year=2024,
        heading=['源汇区2024年度"五星"支部创建评定结果汇总表'],
        lay=Layout(township_col="乡镇（街道）", yes=("是",), no=("否",)),
        unit_type="rural",
    )
    lists = lists_sheet()
    return annual_file(
        "源汇区2024年度评定结果汇总表.xlsx",
        "隐藏工作表（下拉选项）：跳过并写明原因",
        [g, lists],
        {g.name: sheet, lists.name: ExpectedSheet("skipped", reason=("隐藏", "表头"))},
        rows,
        year=2024,
        region=YUANHUI,
    )


@builder
def empty_sheets() -> CorpusFile:
    g, rows, sheet, _ = simple_annual(
        "empty_sheets",
        county=YANCHENG,
        year=2023,
        heading=['郾城区2023年度"五星"支部创建评定结果汇总表'],
        lay=Layout(township_col="乡镇（街道）", star_types=("urban",)),
        unit_type="urban",
        n=10,
    )
    empty = [Grid("Sheet2"), Grid("Sheet3")]
    skipped = ExpectedSheet("skipped", reason=("空", "没有内容", "无内容", "无数据"))
    return annual_file(
        "郾城区2023年度社区评定结果.xlsx",
        "Excel 默认留下的空工作表 Sheet2、Sheet3：跳过并写明“空”",
        [g, *empty],
        {g.name: sheet, **{e.name: skipped for e in empty}},
        rows,
        year=2023,
        region=YANCHENG,
        unit_type="urban",  # 社区 in the file name
    )


@builder
def sheet_per_township() -> CorpusFile:
    rng = _rng("sheet_per_township")
    year = 2025
    grids, rows = [], []
    expected = {"汇总": ExpectedSheet("skipped", reason=("汇总", "表头", "统计"))}
    summary = Grid("汇总")
    summary.merge(1, 1, 1, 7, '源汇区2025年度"五星"支部创建情况汇总')
    summary.put(2, ["乡镇（街道）", "村（社区）数", "五星", "四星", "三星", "二星", "一星"])
    lay = Layout(name_col="村（社区）名称", target_col="争创星级", level_col="评定结果")
    for i, (tcode, tname) in enumerate(townships(YUANHUI), start=1):
        must = [u for u in units() if u.name == "周庄村" and u.township_code == tcode]
        chosen = pick(rng, 5, YUANHUI, township=tcode, unique_in="township", must=must)
        picks = rate(rng, chosen)
        types = tuple(t for t in ("rural", "urban") if any(p.unit.unit_type == t for p in picks))
        g, r, s, _ = simple_annual(
            f"sheet_per_township-{tname}",
            county=YUANHUI,
            year=year,
            heading=['源汇区2025年度"五星"支部创建评定结果'],
            lay=replace(lay, star_types=types),
            sheet=tname,
            picks=picks,
        )
        grids.append(g)
        expected[tname] = s
        rows += r
        summary.put(
            2 + i, [tname, len(picks), *(sum(p.level == lv for p in picks) for lv in (5, 4, 3, 2, 1))]
        )
    return annual_file(
        "源汇区2025年度五星支部创建评定结果（分乡镇）.xlsx",
        "每个乡镇（街道）一个工作表，表名即乡镇名（无代码）；两个周庄村凭表名区分；另有“汇总”表（跳过）",
        [summary, *grids],
        expected,
        rows,
        year=year,
        region=YUANHUI,
    )


@builder
def city_level() -> CorpusFile:
    rng = _rng("city_level")
    must = [
        unit_by("徐庄村", "大刘镇"),
        unit_by("徐庄村", "龙城镇"),
        unit_by("胡庄村", "阴阳赵镇"),
        unit_by("胡庄村", "商桥镇"),
    ]
    chosen = pick(rng, 16, (YUANHUI, YANCHENG), unit_type="rural", must=must)
    g, rows, sheet, _ = simple_annual(
        "city_level",
        county=YUANHUI,
        year=2025,
        heading=['漯河市2025年度农村"五星"支部创建评定结果汇总表'],
        lay=Layout(county_col="县（市、区）", name_col="村名", target_col="创建目标", level_col="星级"),
        picks=rate(rng, chosen),
    )
    return annual_file(
        "漯河市2025年度农村五星支部评定结果汇总.xlsx",
        "市级汇总表：一列“县（市、区）”跨源汇区、郾城区；同名的徐庄村、胡庄村凭县区列区分",
        [g],
        {g.name: sheet},
        rows,
        year=2025,
        region=LUOHE,
        unit_type="rural",
    )


@builder
def township_level() -> CorpusFile:
    tcode = township_code("大刘镇")
    rng = _rng("township_level")
    chosen = pick(rng, 12, YUANHUI, township=tcode, unique_in="township", must=[unit_by("周庄村", "大刘镇")])
    g, rows, sheet, _ = simple_annual(
        "township_level",
        county=YUANHUI,
        year=2025,
        heading=['大刘镇2025年度"五星"支部创建评定结果统计表'],
        lay=Layout(name_col="村名"),
        picks=rate(rng, chosen),
    )
    return annual_file(
        "大刘镇2025年五星支部评定结果.xlsx",
        "乡镇级文件：标题只写大刘镇；周庄村（区内有两个）凭标题中的乡镇区分",
        [g],
        {g.name: sheet},
        rows,
        year=2025,
        region=tcode,
    )


@builder
def group_header_blanks() -> CorpusFile:
    g, rows, sheet, _ = simple_annual(
        "group_header_blanks",
        county=YANCHENG,
        year=2022,
        heading=['郾城区2022年度"五星"支部创建评定结果汇总表'],
        lay=Layout(township_col="乡镇", group="星级评定情况（达标打√）", yes=("√",), no=("",)),
        unit_type="rural",
        n=16,
    )
    return annual_file(
        "郾城区2022年度五星支部创建评定结果汇总表.xlsx",
        "两行表头：合并的“星级评定情况（达标打√）”在各星之上；未达标留空",
        [g],
        {g.name: sheet},
        rows,
        year=2022,
        region=YANCHENG,
    )


@builder
def ticks_every_spelling() -> CorpusFile:
    g, rows, sheet, _ = simple_annual(
        "ticks_every_spelling",
        county=YUANHUI,
        year=2023,
        heading=['源汇区2023年度城市社区"五星"支部创建评定结果'],
        lay=Layout(
            star_types=("urban",),
            star_label=lambda s: f"{s}（达标打√）",
            yes=("√", "✓", "✔", "是", "达标", 1),
            no=("×", "否", "未达标", 0, "/", ""),
        ),
        unit_type="urban",
        n=16,
        sheet="城市社区",
    )
    return annual_file(
        "源汇区2023年度城市社区评定结果.xlsx",
        "提示写在星名旁（支部过硬星（达标打√））；打勾写法 √ ✓ ✔ 是 达标 1，"
        "未达标写法 × 否 未达标 0 / 和空白",
        [g],
        {g.name: sheet},
        rows,
        year=2023,
        region=YUANHUI,
        unit_type="urban",
    )


@builder
def level_spellings() -> CorpusFile:
    rng = _rng("level_spellings")
    chosen = pick(rng, 16, YANCHENG, unit_type="rural")
    picks = rate(rng, chosen)
    # every spelling at least once, for levels that have it
    forms = ["cn", "cnji", "zhibu", "stars", "int", "fw", "xing", "bao"]
    picks = [replace(p, level=max(p.level, 1), held=p.held or (stars("rural")[0][0],)) for p in picks]
    picks = [replace(p, target=max(p.target, p.level)) for p in picks]
    g, rows, sheet, _ = simple_annual(
        "level_spellings",
        county=YANCHENG,
        year=2025,
        heading=['郾城区2025年度"五星"支部创建评定结果汇总表'],
        lay=Layout(level=lambda i, v: level_text(v, forms[i % len(forms)]), target=lambda i, v: v),
        picks=picks,
    )
    return annual_file(
        "郾城区2025年度评定结果（星级写法）.xlsx",
        "评定星级写作 五星、五星级、五星支部、★★★★★、5、５、4星、三星（保）",
        [g],
        {g.name: sheet},
        rows,
        year=2025,
        region=YANCHENG,
    )


@builder
def target_words() -> CorpusFile:
    forms = ["zhengchuang", "baochong", "chong", "gonggu", "chuangjian"]
    rng = _rng("target_words")
    picks = rate(rng, pick(rng, 15, ZONE))
    # 保三冲四 needs a target of 2 or more; 巩固 keeps the level
    picks = [
        replace(p, target=max(p.target, 2)) if forms[i % 5] == "baochong" else p for i, p in enumerate(picks)
    ]
    picks = [
        replace(p, target=max(p.level, 1)) if forms[i % 5] == "gonggu" else p for i, p in enumerate(picks)
    ]
    g, rows, sheet, _ = simple_annual(
        "target_words",
        county=ZONE,
        year=2023,
        heading=['漯河经济技术开发区2023年度"五星"支部创建评定结果汇总表'],
        lay=Layout(
            star_types=("rural", "urban"),
            target_col="争创星级",
            target=lambda i, v: target_text(v, forms[i % len(forms)]),
        ),
        picks=picks,
    )
    return annual_file(
        "开发区2023年度五星支部创建评定结果汇总表.xlsx",
        "创建目标写作 争创五星、保三冲四（=4）、冲五、巩固四星（=4）、创建二星",
        [g],
        {g.name: sheet},
        rows,
        year=2023,
        region=ZONE,
    )


def party_name(p: Pick, i: int) -> str:
    u = p.unit
    if u.unit_type == "urban" and u.name.endswith("社区"):
        return f"{u.name}党委" if i % 2 else f"{u.name}党支部"
    return (f"{u.name}党支部", f"{u.name}党总支", f"{u.name}（居）", u.full_name)[i % 4]


@builder
def party_organisation_names() -> CorpusFile:
    g, rows, sheet, _ = simple_annual(
        "party_organisation_names",
        county=YUANHUI,
        year=2024,
        heading=['源汇区2024年度"五星"支部创建评定结果汇总表'],
        lay=Layout(
            name_col="党组织名称", township_col="乡镇（街道）", star_types=("rural", "urban"), name=party_name
        ),
        n=18,
    )
    return annual_file(
        "源汇区2024年度五星支部评定结果（党组织）.xlsx",
        "单位写作党组织名称：XX村党支部、XX村党总支、XX社区党委、XX村（居）、村民委员会全称；无代码列",
        [g],
        {g.name: sheet},
        rows,
        year=2024,
        region=YUANHUI,
    )


@builder
def same_name_township_column() -> CorpusFile:
    rng = _rng("same_name_township_column")
    must = [unit_by("周庄村", "大刘镇"), unit_by("周庄村", "问十乡")]
    chosen = pick(rng, 14, YUANHUI, unit_type="rural", unique_in="township", must=must)
    g, rows, sheet, _ = simple_annual(
        "same_name_township_column",
        county=YUANHUI,
        year=2025,
        heading=['源汇区2025年度"五星"支部创建评定结果汇总表'],
        lay=Layout(township_col="乡镇（街道）"),
        picks=rate(rng, chosen),
    )
    return annual_file(
        "源汇区2025年度五星支部评定结果（按乡镇）.xlsx",
        "区内两个周庄村（大刘镇、问十乡），凭乡镇列区分",
        [g],
        {g.name: sheet},
        rows,
        year=2025,
        region=YUANHUI,
    )


@builder
def same_name_township_merged() -> CorpusFile:
    rng = _rng("same_name_township_merged")
    must = [
        unit_by("何庄村", "孟庙镇"),
        unit_by("何庄村", "黑龙潭镇"),
        unit_by("张店村", "孟庙镇"),
        unit_by("张店村", "新店镇"),
    ]
    chosen = pick(rng, 16, YANCHENG, unit_type="rural", unique_in="township", must=must)
    g, rows, sheet, _ = simple_annual(
        "same_name_township_merged",
        county=YANCHENG,
        year=2025,
        heading=['郾城区2025年度"五星"支部创建评定结果汇总表'],
        lay=Layout(township_col="乡镇", merge_township=True),
        picks=rate(rng, chosen),
    )
    return annual_file(
        "郾城区2025年度五星支部创建评定结果（乡镇合并）.xlsx",
        "乡镇单元格纵向合并在其各村之上（须向下填充）；两个何庄村、两个张店村凭它区分",
        [g],
        {g.name: sheet},
        rows,
        year=2025,
        region=YANCHENG,
    )


@builder
def subtotals_and_footer() -> CorpusFile:
    g, rows, sheet, _ = simple_annual(
        "subtotals_and_footer",
        county=ZONE,
        year=2025,
        heading=['漯河经济技术开发区2025年度"五星"支部创建评定结果汇总表'],
        lay=Layout(township_col="乡镇", subtotals=True, total=True, star_types=("rural", "urban")),
        footers=True,
        n=14,
    )
    return annual_file(
        "开发区2025年度五星支部创建评定结果汇总表（含小计）.xlsx",
        "每个乡镇后一行小计、表尾合计，再下是 填表人/审核人/联系电话、（盖章）、单独一行日期：都不是单位",
        [g],
        {g.name: sheet},
        rows,
        year=2025,
        region=ZONE,
    )


@builder
def mixed_single_sheet() -> CorpusFile:
    g, rows, sheet, _ = simple_annual(
        "mixed_single_sheet",
        county=YANCHENG,
        year=2024,
        heading=['郾城区2024年度村（社区）"五星"支部创建评定结果汇总表'],
        lay=Layout(
            township_col="乡镇（街道）",
            star_types=("rural", "urban"),
            group="星级评定情况",
            not_applicable="",
            code_col=None,
        ),
        n=18,
    )
    return annual_file(
        "郾城区2024年度村（社区）五星支部评定结果.xlsx",
        "村和社区同表，标题写“村（社区）”（不是只有村）：8 个星列，别类的星留空",
        [g],
        {g.name: sheet},
        rows,
        year=2024,
        region=YANCHENG,
    )


def _deadline(i: int, year: int) -> tuple[Any, dt.date]:
    """(as written, as meant) — words, dotted, Chinese, Excel serial, a real date cell."""
    serial_day = dt.date(year, 11, 30)
    forms: list[tuple[Any, dt.date]] = [
        ("10月底前", dt.date(year, 10, 31)),
        ("2026.1.5", dt.date(2026, 1, 5)),
        ("2026年1月5日", dt.date(2026, 1, 5)),
        ((serial_day - dt.date(1899, 12, 30)).days, serial_day),
        ("12月底前", dt.date(year, 12, 31)),
        (dt.datetime(year, 9, 30), dt.date(year, 9, 30)),
    ]
    return forms[i % len(forms)]


PROBLEM_TEXTS = (
    "村集体经济收入偏低，2024年仅３．２万元；无稳定增收项目",
    "党员活动室面积不足：仅４０平方米\n设施陈旧",
    "“三会一课”记录不规范，部分会议无签到表；  ",
    "人居环境整治不彻底，坑塘２处未清理  ",
    "矛盾纠纷调解台账缺失；网格员配备不足（缺１名）",
    "后备干部不足：35岁以下仅1人",
    "产业项目带动弱，合作社未实际运营\n群众参与度低",
    "文明实践站活动少，全年仅开展３次；",
)
MEASURE_TEXTS = (
    "引进食用菌种植项目，年底前集体增收５万元以上；",
    "协调乡镇调剂用房，扩建活动室至８０平方米\n更新桌椅、电教设备",
    "每月由乡镇组织委员督导检查，规范记录：签到、议题、决议",
    "组织集中清理，县水利局帮扶  ",
    "建立调解台账；增配网格员１名，10月底前到岗",
    "从返乡青年中培养后备力量２名",
    "盘活合作社：流转土地２００亩，种植优质小麦",
    "每月至少开展１次志愿服务；",
)


@builder
def problems_ledger_merged() -> CorpusFile:
    rng = _rng("problems_ledger_merged")
    year = 2025
    must = [unit_by("何庄村", "孟庙镇"), unit_by("何庄村", "黑龙潭镇")]
    chosen = pick(rng, 7, YANCHENG, unit_type="rural", unique_in="township", must=must)
    g = Grid("问题台账")
    header = [
        "序号",
        "乡镇（街道）",
        "村（社区）",
        "所属星",
        "存在问题",
        "整改措施",
        "责任人",
        "整改时限",
        "整改进展",
        "是否销号",
    ]
    width = len(header)
    title(g, 1, "郾城区2025年度五星支部创建问题整改台账", width)
    g.merge(2, 1, 2, width, "填报单位：中共漯河市郾城区委组织部                  更新时间：2025年9月30日")
    g.put(3, header)
    row, item, seq = 4, 0, 0
    rows: list[dict[str, Any]] = []
    by_town: dict[str, list[Unit]] = {}
    for u in chosen:
        by_town.setdefault(u.township, []).append(u)
    closed_forms = ("是", "已销号", "√")
    for town, members in by_town.items():
        town_start = row
        for u in members:
            start = row
            seq += 1
            for _ in range(rng.randint(1, 3)):
                problem, measure = PROBLEM_TEXTS[item % 8], MEASURE_TEXTS[item % 8]
                written, meant = _deadline(item, year)
                closed = item % 3 == 1
                star = stars("rural")[item % 5][1]
                g.put(row, [star, problem, measure, "张卫东", written], 4)
                g.put(row, ["已完成" if closed else "整改中", closed_forms[item % 3] if closed else ""], 9)
                rows.append(
                    {
                        "_sheet": g.name,
                        "_row": row,
                        "code": u.code,
                        "year": year,
                        "problem": problem.strip(),
                        "measure": measure.strip(),
                        "deadline": meant,
                        "status": "已销号" if closed else "整改中",
                    }
                )
                row += 1
                item += 1
            g.merge(start, 1, row - 1, 1, seq)
            g.merge(start, 3, row - 1, 3, u.name)
        g.merge(town_start, 2, row - 1, 2, town)
    lines = footer(g, row, width, style="merged")
    sheet = ExpectedSheet("imported", len(rows), (), tuple(lines), (row,))
    return CorpusFile(
        "郾城区2025年度五星支部创建问题整改台账.xlsx",
        to_xlsx([g]),
        "problems",
        "问题台账：乡镇纵向合并在各村之上、村合并在其各问题之上（向下填充）；整改时限 10月底前/2026.1.5/"
        "2026年1月5日/Excel 序列数/日期；销号写 是/已销号/√；两个何庄村凭合并的乡镇区分",
        year,
        YANCHENG,
        None,
        {g.name: sheet},
        tuple(rows),
        "标题",
        "标题",
    )


@builder
def problems_text_habits() -> CorpusFile:
    rng = _rng("problems_text_habits")
    year = 2025
    tcode = township_code("后谢镇")
    chosen = pick(rng, 5, ZONE, township=tcode, unit_type="rural", unique_in="township")
    g = Grid("Sheet1")
    header = ["村名", "短板弱项", "整改措施", "完成时限", "销号情况"]
    width = len(header)
    title(g, 1, "后谢镇2025年五星支部创建短板弱项整改清单", width)
    g.put(2, header)
    row, item = 3, 3
    rows: list[dict[str, Any]] = []
    for u in chosen:
        start = row
        for _ in range(rng.randint(2, 3)):
            problem = "  " + PROBLEM_TEXTS[item % 8].replace("；", "； ") + "  "
            measure = MEASURE_TEXTS[item % 8] + " \n"
            written, meant = _deadline(item, year)
            closed = item % 2 == 0
            g.put(row, [problem, measure, written, ("√", "是", "已销号")[item % 3] if closed else ""], 2)
            rows.append(
                {
                    "_sheet": g.name,
                    "_row": row,
                    "code": u.code,
                    "year": year,
                    "problem": problem.strip(),
                    "measure": measure.strip(),
                    "deadline": meant,
                    "status": "已销号" if closed else "整改中",
                }
            )
            row += 1
            item += 1
        g.merge(start, 1, row - 1, 1, f"{u.name}党支部")
    sheet = ExpectedSheet("imported", len(rows))
    return CorpusFile(
        "后谢镇2025年短板弱项整改清单.xlsx",
        to_xlsx([g]),
        "problems",
        "乡镇的整改清单：单元格内 Alt+Enter 换行、首尾空格、全角标点（，；：）和全角数字，"
        "原样保留（只去首尾空白）；"
        "只有“销号情况”一列（√/是/已销号，空白 = 整改中）",
        year,
        tcode,
        None,
        {g.name: sheet},
        tuple(rows),
        "标题",
        "标题",
    )


@builder
def pairings_merged() -> CorpusFile:
    rng = _rng("pairings_merged")
    g = Grid("结对名单")
    header = [
        "序号",
        "乡镇（街道）",
        "帮带村（强村）",
        "帮带村星级",
        "受帮带村（弱村）",
        "受帮带村星级",
        "结对时间",
        "联建方式",
    ]
    width = len(header)
    title(g, 1, "郾城区支部联建（强村带弱村）结对名单", width)
    g.put(2, header)
    row, seq = 3, 0
    rows: list[dict[str, Any]] = []
    for tcode, tname in [t for t in townships(YANCHENG) if t[1] in ("孟庙镇", "商桥镇", "裴城镇")]:
        pool = pick(rng, 7, YANCHENG, township=tcode, unit_type="rural", unique_in="township")
        town_start = row
        for strong, weaks in ((pool[0], pool[1:4]), (pool[4], pool[5:7])):
            start = row
            level = rng.choice((4, 5))
            for w in weaks:
                seq += 1
                g.put(row, [seq], 1)
                g.put(
                    row,
                    [
                        f"{w.name}党支部",
                        level_text(rng.randint(0, 2), "cn"),
                        f"{2025}年{rng.randint(3, 6)}月",
                    ],
                    5,
                )
                g.put(row, [f"{'四' if level == 4 else '五'}星带弱村"], 8)
                rows.append({"_sheet": g.name, "_row": row, "strong_code": strong.code, "weak_code": w.code})
                row += 1
            g.merge(start, 3, row - 1, 3, f"{strong.name}党支部")
            g.merge(start, 4, row - 1, 4, level_text(level, "cn"))
        g.merge(town_start, 2, row - 1, 2, tname)
    return CorpusFile(
        "郾城区支部联建结对名单.xlsx",
        to_xlsx([g]),
        "pairings",
        "强村带弱村结对名单：帮带村和它的星级合并在所帮的几个弱村之上，乡镇也纵向合并；结对时间写“2025年3月”",
        None,
        YANCHENG,
        "rural",  # 强村带弱村: villages
        {g.name: ExpectedSheet("imported", len(rows))},
        tuple(rows),
        None,
        "标题",
    )


@builder
def monthly_progress() -> CorpusFile:
    rng = _rng("monthly_progress")
    year, month = 2025, 9
    chosen = pick(rng, 10, YUANHUI, unit_type="rural", unique_in="township")
    star_list = standard().stars_for("rural")
    g = Grid("Sheet1")
    width = 3 + 2 * (len(star_list) + 1)
    title(g, 1, f"源汇区{year}年{month}月份农村五星支部创建推进情况统计表", width)
    for c, h in enumerate(["序号", "乡镇", "村名"], start=1):
        g.merge(2, c, 3, c, h)
    for k, s in enumerate([*(s.name for s in star_list), "合计"]):
        c = 4 + 2 * k
        g.merge(2, c, 2, c + 1, s)
        g.put(3, ["已完成任务数", "任务总数"], c)
    row = 4
    rows: list[dict[str, Any]] = []
    by_town: dict[str, list[Unit]] = {}
    for u in chosen:
        by_town.setdefault(u.township, []).append(u)
    seq = 0
    for town, members in by_town.items():
        start = row
        for u in members:
            seq += 1
            g.put(row, [seq], 1)
            g.put(row, [u.name], 3)
            met_sum = total_sum = 0
            for k, s in enumerate(star_list):
                total = len(s.tasks)
                met = rng.randint(total // 2, total)
                g.put(row, [met, total], 4 + 2 * k)
                met_sum, total_sum = met_sum + met, total_sum + total
                rows.append(
                    {
                        "_sheet": g.name,
                        "_row": row,
                        "star_id": s.id,
                        "code": u.code,
                        "year": year,
                        "month": month,
                        "tasks_met": met,
                        "tasks_total": total,
                    }
                )
            g.put(row, [met_sum, total_sum], 4 + 2 * len(star_list))
            row += 1
        g.merge(start, 2, row - 1, 2, town)
    g.merge(row, 1, row, 3, "合计")
    total_row = row
    lines = footer(g, row + 1, width)
    units_n = len(chosen)
    return CorpusFile(
        "源汇区9月份五星支部创建推进情况统计表.xlsx",
        to_xlsx([g]),
        "monthly",
        "月度推进情况统计表：每星一组 已完成任务数 | 任务总数（右侧另有合计组），月份只在标题（9月份）",
        year,
        YUANHUI,
        "rural",
        {g.name: ExpectedSheet("imported", units_n, (), tuple(lines), (total_row, row + 1))},
        tuple(rows),
        "标题",
        "标题",
    )


@builder
def tasks_checklist() -> CorpusFile:
    rng = _rng("tasks_checklist")
    year = 2025
    tcode = township_code("大刘镇")
    chosen = pick(rng, 2, YUANHUI, township=tcode, unit_type="rural", unique_in="township")
    g = Grid("任务完成情况")
    header = ["序号", "村名", "星", "任务", "是否达标（达标打√）"]
    title(g, 1, "大刘镇2025年度五星支部创建任务完成情况统计表", len(header))
    g.put(2, header)
    row = 3
    rows: list[dict[str, Any]] = []
    for u in chosen:
        start = row
        for s in standard().stars_for("rural"):
            star_start = row
            for t in s.tasks:
                met = rng.random() < 0.8
                g.put(row, [row - 2], 1)
                g.put(row, [t.name, "√" if met else ""], 4)
                rows.append(
                    {"_sheet": g.name, "_row": row, "code": u.code, "year": year, "task_id": t.id, "met": met}
                )
                row += 1
            g.merge(star_start, 3, row - 1, 3, s.name)
        g.merge(start, 2, row - 1, 2, u.name)
    return CorpusFile(
        "大刘镇2025年任务完成情况.xlsx",
        to_xlsx([g]),
        "tasks",
        "任务完成情况：村名合并在其全部任务之上、星合并在其任务之上；达标打√，未达标留空；乡镇和年度只在标题",
        year,
        tcode,
        None,
        {g.name: ExpectedSheet("imported", len(rows))},
        tuple(rows),
        "标题",
        "标题",
    )


CSV_HEADER_STARS = star_columns(("rural",))


@builder
def csv_gbk_scientific_codes() -> CorpusFile:
    rng = _rng("csv_gbk_scientific_codes")
    picks = rate(rng, pick(rng, 12, YANCHENG, unit_type="rural"))
    g = Grid(CSV_SHEET)
    g.put(
        1,
        [
            "单位代码",
            "村（社区）名称",
            "乡镇（街道）",
            "创建目标",
            *(n for _, n in CSV_HEADER_STARS),
            "评定星级",
        ],
    )
    for i, p in enumerate(picks, start=2):
        ticks = ["√" if sid in p.held else "×" for sid, _ in CSV_HEADER_STARS]
        code = f"{float(p.unit.code):.5E}"  # what Excel shows, and saves, for a 12-digit number
        g.put(
            i,
            [
                code,
                p.unit.name,
                p.unit.township,
                level_text(p.target, "cn"),
                *ticks,
                level_text(p.level, "cn"),
            ],
        )
    return CorpusFile(
        "郾城区2025年评定结果（GBK）.csv",
        to_csv(g, "gbk"),
        "annual",
        "Excel 另存的 GBK 编码 CSV，12 位代码已变成 4.11103E+11：一条文件级问题，"
        "说明改法（设为文本，或删去代码列按名称匹配）",
        2025,
        YANCHENG,
        None,
        {CSV_SHEET: ExpectedSheet("imported", len(picks))},
        (),
        "文件名",
        "文件名",
        problems=(ExpectedProblem(CSV_SHEET, None, "单位代码", all_of=("文本", "名称")),),
    )


@builder
def csv_utf8_bom() -> CorpusFile:
    rng = _rng("csv_utf8_bom")
    picks = rate(rng, pick(rng, 14, YUANHUI, unit_type="rural"))
    g = Grid(CSV_SHEET)
    g.put(1, ['源汇区2023年度"五星"支部创建评定结果'])
    g.put(2, ["单位代码", "村（社区）名称", "创建目标", *(n for _, n in CSV_HEADER_STARS), "评定星级"])
    rows = []
    for i, p in enumerate(picks, start=3):
        ticks = ["是" if sid in p.held else "否" for sid, _ in CSV_HEADER_STARS]
        g.put(i, [p.unit.code, p.unit.name, level_text(p.target, "cn"), *ticks, level_text(p.level, "cnji")])
        rows.append(annual_row(p, 2023, CSV_SHEET, i))
    return CorpusFile(
        "源汇区2023年评定结果.csv",
        to_csv(g, "utf-8-sig"),
        "annual",
        "Excel 另存的“CSV UTF-8”（带 BOM），首行是标题，代码为文本：照常导入",
        2023,
        YUANHUI,
        None,
        {CSV_SHEET: ExpectedSheet("imported", len(rows))},
        tuple(rows),
        "标题",
        "标题",
    )


@builder
def old_xls() -> CorpusFile:
    g, rows, sheet, _ = simple_annual(
        "old_xls",
        county=YANCHENG,
        year=2023,
        heading=['郾城区2023年度"五星"支部创建评定结果汇总表'],
        lay=Layout(township_col="乡镇（街道）", group="星级评定情况", star_types=("rural",)),
        unit_type="rural",
        n=14,
        sheet="评定结果",
    )
    return annual_file(
        "郾城区2023年度五星支部评定结果.xls",
        "旧版 .xls（Excel 97–2003）：合并标题、两行表头",
        [g],
        {g.name: sheet},
        rows,
        year=2023,
        region=YANCHENG,
        fmt="xls",
    )


NEXT_YEAR_HEADING = ['源汇区2026年度"五星"支部创建评定结果汇总表']


def _next_year_picks() -> list[Pick]:
    rng = _rng("next_year")
    return rate(rng, pick(rng, 16, YUANHUI, unique_in="township"))


CORRECTED = 3  # units whose level the corrected file changes


def _corrected(picks: list[Pick]) -> list[Pick]:
    out = list(picks)
    for i in range(CORRECTED):
        p = out[2 * i]
        level = (p.level + 1) % 6
        own = [s for s, _ in stars(p.unit.unit_type)]
        held = tuple(sorted(own[:level]))
        out[2 * i] = replace(p, level=level, held=held, target=max(p.target, level, 1))
    return out


@builder
def next_year() -> CorpusFile:
    g, rows, sheet, _ = simple_annual(
        "next_year",
        county=YUANHUI,
        year=2026,
        heading=NEXT_YEAR_HEADING,
        lay=Layout(township_col="乡镇（街道）", star_types=("rural", "urban")),
        picks=_next_year_picks(),
    )
    return annual_file(
        "源汇区2026年度五星支部创建评定结果汇总表.xlsx",
        "下一年（2026，数据集最后一年 2025 之后）：new_years == [2026]",
        [g],
        {g.name: sheet},
        rows,
        year=2026,
        region=YUANHUI,
    )


@builder
def corrected_file() -> CorpusFile:
    g, rows, sheet, _ = simple_annual(
        "corrected_file",
        county=YUANHUI,
        year=2026,
        heading=NEXT_YEAR_HEADING,
        lay=Layout(township_col="乡镇（街道）", star_types=("rural", "urban")),
        picks=_corrected(_next_year_picks()),
    )
    return annual_file(
        "源汇区2026年度五星支部创建评定结果汇总表（修改版）.xlsx",
        f"同县区、同年度、同类的修改版：{CORRECTED} 个村的星级改了，其余相同（导入时替换前一版）",
        [g],
        {g.name: sheet},
        rows,
        year=2026,
        region=YUANHUI,
        corrects="源汇区2026年度五星支部创建评定结果汇总表.xlsx",
    )


@builder
def before_campaign() -> CorpusFile:
    g, _, _, _ = simple_annual(
        "before_campaign",
        county=YUANHUI,
        year=2021,
        heading=['源汇区2021年度"五星"支部创建评定结果汇总表'],
        lay=Layout(township_col="乡镇（街道）"),
        unit_type="rural",
        n=8,
    )
    return annual_file(
        "源汇区2021年度五星支部创建评定结果汇总表.xlsx",
        "创建活动开始（2022）之前的年度：整份拒绝，一条问题说明原因",
        [g],
        {g.name: ExpectedSheet("imported", 8)},
        [],
        year=2021,
        region=YUANHUI,
        problems=(ExpectedProblem(g.name, None, None, all_of=("2022",)),),
    )


@builder
def unknown_and_ambiguous_names() -> CorpusFile:
    rng = _rng("unknown_and_ambiguous_names")
    picks = rate(rng, pick(rng, 10, YUANHUI, unit_type="rural"))
    dup = unit_by("周庄村", "大刘镇")
    other = unit_by("周庄村", "问十乡")
    picks.insert(4, Pick(dup, 2, 3, tuple(s for s, _ in stars("rural")[:2])))
    typo = picks[7].unit
    misspelt = typo.name[0] + "家" + typo.name[1:]
    if any(u.name in (misspelt, misspelt.removesuffix("村")) for u in units()):
        raise ValueError(f"the misspelling {misspelt} names a real unit")
    g, rows, _, _ = simple_annual(
        "unknown_and_ambiguous_names",
        county=YUANHUI,
        year=2024,
        heading=['源汇区2024年度"五星"支部创建评定结果汇总表'],
        lay=Layout(name=lambda p, i: misspelt if p.unit == typo else p.unit.name),
        picks=picks,
    )
    row_of = {r["code"]: r["_row"] for r in rows}
    return annual_file(
        "源汇区2024年度评定结果（待核）.xlsx",
        f"问题文件：写错的村名 {misspelt}（找不到，列出相近的 {typo.name}）和区内重名的周庄村"
        "（无乡镇列：列出两个候选及代码）",
        [g],
        {g.name: ExpectedSheet("imported", len(picks))},
        [],
        year=2024,
        region=YUANHUI,
        problems=(
            ExpectedProblem(g.name, row_of[dup.code], "村（社区）名称", all_of=(dup.code, other.code)),
            ExpectedProblem(g.name, row_of[typo.code], "村（社区）名称", all_of=(typo.name,)),
        ),
    )


# --- everything at once --------------------------------------------------------------------------


def full_sheet(
    sheet: str,
    picks: Sequence[Pick],
    year: int,
    heading: Sequence[str],
    lay: Layout,
    footer_style: str = "merged",
) -> tuple[Grid, list[dict[str, Any]], ExpectedSheet]:
    g = Grid(sheet)
    width = layout_width(lay)
    row = 1
    for line in heading:
        row = title(g, row, line, width)
    end, rows, skip, width = write_annual(g, row, picks, lay, year)
    lines = footer(g, end, width, style=footer_style, date=dt.datetime(year + 1, 1, 5))
    return g, rows, ExpectedSheet("imported", len(rows), (), tuple(lines), (*skip, end))


MESSY = Layout(
    seq_col="序号",
    township_col="乡镇（街道）",
    name_col="村（社区）党组织名称",
    target_col="创建目标",
    level_col="评定星级",
    group="星级评定情况（达标打√）",
    merge_township=True,
    subtotals=True,
    total=True,
    name=party_name,
    level=lambda i, v: level_text(v, ("cn", "cnji", "stars", "fw", "bao", "int")[i % 6]),
    target=lambda i, v: target_text(
        v, ("zhengchuang", "baochong", "chong", "gonggu", "chuangjian", "cn")[i % 6]
    ),
    yes=("√", "✓", "是", "达标"),
    no=("", "", "×", "否"),
)


@builder
def everything_county() -> CorpusFile:
    rng = _rng("everything_county")
    year = 2025
    heading = [
        "附件1",
        '源汇区2025年度"五星"支部创建评定结果汇总表',
        "填报单位：中共漯河市源汇区委组织部（盖章）                    填报时间：2026年1月5日",
    ]
    must = [unit_by("周庄村", "大刘镇"), unit_by("周庄村", "问十乡")]
    rural = rate(rng, pick(rng, 20, YUANHUI, unit_type="rural", unique_in="township", must=must))
    urban = rate(rng, pick(rng, 10, YUANHUI, unit_type="urban", unique_in="township"))
    g1, r1, s1 = full_sheet("农村", rural, year, heading, replace(MESSY, star_types=("rural",)))
    g2, r2, s2 = full_sheet("城市社区", urban, year, heading, replace(MESSY, star_types=("urban",)))
    notes, lists = notes_sheet(), lists_sheet()
    return annual_file(
        "源汇区2025年度五星支部创建评定结果汇总表（终）.xlsx",
        "全套：三行标题与填报行、农村 + 城市社区两表、合并的分组表头与提示、乡镇纵向合并、党组织名称、"
        "星级与目标的各种写法、空白未达标、小计/合计、表尾签字；另有填表说明和隐藏的下拉选项表",
        [g1, g2, notes, lists],
        {
            "农村": s1,
            "城市社区": s2,
            notes.name: ExpectedSheet("skipped", reason=("说明", "表头")),
            lists.name: ExpectedSheet("skipped", reason=("隐藏", "表头")),
        },
        r1 + r2,
        year=year,
        region=YUANHUI,
    )


@builder
def everything_xls_townships() -> CorpusFile:
    rng = _rng("everything_xls_townships")
    year = 2024
    grids, expected, rows = [], {}, []
    dups = {"孟庙镇": ["何庄村", "张店村"], "黑龙潭镇": ["何庄村"], "新店镇": ["张店村"]}
    for tcode, tname in townships(YANCHENG):
        must = [unit_by(n, tname) for n in dups.get(tname, [])]
        picks = rate(rng, pick(rng, 4, YANCHENG, township=tcode, unique_in="township", must=must))
        types = tuple(t for t in ("rural", "urban") if any(p.unit.unit_type == t for p in picks))
        heading = [
            '郾城区2024年度"五星"支部创建评定结果汇总表',
            f"填报单位：{tname}{'党工委' if tname.endswith('街道') else '党委'}（盖章）",
        ]
        lay = replace(MESSY, star_types=types, township_col=None, merge_township=False, subtotals=False)
        g, r, s = full_sheet(tname, picks, year, heading, lay, footer_style="cells")
        grids.append(g)
        expected[tname] = s
        rows += r
    return annual_file(
        "郾城区2024年度五星支部创建评定结果.xls",
        "全套（旧版 .xls）：每个乡镇一个工作表，每表有标题和“填报单位：XX镇党委（盖章）”、分组表头、"
        "党组织名称、各种写法、合计与签字；重名的何庄村、张店村凭表名区分",
        grids,
        expected,
        rows,
        year=year,
        region=YANCHENG,
        fmt="xls",
    )


@builder
def everything_city_next_year() -> CorpusFile:
    rng = _rng("everything_city_next_year")
    year = 2026
    heading = [
        '漯河市2026年度"五星"支部创建评定结果汇总表',
        "填报单位：中共漯河市委组织部    填报时间：2027年1月8日",
    ]
    must = [unit_by("徐庄村", "大刘镇"), unit_by("徐庄村", "龙城镇"), unit_by("徐庄村", "邓襄镇")]
    counties = (YUANHUI, YANCHENG, ZONE)
    rural = rate(rng, pick(rng, 21, counties, unit_type="rural", unique_in="township", must=must))
    urban = rate(rng, pick(rng, 9, counties, unit_type="urban", unique_in="township"))
    lay = replace(MESSY, county_col="县（市、区）", merge_county=True, subtotals=False)
    g1, r1, s1 = full_sheet("农村", rural, year, heading, replace(lay, star_types=("rural",)))
    g2, r2, s2 = full_sheet("城市社区", urban, year, heading, replace(lay, star_types=("urban",)))
    notes = notes_sheet("说明")
    return annual_file(
        "漯河市2026年度五星支部创建评定结果汇总表.xlsx",
        "全套（市级、下一年 2026）：县区和乡镇都纵向合并、农村 + 城市社区两表、说明表；"
        "三个徐庄村凭县区、乡镇区分",
        [g1, g2, notes],
        {"农村": s1, "城市社区": s2, "说明": ExpectedSheet("skipped", reason=("说明", "表头"))},
        r1 + r2,
        year=year,
        region=LUOHE,
    )


@builder
def everything_csv_gbk() -> CorpusFile:
    rng = _rng("everything_csv_gbk")
    year = 2024
    picks = rate(rng, pick(rng, 14, ZONE, unique_in="township"))
    lay = replace(
        MESSY,
        star_types=("rural", "urban"),
        merge_township=False,
        subtotals=False,
        yes=("√", "是", "达标", "1"),
        level=lambda i, v: level_text(v, ("cn", "cnji", "stars", "int")[i % 4]),
    )
    g = Grid(CSV_SHEET)
    heading = [
        '漯河经济技术开发区2024年度"五星"支部创建评定结果汇总表',
        "填报单位：开发区党工委组织部（盖章）",
    ]
    row = 1
    for line in heading:
        g.put(row, [line])
        row += 1
    end, rows, skip, width = write_annual(g, row, picks, lay, year)
    lines = footer(g, end, width, date="2025年1月6日")
    return CorpusFile(
        "开发区2024年度五星支部评定结果（另存为CSV）.csv",
        to_csv(g, "gbk"),
        "annual",
        "全套（Excel 另存的 GBK 编码 CSV）：标题与填报行、两行表头（分组单元格在 CSV 里只剩首格）、"
        "党组织名称、各种写法、合计、表尾签字",
        year,
        ZONE,
        None,
        {CSV_SHEET: ExpectedSheet("imported", len(rows), (), tuple(lines), (*skip, end))},
        tuple(rows),
        "标题",
        "标题",
    )


# --- the corpus --------------------------------------------------------------------------------


# Files a correct importer refuses (with the located problems each one states).
REFUSED = frozenset({"csv_gbk_scientific_codes", "before_campaign", "unknown_and_ambiguous_names"})


def build_corpus() -> list[CorpusFile]:
    files = [build() for build in BUILDERS.values()]
    names = [f.name for f in files]
    if len(set(names)) != len(names):
        raise ValueError("corpus file names must be unique")
    return files


def write_corpus(directory: Path | str) -> list[Path]:
    """Write every corpus file into ``directory`` (created if need be); returns the paths."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for f in build_corpus():
        path = out / f.name
        path.write_bytes(f.data)
        paths.append(path)
    return paths


def describe(files: Iterable[CorpusFile]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "file": f.name,
                "kind": f.kind,
                "year": f.year,
                "ok": f.ok,
                "rows": len(f.rows),
                "habit": f.habit,
            }
            for f in files
        ]
    )


def main(argv: Sequence[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m tests.corpus OUTDIR", file=sys.stderr)
        return 2
    paths = write_corpus(argv[0])
    for f in build_corpus():
        print(f"{f.name}\n    {f.kind}{'' if f.ok else '（应被拒绝）'}：{f.habit}")
    print(f"{len(paths)} files written to {argv[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
