"""Downloadable templates: the Chinese headers an import expects, an example row, and notes.

Built from the same specs the importer reads. The example row (grey) describes a real
unit, 源汇区老街街道新华社区, and is valid as written, so a template imports as is — the
tests do exactly that; users overwrite it with their own rows.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from xingtu.imports.spec import CRS_LABELS, SPECS, Kind
from xingtu.imports.validate import Reference, fields_for


def build_template(kind: Kind, ref: Reference) -> bytes:
    """An .xlsx with a 填报 sheet (headers, one example row) and a 说明 sheet."""
    spec = SPECS[kind]
    fields = fields_for(spec, ref)
    book = Workbook()
    ws = book.active
    ws.title = "填报"
    ws.append([f.header for f in fields])
    ws.append([_example(f.key, f.example) for f in fields])
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="C8102E")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for cell in ws[2]:
        cell.font = Font(color="808080", italic=True)
    for i, f in enumerate(fields, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, min(28, 2.2 * len(f.header) + 4))
        if f.key.endswith("code"):
            for row in range(2, 2002):
                ws.cell(row=row, column=i).number_format = "@"  # text: Excel must not turn codes into 4.1E+11
    ws.freeze_panes = "A2"
    notes = book.create_sheet("说明")
    notes.column_dimensions["A"].width = 22
    notes.column_dimensions["B"].width = 90
    notes.append(["模板", f"{spec.title}（第 2 行为示例，请替换或删除）"])
    notes.append(["说明", spec.note])
    notes.append(
        ["单位", "填 12 位单位代码（推荐）；或填村（社区）名称，并填乡镇（街道）、县（市、区）以免重名"]
    )
    if kind == "locations":
        notes.append(["坐标系", "导入时选择：" + "；".join(CRS_LABELS.values())])
    notes.append(["", ""])
    notes.append(["列名", "是否必填 · 可接受的其他写法 · 说明"])
    for f in fields:
        need = "必填" if f.required else "选填"
        also = "、".join(f.synonyms[:6])
        notes.append([f.header, f"{need} · {also}" + (f" · {f.note}" if f.note else "")])
    for cell in notes["A"]:
        cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_EXAMPLE_STARS = {"branch": "是", "business": "是", "safety": "是", "sharing": "否", "harmony": "否"}


def _example(key: str, value: object) -> object:
    """The example unit is a 社区 rated 三星: its three stars 是, two 否, 村-only stars blank."""
    if key.startswith("star_"):
        return _EXAMPLE_STARS.get(key.removeprefix("star_"))
    return value
