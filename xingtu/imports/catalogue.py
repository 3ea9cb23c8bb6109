"""The province's own task catalogue (评星标准对照表) in Excel: export, check, compare.

Staff keep the catalogue as a workbook, not YAML: one sheet per unit type (named 村/农村 or
社区/城市社区) with the columns 星, 序号, 任务, 说明, 否决项 — the star often written once
in a vertically merged cell over its tasks — and optionally a sheet 得星规则 (星, 达标比例,
否决项须全部达标). ``check_catalogue`` reads such a workbook into the document shape of
``data/standard/<year>.yaml``, validates it like the YAML (five stars per type, unique tasks,
the rule), keeps the task ids of the catalogue in force where a task is the same, gives new
tasks stable new ids, and lists what differs from the catalogue in force. Every problem
names the sheet, row and column and says the fix, in Chinese and English. Pure: no store.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from xingtu.domain.standard import (
    STARS_PER_TYPE,
    UNIT_TYPE_LABELS,
    Standard,
    StandardError,
    parse_standard,
    rule_to_doc,
    standard_to_doc,
)
from xingtu.domain.units import UNIT_TYPES, UnitType
from xingtu.export import neutralise
from xingtu.imports import normalise as n
from xingtu.imports.context import CAMPAIGN_START

RULE_SHEET = "得星规则"
HEADER_SCAN_ROWS = 10
MAX_ROWS = 5000  # a catalogue has a few hundred tasks; more is the wrong file
TYPE_LABELS_EN: dict[UnitType, str] = {"rural": "villages", "urban": "communities"}

# field -> (its English name, the header texts it is recognised by, normalised); the first text is
# the header the export writes and messages name
_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "star": ("star", ("星", "星级", "星名", "星别", "所属星", "星级名称", "星名称")),
    "ord": ("no.", ("序号", "序", "顺序", "项次")),
    "name": (
        "task",
        ("任务", "任务名称", "任务内容", "创建任务", "评星任务", "评星标准", "标准任务", "内容"),
    ),
    "description": (
        "description",
        ("说明", "任务说明", "具体要求", "达标标准", "达标要求", "评分标准", "标准说明", "要求"),
    ),
    "veto": ("veto", ("否决项", "是否否决项", "一票否决", "否决", "是否一票否决")),
    "id": ("id", ("编号", "任务编号", "任务代码")),
    "share": ("share met", ("达标比例", "达标率", "得星比例", "最低达标比例")),
    "veto_required": (
        "all veto tasks required",
        ("否决项须全部达标", "否决项需全部达标", "一票否决", "执行一票否决", "否决项全部达标"),
    ),
    "type": ("type", ("类型", "单位类型", "适用")),
}
# a task sheet's columns: the first five are the layout staff use, 编号 is ours
TASK_COLUMNS: dict[str, tuple[str, ...]] = {
    k: _COLUMNS[k][1] for k in ("star", "ord", "name", "description", "veto", "id")
}
RULE_COLUMNS: dict[str, tuple[str, ...]] = {
    k: _COLUMNS[k][1] for k in ("star", "share", "veto_required", "type")
}
REQUIRED_TASK_COLUMNS = ("star", "name", "description", "veto")
COLUMN_LABELS: dict[str, tuple[str, str]] = {k: (texts[0], en) for k, (en, texts) in _COLUMNS.items()}
_ID_OK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
_NOTE_ROW = re.compile(r"^(注|备注|说明|填表说明)[:：]|填表人|审核人|联系电话|制表人|签字|盖章")
_STAR_PREFIX = re.compile(r"^([一二三四五六七八九十]+[、.．]|\d+[、.．]|[(（][一二三四五六七八九十\d]+[)）])")
_PAREN = re.compile(r"[(（][^)）]*[)）]")


@dataclass(frozen=True)
class CatalogueProblem:
    """One thing to fix, where it is, in both languages."""

    sheet: str
    row: int | None  # as Excel shows it (1-based); None for a whole sheet or the file
    column: str
    value: str
    message: str  # Chinese: what is wrong and how to fix it
    message_en: str

    def as_problem(self) -> Any:
        """The importer's Problem (for the downloadable problem report and the CLI line format)."""
        from xingtu.imports.validate import Problem

        return Problem(self.sheet, self.row, self.column, self.value, f"{self.message} / {self.message_en}")


@dataclass(frozen=True)
class Change:
    """One difference from the catalogue in force (a row of the preview table)."""

    unit_type: UnitType
    change: str  # added | removed | renamed | veto | moved | description | rule
    star: str
    task: str
    before: str
    after: str
    task_id: str = ""

    @property
    def label(self) -> str:
        return CHANGE_LABELS[self.change][0]

    @property
    def label_en(self) -> str:
        return CHANGE_LABELS[self.change][1]


CHANGE_LABELS = {
    "added": ("新增任务", "task added"),
    "removed": ("删除任务", "task removed"),
    "renamed": ("任务改名（沿用原编号）", "task renamed (id kept)"),
    "moved": ("任务改属其他星", "task moved to another star"),
    "veto": ("否决项变更", "veto flag changed"),
    "description": ("说明变更", "description changed"),
    "rule": ("得星规则变更", "star rule changed"),
    "kept": ("沿用现行清单", "catalogue in force kept"),
}


@dataclass
class CatalogueCheck:
    """What ``check_catalogue`` found: problems, or the parsed catalogue and its differences."""

    file_name: str
    year: int
    checksum: str
    problems: list[CatalogueProblem] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (Chinese, English) lines to show
    sheets: list[tuple[str, str, int, str]] = field(default_factory=list)  # name, status, tasks, reason
    standard: Standard | None = None
    doc: dict[str, Any] | None = None
    current: Standard | None = None
    changes: list[Change] = field(default_factory=list)
    impact: dict[str, Any] = field(default_factory=dict)  # filled from the store: years, results dropped

    @property
    def ok(self) -> bool:
        return not self.problems and self.standard is not None

    def counts(self) -> dict[str, dict[str, int]]:
        """Changes per unit type and kind: {"rural": {"added": 1, …}, …}."""
        out: dict[str, dict[str, int]] = {t: {} for t in UNIT_TYPES}
        for c in self.changes:
            out[c.unit_type][c.change] = out[c.unit_type].get(c.change, 0) + 1
        return out


# ─────────────────────────────── export ───────────────────────────────

_HEAD_FONT = Font(bold=True, color="FFFFFF")
_HEAD_FILL = PatternFill("solid", fgColor="C8102E")
_WRAP = Alignment(vertical="center", wrap_text=True)


def export_catalogue(standard: Standard) -> bytes:
    """The catalogue as staff keep it: a sheet per unit type (star in a merged cell over its
    tasks), the rule sheet, and the task ids in a last column 编号 that an import keeps.

    Every text cell is neutralised like other exports, so a task text starting with ``=``
    is never run as a formula.
    """
    book = Workbook()
    book.remove(book.active)
    for utype in UNIT_TYPES:
        ws = book.create_sheet(UNIT_TYPE_LABELS[utype])
        _header(ws, ("星", "序号", "任务", "说明", "否决项", "编号"), (16, 7, 30, 80, 8, 14))
        row = 2
        for star in standard.stars_for(utype):
            first = row
            for i, task in enumerate(star.tasks, start=1):
                values = (
                    star.name if i == 1 else None,
                    i,
                    task.name,
                    task.description,
                    "是" if task.veto else "否",
                    task.id,
                )
                for col, value in enumerate(values, start=1):
                    cell = ws.cell(row=row, column=col, value=neutralise(value))
                    cell.alignment = _WRAP
                row += 1
            if row - 1 > first:
                ws.merge_cells(start_row=first, start_column=1, end_row=row - 1, end_column=1)
    ws = book.create_sheet(RULE_SHEET)
    rules = _rule_rows(standard)
    with_type = any(t for t, *_ in rules)
    header = ("星", "达标比例", "否决项须全部达标") + (("类型",) if with_type else ())
    _header(ws, header, (16, 10, 18, 8))
    for t, name, share, veto in rules:
        ws.append([neutralise(name), share, "是" if veto else "否"] + ([t] if with_type else []))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _header(ws: Any, names: tuple[str, ...], widths: tuple[int, ...]) -> None:
    ws.append(list(names))
    for cell in ws[1]:
        cell.font, cell.fill, cell.alignment = _HEAD_FONT, _HEAD_FILL, _WRAP
    ws.freeze_panes = "A2"
    for i, width in enumerate(widths[: len(names)], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def _rule_rows(standard: Standard) -> list[tuple[str, str, float, bool]]:
    """(类型 or "", star name, share, veto required): one row per star name, per type only where
    the same name carries different rules in the two types."""
    by_name: dict[str, dict[UnitType, tuple[float, bool]]] = {}
    for utype in UNIT_TYPES:
        for star in standard.stars_for(utype):
            by_name.setdefault(star.name, {})[utype] = (star.min_share_met, star.veto_required)
    rows = []
    for name, per_type in by_name.items():
        if len(set(per_type.values())) == 1:
            share, veto = next(iter(per_type.values()))
            rows.append(("", name, share, veto))
        else:
            rows += [(UNIT_TYPE_LABELS[t], name, s, v) for t, (s, v) in per_type.items()]
    return rows


# ─────────────────────────────── check ───────────────────────────────


def _key(text: Any) -> str:
    """Text reduced for comparing names: NFKC, no spaces (so 全角/半角 and stray spaces match)."""
    return n.clean_text(text) or ""


def _as_text(value: Any) -> str:
    """A cell as the user wrote it (punctuation kept), outer spaces trimmed; numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer():
            value = int(value)
    text = str(value).strip()
    # the export neutralises formula-like text with a leading apostrophe: reading it back undoes that
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        text = text[1:]
    return text


def _sheet_type(name: str) -> UnitType | str | None:
    """rural / urban / "rule" from a sheet name, or None for another sheet."""
    key = _key(name)
    if "规则" in key:
        return "rule"
    if "社区" in key or "城市" in key:
        return "urban"
    if "村" in key or "农村" in key:
        return "rural"
    return None


def _header_key(value: Any) -> str:
    return _PAREN.sub("", n.normalise_header(value))


def _find_header(
    rows: list[list[Any]], columns: dict[str, tuple[str, ...]], must: tuple[str, ...]
) -> tuple[int, dict[str, int]] | None:
    lookup = {_header_key(s): k for k, syns in columns.items() for s in syns}
    for r, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        found: dict[str, int] = {}
        for c, value in enumerate(row):
            key = lookup.get(_header_key(value))
            if key and key not in found:
                found[key] = c
        if all(k in found for k in must):
            return r, found
    return None


def _located_header(
    sheet: str,
    rows: list[list[Any]],
    columns: dict[str, tuple[str, ...]],
    must: tuple[str, ...],
    problem: Any,
    zh: str,
    en: str,
) -> tuple[int, dict[str, int]] | None:
    """``_find_header``, reporting a sheet without a header with the message (zh, en)."""
    found = _find_header(rows, columns, must)
    if found is None:
        problem(sheet, None, "表头", "", zh, en)
    return found


def _star_match(text: str, stars: dict[str, str]) -> str | None:
    """The star id for a written star name (一、支部过硬星（18项） → branch), else None."""
    key = _PAREN.sub("", _STAR_PREFIX.sub("", _key(text)))
    if not key:
        return None
    by_key = {_key(name): sid for sid, name in stars.items()}
    if key in by_key:
        return by_key[key]
    if key + "星" in by_key:
        return by_key[key + "星"]
    hits = {sid for k, sid in by_key.items() if k in key or k.rstrip("星") == key}
    return hits.pop() if len(hits) == 1 else None


@dataclass
class _Row:
    sheet: str
    row: int  # Excel row number
    star_id: str
    name: str
    description: str
    veto: bool
    given_id: str
    position: int  # 1-based position within its star


def check_catalogue(data: bytes, file_name: str, year: int, current: Standard) -> CatalogueCheck:
    """Read and validate a catalogue workbook for ``year`` against ``current``, the one in force.

    Only a check without problems carries ``standard`` and ``doc`` (to apply) and ``changes``.
    """
    out = CatalogueCheck(file_name, int(year), hashlib.sha256(data).hexdigest(), current=current)

    def problem(sheet: str, row: int | None, column: str, value: Any, zh: str, en: str) -> None:
        out.problems.append(CatalogueProblem(sheet, row, column, _as_text(value)[:200], zh, en))

    if year < CAMPAIGN_START:
        problem(
            "",
            None,
            "年度",
            year,
            f"{year} 年早于五星支部创建的首个评定年度（{CAMPAIGN_START}）："
            f"请填写 {CAMPAIGN_START} 年或以后的年度",
            f"{year} is before the campaign's first assessment year ({CAMPAIGN_START}): "
            f"choose {CAMPAIGN_START} or later",
        )
        return out
    from xingtu.imports.read import FileError, read_sheets

    try:  # the importer's reader: size and shape limits first, cells merged down filled in
        sheets = read_sheets(data, file_name)
    except FileError as exc:
        zh, _, en = str(exc).partition(" / ")
        problem("", None, "", "", zh, en or "the file cannot be read: save it again as .xlsx and retry")
        return out

    rows_by_type: dict[UnitType, list[_Row]] = {}
    rule_rows: list[tuple[str, int, dict[str, Any]]] = []
    for sheet in sheets:
        name = sheet.name
        kind = _sheet_type(name)
        if kind is None:
            reason = (
                f"不是村/社区任务表或{RULE_SHEET}表"
                f" / not a task sheet of villages or communities, nor “{RULE_SHEET}”"
            )
            out.sheets.append((name, "skipped", 0, reason))
            out.notes.append(
                (
                    f"工作表“{name}”未读取：名称不是 村/农村、社区/城市社区 或 {RULE_SHEET}",
                    f"sheet “{name}” not read: its name is not “村”/“农村”, “社区”/“城市社区”"
                    f" or “{RULE_SHEET}”",
                )
            )
            continue
        rows = [list(r) for r in sheet.rows]
        if len(rows) > MAX_ROWS:
            problem(
                name,
                None,
                "",
                "",
                f"工作表有 {len(rows):,} 行，不像任务清单：请检查是否选错了文件",
                f"the sheet has {len(rows):,} rows, too many for a catalogue: check the file",
            )
            continue
        if kind == "rule":
            rule_rows += _read_rule_sheet(name, rows, problem)
            out.sheets.append((name, "imported", len(rule_rows), ""))
            continue
        if kind in rows_by_type:
            problem(
                name,
                None,
                "",
                "",
                f"有两张{UNIT_TYPE_LABELS[kind]}任务表：请只保留一张（或合并为一张）",
                f"two sheets for {TYPE_LABELS_EN[kind]}: keep one",
            )
            continue
        stars = {s.id: s.name for s in current.stars_for(kind)}
        rows_by_type[kind] = _read_task_sheet(name, rows, kind, stars, problem)
        out.sheets.append((name, "imported", len(rows_by_type[kind]), ""))

    if not rows_by_type:
        problem(
            "",
            None,
            "",
            "",
            "没有找到任务表：工作表应命名为“村”（或“农村”）和“社区”（或“城市社区”）",
            "no task sheet found: name the sheets “村” (or “农村”) and “社区” (or “城市社区”)",
        )
        return out
    for utype in UNIT_TYPES:
        if utype not in rows_by_type:
            out.notes.append(
                (
                    f"文件中没有{UNIT_TYPE_LABELS[utype]}任务表：{UNIT_TYPE_LABELS[utype]}沿用现行清单",
                    f"no sheet for {TYPE_LABELS_EN[utype]}: the catalogue in force is kept for them",
                )
            )
    unknown = {p.sheet for p in out.problems if p.column == "星" and p.row is not None}
    for utype, rows in rows_by_type.items():
        _check_tasks(utype, rows, current, problem, count_stars=not (rows and rows[0].sheet in unknown))
    rule = _rule(rule_rows, current, problem, out)
    if out.problems:
        return out

    doc, changes = _build_doc(rows_by_type, rule, current, year, file_name)
    try:
        out.standard = parse_standard(doc, source=file_name)
    except StandardError as exc:  # a rule this reader does not foresee: say it rather than fail
        for p in exc.problems:
            problem(
                "",
                None,
                "",
                "",
                p,
                "the catalogue fails a final check (the Chinese message names the detail): "
                "check its stars, tasks and ids",
            )
        return out
    out.doc, out.changes = doc, changes
    return out


def _read_task_sheet(
    sheet: str, rows: list[list[Any]], utype: UnitType, stars: dict[str, str], problem: Any
) -> list[_Row]:
    found = _located_header(
        sheet,
        rows,
        TASK_COLUMNS,
        ("star", "name"),
        problem,
        "找不到表头：前 10 行中应有“星”“序号”“任务”“说明”“否决项”列",
        "header not found: the first 10 rows should hold the columns “星” (star), “序号” (no.),"
        " “任务” (task), “说明” (description) and “否决项” (veto)",
    )
    if found is None:
        return []
    head, cols = found
    for key in REQUIRED_TASK_COLUMNS:
        if key not in cols:
            zh, en = COLUMN_LABELS[key]
            problem(
                sheet,
                head + 1,
                zh,
                "",
                f"缺少“{zh}”列：请在表头加上这一列并逐项填写",
                f"column “{zh}” ({en}) is missing: add it and fill it for every task",
            )
    if any(k not in cols for k in REQUIRED_TASK_COLUMNS):
        return []

    def cell(row: list[Any], key: str) -> Any:
        c = cols.get(key)
        return row[c] if c is not None and c < len(row) else None

    out: list[_Row] = []
    star_id: str | None = None
    star_text = ""
    position: Counter[str] = Counter()
    names = "、".join(stars.values())
    names_en = ", ".join(f"“{name}”" for name in stars.values())
    for r in range(head + 1, len(rows)):
        row, excel_row = rows[r], r + 1
        if all(_as_text(v) == "" for v in row):
            continue
        star_cell, task = _as_text(cell(row, "star")), _as_text(cell(row, "name"))
        if not task and _NOTE_ROW.search(_key(star_cell) or _key(row[0] if row else "")):
            continue  # a note or a signer line under the table (注：…, 填表人：…)
        if star_cell and star_cell != star_text:
            star_text = star_cell
            star_id = _star_match(star_cell, stars)
            if star_id is None:
                problem(
                    sheet,
                    excel_row,
                    "星",
                    star_cell,
                    f"“{star_cell}”不是现行清单中{UNIT_TYPE_LABELS[utype]}的星（{names}）：请改为其中之一；"
                    "星的名称须与现行清单一致",
                    f"“{star_cell}” is not a star of the catalogue in force for {TYPE_LABELS_EN[utype]} "
                    f"({names_en}): use one of these names; a star's name must be as in the catalogue"
                    " in force",
                )
        if not task:
            filled = [k for k in ("description", "veto", "id") if _as_text(cell(row, k))]
            if filled:  # a task row whose name is missing: never drop it silently
                problem(
                    sheet,
                    excel_row,
                    "任务",
                    "",
                    "这一行没有填写任务名称：请填写任务，或删除这一行",
                    "this row has no task name: write the task or delete the row",
                )
            continue  # otherwise a star heading row
        if not star_text:
            problem(
                sheet,
                excel_row,
                "星",
                "",
                "这一行没有所属的星：请在“星”列填写星的名称（合并单元格亦可）",
                "this task has no star: write the star's name in the column “星” (a merged cell is fine)",
            )
            continue
        if star_id is None:
            continue  # reported once on the star's row
        veto_cell = cell(row, "veto")
        try:
            veto = bool(n.parse_bool(veto_cell))
        except ValueError:
            problem(
                sheet,
                excel_row,
                "否决项",
                veto_cell,
                "否决项应填 是、否、√ 或留空（留空即不是否决项）",
                "veto should be “是” (yes), “否” (no), “√” or blank (blank = not a veto task)",
            )
            veto = False
        description = _as_text(cell(row, "description"))
        if not description:
            problem(
                sheet,
                excel_row,
                "说明",
                "",
                "说明为空：请填写这项任务的达标要求（如何核查）",
                "description is empty: write what meeting this task requires",
            )
        position[star_id] += 1
        out.append(
            _Row(
                sheet,
                excel_row,
                star_id,
                task,
                description,
                veto,
                _as_text(cell(row, "id")) if "id" in cols else "",
                position[star_id],
            )
        )
    return out


def _check_tasks(
    utype: UnitType, rows: list[_Row], current: Standard, problem: Any, count_stars: bool = True
) -> None:
    """Five stars (unless a star name was not recognised: that problem says it), unique tasks and ids."""
    if not rows:
        return
    sheet = rows[0].sheet
    stars = current.stars_for(utype)
    present = {r.star_id for r in rows}
    missing = [s.name for s in stars if s.id not in present]
    if missing and count_stars:
        got = len(stars) - len(missing)
        problem(
            sheet,
            None,
            "星",
            "",
            f"{UNIT_TYPE_LABELS[utype]}只有 {got} 颗星（缺少 {'、'.join(missing)}）；"
            f"每类单位须有 {STARS_PER_TYPE} 颗星：请补上缺少的星及其任务",
            f"{TYPE_LABELS_EN[utype]} have {got} stars (missing {', '.join(f'“{m}”' for m in missing)}); "
            f"each unit type needs "
            f"{STARS_PER_TYPE}: add the missing stars and their tasks",
        )
    seen: dict[str, _Row] = {}
    for r in rows:
        key = _key(r.name)
        if key in seen:
            first = seen[key]
            problem(
                sheet,
                r.row,
                "任务",
                r.name,
                f"任务“{r.name}”重复（第 {first.row} 行已有同名任务）：请删除重复的一行，或改用不同的名称",
                f"task “{r.name}” is duplicated (also on row {first.row}): delete one row or rename it",
            )
        else:
            seen[key] = r
    ids: dict[str, _Row] = {}
    other_type = {t.id for u in UNIT_TYPES if u != utype for t in current.tasks_for(u)}
    for r in rows:
        if not r.given_id:
            continue
        if not _ID_OK.match(r.given_id):
            problem(
                sheet,
                r.row,
                "编号",
                r.given_id,
                "编号只能由字母、数字和 - _ . 组成（最多 40 个字符）：请改正，或清空让系统生成",
                "an id may hold letters, digits and - _ . (up to 40): fix it or clear it to get a new one",
            )
        elif r.given_id in other_type:
            problem(
                sheet,
                r.row,
                "编号",
                r.given_id,
                f"编号 {r.given_id} 是另一类单位的任务：请清空本格（新任务会得到新编号）",
                f"id {r.given_id} belongs to the other unit type: clear it (a new task gets a new id)",
            )
        elif r.given_id in ids:
            problem(
                sheet,
                r.row,
                "编号",
                r.given_id,
                f"编号 {r.given_id} 与第 {ids[r.given_id].row} 行重复：每项任务的编号须唯一，新任务请留空",
                f"id {r.given_id} repeats row {ids[r.given_id].row}: ids must be unique; new ones blank",
            )
        else:
            ids[r.given_id] = r


def _read_rule_sheet(
    sheet: str, rows: list[list[Any]], problem: Any
) -> list[tuple[str, int, dict[str, Any]]]:
    found = _located_header(
        sheet,
        rows,
        RULE_COLUMNS,
        ("star",),
        problem,
        f"{RULE_SHEET}表找不到表头：应有“星”“达标比例”“否决项须全部达标”列",
        f"no header in “{RULE_SHEET}”: it needs the columns “星” (star), “达标比例” (share met) and"
        " “否决项须全部达标” (all veto tasks required)",
    )
    if found is None:
        return []
    head, cols = found
    out = []
    for r in range(head + 1, len(rows)):
        row = rows[r]
        values = {k: (row[c] if c < len(row) else None) for k, c in cols.items()}
        if all(_as_text(v) == "" for v in values.values()):
            continue
        out.append((sheet, r + 1, values))
    return out


def _parse_share(value: Any) -> float | None:
    """0.8, 80%, "80％" or a whole 80 → 0.8; blank → None; raises ValueError if not a number."""
    text = _key(value)
    if not text:
        return None
    percent = text.endswith("%")
    number = float(text.rstrip("%"))
    if percent or (number > 1 and number.is_integer() and number <= 100):  # 80 means 80 %
        number /= 100
    return round(number, 6)


def _rule(
    rule_rows: list[tuple[str, int, dict[str, Any]]], current: Standard, problem: Any, out: CatalogueCheck
) -> dict[tuple[UnitType, str], tuple[float, bool]]:
    """(type, star id) -> (share, veto required): the rule sheet over the rule in force."""
    rule = {(t, s.id): (s.min_share_met, s.veto_required) for t in UNIT_TYPES for s in current.stars_for(t)}
    if not rule_rows:
        out.notes.append(
            (
                "没有“得星规则”表：沿用现行清单的得星规则",
                f"no “{RULE_SHEET}” sheet: the star rule in force is kept",
            )
        )
        return rule
    names = {_key(s.name): s.name for t in UNIT_TYPES for s in current.stars_for(t)}
    for sheet, row, values in rule_rows:
        star_text = _as_text(values.get("star"))
        type_text = _key(values.get("type"))
        types: tuple[UnitType, ...] = UNIT_TYPES
        if type_text:
            kind = _sheet_type(type_text)
            if kind not in UNIT_TYPES:
                problem(
                    sheet,
                    row,
                    "类型",
                    type_text,
                    "类型应为 村 或 社区（留空表示两类都适用）",
                    "type should be “村” (villages) or “社区” (communities); blank: both",
                )
                continue
            types = (kind,)  # type: ignore[assignment]
        targets = []
        for t in types:
            sid = _star_match(star_text, {s.id: s.name for s in current.stars_for(t)})
            if sid:
                targets.append((t, sid))
        if not targets:
            problem(
                sheet,
                row,
                "星",
                star_text,
                f"“{star_text}”不是现行清单中的星（{'、'.join(names.values())}）：请改为其中之一",
                f"“{star_text}” is not a star of the catalogue in force: use one of "
                + ", ".join(f"“{name}”" for name in names.values()),
            )
            continue
        share: float | None = None
        try:
            share = _parse_share(values.get("share"))
        except ValueError:
            share = -1.0
        if share is not None and not 0 < share <= 1:
            problem(
                sheet,
                row,
                "达标比例",
                values.get("share"),
                "达标比例应在 0 到 1 之间（如 0.8 或 80%），且大于 0",
                "share met should be above 0 and at most 1 (e.g. 0.8 or 80%)",
            )
            continue
        try:
            veto = n.parse_bool(values.get("veto_required"))
        except ValueError:
            problem(
                sheet,
                row,
                "否决项须全部达标",
                values.get("veto_required"),
                "“否决项须全部达标”应填 是 或 否（留空沿用现行规则）",
                "“all veto tasks required” should be “是” (yes) or “否” (no); blank keeps the rule in force",
            )
            continue
        for key in targets:
            old_share, old_veto = rule[key]
            rule[key] = (old_share if share is None else share, old_veto if veto is None else veto)
    by_id: dict[str, set[tuple[float, bool]]] = {}
    for (_, sid), value in rule.items():
        by_id.setdefault(sid, set()).add(value)
    for sid, values in by_id.items():
        if len(values) > 1:
            name = next(s.name for t in UNIT_TYPES for s in current.stars_for(t) if s.id == sid)
            problem(
                RULE_SHEET,
                None,
                "星",
                name,
                f"{name}在村和社区中的得星规则不同：同名的星须用同一规则（删去“类型”列或两行填成一样）",
                f"“{name}” has different rules for villages and communities: a star of one name needs"
                " one rule (delete the column “类型” or make both rows the same)",
            )
    return rule


def new_task_id(
    utype: UnitType, star_id: str, name: str, taken: set[str], existing: tuple[str, ...] = ()
) -> str:
    """A stable id for a new task: the star's id prefix (R-BR-) + N + a hash of (type, star, name).

    The same task text always gets the same id, so importing the same catalogue twice (or for
    two years) gives the same ids; a clash with ``taken`` lengthens the hash.
    """
    prefixes = {i.rsplit("-", 1)[0] + "-" for i in existing if "-" in i}
    prefix = prefixes.pop() if len(prefixes) == 1 else f"{utype[0].upper()}-{star_id[:2].upper()}-"
    digest = hashlib.sha256(f"{utype}|{star_id}|{_key(name)}".encode()).hexdigest()
    for length in range(6, len(digest) + 1):
        candidate = f"{prefix}N{digest[:length]}"
        if candidate not in taken:
            return candidate
    raise ValueError(
        f"无法为任务“{name}”生成编号 / No id can be made for the task “{name}”"
    )  # 64 hex digits cannot all clash


def _build_doc(
    rows_by_type: dict[UnitType, list[_Row]],
    rule: dict[tuple[UnitType, str], tuple[float, bool]],
    current: Standard,
    year: int,
    file_name: str,
) -> tuple[dict[str, Any], list[Change]]:
    """The catalogue document with task ids assigned, and its differences from ``current``."""
    base = standard_to_doc(current)
    changes: list[Change] = []
    taken = {t.id for u in UNIT_TYPES for t in current.tasks_for(u)}
    types: dict[str, Any] = {}
    final: dict[UnitType, list[tuple[str, _Row | None, Any]]] = {}
    for utype in UNIT_TYPES:
        stars = current.stars_for(utype)
        if utype not in rows_by_type:
            types[utype] = base["types"][utype]
            changes.append(Change(utype, "kept", "", "", "", ""))
            continue
        rows = rows_by_type[utype]
        old = {t.id: t for t in current.tasks_for(utype)}
        by_name = {(t.star, _key(t.name)): t.id for t in old.values()}
        assigned: dict[int, str] = {}
        used: set[str] = set()
        has_id_column = any(r.given_id for r in rows)
        for i, r in enumerate(rows):  # 1. the id written in 编号 (an exported catalogue)
            if r.given_id:
                assigned[i] = r.given_id
                used.add(r.given_id)
        for i, r in enumerate(rows):  # 2. the same task: same star and name
            tid = by_name.get((r.star_id, _key(r.name)))
            if i not in assigned and tid and tid not in used:
                assigned[i], _ = tid, used.add(tid)
        if not has_id_column:  # 3. same star and position, otherwise unmatched: a renamed task
            left_old = {
                (t.star, j + 1): t.id for s in stars for j, t in enumerate(s.tasks) if t.id not in used
            }
            for i, r in enumerate(rows):
                tid = left_old.get((r.star_id, r.position))
                if i not in assigned and tid and tid not in used:
                    assigned[i], _ = tid, used.add(tid)
        for i, r in enumerate(rows):  # 4. a new task: a stable new id
            if i not in assigned:
                existing = tuple(t.id for s in stars if s.id == r.star_id for t in s.tasks)
                tid = new_task_id(utype, r.star_id, r.name, taken | used, existing)
                assigned[i], _ = tid, used.add(tid)
        taken |= used
        final[utype] = [(assigned[i], r, old.get(assigned[i])) for i, r in enumerate(rows)]
        star_names = {s.id: s.name for s in stars}
        types[utype] = {
            "label": UNIT_TYPE_LABELS[utype],
            "stars": [
                {
                    "id": s.id,
                    "name": s.name,
                    "tasks": [
                        {"id": tid, "name": r.name, "description": r.description, "veto": r.veto}
                        for tid, r, _ in final[utype]
                        if r is not None and r.star_id == s.id
                    ],
                }
                for s in stars
            ],
        }
        for tid, r, was in final[utype]:
            assert r is not None
            star = star_names[r.star_id]
            if was is None:
                changes.append(Change(utype, "added", star, r.name, "", "否决项" if r.veto else "", tid))
                continue
            if was.star != r.star_id:
                changes.append(Change(utype, "moved", star, r.name, star_names[was.star], star, tid))
            if was.name != r.name:
                changes.append(Change(utype, "renamed", star, r.name, was.name, r.name, tid))
            if was.veto != r.veto:
                changes.append(
                    Change(
                        utype, "veto", star, r.name, "是" if was.veto else "否", "是" if r.veto else "否", tid
                    )
                )
            if was.description != r.description:
                changes.append(
                    Change(utype, "description", star, r.name, was.description, r.description, tid)
                )
        kept = {tid for tid, _, _ in final[utype]}
        changes += [
            Change(
                utype, "removed", star_names.get(t.star, t.star), t.name, "否决项" if t.veto else "", "", t.id
            )
            for t in old.values()
            if t.id not in kept
        ]
    for utype in UNIT_TYPES:
        for s in current.stars_for(utype):
            new = rule[(utype, s.id)]
            if new != (s.min_share_met, s.veto_required):
                changes.append(
                    Change(
                        utype,
                        "rule",
                        s.name,
                        "",
                        _rule_text(s.min_share_met, s.veto_required),
                        _rule_text(*new),
                        "",
                    )
                )
    overrides_doc = _rule_doc(rule)
    doc = {
        "name": f"{current.name.removesuffix('（样例）')}（{year} 年起施行，导入自 {file_name}）",
        "sample": False,
        "effective_from": int(year),
        "source_note": f"由评星标准对照表 {file_name} 导入",
        "rule": overrides_doc,
        "types": types,
    }
    return doc, changes


def _rule_text(share: float, veto: bool) -> str:
    return f"达标比例 {share:g}，否决项{'须全部达标' if veto else '不单独要求'}"


def _rule_doc(rule: dict[tuple[UnitType, str], tuple[float, bool]]) -> dict[str, Any]:
    return rule_to_doc({sid: value for (_, sid), value in rule.items()})


def preview_rows(check: CatalogueCheck, lang: str = "zh") -> list[dict[str, str]]:
    """The differences as plain rows for a preview table: 类型, 变更, 星, 任务, 原为, 改为, 编号."""
    en = lang == "en"
    return [
        {
            "unit_type": TYPE_LABELS_EN[c.unit_type] if en else UNIT_TYPE_LABELS[c.unit_type],
            "change": c.label_en if en else c.label,
            "star": c.star,
            "task": c.task,
            "before": c.before,
            "after": c.after,
            "task_id": c.task_id,
        }
        for c in check.changes
    ]


def summary_lines(check: CatalogueCheck, lang: str = "zh") -> list[str]:
    """A few lines for the preview (and the terminal): tasks per type and what changes."""
    en = lang == "en"
    if check.standard is None:
        return []
    lines = [
        (f"Catalogue from {check.year}: " if en else f"自 {check.year} 年起施行的任务清单：")
        + ("; " if en else "；").join(
            (
                f"{TYPE_LABELS_EN[t]} {len(check.standard.tasks_for(t))} tasks "
                f"({sum(k.veto for k in check.standard.tasks_for(t))} veto)"
            )
            if en
            else (
                f"{UNIT_TYPE_LABELS[t]} {len(check.standard.tasks_for(t))} 项"
                f"（否决项 {sum(k.veto for k in check.standard.tasks_for(t))} 项）"
            )
            for t in UNIT_TYPES
        )
    ]
    counts = check.counts()
    for t in UNIT_TYPES:
        parts = [f"{CHANGE_LABELS[k][1 if en else 0]} {v}" for k, v in counts[t].items() if k != "kept"]
        name = TYPE_LABELS_EN[t] if en else UNIT_TYPE_LABELS[t]
        if "kept" in counts[t]:
            lines.append(f"{name}: " + CHANGE_LABELS["kept"][1] if en else f"{name}：沿用现行清单")
        else:
            lines.append(
                f"{name}: " + (", ".join(parts) or "no change")
                if en
                else f"{name}：" + ("，".join(parts) or "与现行清单相同")
            )
    lines += [en_line if en else zh_line for zh_line, en_line in check.notes]
    return lines
