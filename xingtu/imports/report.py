"""The downloadable error report: every problem of a rejected file, one row each.

Messages are "中文 / English", so the report (and its header) serves readers of both languages.
"""

from __future__ import annotations

from collections.abc import Sequence

from xingtu.export import to_xlsx
from xingtu.imports.validate import Problem

HEADER = ("工作表 / Sheet", "行 / Row", "列 / Column", "填写的值 / Value", "问题与改法 / Problem and fix")


def build_error_report(problems: Sequence[Problem]) -> bytes:
    """An .xlsx listing the problems in file order; values are neutralised like every export."""
    rows = [(p.sheet, p.row if p.row is not None else "", p.column, p.value, p.message) for p in problems]
    return to_xlsx("导入问题", HEADER, rows, widths=(12, 8, 18, 28, 90))


def format_problem(p: Problem) -> str:
    """One line for a terminal: 工作表“填报”第 5 行“评定星级”（五星半）：无法识别…"""
    where = f"工作表“{p.sheet}”" if p.sheet else "文件"
    if p.row is not None:
        where += f"第 {p.row} 行"
    if p.column:
        where += f"“{p.column}”"
    value = f"（{p.value}）" if p.value else ""
    return f"{where}{value}：{p.message}"


def split_message(message: str) -> tuple[str, str] | None:
    """The Chinese and English halves of "中文 / English", or None for a message in one language.

    The split is the first " / " outside quotes, so a value quoted in the message (a sheet name,
    the user's cell “A / B”) never splits it.
    """
    start = 0
    while (i := message.find(" / ", start)) >= 0:
        left = message[:i]
        if (
            left.count("“") <= left.count("”")
            and left.count("「") <= left.count("」")
            and left.count('"') % 2 == 0
        ):
            return left, message[i + 3 :]
        start = i + 1
    return None


def message_in(message: str, lang: str) -> str:
    """A problem message in the reader's language (``zh`` or ``en``): its half of "中文 / English",
    the whole message where only one language exists."""
    halves = split_message(message)
    if halves is None:
        return message
    return halves[1] if lang == "en" else halves[0]
