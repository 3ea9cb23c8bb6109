"""What the importer understood and what applying the file will change, as plain lines.

The web page and the terminal show the same lines before anything is applied: the kind, the
year, region and unit type with where each came from, every sheet with its rows or why it was
not read, footer rows left out, a new assessment year and its catalogue, earlier imports
this file replaces, and how unit levels move. Pure: the level changes are computed by the
caller from the store (``xingtu.imports.apply.query_level_changes``).
"""

from __future__ import annotations

from dataclasses import dataclass

from xingtu.imports.context import SOURCE_EN, Context
from xingtu.imports.report import split_message
from xingtu.imports.spec import SPECS
from xingtu.imports.validate import KIND_NAMES_EN, Checked

_LEVEL_WORD = {"county": "县区", "city": "市", "township": "乡镇（街道）"}
_LEVEL_EN = {"county": "county", "city": "city", "township": "township"}
_TYPE_WORD = {"rural": "村", "urban": "社区"}
_TYPE_EN = {"rural": "villages", "urban": "communities"}


@dataclass(frozen=True)
class LevelChanges:
    """How the units' levels move if the file is applied (annual results and task results)."""

    up: int = 0
    down: int = 0
    new: int = 0  # units with no level for that year before
    same: int = 0


def _src(source: str, lang: str) -> str:
    if lang == "en":
        return f"from the {SOURCE_EN.get(source, source)}" if source else ""
    return f"取自{source}" if source and source != "手动指定" else (source or "")


def context_line(ctx: Context, checked: Checked, lang: str = "zh") -> str:
    """年度 2022（取自标题）· 县区 源汇区（取自标题）· 工作表 农村 79 行、城市社区 19 行"""
    parts = []
    if ctx.year is not None:
        parts.append(
            f"year {ctx.year} ({_src(ctx.year_source, lang)})"
            if lang == "en"
            else f"年度 {ctx.year}（{_src(ctx.year_source, lang)}）"
        )
    elif "year" in {f.key for f in SPECS[checked.kind].fields} and checked.frame is not None:
        years = sorted({int(y) for y in checked.frame["year"].dropna()})
        if years:
            text = (", " if lang == "en" else "、").join(map(str, years))
            parts.append(f"year {text} (from the column)" if lang == "en" else f"年度 {text}（取自列）")
    if ctx.month is not None and checked.kind == "monthly":
        parts.append(
            f"month {ctx.month} ({_src(ctx.month_source, lang)})"
            if lang == "en"
            else f"月份 {ctx.month}（{_src(ctx.month_source, lang)}）"
        )
    if ctx.region_code:
        name = ctx.region_name or ctx.region_code
        if lang == "en":
            parts.append(
                f"{_LEVEL_EN.get(ctx.region_level, 'region')} “{name}” ({_src(ctx.region_source, lang)})"
            )
        else:
            word = _LEVEL_WORD.get(ctx.region_level, "地区")
            parts.append(f"{word} {name}（{_src(ctx.region_source, lang)}）")
    if ctx.unit_type:
        parts.append(
            f"{_TYPE_EN[ctx.unit_type]} ({_src(ctx.unit_type_source, lang)})"
            if lang == "en"
            else f"{_TYPE_WORD[ctx.unit_type]}（{_src(ctx.unit_type_source, lang)}）"
        )
    sheets = checked.imported_sheets
    if sheets:
        if lang == "en":
            parts.append(
                "sheets " + ", ".join(f"“{s.name}” {s.rows} row{'' if s.rows == 1 else 's'}" for s in sheets)
            )
        else:
            parts.append("工作表 " + "、".join(f"{s.name} {s.rows} 行" for s in sheets))
    return " · ".join(parts)


def describe(checked: Checked, changes: LevelChanges | None = None, lang: str = "zh") -> list[str]:
    """Every line the user reads before applying (or after a refusal: what was understood)."""
    en = lang == "en"
    lines = []
    kind = KIND_NAMES_EN[checked.kind] if en else SPECS[checked.kind].title
    how = (" (recognised from the headers)" if en else "（按表头识别）") if checked.kind_source else ""
    if checked.sheets:  # a file refused before any sheet was read has no kind to speak of
        lines.append(f"Kind: {kind}{how}" if en else f"文件类型：{kind}{how}")
    line = context_line(checked.context, checked, lang)
    if line:
        lines.append(line)
    for sheet in checked.imported_sheets:
        ctx = sheet.context
        if (
            ctx is not None
            and len(checked.imported_sheets) > 1
            and ctx.region_code
            and (ctx.region_code != checked.context.region_code)
        ):
            name = ctx.region_name or ctx.region_code
            source_en = SOURCE_EN.get(ctx.region_source, ctx.region_source)
            lines.append(
                f"Sheet “{sheet.name}”: “{name}” (from the {source_en})"
                if en
                else f"工作表“{sheet.name}”：{name}（取自{ctx.region_source}）"
            )
    if checked.context.ambiguous_region:
        names = "、".join(checked.context.ambiguous_region)
        names_en = ", ".join(f"“{name}”" for name in checked.context.ambiguous_region)
        lines.append(
            f"The name {names_en} fits several regions and was not used to narrow the search: if villages"
            " (communities) are not found, state the region"
            if en
            else f"“{names}”对应多个地区，未据此缩小范围；如有村（社区）匹配不到，请指定地区"
        )
    for sheet in checked.skipped_sheets:
        lines.append(
            f"Sheet “{sheet.name}” not read: {_half(sheet.reason, en)}"
            if en
            else f"未读取工作表“{sheet.name}”：{_half(sheet.reason, en)}"
        )
    for sheet in checked.sheets:
        if sheet.footer_rows:
            rows = _span(sheet.footer_rows)
            lines.append(
                f"Sheet “{sheet.name}”: rows {_span(sheet.footer_rows, en)} are the table's footer (signers,"
                " seal, date), not read"
                if en
                else f"工作表“{sheet.name}”第 {rows} 行是表尾（填表人、审核人、盖章、日期等），未读取"
            )
    for year in checked.new_years:
        note = next((n for n in checked.standard_notes if n.startswith(f"{year} ")), "")
        lines.append(
            f"New assessment year {year}: added to every page; rolling back removes it again."
            + (f" {_half(note, en)}" if note else "")
            if en
            else f"新增年度 {year}：导入后各页面均可选择该年度，回退即撤除。{_half(note, en)}"
        )
    for text in checked.replaces:
        lines.append(f"Replaces an earlier import: {_half(text, en)}" if en else _half(text, en))
    if changes is not None and (changes.up or changes.down or changes.new or changes.same):
        lines.append(
            f"Levels: {changes.up} up, {changes.down} down, {changes.new} new, {changes.same} unchanged"
            if en
            else f"星级变化：升星 {changes.up} 个，降星 {changes.down} 个，新增 {changes.new} 个，不变 {changes.same} 个"
        )
    if checked.ignored_columns:
        cols = "、".join(checked.ignored_columns)
        cols_en = ", ".join(f"“{c}”" for c in checked.ignored_columns)
        lines.append(f"Columns not used: {cols_en}" if en else f"未使用的列：{cols}")
    return lines


def _span(rows: list[int], en: bool = False) -> str:
    rows = sorted(rows)
    if len(rows) > 1 and rows[-1] - rows[0] == len(rows) - 1:
        return f"{rows[0]}–{rows[-1]}"
    return (", " if en else "、").join(map(str, rows))


def _half(message: str, en: bool) -> str:
    """One language's half of a "中文 / English" message; a message in one language as it is."""
    halves = split_message(message)
    return message if halves is None else halves[1] if en else halves[0]
