"""Limits checked before any parsing: cheap, streaming, never building what a file declares.

For a ZIP workbook (.xlsx): that it is one (``xl/workbook.xml``), the unpacked size of every part
and of all of them, the compression ratio of the big ones, and — by streaming each sheet's XML
once — the furthest row and column any cell names, so a sheet with one cell at A1 and one at
XFD1048576 is refused before a reader would build the dense grid between them. The reader
(``read``) and the guarded child process (``guard``) both start here. No Streamlit here.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from dataclasses import dataclass


class FileError(ValueError):
    """The file as a whole cannot be read (wrong format, encoding, empty, too large)."""


MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    file_bytes: int = 50 * MB  # what is uploaded
    part_bytes: int = 200 * MB  # one unpacked part of an .xlsx (a sheet, the shared strings)
    total_bytes: int = 400 * MB  # all parts together, unpacked
    ratio: int = 200  # unpacked / packed, for parts over 10 MB unpacked: a ZIP bomb
    rows: int = 500_000  # the furthest row a sheet names
    cells: int = 6_000_000  # furthest row × furthest column of a sheet: the reader's grid
    memory_bytes: int = 1536 * MB  # the child's address space
    seconds: int = 60  # the child's wall-clock and CPU time


LIMITS = Limits()
_ROW_REF = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d{1,7})"')
_BIG_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d{6,7})"')  # rows 100,000 and further
_WIDE_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{2,3})(\d{1,7})"')  # columns AA and further
_CHUNK = 4 * MB


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _column_letters(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def check_file_limits(data: bytes, file_name: str, limits: Limits = LIMITS) -> None:
    """Refuse a file whose size or shape alone would hurt the reader (FileError, both languages)."""
    if len(data) > limits.file_bytes:
        raise FileError(
            f"文件过大（{len(data) / MB:.1f} MB，上限 {limits.file_bytes / MB:.0f} MB）：请按县区拆分后分批导入"
            f" / The file is too large ({len(data) / MB:.1f} MB, limit {limits.file_bytes / MB:.0f} MB):"
            " split it by county"
        )
    if data[:2] != b"PK":
        return  # .xls, .csv: bounded by the file size; the child's limits do the rest
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        infos = book.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise FileError(
            "无法打开 Excel 文件：文件不完整（压缩包已损坏）。请在 Excel 或 WPS 中另存为 .xlsx 后重试"
            " / The workbook is damaged: save it again as .xlsx"
        ) from None
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        raise FileError(
            "这是一个压缩包，但不是 Excel 工作簿（缺少 xl/workbook.xml）：请上传 .xlsx、.xls 或 .csv"
            " / This is a ZIP archive but not an Excel workbook: upload .xlsx, .xls or .csv"
        )
    total = 0
    for info in infos:
        size = info.file_size
        total += size
        if size > limits.part_bytes or (size > 10 * MB and size > limits.ratio * max(info.compress_size, 1)):
            what = _part_name(info.filename)
            raise FileError(
                f"工作簿中的{what}解压后达 {size / MB:,.0f} MB（上限 {limits.part_bytes / MB:.0f} MB），"
                "不像正常的台账：请删去多余的行列和格式，或另存为 CSV 后导入"
                f" / The workbook's {_part_name(info.filename, en=True)} unpacks to {size / MB:,.0f} MB"
                f" (limit {limits.part_bytes / MB:.0f} MB), not like a normal ledger: remove extra rows,"
                " columns and formatting, or save it as CSV and import that"
            )
    if total > limits.total_bytes:
        raise FileError(
            f"工作簿解压后共 {total / MB:,.0f} MB（上限 {limits.total_bytes / MB:.0f} MB）：请按县区拆分后分批导入"
            f" / The workbook unpacks to {total / MB:,.0f} MB in all"
            f" (limit {limits.total_bytes / MB:.0f} MB): split it by county and import the parts"
        )
    names_by_part = _sheet_names(book)
    for info in infos:
        if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
            _check_sheet_extent(book, info, limits, names_by_part.get(info.filename))


_SHEET_TAG = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"')
_REL_TAG = re.compile(rb'<Relationship\b[^>]*?\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"')
_REL_TAG_REV = re.compile(rb'<Relationship\b[^>]*?\bTarget="([^"]*)"[^>]*?\bId="([^"]*)"')


def _sheet_names(book: zipfile.ZipFile) -> dict[str, str]:
    """Sheet part -> the name the user sees on its tab (for messages); empty when unreadable."""
    try:
        workbook = book.read("xl/workbook.xml")[: 2 * MB]
        rels = book.read("xl/_rels/workbook.xml.rels")[: 2 * MB]
    except KeyError:
        return {}
    targets = {i.decode(): t.decode() for i, t in _REL_TAG.findall(rels)}
    targets |= {i.decode(): t.decode() for t, i in _REL_TAG_REV.findall(rels)}
    out = {}
    for name, rid in _SHEET_TAG.findall(workbook):
        target = targets.get(rid.decode(), "").lstrip("/")
        part = target if target.startswith("xl/") else f"xl/{target}"
        out[part] = html.unescape(name.decode("utf-8", "replace"))
    return out


def _part_name(name: str, en: bool = False) -> str:
    """A workbook part as a message names it: the shared strings, a sheet, or the part's path."""
    if "sharedStrings" in name:
        return "shared strings" if en else "共享文本（sharedStrings）"
    if name.startswith("xl/worksheets/"):
        sheet = name.rsplit("/", 1)[-1]
        return f"sheet {sheet}" if en else f"工作表（{sheet}）"
    return f"part {name}" if en else f"部件 {name}"


def _check_sheet_extent(
    book: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, name: str | None = None
) -> None:
    """The furthest row and column a sheet's XML names, read as a stream (a few MB at a time).

    Fast on normal sheets: only rows numbered 100,000 or more, cells in columns AA or further,
    and each chunk's last row are looked at; the declared ``<dimension>`` is not trusted.
    """
    max_row = max_col = 0
    tail = b""
    with book.open(info) as fh:
        while chunk := fh.read(_CHUNK):
            block = tail + chunk
            for row in _BIG_ROW.findall(block):
                max_row = max(max_row, int(row))
            for letters, row in _WIDE_CELL.findall(block):
                max_col = max(max_col, _column_number(letters))
                max_row = max(max_row, int(row))
            last = max(block.rfind(b"<row"), block.rfind(b":row"))
            if last >= 0 and (hit := _ROW_REF.search(block, max(0, last - 2))):
                max_row = max(max_row, int(hit.group(1)))
            tail = block[-256:]  # a tag cut between two chunks is seen whole in the next block
            if max_row > limits.rows or (max_col > 26 and max_row * max_col > limits.cells):
                break
    if max_col > limits.cells // max(limits.rows, 1):  # wide: measure every row, as rows may be shuffled
        with book.open(info) as fh:
            tail = b""
            while chunk := fh.read(_CHUNK):
                block = tail + chunk
                for row in _ROW_REF.findall(block):
                    max_row = max(max_row, int(row))
                tail = block[-256:]
    sheet = f"“{name}”" if name else info.filename.rsplit("/", 1)[-1]
    if max_row * max(max_col, 1) > limits.cells and max_col > 26:
        corner = f"{_column_letters(max_col)}{max_row}"
        raise FileError(
            f"工作表 {sheet} 的内容从 A1 延伸到 {corner}（{max_row:,} 行 × {max_col:,} 列），远超台账的大小："
            "表格右侧或下方的远处可能有误填的单元格，请删去后重试"
            f" / Sheet {sheet} spans A1 to {corner} ({max_row:,} rows × {max_col:,} columns): a stray cell"
            " far right or below the table; delete it and try again"
        )
    if max_row > limits.rows:
        raise FileError(
            f"工作表 {sheet} 用到了第 {max_row:,} 行以后（上限 {limits.rows:,} 行）：请删去表格下方多余的行，或按县区拆分"
            f" / Sheet {sheet} reaches row {max_row:,} or further (limit {limits.rows:,}): delete the rows below"
            " the table, or split the file by county"
        )
