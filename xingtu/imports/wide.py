"""Monthly progress sheets as counties draw them: one row per unit, one column group per star.

``推进情况统计表`` puts each star's name in a merged group cell over ``已完成任务数 | 任务总数``
(sometimes ``完成率``), with a 合计 group at the right. The importer's monthly kind is one row
per unit, month and star; this module turns the wide sheet into that long form, keeping the
Excel row number of every value so problems still point at the cell the user sees.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xingtu.imports.normalise import clean_text
from xingtu.imports.read import HeaderMatch, Sheet, locate_header

if TYPE_CHECKING:
    from xingtu.imports.validate import Reference

_TOTAL_GROUP = ("合计", "小计", "总计", "汇总", "全部")
STAR_HEADER = "星"
MET_HEADER = "已达标任务数"
TOTAL_HEADER = "任务总数"


def _group_text(sheet: Sheet, row: int, col: int) -> str:
    """The group cell over ``col`` in ``row``: its own value, the merged cell covering it, or the nearest left."""
    if row < 0:
        return ""
    cells = sheet.rows[row] if row < len(sheet.rows) else ()
    if col < len(cells) and clean_text(cells[col]):
        return clean_text(cells[col]) or ""
    for r0, c0, r1, c1 in sheet.merged:
        if r0 <= row <= r1 and c0 <= col <= c1 and c0 < len(sheet.rows[r0]):
            return clean_text(sheet.rows[r0][c0]) or ""
    return ""


def melt_star_groups(
    sheet: Sheet, header: HeaderMatch, ref: Reference, lookup: dict[str, str]
) -> tuple[Sheet, HeaderMatch | None]:
    """A wide monthly sheet as a long one (unit columns + 星 + counts); other sheets unchanged."""
    if "star" in header.columns:
        return sheet, header
    met = sorted([header.columns["tasks_met"]] if "tasks_met" in header.columns else [])
    met += [c for key, _t, c in header.duplicates if key == "tasks_met"]
    total = sorted(
        ([header.columns["tasks_total"]] if "tasks_total" in header.columns else [])
        + [c for key, _t, c in header.duplicates if key == "tasks_total"]
    )
    met.sort()
    if not met:
        return sheet, header
    top = min(header.header_rows) - 1
    stars = {clean_text(s) or "" for s in ref.stars["star_name"]}
    stars |= {s.removesuffix("星") for s in stars}
    groups: list[tuple[str, int, int | None]] = []  # (star text, met column, total column)
    for i, col in enumerate(met):
        name = _group_text(sheet, top, col) or _group_text(sheet, top - 1, col)
        if not name or any(w in name for w in _TOTAL_GROUP):
            continue
        if name not in stars and len(met) == 1:
            return sheet, header  # a long sheet whose 星 column is simply missing: reported as such
        nxt = met[i + 1] if i + 1 < len(met) else 10**9
        tot = next((c for c in total if col < c < nxt), None)
        groups.append((name, col, tot))
    if not groups:
        return sheet, header
    keep = {
        key: col for key, col in header.columns.items() if key not in ("tasks_met", "tasks_total", "star")
    }
    order = list(keep)
    head_row = tuple([header.labels[k] for k in order] + [STAR_HEADER, MET_HEADER, TOTAL_HEADER])
    rows: list[tuple[Any, ...]] = [head_row]
    numbers = [header.data_start]  # the header keeps the Excel number of the last header row
    from xingtu.imports.read import is_footer_row, is_skipped_row

    for i in range(header.data_start, len(sheet.rows)):
        row = sheet.rows[i]
        if is_footer_row(row):  # the footer stays a footer: reported, never read
            rows += [tuple(r) for r in sheet.rows[i:]]
            numbers += list(range(i + 1, len(sheet.rows) + 1))
            break
        if is_skipped_row(row):
            continue
        base = [row[keep[k]] if keep[k] < len(row) else None for k in order]
        for name, mcol, tcol in groups:
            met_value = row[mcol] if mcol < len(row) else None
            total_value = row[tcol] if tcol is not None and tcol < len(row) else None
            if clean_text(met_value) is None and clean_text(total_value) is None:
                continue
            rows.append((*base, name, met_value, total_value))
            numbers.append(i + 1)
    title = tuple(tuple(r) for r in sheet.rows[: min(header.header_rows)])
    long = Sheet(sheet.name, rows, sheet.visible, (), tuple(numbers), title_rows=title)
    found = locate_header(long, lookup)
    return (long, found) if found is not None else (sheet, header)
