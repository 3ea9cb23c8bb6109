"""What a workbook says around its table: the year, the region and the unit type.

County files often carry these only in the title rows (``源汇区2022年度五星支部创建评定结果汇总表``),
the sheet name (``农村`` / ``城市社区`` / a township's name) or the file name
(``舞阳县2025年问题整改清单（终）.xlsx``), not in a column. This module reads them from those
three places, says where each came from, and lets the user override any of them. Pure: the
regions it matches against come from the caller.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

import pandas as pd

from xingtu.imports.normalise import clean_text

CAMPAIGN_START = 2022  # the first assessment year of the 五星支部创建 campaign

SOURCE_TITLE = "标题"
SOURCE_SHEET = "工作表名"
SOURCE_FILE = "文件名"
SOURCE_COLUMN = "列"
SOURCE_USER = "手动指定"
SOURCE_EN = {
    SOURCE_TITLE: "title",
    SOURCE_SHEET: "sheet name",
    SOURCE_FILE: "file name",
    SOURCE_COLUMN: "column",
    SOURCE_USER: "set by you",
}

_YEAR = re.compile(r"(20\d{2})\s*(?:年度|年)")
_YEAR_BARE = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_MONTH = re.compile(r"(?<!\d)(1[0-2]|0?[1-9])\s*月份|年\s*(1[0-2]|0?[1-9])\s*月(?!\s*\d)")
_SHORT_ZONE = (("经济技术开发区", "经开区"), ("高新技术产业开发区", "高新区"), ("产业集聚区", "集聚区"))


@dataclass(frozen=True)
class Overrides:
    """What the user states instead of (or besides) what the file says."""

    year: int | None = None
    region: str | None = None  # a region code (city, county or township)
    unit_type: str | None = None  # "rural" | "urban"
    month: int | None = None


@dataclass(frozen=True)
class Context:
    """A sheet's context and where each part came from (a SOURCE_* string, or "")."""

    year: int | None = None
    year_source: str = ""
    region_code: str | None = None
    region_name: str = ""
    region_level: str = ""  # city | county | township
    region_source: str = ""
    unit_type: str | None = None
    unit_type_source: str = ""
    month: int | None = None
    month_source: str = ""
    ambiguous_region: tuple[str, ...] = ()  # names seen that fit several regions
    named: tuple[tuple[str, str], ...] = ()  # every (region code, source) named in title, sheet, file name


class RegionNames:
    """Every city, county and township name of the store, for finding them inside free text."""

    def __init__(self, regions: pd.DataFrame) -> None:
        rows = regions[regions["level"].isin(["city", "county", "township"])]
        self.info: dict[str, tuple[str, str, str, str]] = {}  # code -> (name, level, county, city)
        by_name: dict[str, list[str]] = {}
        for code, name, level, county, city in rows[
            ["code", "name", "level", "county_code", "city_code"]
        ].itertuples(index=False):
            self.info[code] = (name, level, county or "", city or "")
            for variant in _name_variants(name, level, self._county_name(rows, county)):
                by_name.setdefault(variant, []).append(code)
        # longest names first, so 漯河经济技术开发区 wins over 漯河 inside it
        self.names = sorted(by_name.items(), key=lambda kv: -len(kv[0]))

    @staticmethod
    def _county_name(rows: pd.DataFrame, county: str | None) -> str:
        if not county:
            return ""
        hit = rows.loc[rows["code"] == county, "name"]
        return str(hit.iloc[0]) if len(hit) else ""

    def find(self, text: str) -> tuple[list[str], list[str]]:
        """Region codes named in ``text`` (longest, non-overlapping matches), and ambiguous names."""
        text = clean_text(text) or ""
        taken = [False] * len(text)
        found: list[str] = []
        ambiguous: list[str] = []
        for name, codes in self.names:
            start = text.find(name)
            while start >= 0:
                end = start + len(name)
                if not any(taken[start:end]):
                    for i in range(start, end):
                        taken[i] = True
                    if len(codes) == 1:
                        found.append(codes[0])
                    else:
                        found.extend(codes)
                        ambiguous.append(name)
                start = text.find(name, end)
        return found, ambiguous

    def name(self, code: str) -> str:
        return self.info.get(code, ("", "", "", ""))[0]

    def level(self, code: str) -> str:
        return self.info.get(code, ("", "", "", ""))[1]

    def resolve(self, codes: Iterable[str]) -> str | None:
        """The finest region consistent with all named ones (a township inside the named county).

        A name that fits several townships is kept only where it lies inside the county or
        city also named; two counties of one city (a city-wide file) give the city.
        """
        codes = [c for c in dict.fromkeys(codes) if c in self.info]
        for level in ("township", "county", "city"):
            cands = [
                c
                for c in codes
                if self.level(c) == level
                and all(
                    c.startswith(_prefix(p, self.level(p)))
                    for p in codes
                    if _RANK[self.level(p)] > _RANK[level]
                )
            ]
            if len(cands) == 1:
                return cands[0]
            if len(cands) > 1:
                parents = {self.info[c][2] if level == "township" else self.info[c][3] for c in cands}
                if len(parents) == 1 and (parent := parents.pop()) in self.info:
                    return parent
                return None
        return None


_RANK = {"township": 0, "county": 1, "city": 2}


def _prefix(code: str, level: str) -> str:
    return {"city": code[:4], "county": code[:6], "township": code[:9]}.get(level, code)


def region_prefix(code: str | None, level: str) -> str | None:
    return _prefix(code, level) if code else None


def _name_variants(name: str, level: str, county_name: str) -> list[str]:
    name = clean_text(name) or ""
    out = [name]
    if (
        level == "township"
        and county_name
        and name.startswith(county_name)
        and len(name) > len(county_name) + 1
    ):
        out.append(name[len(county_name) :])  # 濮阳县习城乡 is written 习城乡
    for long, short in _SHORT_ZONE:
        if long in name:
            out.append(name.replace(long, short))
    if level == "city" and name.endswith("市") and len(name) >= 3:
        pass  # 漯河 alone is too often part of another name (漯河经开区): keep the full 漯河市
    return [v for v in dict.fromkeys(out) if len(v) >= 2]


def find_year(text: str) -> int | None:
    """The assessment year named in a title or file name: 2022年度, 2022年, or a bare 2022."""
    text = clean_text(text) or ""
    hit = _YEAR.search(text) or _YEAR_BARE.search(text)
    return int(hit.group(1)) if hit else None


def find_month(text: str) -> int | None:
    text = clean_text(text) or ""
    hit = _MONTH.search(text)
    if not hit:
        return None
    return int(hit.group(1) or hit.group(2))


def find_unit_type(text: str) -> str | None:
    """农村 / 村 sheets hold villages, 城市社区 / 社区 sheets communities; 村（社区） names both."""
    text = clean_text(text) or ""
    has_village = "村" in text.replace("村(社区)", "").replace("村(居)", "")
    has_community = "社区" in text.replace("村(社区)", "")
    if "农村" in text and not has_community:
        return "rural"
    if has_community and not has_village:
        return "urban"
    if has_village and not has_community:
        return "rural"
    return None


def infer_context(
    title_lines: Iterable[str],
    sheet_name: str,
    file_name: str,
    names: RegionNames,
    overrides: Overrides | None = None,
) -> Context:
    """The year, region, unit type (and month) from the title rows, the sheet name and the file name.

    The title wins over the sheet name, which wins over the file name; the user's overrides win
    over all. The region is the finest one the three agree on (a township named in a sheet
    name, inside the county named in the title).
    """
    title = " ".join(t for t in title_lines if t)
    stem = file_name.rsplit(".", 1)[0] if "." in file_name else file_name
    places = ((title, SOURCE_TITLE), (sheet_name, SOURCE_SHEET), (stem, SOURCE_FILE))
    ctx = Context()
    for text, source in places:
        if ctx.year is None and (year := find_year(text)) is not None:
            ctx = replace(ctx, year=year, year_source=source)
        if ctx.month is None and (month := find_month(text)) is not None:
            ctx = replace(ctx, month=month, month_source=source)
        if ctx.unit_type is None and (utype := find_unit_type(_without_region_words(text))) is not None:
            ctx = replace(ctx, unit_type=utype, unit_type_source=source)
    codes: list[str] = []
    sources: dict[str, str] = {}
    ambiguous: list[str] = []
    for text, source in places:
        found, amb = names.find(text)
        for code in found:
            sources.setdefault(code, source)
        codes += found
        ambiguous += amb
    ctx = replace(ctx, named=tuple(sources.items()))
    region = names.resolve(codes)
    if region is not None:
        ctx = replace(
            ctx,
            region_code=region,
            region_name=names.name(region),
            region_level=names.level(region),
            region_source=sources.get(region, SOURCE_TITLE),
        )
    elif ambiguous:
        ctx = replace(ctx, ambiguous_region=tuple(dict.fromkeys(ambiguous)))
    if overrides is not None:
        if overrides.year is not None:
            ctx = replace(ctx, year=overrides.year, year_source=SOURCE_USER)
        if overrides.month is not None:
            ctx = replace(ctx, month=overrides.month, month_source=SOURCE_USER)
        if overrides.unit_type is not None:
            ctx = replace(ctx, unit_type=overrides.unit_type, unit_type_source=SOURCE_USER)
        if overrides.region:
            ctx = replace(
                ctx,
                region_code=overrides.region,
                region_name=names.name(overrides.region) or overrides.region,
                region_level=names.level(overrides.region),
                region_source=SOURCE_USER,
                ambiguous_region=(),
            )
    return ctx


def _without_region_words(text: str) -> str:
    """Campaign words that contain 村 or 社区 but name no unit type (村（社区）党组织 …)."""
    text = clean_text(text) or ""
    for word in ("村(社区)", "村(居)", "村级", "乡村振兴", "村社区"):
        text = text.replace(word, "")
    return text
