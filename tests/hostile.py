"""Hostile workbooks, built by code: files whose size or shape would hurt a reader that trusts them.

Each is small on disk (a few KB to a few MB) and would, read naively, ask for gigabytes: a cell at
A1 and one at XFD1048576 (calamine's dense grid: 512 GB, an abort), a sheet whose XML unpacks to
over 500 MB, 200 MB of shared strings, 1,048,576 rows, and a ZIP that is no workbook. The importer
must refuse each with a clear message, quickly, without growing the server.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from openpyxl import Workbook

MB = 1024 * 1024
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "{shared}</Types>"
)
_SHARED_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="评定结果" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>{shared}</Relationships>'
)
_SHARED_REL = (
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_TAIL = "</sheetData></worksheet>"


@dataclass(frozen=True)
class HostileFile:
    name: str
    build: Callable[[], bytes]
    what: str  # the words the refusal must contain
    why: str


def _package(sheet: Iterator[bytes], shared: Iterator[bytes] | None = None) -> bytes:
    """A minimal, valid .xlsx whose sheet (and shared strings) are streamed in, compressed."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        book.writestr("[Content_Types].xml", _CONTENT_TYPES.format(shared=_SHARED_TYPE if shared else ""))
        book.writestr("_rels/.rels", _ROOT_RELS)
        book.writestr("xl/workbook.xml", _WORKBOOK)
        book.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.format(shared=_SHARED_REL if shared else ""))
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            for part in sheet:
                fh.write(part)
        if shared is not None:
            with book.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
                for part in shared:
                    fh.write(part)
    return out.getvalue()


def corner_cells() -> bytes:
    """One cell at A1 and one at XFD1048576: 1.6 KB that asks a dense reader for 512 GB."""
    book = Workbook()
    book.active["A1"] = "村名"
    book.active["XFD1048576"] = "x"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def huge_sheet_xml(size: int = 520 * MB) -> bytes:
    """A sheet whose XML unpacks to more than 500 MB (one long run of inline text)."""

    def parts() -> Iterator[bytes]:
        yield _SHEET_HEAD.encode()
        yield b'<row r="1"><c r="A1" t="inlineStr"><is><t>'
        block = b"x" * MB
        for _ in range(size // MB):
            yield block
        yield b"</t></is></c></row>"
        yield _SHEET_TAIL.encode()

    return _package(parts())


def huge_shared_strings(size: int = 210 * MB) -> bytes:
    """200 MB of shared strings behind a one-cell sheet."""

    def sheet() -> Iterator[bytes]:
        yield (_SHEET_HEAD + '<row r="1"><c r="A1" t="s"><v>0</v></c></row>' + _SHEET_TAIL).encode()

    def shared() -> Iterator[bytes]:
        yield b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        yield b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>'
        block = "村".encode() * (MB // 3)
        for _ in range(size // len(block) + 1):
            yield block
        yield b"</t></si></sst>"

    return _package(sheet(), shared())


def all_rows(rows: int = 1_048_576) -> bytes:
    """A value in every one of Excel's 1,048,576 rows."""

    def parts() -> Iterator[bytes]:
        yield _SHEET_HEAD.encode()
        step = 10_000
        for start in range(1, rows + 1, step):
            yield "".join(
                f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(start, min(start + step, rows + 1))
            ).encode()
        yield _SHEET_TAIL.encode()

    return _package(parts())


def not_a_workbook() -> bytes:
    """A ZIP archive that holds no workbook (a renamed .zip of documents)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("说明.txt", "这是一个压缩包，不是 Excel 工作簿。")
        book.writestr("附件/名单.csv", "村名,星级\n刘庄村,四星\n")
    return out.getvalue()


HOSTILE = (
    HostileFile("两角单元格.xlsx", corner_cells, "XFD1048576", "A1 and XFD1048576: a dense grid of 512 GB"),
    HostileFile("超大工作表.xlsx", huge_sheet_xml, "解压后", "a sheet XML of over 500 MB"),
    HostileFile("超大共享文本.xlsx", huge_shared_strings, "共享文本", "200 MB of shared strings"),
    HostileFile("百万行.xlsx", all_rows, "上限 500,000 行", "1,048,576 rows"),
    HostileFile("压缩包.xlsx", not_a_workbook, "不是 Excel 工作簿", "a ZIP that is not a workbook"),
)
