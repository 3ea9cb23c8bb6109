"""Raw cells out of an uploaded file, and where the header is.

Real 台账 have a title row, notes and blank rows above the header, two-row headers with
merged group cells, 合计 rows and columns nobody asked for. This module finds the header
by scoring rows against the known column names and their synonyms, so none of that
needs fixing by hand before an import.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from python_calamine import CalamineWorkbook

from xingtu.imports.limits import FileError, check_file_limits  # limits first: never build a hostile grid
from xingtu.imports.normalise import clean_text, normalise_header

MAX_ROWS = 500_000
HEADER_SCAN_ROWS = 30
_TOTAL_ROW = {"合计", "总计", "小计", "总数", "合计:", "total"}


@dataclass(frozen=True)
class Sheet:
    name: str
    rows: list[tuple[Any, ...]]
    visible: bool = True
    # merged areas as (first row, first column, last row, last column), 0-based and inclusive
    merged: tuple[tuple[int, int, int, int], ...] = ()
    # for a sheet rebuilt from another (a wide monthly table made long): each row's Excel row number
    # and the original's title rows; empty for a sheet as read
    row_numbers: tuple[int, ...] = ()
    title_rows: tuple[tuple[Any, ...], ...] = ()

    def excel_row(self, index: int) -> int:
        """The row number Excel shows for the 0-based ``index``."""
        return self.row_numbers[index] if self.row_numbers else index + 1


@dataclass
class HeaderMatch:
    """Where a sheet's header is and which column holds which field."""

    sheet: str
    header_rows: tuple[int, ...]  # 0-based row indices that make up the header
    columns: dict[str, int]  # field key -> 0-based column index
    labels: dict[str, str]  # field key -> header text as written in the file
    duplicates: list[tuple[str, str, int]] = field(default_factory=list)  # (key, text, column)
    ignored: list[str] = field(default_factory=list)

    @property
    def data_start(self) -> int:
        return max(self.header_rows) + 1


def read_sheets(data: bytes, filename: str) -> list[Sheet]:
    """Every sheet of an .xlsx, or the one table of a .csv (UTF-8, with or without BOM, or GBK/GB18030)."""

    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if not data:
        raise FileError("文件是空的 / The file is empty")
    check_file_limits(data, filename)
    if suffix in ("xlsx", "xlsm") or data[:2] == b"PK":
        return _read_book(data)
    if suffix in ("xls", "et") or data[:4] == b"\xd0\xcf\x11\xe0":
        return _read_book(data)  # old Excel 97–2003 (and WPS) workbooks: calamine reads BIFF too
    if suffix in ("csv", "txt", ""):
        return [Sheet("CSV", _read_csv(data))]
    raise FileError(
        f"不支持 .{suffix} 文件：请上传 .xlsx、.xls 或 .csv"
        f" / Files of type “.{suffix}” are not supported: upload .xlsx, .xls or .csv"
    )


def _read_book(data: bytes) -> list[Sheet]:
    """Every sheet's cells via calamine (Rust; ~10× faster than openpyxl on 50k-row sheets).

    Blank cells come back as "" and whole numbers as floats; the value parsers accept both.
    Leading empty rows are kept, so row numbers are the ones Excel shows. A cell merged down
    over several rows (a township over its villages, a unit over its problem items) is filled
    into every row it covers, as the reader of the sheet sees it.
    """
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises its own error types for every kind of damage
        raise FileError(
            f"无法打开 Excel 文件（{type(exc).__name__}）：文件可能已损坏，或并非 .xlsx/.xls。"
            f"请在 Excel 或 WPS 中另存为 .xlsx 后重试 / The workbook cannot be opened ({type(exc).__name__}):"
            " it may be damaged or not .xlsx/.xls; save it again as .xlsx in Excel or WPS and retry"
        ) from None
    visible = {m.name: "Visible" in str(m.visible) for m in book.sheets_metadata}
    sheets = []
    total = 0
    for name in book.sheet_names:
        try:
            sheet = book.get_sheet_by_name(name)
            rows = [list(r) for r in sheet.to_python(skip_empty_area=False)]
            merged = tuple((a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or []))
        except Exception as exc:  # a damaged sheet: name it rather than fail the whole file silently
            raise FileError(
                f"无法读取工作表“{name}”（{type(exc).__name__}）：请在 Excel 中另存后重试"
                f" / Sheet “{name}” cannot be read ({type(exc).__name__}): save the workbook again in Excel"
                " and retry"
            ) from None
        total += len(rows)
        if total > MAX_ROWS:
            raise FileError(
                f"文件超过 {MAX_ROWS:,} 行：请按县区拆分后分批导入"
                f" / The file has more than {MAX_ROWS:,} rows: split it by county and import the parts"
            )
        _fill_merged(rows, merged)
        while rows and all(is_blank(v) for v in rows[-1]):
            rows.pop()
        sheets.append(Sheet(name, [tuple(r) for r in rows], visible.get(name, True), merged))
    return sheets


def _fill_merged(rows: list[list[Any]], merged: Sequence[tuple[int, int, int, int]]) -> None:
    """Copy a vertically merged cell's value into the rows below it (its own column only)."""
    for r0, c0, r1, _c1 in merged:
        if r1 <= r0 or r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        for r in range(r0 + 1, min(r1, len(rows) - 1) + 1):
            if c0 < len(rows[r]) and is_blank(rows[r][c0]):
                rows[r][c0] = value


def _read_csv(data: bytes) -> list[tuple[Any, ...]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # gb18030 maps almost any byte sequence, so this is rare
        raise FileError(
            "无法识别文件编码：请另存为 UTF-8 或 GBK 编码的 CSV"
            " / The file's text encoding is not recognised: save it as a UTF-8 or GBK CSV"
        )
    if "\x00" in text:
        raise FileError(
            "文件含有二进制内容，不是文本 CSV：请上传 .xlsx 或另存为 CSV"
            " / The file holds binary content, not a text CSV: upload .xlsx or save it as CSV"
        )
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;，")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        rows = [tuple(r) for r in reader]
    except csv.Error as err:  # a stray quote or line break the CSV rules do not allow
        raise FileError(
            f"CSV 第 {reader.line_num} 行格式有误（{err}）：请用 Excel 打开后另存为 CSV 或 .xlsx"
            f" / CSV line {reader.line_num} is malformed ({err}): open it in Excel and save it as CSV"
            " or .xlsx"
        ) from None
    if len(rows) > MAX_ROWS:
        raise FileError(
            f"文件超过 {MAX_ROWS:,} 行：请按县区拆分后分批导入"
            f" / The file has more than {MAX_ROWS:,} rows: split it by county and import the parts"
        )
    while rows and all(is_blank(v) for v in rows[-1]):
        rows.pop()
    return rows


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def is_skipped_row(row: Sequence[Any]) -> bool:
    """Blank rows and 合计/小计 rows carry no unit."""
    if all(is_blank(v) for v in row):
        return True
    first = [clean_text(v) for v in row[:4] if not is_blank(v)]
    return bool(first) and (first[0] or "").lower() in _TOTAL_ROW


_FOOTER = re.compile(
    r"^(填表人|填报人|制表人|统计人|审核人|审核|审批人|负责人|单位负责人|分管领导|主要领导|联系人|联系电话|电话"
    r"|签字|签名|盖章|\(盖章\)|\(章\)|填表日期|填报日期|制表日期|制表时间|填报时间|日期|注[:\d]|说明:|备注:)"
)
_LONE_DATE = re.compile(r"^\d{4}[年./-]\d{1,2}[月./-]\d{1,2}日?$")
_TICK_HINT = re.compile(r"打\s*[\"“”']?[√✓✔]|[√✓✔]\s*[/／]|是否|\(是/否\)|\(√\)")


def is_footer_row(row: Sequence[Any]) -> bool:
    """A signer line under the table (填表人：… 审核人：…, （盖章）, a note) or a lone date: the table ends."""
    cells = [v for v in row if not is_blank(v)]
    if not cells:
        return False
    first = clean_text(cells[0]) or ""
    if _FOOTER.match(first):
        return True
    return len(cells) == 1 and (isinstance(cells[0], dt.date) or bool(_LONE_DATE.match(first)))


def column_hints(sheet: Sheet, header: HeaderMatch) -> dict[int, str]:
    """Each header column's own text plus the group cell above it (merged across), for hints like （达标打√）."""
    top = min(header.header_rows)
    rows = range(max(0, top - 1), header.data_start)
    out: dict[int, str] = {}
    for col in header.columns.values():
        parts = []
        for r in rows:
            row = sheet.rows[r] if r < len(sheet.rows) else ()
            if col < len(row) and not is_blank(row[col]):
                parts.append(str(row[col]))
            for r0, c0, r1, c1 in sheet.merged:
                if r0 <= r <= r1 and c0 <= col <= c1 and (r0, c0) != (r, col) and c0 < len(sheet.rows[r0]):
                    parts.append(str(sheet.rows[r0][c0]))
        out[col] = " ".join(parts)
    return out


def legend_says_tick(sheet: Sheet, header: HeaderMatch) -> bool:
    """A note above the table (注：达标的打√) makes every yes/no column a tick column."""
    return any(
        _TICK_HINT.search(clean_text(v) or "")
        for row in (sheet.title_rows or sheet.rows[: min(header.header_rows)])
        for v in row
        if not is_blank(v)
    )


def is_tick_hint(text: str) -> bool:
    return bool(_TICK_HINT.search(clean_text(text) or ""))


def title_lines(sheet: Sheet, header: HeaderMatch) -> list[str]:
    """The text above the header: title rows, 填报单位/填报时间 lines, notes."""
    rows = sheet.title_rows or sheet.rows[: min(header.header_rows)]
    return [str(v).strip() for row in rows for v in row if not is_blank(v)]


def _variants(text: str) -> tuple[str, ...]:
    """A header and the same header without a trailing note in brackets: 单位代码(12位) -> 单位代码."""
    bare = re.sub(r"\([^()]*\)$", "", text)
    return (text, bare) if bare and bare != text else (text,)


def build_lookup(names: dict[str, Sequence[str]]) -> dict[str, str]:
    """normalised header text -> field key, from each key's accepted names."""
    lookup: dict[str, str] = {}
    for key, options in names.items():
        for option in options:
            lookup.setdefault(normalise_header(option), key)
    return lookup


def _match(value: Any, lookup: dict[str, str]) -> str | None:
    text = normalise_header(value)
    if not text:
        return None
    for variant in _variants(text):
        if variant in lookup:
            return lookup[variant]
    return None


def locate_header(sheet: Sheet, lookup: dict[str, str]) -> HeaderMatch | None:
    """The best header in the first rows: the row naming most fields, plus the rows just above/below it.

    A neighbour row fills only columns the best row leaves unmatched, which covers two-row
    headers whose group cell is merged across (各星情况 over 支部过硬, 产业兴旺 …) or whose
    own cell is merged down (村名 over a blank).
    """
    scan = sheet.rows[:HEADER_SCAN_ROWS]
    best, best_score = -1, 0
    for i, row in enumerate(scan):
        score = len({k for k in (_match(v, lookup) for v in row) if k})
        if score > best_score:
            best, best_score = i, score
    if best < 0:
        return None
    used = [best]
    columns: dict[str, int] = {}
    labels: dict[str, str] = {}
    duplicates: list[tuple[str, str, int]] = []
    width = max((len(r) for r in scan), default=0)
    for rows in ([best], [best - 1, best + 1]):
        for r in rows:
            if not 0 <= r < len(scan):
                continue
            row = scan[r]
            for c in range(width):
                if c in columns.values() or c >= len(row):
                    continue
                key = _match(row[c], lookup)
                if not key:
                    continue
                if key in columns:
                    duplicates.append((key, str(row[c]).strip(), c))
                    continue
                columns[key] = c
                labels[key] = str(row[c]).strip()
                if r not in used:
                    used.append(r)
    header_rows = tuple(sorted(r for r in used if r >= best))  # a group row above is not data either
    ignored = [
        str(v).strip()
        for c, v in enumerate(scan[best])
        if not is_blank(v) and c not in columns.values() and not _match(v, lookup)
    ]
    return HeaderMatch(sheet.name, header_rows or (best,), columns, labels, duplicates, ignored)
