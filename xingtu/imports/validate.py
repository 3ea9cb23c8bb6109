"""Check an uploaded workbook completely before anything is written.

``check_file`` reads the file, finds the header, parses every cell, matches units by code
or by name, and validates the result with a pandera schema (types, ranges, uniqueness and
the cross-column rules such as "评定星级 = 所得星数"). Every problem is collected — with
sheet, row, column, value and a Chinese explanation — so a user fixes the whole file in
one go. Only a file with no problem yields a frame to apply. Pure: no store, no Streamlit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
from rapidfuzz import process

from xingtu.i18n import translate
from xingtu.imports import normalise as n
from xingtu.imports.context import (
    CAMPAIGN_START,
    SOURCE_SHEET,
    Context,
    Overrides,
    RegionNames,
    infer_context,
    region_prefix,
)
from xingtu.imports.read import (
    FileError,
    HeaderMatch,
    Sheet,
    build_lookup,
    column_hints,
    is_blank,
    is_footer_row,
    is_skipped_row,
    is_tick_hint,
    legend_says_tick,
    locate_header,
    read_sheets,
    title_lines,
)
from xingtu.imports.spec import KINDS, PROBLEM_STATUS, SPECS, Crs, Field, Kind, KindSpec
from xingtu.imports.wide import melt_star_groups

MAX_PROBLEMS = 50_000
HENAN_BOX = (110.0, 31.0, 117.0, 37.0)  # generous lon/lat bounds for a first sanity check
OUTSIDE_TOLERANCE_DEG = 0.003  # about 300 m: simplified boundaries are that coarse


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None  # 1-based row number as Excel shows it; None for the file or a column
    column: str
    value: str
    message: str


@dataclass
class Reference:
    """What the store knows that a file is checked against."""

    units: pd.DataFrame  # code, name, full_name, unit_type, township_code, township, county_code, county
    stars: pd.DataFrame  # unit_type, star_id, star_name
    tasks: pd.DataFrame  # year, unit_type, task_id, star_id, name (the store's years and the next one)
    years: tuple[int, ...]
    host_polygons: Callable[[], tuple[Mapping[str, str], Mapping[str, Any]]] | None = None
    regions: pd.DataFrame | None = None  # code, name, level, county_code, city_code
    standards: Mapping[int, Any] = field(default_factory=dict)  # effective_from -> Standard
    coverage: pd.DataFrame | None = None  # import_coverage rows of the version in force
    _matcher: UnitMatcher | None = field(default=None, repr=False)
    _names: RegionNames | None = field(default=None, repr=False)

    @property
    def matcher(self) -> UnitMatcher:
        if self._matcher is None:
            self._matcher = UnitMatcher(self.units)
        return self._matcher

    @property
    def region_names(self) -> RegionNames:
        if self._names is None:
            regions = self.regions if self.regions is not None else _regions_from_units(self.units)
            self._names = RegionNames(regions)
        return self._names

    @property
    def last_year(self) -> int:
        return max(self.years) if self.years else CAMPAIGN_START - 1

    @property
    def max_year(self) -> int:
        """The latest year a file may bring: the year after the dataset's last, or this year."""
        return max(self.last_year + 1, dt.date.today().year)

    def standard_note(self, year: int) -> str:
        """Which task catalogue a (new) year is checked and rated with, in one line."""
        if not self.standards:
            return ""
        eligible = [y for y in self.standards if y <= year]
        if not eligible:
            return ""
        since = max(eligible)
        name = getattr(self.standards[since], "name", "")
        if since == year:
            return (
                f"{year} 年使用 {year} 年的任务清单《{name}》"
                f" / {year} uses the {year} task catalogue “{name}”"
            )
        return (
            f"{year} 年沿用自 {since} 年起施行的任务清单《{name}》（没有 {year} 年的清单）"
            f" / {year} keeps the task catalogue in force since {since}, “{name}” (there is none for {year})"
        )


def _regions_from_units(units: pd.DataFrame) -> pd.DataFrame:
    towns = units[["township_code", "township", "county_code"]].drop_duplicates("township_code")
    counties = units[["county_code", "county"]].drop_duplicates("county_code")
    city = units["county_code"].str[:4] + "00000000"
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "code": towns["township_code"],
                    "name": towns["township"],
                    "level": "township",
                    "county_code": towns["county_code"],
                    "city_code": towns["county_code"].str[:4] + "00000000",
                }
            ),
            pd.DataFrame(
                {
                    "code": counties["county_code"],
                    "name": counties["county"],
                    "level": "county",
                    "county_code": counties["county_code"],
                    "city_code": city.loc[counties.index],
                }
            ),
        ],
        ignore_index=True,
    )


@dataclass
class SheetReport:
    """What happened to one sheet of the workbook: imported (with its rows) or skipped, and why."""

    name: str
    status: str = "skipped"  # imported | skipped
    rows: int = 0
    reason: str = ""
    footer_rows: list[int] = field(default_factory=list)  # 1-based rows of the signer footer, not read
    context: Context | None = None


@dataclass
class Checked:
    kind: Kind
    file_name: str
    checksum: str
    sheet: str = ""
    rows: int = 0
    frame: pd.DataFrame | None = None
    problems: list[Problem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    sheets: list[SheetReport] = field(default_factory=list)
    context: Context = field(default_factory=Context)
    kind_source: str = ""  # "" when the user chose the kind, else how it was recognised
    new_years: list[int] = field(default_factory=list)
    standard_notes: list[str] = field(default_factory=list)
    replaces: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and self.frame is not None

    @property
    def imported_sheets(self) -> list[SheetReport]:
        return [s for s in self.sheets if s.status == "imported"]

    @property
    def skipped_sheets(self) -> list[SheetReport]:
        return [s for s in self.sheets if s.status == "skipped"]


class UnitMatcher:
    """Find a unit by code, or by name narrowed by township and county names and the file's context."""

    def __init__(self, units: pd.DataFrame) -> None:
        self.units = units.reset_index(drop=True)
        self.codes = self.units["code"].tolist()
        self.types = self.units["unit_type"].tolist()
        self.by_code = {c: i for i, c in enumerate(self.codes)}
        self.by_name: dict[str, list[int]] = defaultdict(list)
        for i, (name, full) in enumerate(zip(self.units["name"], self.units["full_name"], strict=True)):
            self.by_name[n.clean_text(name) or ""].append(i)
            if full != name:
                self.by_name[n.clean_text(full) or ""].append(i)
        self.township = [n.clean_text(t) or "" for t in self.units["township"]]
        self.county = [n.clean_text(c) or "" for c in self.units["county"]]

    def find(
        self,
        code: str | None,
        name: str | None,
        township: str | None,
        county: str | None,
        within: str | None = None,
        unit_type: str | None = None,
    ) -> int | str:
        """The unit's row index, or a "中文 / English" explanation (unknown, ambiguous, with candidates).

        ``within`` is a region code prefix the file's title, sheet or file name names (a county's
        six digits, a township's nine); ``unit_type`` the sheet's 农村/社区. Both only narrow.
        """
        if code:
            if code in self.by_code:
                return self.by_code[code]
            return (
                f"代码 {code} 不在本数据集的村（社区）中（2023 年统计用区划代码）；请核对代码"
                f" / Code “{code}” is not a village or community of this dataset (2023 statistical"
                " division codes): check the code"
            )
        if not name:
            return (
                "未填写代码，也未填写村（社区）名称 / Neither a code nor a village (community) name is given"
            )
        stem = n.unit_stem(name)
        hits = list(
            dict.fromkeys(
                self.by_name.get(name, [])
                + self.by_name.get(stem, [])
                + self._stem_hits(name)
                + self._stem_hits(stem)
            )
        )
        hits = [i for i in hits if self._in_place(i, township, county)]
        if within:
            hits = [i for i in hits if self.codes[i].startswith(within)]
        if unit_type and len(hits) > 1:
            typed = [i for i in hits if self.types[i] == unit_type]
            hits = typed or hits
        if len(hits) == 1:
            return hits[0]
        place = "，".join(p for p in (township, county) if p)
        place_en = ", ".join(f"“{p}”" for p in (township, county) if p)
        if not hits:
            near = self._near(stem or name, township, county, within)
            hint = f"；相近的有：{'、'.join(self._label(i) for i in near)}" if near else ""
            hint_en = f"; similar: {'; '.join(self._label_en(i) for i in near)}" if near else ""
            where = f"（{place}）" if place else ""
            where_en = f" in {place_en}" if place_en else ""
            return (
                f"找不到名为“{name}”的村（社区）{where}{hint}。请核对名称或改填 12 位代码"
                f" / No village or community named “{name}”{where_en}{hint_en}. Check the name or enter the"
                " 12-digit code"
            )
        listed = "、".join(self._label(i) for i in hits[:6])
        listed_en = "; ".join(self._label_en(i) for i in hits[:6])
        more = f" 等 {len(hits)} 个" if len(hits) > 6 else ""
        more_en = f" ({len(hits)} in all)" if len(hits) > 6 else ""
        return (
            f"“{name}”有重名：{listed}{more}。请填写乡镇（街道）、县区，或改填 12 位代码"
            f" / Several units are named “{name}”: {listed_en}{more_en}. Fill in the township and county,"
            " or enter the 12-digit code"
        )

    def _stem_hits(self, name: str) -> list[int]:
        """霍庄 also finds 霍庄村 / 霍庄社区, as people often leave the suffix off."""
        if name.endswith(("村", "社区")):
            return []
        return self.by_name.get(name + "村", []) + self.by_name.get(name + "社区", [])

    def _in_place(self, i: int, township: str | None, county: str | None) -> bool:
        return _same_place(self.township[i], township) and _same_place(self.county[i], county)

    def _near(self, name: str, township: str | None, county: str | None, within: str | None) -> list[int]:
        pool = (
            [
                i
                for i in range(len(self.units))
                if self._in_place(i, township, county) and (not within or self.codes[i].startswith(within))
            ]
            if (township or county or within)
            else []
        )
        if not pool:
            return []
        names = {i: self.units.at[i, "name"] for i in pool}
        found = process.extract(name, names, limit=3, score_cutoff=50)
        return [i for _, _, i in found]

    def _label(self, i: int) -> str:
        row = self.units.iloc[i]
        return f"{row['name']}（{row['township']}·{row['county']}，代码 {row['code']}）"

    def _label_en(self, i: int) -> str:
        row = self.units.iloc[i]
        return f"“{row['name']}” (“{row['township']}”, “{row['county']}”, code {row['code']})"


def _same_place(actual: str, given: str | None) -> bool:
    """A place name matches when equal, or when one is the other without its suffix (尧山 ~ 尧山镇)."""
    if not given:
        return True
    return actual == given or actual.startswith(given) or given.startswith(actual) or actual.endswith(given)


def star_fields(ref: Reference) -> tuple[Field, ...]:
    """One 是/否 column per star of the standard (shared stars such as 支部过硬星 appear once)."""
    out: dict[str, Field] = {}
    for star_id, name in zip(ref.stars["star_id"], ref.stars["star_name"], strict=True):
        if star_id in out:
            continue
        stem = name.removesuffix("星")
        out[star_id] = Field(
            f"star_{star_id}",
            name,
            (stem, f"是否获得{name}", f"{stem}星(是/否)", f"获{name}", f"{name}(是/否)", f"{name}(达标打√)"),
            n.parse_bool,
        )
    return tuple(out.values())


def fields_for(spec: KindSpec, ref: Reference) -> tuple[Field, ...]:
    return spec.fields + (star_fields(ref) if spec.star_columns else ())


# --- which kind of file ---------------------------------------------------------------------------

_DISTINCT: dict[str, tuple[str, ...]] = {
    "annual": ("level", "target_level", "weak_lax"),
    "tasks": ("task_id", "task_name", "met"),
    "monthly": ("month", "tasks_met", "tasks_total"),
    "problems": ("problem", "measure", "deadline", "status", "helper", "closed_on", "closed"),
    "pairings": ("strong_code", "strong_name", "weak_code", "weak_name", "kind", "since"),
    "locations": ("lon", "lat"),
}
_TITLE_WORDS: dict[str, tuple[str, ...]] = {
    "annual": ("评定结果", "评星结果", "星级评定", "评定情况", "认定结果", "评定汇总"),
    "tasks": ("任务完成", "任务达标", "达标情况明细"),
    "monthly": ("推进情况", "进度", "月度", "月份", "月报"),
    "problems": ("问题", "整改", "台账", "短板"),
    "pairings": ("结对", "联建", "帮带", "带弱"),
    "locations": ("位置", "坐标", "经纬度", "点位"),
}
KIND_NAMES_EN = {
    "annual": "annual results",
    "tasks": "task results",
    "monthly": "monthly progress",
    "problems": "problem ledger",
    "pairings": "pairings",
    "locations": "locations",
}


def recognise_kind(sheets: list[Sheet], file_name: str, ref: Reference) -> Kind | None:
    """The kind whose distinctive columns the sheets' headers name most (the title breaks ties)."""
    scores: dict[str, float] = {}
    for kind in KINDS:
        fields = fields_for(SPECS[kind], ref)
        lookup = build_lookup({f.key: (f.header, *f.synonyms) for f in fields})
        best = 0.0
        for sheet in sheets:
            if not sheet.visible:
                continue
            header = locate_header(sheet, lookup)
            if header is None:
                continue
            keys = set(header.columns)
            distinct = len(keys & set(_DISTINCT[kind]))
            if kind == "annual":
                distinct += min(2, sum(k.startswith("star_") for k in keys))
            if kind == "monthly":
                distinct += min(
                    2, sum(1 for key, _t, _c in header.duplicates if key in ("tasks_met", "tasks_total"))
                )
            if not distinct or not keys & {"code", "name", "strong_name", "strong_code", "weak_name"}:
                continue
            title = " ".join(title_lines(sheet, header)) + " " + sheet.name + " " + file_name
            words = sum(1 for w in _TITLE_WORDS[kind] if w in title)
            best = max(best, distinct + 0.5 * len(keys) / 10 + 2.5 * min(words, 1))
        scores[kind] = best
    kind, score = max(scores.items(), key=lambda kv: kv[1])
    return kind if score > 0 else None  # type: ignore[return-value]


def check_file(
    data: bytes,
    file_name: str,
    kind: Kind | None,
    ref: Reference,
    crs: Crs | None = None,
    overrides: Overrides | None = None,
    reader: Callable[[bytes, str], list[Sheet]] = read_sheets,
) -> Checked:
    """Read and check one file (``kind`` None: recognise it); the result has either problems or a clean frame.

    ``reader``: the doors (upload page, command line) pass ``guard.read_sheets_guarded``, which
    reads in a memory- and time-limited child process; the default reads in this process
    (after the same size and shape limits).
    """
    _LISTS.cache = {}
    try:
        return _check_file(data, file_name, kind, ref, crs, overrides, reader)
    finally:
        _LISTS.cache = {}


_NOTE_SHEET = ("填表说明", "说明", "目录", "封面", "指标解释", "备注", "使用说明", "填报说明")
_SUMMARY_SHEET = ("汇总", "统计", "合计", "总表")


def _unit_keys(kind: Kind) -> set[str]:
    return (
        {"strong_code", "strong_name", "weak_code", "weak_name"} if kind == "pairings" else {"code", "name"}
    )


def _skip_reason(sheet: Sheet, spec: KindSpec, fields: tuple[Field, ...], header: HeaderMatch | None) -> str:
    name = sheet.name
    if any(w in name for w in _NOTE_SHEET):
        return "说明页，不含数据，未读取 / a notes sheet, no data"
    if any(w in name for w in _SUMMARY_SHEET) and (
        header is None or not header.columns.keys() & {"code", "name"}
    ):
        return "汇总表（不是逐个村（社区）的明细），未读取 / a summary sheet, not one row per unit"
    names = "、".join(f.header for f in fields if f.required or f.key in ("code", "name"))
    return (
        f"没有找到“{spec.title}”的表头（应含 {names} 等列），未读取"
        f" / no header of {KIND_NAMES_EN[spec.kind]} found{_expected_en(fields)}"
    )


def _expected_en(fields: tuple[Field, ...]) -> str:
    """The columns a header should have, for an English message: " (with columns such as “…”)"."""
    names = ", ".join(f"“{f.header}”" for f in fields if f.required or f.key in ("code", "name"))
    return f" (with columns such as {names})" if names else ""


def _check_file(
    data: bytes,
    file_name: str,
    kind: Kind | None,
    ref: Reference,
    crs: Crs | None,
    overrides: Overrides | None,
    reader: Callable[[bytes, str], list[Sheet]] = read_sheets,
) -> Checked:
    checksum = hashlib.sha256(data).hexdigest()
    try:
        sheets = reader(data, file_name)
    except FileError as exc:
        checked = Checked(kind or "annual", file_name, checksum)
        checked.problems.append(Problem("", None, "", "", str(exc)))
        return checked
    kind_source = ""
    if kind is None:
        kind = recognise_kind(sheets, file_name, ref)
        kind_source = "按表头识别"
        if kind is None:
            checked = Checked("annual", file_name, checksum)
            checked.sheets = [SheetReport(s.name, reason="未识别 / not recognised") for s in sheets]
            checked.problems.append(
                _file_problem(
                    sheets,
                    "无法从表头判断文件内容（年度评定结果、任务完成情况、月度进度、问题清单、支部联建、位置）。"
                    "请选择文件类型，或对照模板检查列名"
                    " / Could not tell what the file holds from its headers: choose the kind, or compare the"
                    " column names with the template",
                )
            )
            return checked
    checked = Checked(kind, file_name, checksum, kind_source=kind_source)
    spec = SPECS[kind]
    fields = fields_for(spec, ref)
    lookup = build_lookup({f.key: (f.header, *f.synonyms) for f in fields})
    frames: list[pd.DataFrame] = []
    labels: dict[str, str] = {}
    problems: list[Problem] = []
    for sheet in sheets:
        report = SheetReport(sheet.name)
        checked.sheets.append(report)
        if not sheet.visible:
            report.reason = (
                "隐藏的工作表，未读取（如需导入，请在 Excel 中取消隐藏）"
                " / hidden sheet, not read (unhide it in Excel to import it)"
            )
            continue
        if not any(not is_blank(v) for row in sheet.rows for v in row):
            report.reason = "空工作表 / empty sheet"
            continue
        header = locate_header(sheet, lookup)
        if kind == "monthly" and header is not None:
            sheet, header = melt_star_groups(sheet, header, ref, lookup)
        if header is None or len(header.columns) < 2 or not header.columns.keys() & _unit_keys(kind):
            report.reason = _skip_reason(sheet, spec, fields, header)
            continue
        ctx = infer_context(title_lines(sheet, header), sheet.name, file_name, ref.region_names, overrides)
        report.context = ctx
        report.status = "imported"
        checked.ignored_columns += [c for c in header.ignored if c not in checked.ignored_columns]
        for key, label in header.labels.items():
            labels.setdefault(key, label)
        column_problems = _column_problems(spec, fields, header, kind, ctx)
        if column_problems:
            problems += column_problems
            continue
        ticks = _tick_columns(sheet, header, fields)
        frame, row_problems, footer = _parse_rows(sheet, header, fields, ticks)
        report.rows = int(frame["_row"].nunique())  # a wide monthly row is one unit, several stars
        report.footer_rows = footer
        problems += row_problems
        if frame.empty and not row_problems:
            report.status = "skipped"
            report.reason = "表头下面没有数据行 / no rows under the header"
            continue
        frame["_sheet"] = sheet.name
        _apply_context(frame, ctx, kind)
        frames.append(frame)
    imported = checked.imported_sheets
    checked.sheet = "、".join(s.name for s in imported)
    checked.context = _file_context(imported, ref.region_names)
    if not imported:
        names = "、".join(f.header for f in fields if f.required or f.key in ("code", "name"))
        skipped = "；".join(f"“{s.name}”：{_zh(s.reason)}" for s in checked.sheets)
        skipped_en = "; ".join(f"“{s.name}”: {_en(s.reason)}" for s in checked.sheets)
        checked.problems.append(
            _file_problem(
                sheets,
                f"没有找到“{spec.title}”的表头（应含 {names} 等列）。请下载模板，按模板的列名填写。"
                f"各工作表：{skipped}"
                f" / No sheet holds a table of {KIND_NAMES_EN[kind]}{_expected_en(fields)}."
                f" Download the template and use its column names. Sheets: {skipped_en}",
            )
        )
        return checked
    if problems and not frames:
        checked.problems = _collapse(problems, checked.sheets)
        return checked
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    _LISTS.cache = {}
    checked.rows = len(frame)
    for f in fields:
        labels.setdefault(f.key, f.header)
    labels.setdefault("year", "年度")
    frame, resolve_problems = _resolve(kind, frame, ref, labels, "", crs)
    problems += resolve_problems
    seen = {(p.sheet, p.row, p.column) for p in problems}
    problems += [
        p for p in _schema_problems(kind, frame, ref, labels, "") if (p.sheet, p.row, p.column) not in seen
    ]
    problems += _duplicate_problems(kind, frame, labels, ref)
    if "year" in frame.columns:
        years = {int(y) for y in frame["year"].dropna()}
        checked.new_years = sorted(
            y for y in years if y not in ref.years and CAMPAIGN_START <= y <= ref.max_year
        )
        checked.standard_notes = [ref.standard_note(y) for y in checked.new_years if ref.standard_note(y)]
    checked.problems = _collapse(problems, checked.sheets)
    checked.problems.sort(key=lambda p: (p.sheet, p.row or 0, p.column))
    del checked.problems[MAX_PROBLEMS:]
    if not checked.problems:
        checked.frame = frame.drop(
            columns=[c for c in frame.columns if c.startswith("_") and c not in ("_row", "_sheet")]
        )
        checked.replaces = _replaced(kind, checked.frame, ref)
    return checked


def _file_problem(sheets: list[Sheet], message: str) -> Problem:
    """A problem of the whole file (shown against its first sheet)."""
    return Problem(sheets[0].name if sheets else "", None, "", "", message)


def _row_problem(frame: pd.DataFrame, r: int, column: str, value: str, message: str) -> Problem:
    """A problem of the frame's row ``r``, located at the sheet and Excel row it was read from."""
    return Problem(str(frame.at[r, "_sheet"]), int(frame.at[r, "_row"]), column, value, message)


def _file_context(imported: list[SheetReport], names: RegionNames) -> Context:
    """The context shown for the file: the sheets' common year and region (the first sheet's otherwise)."""
    contexts = [s.context for s in imported if s.context is not None]
    if not contexts:
        return Context()
    first = contexts[0]
    regions = {c.region_code for c in contexts}
    if len(regions) > 1:  # one sheet per township: the county all of them lie in
        counties = {(c.region_code or "")[:6] for c in contexts}
        if len(counties) == 1 and None not in regions:
            county = counties.pop() + "000000"
            named = dict(first.named)
            first = replace(
                first,
                region_code=county,
                region_name=names.name(county),
                region_level="county",
                region_source=named.get(county, SOURCE_SHEET),
            )
    types = {c.unit_type for c in contexts}
    if len(types) > 1:
        first = replace(first, unit_type=None, unit_type_source="")
    return first


# the columns of each kind that a sheet's context (title, sheet name, file name) may fill in
_CONTEXT_COLUMNS: dict[Kind, tuple[str, ...]] = {
    "annual": ("year",),
    "tasks": ("year",),
    "monthly": ("year", "month"),
    "problems": ("year",),
}


def _apply_context(frame: pd.DataFrame, ctx: Context, kind: Kind) -> None:
    """Fill what the sheet's context says into the rows that lack it (year, month), and narrow matching."""
    for key in _CONTEXT_COLUMNS.get(kind, ()):
        value = getattr(ctx, key)
        if key not in frame.columns:
            frame[key] = pd.array([value] * len(frame), dtype="Int64")
            frame["_raw_" + key] = ""
        elif value is not None:
            frame[key] = frame[key].fillna(value)
    frame["_within"] = region_prefix(ctx.region_code, ctx.region_level) if ctx.region_code else None
    frame["_utype"] = ctx.unit_type


# a required column the sheet's title, sheet name or file name may stand in for: what to say when none does
_FROM_CONTEXT: dict[str, str] = {
    "year": "没有年度：表中没有“年度”列，标题、工作表名和文件名中也没有年份。改法：在标题写明“2025年度”，"
    "或加一列“年度”，或导入时指定年度 / No year: the sheet has no “年度” (year) column and neither the"
    " title, the sheet name nor the file name names a year. Fix: write the year in the title"
    " (“2025年度”), add a “年度” column, or state the year when importing",
    "month": "没有月份：表中没有“月份”列，标题中也没有（如“9月份”）。改法：在标题写明月份，或加一列“月份”，"
    "或导入时指定月份 / No month: the sheet has no “月份” (month) column and the title names no month"
    " (such as “9月份”). Fix: name the month in the title, add a “月份” column, or state the"
    " month when importing",
}


def _column_problems(
    spec: KindSpec, fields: tuple[Field, ...], header: HeaderMatch, kind: Kind, ctx: Context
) -> list[Problem]:
    out = []
    row = max(header.header_rows) + 1
    for key, text, col in header.duplicates:
        if kind == "monthly" and key in ("tasks_met", "tasks_total"):
            continue  # a star group without its star name: reported by the melt
        first = header.labels[key]
        out.append(
            Problem(
                header.sheet,
                row,
                text,
                text,
                f"第 {col + 1} 列与“{first}”是同一列（重复）；请删去其中一列"
                f" / column {col + 1} repeats “{first}”: delete one of the two",
            )
        )
    have = set(header.columns)
    for f in fields:
        if not f.required or f.key in have:
            continue
        if f.key in _FROM_CONTEXT:
            if getattr(ctx, f.key) is None:
                out.append(Problem(header.sheet, None, f.header, "", _FROM_CONTEXT[f.key]))
            continue
        also = "、".join(f.synonyms[:4])
        also_en = ", ".join(f"“{a}”" for a in f.synonyms[:4])
        out.append(
            Problem(
                header.sheet,
                row,
                f.header,
                "",
                f"缺少必填列“{f.header}”（也可写作：{also}） / required column “{f.header}” is missing"
                f" (it may also be headed {also_en})",
            )
        )
    groups = [("code", "name", "村(社区)名称或单位代码", "the village (community) name or the unit code")]
    if kind == "tasks":
        groups.append(("task_id", "task_name", "任务编号或任务名称", "the task ID or the task name"))
    if kind == "problems":
        groups.append(("status", "closed", "整改状态或是否销号", "the status or whether it is closed"))
    if kind == "pairings":
        groups = [
            ("strong_code", "strong_name", "帮带村(社区)或其代码", "the helping unit or its code"),
            ("weak_code", "weak_name", "受帮带村(社区)或其代码", "the helped unit or its code"),
        ]
    for a, b, what, what_en in groups:
        if a not in have and b not in have:
            both = f"“{spec.field(a).header}”, “{spec.field(b).header}”"
            out.append(
                Problem(
                    header.sheet,
                    row,
                    spec.field(b).header,
                    "",
                    f"缺少列：{what}（至少填一列）"
                    f" / Missing column: {what_en} ({both}; at least one of them)",
                )
            )
    if spec.star_columns:
        stars = [f for f in fields if f.key.startswith("star_")]
        if not any(f.key in have for f in stars):
            names = "、".join(f.header for f in stars)
            names_en = ", ".join(f"“{f.header}”" for f in stars)
            out.append(
                Problem(
                    header.sheet,
                    row,
                    "各星",
                    "",
                    f"缺少各星列（{names}），每星填 是/否 / The star columns are missing ({names_en}):"
                    " one column per star, filled in with yes/no",
                )
            )
    return out


def _tick_columns(sheet: Sheet, header: HeaderMatch, fields: tuple[Field, ...]) -> set[str]:
    """Yes/no columns whose header, group cell or legend says 打√: a blank there means "no"."""
    bools = [f.key for f in fields if f.parse is n.parse_bool and f.key in header.columns]
    if not bools:
        return set()
    if legend_says_tick(sheet, header):
        return set(bools)
    hints = column_hints(sheet, header)
    return {k for k in bools if is_tick_hint(hints.get(header.columns[k], ""))}


def _parse_rows(
    sheet: Sheet, header: HeaderMatch, fields: tuple[Field, ...], ticks: set[str] = frozenset()
) -> tuple[pd.DataFrame, list[Problem], list[int]]:
    """Every data row under the header, parsed; the signer footer ends the table (its rows returned)."""
    rows = sheet.rows
    present = [f for f in fields if f.key in header.columns]
    values: dict[str, list[Any]] = {f.key: [] for f in present}
    raw: dict[str, list[Any]] = {f.key: [] for f in present}
    numbers: list[int] = []
    problems = []
    footer: list[int] = []
    for i in range(header.data_start, len(rows)):
        row = rows[i]
        number = sheet.excel_row(i)
        if footer or is_footer_row(row):
            if not all(is_blank(v) for v in row):
                footer.append(number)
            continue
        if is_skipped_row(row):
            continue
        numbers.append(number)
        for f in present:
            col = header.columns[f.key]
            cell = row[col] if col < len(row) else None
            raw[f.key].append(cell)
            try:
                value = f.parse(cell)
            except ValueError as exc:
                values[f.key].append(None)
                problems.append(Problem(header.sheet, number, header.labels[f.key], _show(cell), str(exc)))
                continue
            if value is None and f.key in ticks:
                value = False
            values[f.key].append(value)
    frame = pd.DataFrame({"_row": pd.array(numbers, dtype="Int64")})
    for f in present:
        frame[f.key] = pd.Series(pd.array(values[f.key], dtype=_DTYPES.get(f.parse, object)))
        frame["_raw_" + f.key] = pd.Series(raw[f.key], dtype=object)
    return frame, problems, footer


def _collapse(problems: list[Problem], sheets: list[SheetReport]) -> list[Problem]:
    """A problem that hits every row of a sheet becomes one message for the sheet, with the fix."""
    rows = {s.name: s.rows for s in sheets}
    groups: dict[tuple[str, str, str], list[Problem]] = defaultdict(list)
    for p in problems:
        if p.row is not None:
            groups[(p.sheet, p.column, p.message)].append(p)
    out = [p for p in problems if p.row is None]
    for (sheet, column, message), items in groups.items():
        total = rows.get(sheet, 0)
        if total >= 3 and len({p.row for p in items}) >= total:
            first, last = min(p.row or 0 for p in items), max(p.row or 0 for p in items)
            zh, en = _zh(message), _en(message)
            out.append(
                Problem(
                    sheet,
                    None,
                    column,
                    items[0].value,
                    f"本表全部 {total} 行（第 {first}–{last} 行）都有此问题：{zh}"
                    f" / all {total} rows of this sheet (rows {first}–{last}) have this problem: {en}",
                )
            )
        else:
            out += items
    return out


def _duplicate_problems(
    kind: Kind, frame: pd.DataFrame, labels: dict[str, str], ref: Reference
) -> list[Problem]:
    """Two rows for the same unit (and year, task, month …): both rows named, with the values that differ."""
    keys = {
        "annual": ["code", "year"],
        "tasks": ["code", "year", "task_id"],
        "monthly": ["code", "year", "month", "star_id"],
        "pairings": ["strong_code", "weak_code"],
        "locations": ["code"],
    }.get(kind)
    if not keys or not set(keys) <= set(frame.columns):
        return []
    sub = frame[frame[keys].notna().all(axis=1)]
    dup = sub[sub.duplicated(keys, keep=False)]
    if dup.empty:
        return []
    compare = [
        c
        for c in frame.columns
        if not c.startswith("_")
        and c not in keys
        and c not in ("unit_type", "county_code", "name", "township")
    ]
    names = dict(zip(ref.matcher.units["code"], ref.matcher.units["name"], strict=True))
    out = []
    for _key, group in dup.groupby(keys, sort=False):
        rows = list(group.iterrows())
        unit = rows[0][1].get("code") or rows[0][1].get("weak_code")
        label = f"{names.get(unit, '')}（{unit}）"
        label_en = f"“{names.get(unit, '')}” ({unit})"
        for i, (_, row) in enumerate(rows):
            other = rows[1][1] if i == 0 else rows[0][1]
            where = f"“{other['_sheet']}”第 {int(other['_row'])} 行"
            diffs, diffs_en = [], []
            for c in compare:
                a, b = _plain(row.get(c)), _plain(other.get(c))
                if a != b:
                    raw = "_raw_" + c
                    a_text = _one_split(_show(row.get(raw)) if raw in frame.columns else a)
                    b_text = _one_split(_show(other.get(raw)) if raw in frame.columns else b)
                    head = _one_split(labels.get(c, c))
                    diffs.append(f"{head} 本行 {a_text}、该行 {b_text}")
                    diffs_en.append(f"“{head}” here “{a_text}”, there “{b_text}”")
            detail = "；不一致之处：" + "，".join(diffs) if diffs else "；两行内容相同"
            detail_en = "; they differ in: " + "; ".join(diffs_en) if diffs_en else "; both rows are the same"
            out.append(
                Problem(
                    row["_sheet"],
                    int(row["_row"]),
                    labels.get("name", "村(社区)名称")
                    if "_raw_name" in frame.columns
                    else labels.get("code", "单位代码"),
                    _show(row.get("_raw_name") if "_raw_name" in frame.columns else unit),
                    f"与{where}是同一单位 {label}{_dup_what(kind)}，出现多行{detail}。请删去其中一行"
                    f" / the same unit {label_en}{_DUP_WHAT_EN.get(kind, '')} appears again in sheet"
                    f" “{other['_sheet']}” row {int(other['_row'])}{detail_en}. Delete one of the rows",
                )
            )
    return out


def _dup_what(kind: Kind) -> str:
    return {
        "annual": "、同一年度",
        "tasks": "、同一年度、同一任务",
        "monthly": "、同一年度、月份和星",
        "pairings": "的同一结对",
        "locations": "",
    }.get(kind, "")


_DUP_WHAT_EN = {
    "annual": " for the same year",
    "tasks": " for the same year and task",
    "monthly": " for the same year, month and star",
    "pairings": " in the same pairing",
}


def _zh(message: str) -> str:
    """The Chinese half of a "中文 / English" message (the whole message when it has one language)."""
    return message.partition(" / ")[0]


def _en(message: str) -> str:
    """The English half of a "中文 / English" message (the whole message when it has one language)."""
    zh, sep, en = message.partition(" / ")
    return en if sep else zh


def _one_split(text: Any) -> str:
    """A value from the file put into a message: a " / " inside it would split the message early."""
    return str(text).replace(" / ", "/")


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    return value.item() if isinstance(value, np.generic) else value


def _replaced(kind: Kind, frame: pd.DataFrame, ref: Reference) -> list[str]:
    """Earlier imports of the same county, year and kind that this file replaces (a corrected file)."""
    cov = ref.coverage
    if cov is None or cov.empty or "county_code" not in frame.columns:
        return []
    cov = cov[cov["kind"] == kind]
    pairs = (
        {(c, int(y)) for c, y in frame[["county_code", "year"]].dropna().itertuples(index=False)}
        if "year" in frame.columns
        else {(c, None) for c in frame["county_code"].dropna()}
    )
    counties = dict(zip(ref.units["county_code"], ref.units["county"], strict=False))
    out = []
    for (county, year), rows in cov.groupby(["county_code", "year"], dropna=False):
        key = (county, None if pd.isna(year) else int(year))
        if key not in pairs:
            continue
        last = rows.sort_values("version").iloc[-1]
        when = str(last["created_at"])[:16].replace("T", " ")
        year_text = f"{key[1]} 年" if key[1] is not None else ""
        name = counties.get(county, county)
        year_en = f" {key[1]}" if key[1] is not None else ""
        out.append(
            f"替换 {name} {year_text}的{SPECS[kind].title}：v{int(last['version'])}"
            f"（{when}，{last['user_name']}，《{last['file_name']}》）"
            f" / {translate(f'import.kind.{kind}', 'en')} of “{name}”{year_en}: v{int(last['version'])}"
            f" ({when}, {last['user_name']}, “{last['file_name']}”)"
        )
    return out


_DTYPES: dict[Callable[[Any], Any], str] = {
    n.parse_int: "Int64",
    n.parse_level: "Int64",
    n.parse_bool: "boolean",
    n.parse_float: "Float64",
}


def _show(value: Any) -> str:
    """A cell as the user typed it: whole numbers without ".0" (the reader gives floats)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = "" if value is None else str(value)
    return text if len(text) <= 80 else text[:77] + "…"


def _resolve(
    kind: Kind, frame: pd.DataFrame, ref: Reference, labels: dict[str, str], sheet: str, crs: Crs | None
) -> tuple[pd.DataFrame, list[Problem]]:
    """Units to codes, and each kind's names (stars, tasks, status) to ids."""
    problems: list[Problem] = []
    sides = ("strong", "weak") if kind == "pairings" else ("",)
    units = ref.matcher.units
    for side in sides:
        p = f"{side}_" if side else ""
        idx = []
        for r in range(len(frame)):
            own_town = _get(frame, p + "township", r)
            town = own_town or _get(frame, "township", r)  # a pairing list's 乡镇 column: the row's
            args = (_get(frame, p + "code", r), _get(frame, p + "name", r))
            found = ref.matcher.find(
                *args,
                town,
                _get(frame, "county", r),
                _get(frame, "_within", r),
                None if side else _get(frame, "_utype", r),
            )
            if isinstance(found, str) and side and town and not own_town:
                retry = ref.matcher.find(
                    *args, None, _get(frame, "county", r), _get(frame, "_within", r), None
                )
                found = retry if not isinstance(retry, str) else found
            if isinstance(found, str):
                col = p + ("code" if _get(frame, p + "code", r) else "name")
                value = _get(frame, "_raw_" + col, r)
                problems.append(
                    _row_problem(
                        frame,
                        r,
                        labels.get(col, col),
                        _show(value),
                        found,
                    )
                )
                idx.append(-1)
            else:
                idx.append(found)
        ok = np.array(idx) >= 0
        pos = np.where(ok, idx, 0)
        _set(frame, p + "code", pd.Series(np.where(ok, units["code"].to_numpy()[pos], None), dtype=object))
        _set(
            frame,
            p + "unit_type",
            pd.Series(np.where(ok, units["unit_type"].to_numpy()[pos], None), dtype=object),
        )
        _set(
            frame,
            p + "county_code",
            pd.Series(np.where(ok, units["county_code"].to_numpy()[pos], None), dtype=object),
        )
    if kind == "annual":
        for utype in sorted(set(frame["unit_type"].dropna())):
            who = "村" if utype == "rural" else "社区"
            for sid, name in ref.stars.loc[
                ref.stars["unit_type"] == utype, ["star_id", "star_name"]
            ].itertuples(index=False):
                missing = frame["unit_type"].eq(utype) & (
                    frame[f"star_{sid}"].isna() if f"star_{sid}" in frame.columns else True
                )
                sheets_missing = (
                    frame.loc[missing, "_sheet"].unique()
                    if f"star_{sid}" not in frame.columns
                    else [
                        s
                        for s in frame.loc[missing, "_sheet"].unique()
                        if frame.loc[frame["_sheet"].eq(s) & frame["unit_type"].eq(utype), f"star_{sid}"]
                        .isna()
                        .all()
                    ]
                )
                problems += [
                    Problem(
                        str(where),
                        None,
                        name,
                        "",
                        f"表中有{who}，但缺少“{name}”列（每星填 是/否，或打√） / the sheet lists"
                        f" {'villages' if utype == 'rural' else 'communities'} but has no “{name}” column"
                        " (one column per star: yes/no, or a tick)",
                    )
                    for where in sheets_missing
                ]
    if kind == "tasks":
        problems += _resolve_tasks(frame, ref, labels, sheet)
    if kind in ("monthly", "problems"):
        problems += _resolve_stars(frame, ref, labels, sheet, required=kind == "monthly")
    if kind == "monthly":
        _default_totals(frame, ref)
    if kind == "problems":
        problems += _resolve_problem_fields(frame, ref, labels, sheet)
    if kind == "locations":
        problems += _convert_points(frame, ref, labels, sheet, crs)
    return frame, problems


_LISTS = threading.local()  # per thread (Streamlit sessions run in threads), reset by check_file


def _set(frame: pd.DataFrame, column: str, values: Any) -> None:
    """Assign a column and drop its cached list (see ``_get``)."""
    frame[column] = values
    getattr(_LISTS, "cache", {}).pop((id(frame), column), None)


def _get(frame: pd.DataFrame, column: str, r: int) -> Any:
    """One cell as a plain Python value (None for any missing marker).

    Reads from a cache of column lists: ``frame.at`` costs ~60 µs a call, which is seconds
    over a province-wide file. (Not ``frame.attrs``: pandas deep-copies attrs on every operation.)
    """
    if column not in frame.columns:
        return None
    cache = _LISTS.__dict__.setdefault("cache", {})
    values = cache.get((id(frame), column))
    if values is None or len(values) != len(frame):
        values = cache[(id(frame), column)] = frame[column].astype(object).tolist()
    value = values[r]
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    return value.item() if isinstance(value, np.generic) else value


def _resolve_tasks(frame: pd.DataFrame, ref: Reference, labels: dict[str, str], sheet: str) -> list[Problem]:
    by_id = {
        (y, tid): (t, s)
        for y, t, tid, s in ref.tasks[["year", "unit_type", "task_id", "star_id"]].itertuples(index=False)
    }
    by_name = {
        (y, t, n.clean_text(name)): tid
        for y, t, tid, name in ref.tasks[["year", "unit_type", "task_id", "name"]].itertuples(index=False)
    }
    out, ids = [], []
    for r in range(len(frame)):
        year, utype = _get(frame, "year", r), _get(frame, "unit_type", r)
        tid, name = _get(frame, "task_id", r), _get(frame, "task_name", r)
        if year is None or utype is None:
            ids.append(None)
            continue
        found = None
        if tid:
            hit = by_id.get((year, tid))
            if hit and hit[0] == utype:
                found = tid
            else:
                why = "不是该类型单位（村/社区）的任务" if hit else f"不在 {year} 年任务清单中"
                why_en = (
                    "is not a task of this type of unit (village/community)"
                    if hit
                    else f"is not in the {year} task list"
                )
                out.append(
                    _row_problem(
                        frame,
                        r,
                        labels["task_id"],
                        tid,
                        f"任务编号 {tid} {why} / Task ID “{tid}” {why_en}",
                    )
                )
        elif name:
            found = by_name.get((year, utype, n.clean_text(name)))
            if not found:
                out.append(
                    _row_problem(
                        frame,
                        r,
                        labels["task_name"],
                        _show(name),
                        f"任务“{_one_split(name)}”不在 {year} 年该类型单位的任务清单中；请改填任务编号"
                        f" / Task “{_one_split(name)}” is not in the {year} task list of this type of unit:"
                        " enter the task ID instead",
                    )
                )
        else:
            out.append(
                _row_problem(
                    frame,
                    r,
                    labels.get("task_id", "任务编号"),
                    "",
                    "未填写任务编号或任务名称 / Neither a task ID nor a task name is filled in",
                )
            )
        ids.append(found)
    _set(frame, "task_id", pd.Series(ids, dtype=object))
    return out


def _star_lookup(ref: Reference) -> dict[tuple[str, str], str]:
    out = {}
    for utype, sid, name in ref.stars[["unit_type", "star_id", "star_name"]].itertuples(index=False):
        for alias in (sid, name, name.removesuffix("星")):
            out[(utype, n.clean_text(alias) or "")] = sid
    return out


def _resolve_stars(
    frame: pd.DataFrame, ref: Reference, labels: dict[str, str], sheet: str, required: bool
) -> list[Problem]:
    lookup = _star_lookup(ref)
    out, ids = [], []
    for r in range(len(frame)):
        star, utype = _get(frame, "star", r), _get(frame, "unit_type", r)
        sid = lookup.get((utype, star)) if star and utype else None
        if star and utype and not sid:
            names = "、".join(ref.stars.loc[ref.stars["unit_type"] == utype, "star_name"])
            kind = "村" if utype == "rural" else "社区"
            kind_en = "village" if utype == "rural" else "community"
            names_en = ", ".join(
                f"“{s}”" for s in ref.stars.loc[ref.stars["unit_type"] == utype, "star_name"]
            )
            out.append(
                _row_problem(
                    frame,
                    r,
                    labels["star"],
                    star,
                    f"“{star}”不是{kind}的星；应为：{names} / “{star}” is not a star of a {kind_en};"
                    f" it should be one of: {names_en}",
                )
            )
        ids.append(sid)
    _set(frame, "star_id", pd.Series(ids, dtype=object))
    return out


def _default_totals(frame: pd.DataFrame, ref: Reference) -> None:
    counts = ref.tasks.groupby(["year", "unit_type", "star_id"]).size().to_dict()
    default = [
        counts.get((y, t, s))
        for y, t, s in zip(frame["year"], frame["unit_type"], frame["star_id"], strict=True)
    ]
    if "tasks_total" not in frame.columns:
        _set(frame, "tasks_total", pd.Series(default, dtype=object))
    else:
        _set(
            frame,
            "tasks_total",
            [d if v is None else v for v, d in zip(frame["tasks_total"], default, strict=True)],
        )


def _resolve_problem_fields(
    frame: pd.DataFrame, ref: Reference, labels: dict[str, str], sheet: str
) -> list[Problem]:
    out = []
    statuses = []
    deadlines = []
    for r in range(len(frame)):
        status = _get(frame, "status", r)
        closed = _get(frame, "closed", r)
        norm = PROBLEM_STATUS.get(status) if status else None
        if closed is True:
            norm = "已销号"
        elif norm is None and "closed" in frame.columns and not status:
            norm = "整改中"  # 是否销号 left blank: still open
        deadline = _get(frame, "deadline", r)
        if isinstance(deadline, n.MonthEnd):
            year = _get(frame, "year", r) or dt.date.today().year
            nxt = dt.date(int(year) + (deadline.month == 12), deadline.month % 12 + 1, 1)
            deadline = nxt - dt.timedelta(days=1)
        elif deadline == n.LONG_TERM:
            deadline = None
        deadlines.append(deadline)
        if status and not PROBLEM_STATUS.get(status):
            out.append(
                _row_problem(
                    frame,
                    r,
                    labels["status"],
                    status,
                    "整改状态应为 未启动、整改中 或 已销号 / The status should be “未启动” (not started),"
                    " “整改中” (in progress) or “已销号” (closed)",
                )
            )
        statuses.append(norm)
    _set(frame, "status", pd.Series(statuses, dtype=object))
    if "deadline" in frame.columns:
        _set(frame, "deadline", pd.Series(deadlines, dtype=object))
    if "task" in frame.columns:
        by_id = set(ref.tasks["task_id"])
        by_name = {
            (y, n.clean_text(nm)): t
            for y, t, nm in ref.tasks[["year", "task_id", "name"]].itertuples(index=False)
        }
        ids = []
        for r in range(len(frame)):
            task = _get(frame, "task", r)
            tid = (
                task
                if task in by_id
                else by_name.get((_get(frame, "year", r), n.clean_text(task)))
                if task
                else None
            )
            ids.append(tid)  # free text that names no task is kept as problem text only
        _set(frame, "task_id", pd.Series(ids, dtype=object))
    return out


def _convert_points(
    frame: pd.DataFrame, ref: Reference, labels: dict[str, str], sheet: str, crs: Crs | None
) -> list[Problem]:
    from xingtu.domain.geo import to_gcj02  # local: shapely is only needed for this kind

    if crs is None:
        return [
            Problem(
                str(frame["_sheet"].iloc[0]) if len(frame) else sheet,
                None,
                "坐标系",
                "",
                "请选择文件的坐标系：WGS-84（GPS）、GCJ-02（高德/腾讯）或 BD-09（百度）"
                " / Choose the file's coordinate system: WGS-84 (GPS), GCJ-02 (Amap/Tencent)"
                " or BD-09 (Baidu)",
            )
        ]
    lon = pd.to_numeric(frame.get("lon"), errors="coerce").to_numpy(dtype=float)
    lat = pd.to_numeric(frame.get("lat"), errors="coerce").to_numpy(dtype=float)
    swapped = (lat > 100) & (lon < 50)
    box = (lon >= HENAN_BOX[0]) & (lon <= HENAN_BOX[2]) & (lat >= HENAN_BOX[1]) & (lat <= HENAN_BOX[3])
    far = ~box & ~swapped & ~np.isnan(lon) & ~np.isnan(lat)
    out = [
        _row_problem(
            frame,
            r,
            labels["lon"],
            f"{lon[r]}, {lat[r]}",
            "经度和纬度似乎填反了（河南经度约 110–117，纬度约 31–37） / Longitude and latitude seem to be"
            " swapped (in Henan the longitude is about 110–117, the latitude about 31–37)"
            if swapped[r]
            else "坐标不在河南范围内（经度 110–117，纬度 31–37） / The point is outside Henan"
            " (longitude 110–117, latitude 31–37)",
        )
        for r in np.flatnonzero(swapped | far)
    ]
    glon, glat = to_gcj02(lon, lat, crs)
    _set(frame, "lon", glon)
    _set(frame, "lat", glat)
    if ref.host_polygons is None:
        return out
    hosts, polygons = ref.host_polygons()
    import shapely

    for r in np.where(box)[0]:
        county = _get(frame, "county_code", r)
        poly = polygons.get(hosts.get(county, "")) if county else None
        if poly is None:
            continue
        point = shapely.Point(glon[r], glat[r])
        if not poly.buffer(OUTSIDE_TOLERANCE_DEG).contains(point):
            km = poly.distance(point) * 111
            out.append(
                _row_problem(
                    frame,
                    r,
                    labels["lon"],
                    f"{lon[r]}, {lat[r]}",
                    f"换算为 GCJ-02 后位于所属县区边界外约 {km:.1f} 公里；"
                    "请核对坐标或所选坐标系（不会自动挪动）"
                    f" / After conversion to GCJ-02 the point lies about {km:.1f} km outside its county's"
                    " boundary: check the coordinates or the chosen coordinate system (it is not moved"
                    " automatically)",
                )
            )
    return out


# --- the schema --------------------------------------------------------------------------------

_MESSAGES = {
    "not_nullable": "必填，不能为空 / Required: may not be blank",
    "multiple_fields_uniqueness": "与其他行重复 / Repeats another row",
    "year_in_store": "年度不在本数据集的年度内 / The year is not one of this dataset's years",
    "level_range": "星级应为 0–5 / The star level should be 0–5",
    "target_range": "创建目标应为 一星–五星（1–5） / The target should be one to five stars (1–5)",
    "level_equals_stars": "评定星级与所得星数不一致 / The star level does not equal the number of stars held",
    "month_range": "月份应为 1–12 / The month should be 1–12",
    "met_range": "已达标任务数应在 0 与任务总数之间 / Tasks met should be between 0 and the number of tasks",
    "total_positive": "任务总数应大于 0 / The number of tasks should be more than 0",
    "closed_needs_status": "填了销号日期，但整改状态不是“已销号”"
    " / A closing date is filled in, but the status is not “已销号” (closed)",
    "closed_after_start": "销号日期不合理（早于 2015 年或晚于整改时限一年以上）"
    " / The closing date is implausible (before 2015, or more than a year after the deadline)",
    "date_range": "日期不合理（应在 2015–2035 年之间） / Implausible date (should be between 2015 and 2035)",
    "not_self": "帮带与受帮带是同一个单位 / The helping and the helped unit are the same unit",
    "deadline_given": "必填：整改时限（日期、“10月底前”或“长期坚持”） / Required: the deadline (a date,"
    " “10月底前” = by the end of October, or “长期坚持” = ongoing)",
}


def _schema_problems(
    kind: Kind, frame: pd.DataFrame, ref: Reference, labels: dict[str, str], sheet: str
) -> list[Problem]:
    """Validate the resolved frame with pandera and turn its failure cases into located problems."""
    if frame.empty:
        return []
    schema, attribute = _schema(kind, frame, ref)
    keys = [c for c in ("code", "strong_code", "weak_code") if c in frame.columns]
    matched = frame[frame[keys].notna().all(axis=1)]  # unmatched rows are rejected already
    try:
        schema.validate(matched, lazy=True)
    except pa.errors.SchemaErrors as err:
        return _to_problems(err.failure_cases, frame, labels, sheet, attribute, kind, ref)
    return []


def _schema(kind: Kind, frame: pd.DataFrame, ref: Reference) -> tuple[pa.DataFrameSchema, dict[str, str]]:
    years = set(ref.years)
    cols: dict[str, pa.Column] = {}
    checks: list[pa.Check] = []
    attribute: dict[str, str] = {}  # dataframe-level check name -> column it reports under
    unique: list[str] | None = None

    def col(name: str, *cks: pa.Check, nullable: bool = False) -> None:
        cols[name] = pa.Column(None, list(cks), nullable=nullable, required=False)

    def row_check(name: str, column: str, fn: Callable[[pd.DataFrame], pd.Series]) -> None:
        checks.append(pa.Check(fn, name=name))
        attribute[name] = column

    del years
    in_years = pa.Check(lambda s: s.between(CAMPAIGN_START, ref.max_year), name="year_in_store")
    if kind in ("annual", "tasks", "monthly", "problems"):
        col("code")
        col("year", in_years)
    if kind == "annual":
        col("level", pa.Check(lambda s: s.between(0, 5), name="level_range"))
        col("target_level", pa.Check(lambda s: s.between(1, 5), name="target_range"))
        unique = ["code", "year"]
        star_cols = [c for c in frame.columns if c.startswith("star_")]
        for utype in ("rural", "urban"):
            own = {f"star_{s}" for s in ref.stars.loc[ref.stars["unit_type"] == utype, "star_id"]}
            for c in star_cols:
                if c in own:
                    row_check(
                        f"star_needed:{c}:{utype}",
                        c,
                        lambda d, c=c, t=utype: (d["unit_type"] != t) | d[c].notna(),
                    )
                else:
                    row_check(
                        f"star_foreign:{c}:{utype}",
                        c,
                        lambda d, c=c, t=utype: (d["unit_type"] != t) | ~d[c].fillna(False).astype(bool),
                    )
        row_check(
            "level_equals_stars",
            "level",
            lambda d: _held_count(d, ref).eq(d["level"]) | d["level"].isna() | d["unit_type"].isna(),
        )
    if kind == "tasks":
        col("task_id")
        col("met")
        unique = ["code", "year", "task_id"]
    if kind == "monthly":
        col("month", pa.Check(lambda s: s.between(1, 12), name="month_range"))
        col("star_id")
        col("tasks_met")
        col("tasks_total", pa.Check(lambda s: s > 0, name="total_positive"))
        row_check(
            "met_range", "tasks_met", lambda d: (d["tasks_met"] >= 0) & (d["tasks_met"] <= d["tasks_total"])
        )
        unique = ["code", "year", "month", "star_id"]
    if kind == "problems":
        col("problem")
        col("status")
        col("deadline", pa.Check(_date_ok, name="date_range"), nullable=True)
        row_check(
            "deadline_given",
            "deadline",
            lambda d: (
                d["deadline"].notna()
                | d.get("_raw_deadline", pd.Series("", index=d.index)).map(
                    lambda v: (
                        bool(n.clean_text(v))
                        and str(n.clean_text(v)).startswith(("长期", "持续", "常态", "长效"))
                    )
                )
            ),
        )
        if "closed_on" in frame.columns:
            col("closed_on", pa.Check(_date_ok, name="date_range"), nullable=True)
            row_check(
                "closed_needs_status",
                "closed_on",
                lambda d: d["closed_on"].isna() | (d["status"] == "已销号"),
            )
    if kind == "pairings":
        col("strong_code")
        col("weak_code")
        row_check("not_self", "weak_code", lambda d: d["strong_code"] != d["weak_code"])
        if "since" in frame.columns:
            col("since", pa.Check(_date_ok, name="date_range"), nullable=True)
        unique = ["strong_code", "weak_code"]
    if kind == "locations":
        col("code")
        col("lon")
        col("lat")
        unique = ["code"]
    del unique  # duplicates are reported by _duplicate_problems, with both rows and what differs
    schema = pa.DataFrameSchema(cols, checks=checks, strict=False, coerce=False)
    return schema, attribute


def _date_ok(s: pd.Series) -> pd.Series:
    years = s.map(lambda d: d.year if d is not None and not pd.isna(d) else 2020)
    return years.between(2015, 2035)


def _held_count(d: pd.DataFrame, ref: Reference) -> pd.Series:
    total = pd.Series(0, index=d.index)
    for utype in ("rural", "urban"):
        mask = d["unit_type"] == utype
        for s in ref.stars.loc[ref.stars["unit_type"] == utype, "star_id"]:
            c = f"star_{s}"
            if c in d.columns:
                total = total + (mask & (d[c] == True)).astype(int)  # noqa: E712
    return total


def _to_problems(
    cases: pd.DataFrame,
    frame: pd.DataFrame,
    labels: dict[str, str],
    sheet: str,
    attribute: dict[str, str],
    kind: Kind,
    ref: Reference,
) -> list[Problem]:
    out: dict[tuple[int, str, str], Problem] = {}
    years = f"{min(ref.years)}–{max(ref.years)}" if ref.years else "（无）"
    years_en = years if ref.years else "none"
    for check, column, index in cases[["check", "column", "index"]].itertuples(index=False):
        if index is None or pd.isna(index):
            continue
        check = str(check)
        if check == "not_nullable" and column in ("code", "strong_code", "weak_code", "task_id"):
            continue  # a unit or task that could not be matched, already reported with the reason
        if column == "star_id":
            column = "star"  # derived from the 星 column: report it there
        name = check.split(":")[0]
        target = attribute.get(check, column if isinstance(column, str) else "")
        if name == "multiple_fields_uniqueness":
            target = "code" if "code" in frame.columns else target
        key = (int(index), name, target)
        if key in out:
            continue
        r = int(index)
        raw_col = "_raw_" + target if "_raw_" + target in frame.columns else target
        value = _show(frame.at[r, raw_col]) if raw_col in frame.columns else ""
        message = _MESSAGES.get(name, check)
        if name == "year_in_store":
            year = frame.at[r, "year"]
            if year is not None and not pd.isna(year) and int(year) < CAMPAIGN_START:
                message = (
                    f"五星支部创建自 {CAMPAIGN_START} 年开始，{int(year)} 年早于创建开始，不能导入"
                    f" / The campaign began in {CAMPAIGN_START}: {int(year)}"
                    " is earlier and cannot be imported"
                )
            else:
                message = (
                    f"年度最晚为 {ref.max_year} 年（本数据集已有 {years}，可新增下一年度）"
                    f" / The latest year that can be imported is {ref.max_year} (the dataset has {years_en};"
                    " the next year may be added)"
                )
        elif name == "level_equals_stars":
            held = int(_held_count(frame.loc[[r]], ref).iloc[0])
            message = (
                f"评定星级为 {frame.at[r, 'level']}，但各星列中“是”有 {held} 个；二者应相等，请核对"
                f" / The star level is {frame.at[r, 'level']}, but {held} of the star columns say yes;"
                " the two"
                " should be equal, please check"
            )
        elif name in ("star_needed", "star_foreign"):
            who = "村" if check.endswith("rural") else "社区"
            who_en = "village" if check.endswith("rural") else "community"
            star = labels.get(target, target)
            message = (
                f"该单位是{who}，须填写“{star}”（是/否） / This unit is a {who_en}: fill in “{star}” (yes/no)"
                if name == "star_needed"
                else f"“{star}”不属于{who}的五星，该单位不应获得此星 / “{star}” is not one of a {who_en}'s"
                " five stars: this unit cannot hold it"
            )
        elif name == "multiple_fields_uniqueness":
            message = {
                "annual": "同一单位同一年度出现多行 / The same unit and year appear in several rows",
                "tasks": "同一单位、年度、任务出现多行 / The same unit, year and task appear in several rows",
                "monthly": "同一单位、年度、月份、星出现多行 / The same unit, year, month and star appear in"
                " several rows",
                "pairings": "同一结对出现多行 / The same pairing appears in several rows",
                "locations": "同一单位出现多行 / The same unit appears in several rows",
            }.get(kind, message)
        out[key] = _row_problem(frame, r, labels.get(target, target), value, message)
    return sorted(out.values(), key=lambda p: (p.row or 0, p.column))
