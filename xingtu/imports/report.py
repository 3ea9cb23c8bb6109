"""The downloadable error report: every problem of a rejected file, one row each."""

from __future__ import annotations

from collections.abc import Sequence

from xingtu.export import to_xlsx
from xingtu.imports.validate import Problem

HEADER = ("工作表", "行", "列", "填写的值", "问题与改法")


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
