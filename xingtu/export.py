"""Files people take away: Excel with a formatted, frozen header and cells safe from formula injection."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; numbers pass."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_xlsx(
    sheet: str, header: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[int] = ()
) -> bytes:
    """One sheet: bold shaded header, frozen first row, every text cell neutralised."""
    book = Workbook()
    ws = book.active
    ws.title = sheet[:31]
    ws.append([neutralise(h) for h in header])
    for row in rows:
        ws.append([neutralise(v) for v in row])
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="C8102E")
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    ws.freeze_panes = "A2"
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\[\]\x00-\x1f]+')  # also Excel's sheet-name rules


def file_stem(name: str, fallback: str = "xingtu") -> str:
    """A download's name from what it shows (a title), without characters file systems refuse."""
    return _UNSAFE_IN_NAME.sub("_", name).strip(" ._")[:120] or fallback
