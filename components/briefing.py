"""县区简报: one printable A4 page of a scope for meetings — the headline numbers, a map of the
units by level, the years, the most failed tasks and the longest overdue problems.

One self-contained HTML file: no JavaScript, no external address (fonts by name; the map and
the trend are inline SVG), every text from the data escaped. Printing it, or saving it as PDF
from the browser, gives one A4 page. It is built only when someone clicks download, on
Streamlit's download thread, so the builders take the language as a value and call no
Streamlit.
"""

from __future__ import annotations

import functools
import html
import math
from collections.abc import Callable, Sequence
from typing import NamedTuple

import pandas as pd
import streamlit as st

from components import level_chart, view
from components.theme import LEVEL_COLORS, TEXT_COLOR
from components.view import t
from xingtu.domain.metrics import format_change, format_metric
from xingtu.export import file_stem
from xingtu.i18n import translate
from xingtu.reference.boundaries import Ring
from xingtu.store import access
from xingtu.store.versions import holds_sample
from xingtu.store.views import Briefing
from xingtu.viewstate import Lang

FONTS = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'
MAP_SIZE = (340, 268)  # CSS px; the page is 718 px wide between 10 mm margins
TREND_SIZE = (350, 150)
OUTLINE_FILL, OUTLINE_LINE, INNER_LINE = "#F6F4F0", "#7A7A7A", "#C9C4BC"
GOOD, BAD = "#1E7B45", "#B3261E"

Tr = Callable[..., str]


def _e(value: object) -> str:
    return html.escape(str(value))


def _tr(lang: Lang) -> Tr:
    return functools.partial(translate, lang=lang)


def _int(value: object) -> int:
    """A count from a summary (NULL when the scope has no units) as an int."""
    return 0 if value is None or pd.isna(value) else int(value)  # type: ignore[arg-type]


# --- the map ---------------------------------------------------------------------------------


def compute_bounds(
    brief: Briefing, pad_share: float = 0.08, min_span: float = 0.02
) -> tuple[float, float, float, float] | None:
    """The map's extent: the scope's own outline, or else its units (a zone, a township) with a
    margin, so a functional zone's points are not lost in the whole host city. Units are always
    inside it (a simplified outline can pass just inside a unit near the border)."""
    lon, lat = brief.units["lon"].astype(float), brief.units["lat"].astype(float)
    if brief.fit_outline:
        lons = [x for ring in brief.outline for x, _ in ring] + lon.tolist()
        lats = [y for ring in brief.outline for _, y in ring] + lat.tolist()
        return min(lons), min(lats), max(lons), max(lats)
    if brief.units.empty:
        return None
    pad_x = max((lon.max() - lon.min()) * pad_share, min_span / 2)
    pad_y = max((lat.max() - lat.min()) * pad_share, min_span / 2)
    return lon.min() - pad_x, lat.min() - pad_y, lon.max() + pad_x, lat.max() + pad_y


def compute_projection(
    bounds: tuple[float, float, float, float], width: float, height: float, pad: float = 4
) -> Callable[[float, float], tuple[float, float]]:
    """Equirectangular lon/lat → SVG x/y fitting ``bounds`` in the box, centred, north up.

    A county spans well under a degree, so the cosine of its middle latitude is the only
    correction worth making.
    """
    min_lon, min_lat, max_lon, max_lat = bounds
    k = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x, span_y = max((max_lon - min_lon) * k, 1e-9), max(max_lat - min_lat, 1e-9)
    scale = min((width - 2 * pad) / span_x, (height - 2 * pad) / span_y)
    ox = (width - span_x * scale) / 2
    oy = (height - span_y * scale) / 2

    def project(lon: float, lat: float) -> tuple[float, float]:
        return ox + (lon - min_lon) * k * scale, oy + (max_lat - lat) * scale

    return project


def _path(rings: Sequence[Ring], project: Callable[[float, float], tuple[float, float]]) -> str:
    parts = []
    for ring in rings:
        points: list[str] = []
        for lon, lat in ring:
            x, y = project(lon, lat)
            point = f"{x:.1f},{y:.1f}"
            if not points or points[-1] != point:
                points.append(point)
        if len(points) > 2:
            parts.append("M" + "L".join(points) + "Z")
    return "".join(parts)


def build_map_svg(brief: Briefing, label: str, size: tuple[int, int] = MAP_SIZE) -> str:
    """The scope's outline (and its counties or cities), the units as dots coloured by level."""
    width, height = size
    bounds = compute_bounds(brief)
    if bounds is None:
        return ""
    project = compute_projection(bounds, width, height)
    shapes = []
    outline = _path(brief.outline, project)
    if outline:
        shapes.append(
            f'<path d="{outline}" fill="{OUTLINE_FILL}" stroke="{OUTLINE_LINE}" '
            'stroke-width="1.2" fill-rule="evenodd" stroke-linejoin="round"/>'
        )
    inner = _path(brief.inner, project)
    if inner:
        shapes.append(f'<path d="{inner}" fill="none" stroke="{INNER_LINE}" stroke-width="0.7"/>')
    n = len(brief.units)
    radius = 3.4 if n <= 300 else 2.4 if n <= 1500 else 1.6
    edge = ' stroke="white" stroke-width="0.6"' if n <= 1500 else ""
    for level in sorted(LEVEL_COLORS):  # 五星 drawn last, on top
        part = brief.units[brief.units["level"] == level]
        if part.empty:
            continue
        dots = "".join(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}"/>'
            for x, y in (
                project(float(lon), float(lat)) for lon, lat in zip(part["lon"], part["lat"], strict=True)
            )
        )
        shapes.append(f'<g fill="{LEVEL_COLORS[level]}"{edge}>{dots}</g>')
    return (
        f'<svg class="map" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{_e(label)}">{"".join(shapes)}</svg>'
    )


# --- the years -------------------------------------------------------------------------------


def build_trend_svg(brief: Briefing, tr: Tr, size: tuple[int, int] = TREND_SIZE) -> str:
    """One stacked column per year (the share at each level, 五星 on top), mean stars above it."""
    width, height = size
    trend, metrics = brief.level_trend, brief.year_metrics
    years = sorted(int(y) for y in metrics["year"].unique()) if len(metrics) else []
    if not years:
        return ""
    left, right, top, bottom = 30, 6, 16, 16
    plot_h = height - top - bottom
    band = (width - left - right) / len(years)
    bar = min(band * 0.56, 54)
    parts = []
    for share in (0.0, 0.5, 1.0):
        y = top + plot_h * (1 - share)
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#E4E4E4"/>'
            f'<text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end" class="ax">{share:.0%}</text>'
        )
    mean_label = tr("briefing.trend.mean")
    for i, year in enumerate(years):
        x = left + band * i + (band - bar) / 2
        mix = trend[trend["year"] == year]
        total = max(int(mix["units"].sum()), 1)
        base = top + plot_h
        for level in sorted(LEVEL_COLORS):
            units = int(mix.loc[mix["level"] == level, "units"].sum())
            h = plot_h * units / total
            if h <= 0:
                continue
            base -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{LEVEL_COLORS[level]}"/>'
            )
            if units / total >= 0.09:
                color = "white" if level >= 3 else TEXT_COLOR
                parts.append(
                    f'<text x="{x + bar / 2:.1f}" y="{base + h / 2 + 3.5:.1f}" text-anchor="middle" '
                    f'class="in" fill="{color}">{units / total:.0%}</text>'
                )
        mean = float(metrics.loc[metrics["year"] == year, "mean_stars"].iloc[0])
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{top - 4}" text-anchor="middle" class="mean">'
            f"{_e(mean_label)} {mean:.2f}</text>"
            f'<text x="{x + bar / 2:.1f}" y="{height - 3}" text-anchor="middle" class="ax">{year}</text>'
        )
    return (
        f'<svg class="trend" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{_e(tr("briefing.trend"))}">{"".join(parts)}</svg>'
    )


# --- numbers and tables ----------------------------------------------------------------------


class Kpi(NamedTuple):
    label: str
    value: str
    note: str = ""  # the change against the previous year, or what the number is as of
    tone: str = "flat"  # good | bad | flat
    share: str = ""  # of all units, next to the value


def compute_kpis(brief: Briefing, tr: Tr) -> list[Kpi]:
    """Eight tiles: units, 五星/四星/三星 (with their share), mean stars, share ≥ 3 stars, below
    target, overdue problems; changes against the previous year where there is one."""
    s, p = brief.summary, brief.prev_summary

    def units_at(counts: pd.DataFrame | None, level: int) -> int:
        if counts is None:
            return 0
        return int(counts.loc[counts["level"] == level, "units"].sum())

    def change(now: float, before: float | None, metric: str, higher_is_better: bool) -> tuple[str, str]:
        if before is None or math.isnan(now) or math.isnan(before):
            return "", "flat"
        diff = now - before
        good = diff > 0 if higher_is_better else diff < 0
        tone = "flat" if abs(diff) < 1e-12 else "good" if good else "bad"
        return format_change(metric, diff), tone

    total = max(_int(s["units"]), 1)
    tiles = [Kpi(tr("overview.kpi.units"), f"{_int(s['units']):,}")]
    for level in (5, 4, 3):
        now = units_at(brief.counts, level)
        before = units_at(brief.prev_counts, level) if brief.prev_counts is not None else None
        tiles.append(
            Kpi(
                tr(f"level.{level}"),
                f"{now:,}",
                *change(now, before, "five_star", True),
                f"{now / total:.1%}",
            )
        )
    for metric in ("mean_stars", "share_ge3"):
        now = float(s[metric]) if s[metric] is not None else math.nan
        before = float(p[metric]) if p and p.get(metric) is not None and not pd.isna(p[metric]) else None
        tiles.append(
            Kpi(tr(f"metric.{metric}"), format_metric(metric, now), *change(now, before, metric, True))
        )
    below = _int(s["below_target"])
    before_below = _int(p["below_target"]) if p else None
    tiles.append(
        Kpi(tr("overview.kpi.below_target"), f"{below:,}", *change(below, before_below, "five_star", False))
    )
    tiles.append(
        Kpi(tr("briefing.kpi.overdue"), f"{_int(s['overdue_problems']):,}", tr("briefing.kpi.as_of"))
    )
    return tiles


def _kpis_html(brief: Briefing, tr: Tr) -> str:
    cells = "".join(
        f'<div class="kpi"><div class="k-label">{_e(k.label)}</div><div class="k-value">{_e(k.value)}'
        + (f'<span class="k-share">{_e(k.share)}</span>' if k.share else "")
        + f'</div><div class="k-note {k.tone}">{_e(k.note) or "&nbsp;"}</div></div>'
        for k in compute_kpis(brief, tr)
    )
    vs = (
        f'<div class="k-vs">{_e(tr("briefing.kpi.vs", year=brief.prev_year))}</div>'
        if brief.prev_year
        else ""
    )
    return f'<section><div class="kpis">{cells}</div>{vs}</section>'


def _table(header: Sequence[tuple[str, str]], rows: list[list[str]], empty: str) -> str:
    """Escaped cells, one line each (long text ends in …), columns sized by class."""
    if not rows:
        return f'<p class="empty">{_e(empty)}</p>'
    head = "".join(f'<th class="{cls}">{_e(name)}</th>' for cls, name in header)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="{cls}">{cell}</td>' for (cls, _), cell in zip(header, row, strict=True))
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _weak_html(brief: Briefing, tr: Tr) -> str:
    header = [
        ("n", "#"),
        ("task", tr("unit.task")),
        ("star", tr("unit.ledger.star")),
        ("share", tr("weak.failing")),
        ("num ratio", tr("briefing.weak.units")),
    ]
    veto = tr("unit.veto")
    rows = []
    for i, r in enumerate(brief.weakest.itertuples(index=False), start=1):
        mark = f'<span class="veto">{_e(veto)}</span>' if r.veto else ""
        share = float(r.share_unmet)
        bar = f'<span class="bar"><i style="width:{min(max(share, 0.0), 1.0) * 100:.1f}%"></i></span>'
        rows.append(
            [
                str(i),
                f"{mark}{_e(r.task_name)}",
                _e(r.star_name),
                f"{bar}{share:.1%}",
                f"{int(r.units_unmet):,} / {int(r.units):,}",
            ]
        )
    title = tr("briefing.weak", n=len(brief.weakest))
    return f"<section><h2>{_e(title)}</h2>{_table(header, rows, tr('briefing.weak.none'))}</section>"


def _overdue_html(brief: Briefing, tr: Tr) -> str:
    header = [
        ("n", "#"),
        ("unit", tr("overview.ranking.level.village")),
        ("town", tr("common.township")),
        ("problem", tr("unit.ledger.problem")),
        ("helper", tr("unit.ledger.helper")),
        ("date", tr("unit.ledger.deadline")),
        ("num", tr("briefing.days")),
    ]
    rows = [
        [
            str(i),
            _e(r.name),
            _e(r.township),
            _e(r.problem),
            _e(r.helper),
            _e(pd.Timestamp(r.deadline).date().isoformat()),
            f"{int(r.days_overdue):,}",
        ]
        for i, r in enumerate(brief.overdue.itertuples(index=False), start=1)
    ]
    total = _int(brief.summary["overdue_problems"])
    title = tr("briefing.overdue", total=f"{total:,}", n=len(rows))
    return f"<section><h2>{_e(title)}</h2>{_table(header, rows, tr('briefing.overdue.none'))}</section>"


def _legend_html(brief: Briefing, tr: Tr) -> str:
    keys = "".join(
        f'<span><i style="background:{LEVEL_COLORS[lv]}"></i>{_e(tr(f"level.{lv}"))}</span>'
        for lv in (5, 4, 3, 2, 1, 0)
    )
    total = _int(brief.summary["units"])
    sample = tr("briefing.map.sample", n=f"{len(brief.units):,}") if len(brief.units) < total else ""
    return f'<div class="legend">{keys}</div>' + (f'<div class="note">{_e(sample)}</div>' if sample else "")


_CSS = (
    """
@page { size: A4; margin: 10mm; }
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; }
body { font-family: FONTS; color: TEXT; font-size: 10.5px; line-height: 1.4;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.page { width: 190mm; margin: 0 auto; display: flex; flex-direction: column; gap: 9px; }
@media screen { body { background: #E9E7E4; } .page { background: white; width: 210mm; min-height: 297mm;
  padding: 10mm; margin: 12px auto; box-shadow: 0 1px 6px rgba(0,0,0,.18); } }
header { display: flex; align-items: flex-start; gap: 10px; border-bottom: 2.5px solid #C8102E;
  padding-bottom: 6px; }
header .titles { flex: 1; min-width: 0; }
h1 { font-size: 20px; line-height: 1.25; margin: 0; color: #8E0E1F; font-weight: 700; }
.sub { color: #5F5F5F; font-size: 11px; margin-top: 2px; }
.badge { background: #E8613C; color: white; font-weight: 700; border-radius: 10px; padding: 2px 10px;
  font-size: 12px; white-space: nowrap; margin-top: 3px; }
.sample-note { background: #FFF4E5; border: 1px solid #F2A65A; color: #5A3A1A; border-radius: 4px;
  padding: 3px 8px; font-size: 10px; }
h2 { font-size: 12.5px; margin: 0 0 4px; color: #8E0E1F; font-weight: 700; }
.kpis { display: grid; grid-template-columns: repeat(8, minmax(0, 1fr)); gap: 5px; }
.kpi { border: 1px solid #E3DED8; border-radius: 5px; padding: 3px 6px 2px; }
.k-label { color: #5F5F5F; font-size: 10px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.k-value { font-size: 18px; font-weight: 700; line-height: 1.2; font-variant-numeric: tabular-nums;
  white-space: nowrap; }
.k-share { font-size: 10px; font-weight: 400; color: #5F5F5F; margin-left: 4px; }
.k-note { font-size: 9.5px; color: #7A7A7A; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.k-vs { font-size: 9px; color: #7A7A7A; text-align: right; margin-top: 1px; }
.k-note.good { color: GOOD; } .k-note.bad { color: BAD; }
.middle { display: grid; grid-template-columns: 340px 1fr; gap: 14px; }
.map { display: block; }
.legend { display: flex; flex-wrap: wrap; gap: 2px 10px; font-size: 10px; margin-top: 2px; }
.legend i { display: inline-block; width: 9px; height: 9px; border-radius: 50%; margin-right: 3px;
  vertical-align: -1px; }
.note { color: #7A7A7A; font-size: 9.5px; }
.side { display: flex; flex-direction: column; gap: 8px; min-width: 0; }
.trend text { font-family: FONTS; } .trend .ax { font-size: 9.5px; fill: #6B6B6B; }
.trend .in { font-size: 9px; } .trend .mean { font-size: 10px; fill: #8E0E1F; font-weight: 700; }
.xt-levels { display: flex; flex-direction: column; gap: 3px; }
.xt-lv-row { display: grid; grid-template-columns: 3.6em 1fr 7.6em; align-items: center; column-gap: 6px;
  font-size: 10.5px; line-height: 14px; }
.xt-lv-track { height: 10px; background: #F1F1F1; border-radius: 2px; overflow: hidden; }
.xt-lv-track > span { display: block; height: 100%; }
.xt-lv-value { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; font-size: 10px; }
th { text-align: left; font-weight: 700; color: #5F5F5F; border-bottom: 1.5px solid #C8102E; padding: 2px 4px;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
td { padding: 1px 4px; border-bottom: 1px solid #EEEAE5; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; line-height: 1.3; }
tbody tr:nth-child(even) td { background: #FAF8F6; }
.n { width: 22px; color: #7A7A7A; text-align: right; }
.num, .date { width: 76px; text-align: right; font-variant-numeric: tabular-nums; }
.ratio { width: 112px; }
th.num, th.date { text-align: right; }
.star { width: 74px; } .share { width: 116px; } .unit { width: 78px; } .town { width: 78px; }
.helper { width: 82px; } .date { width: 70px; } .task { width: auto; } .problem { width: auto; }
.bar { display: inline-block; width: 56px; height: 7px; background: #F1F1F1; margin-right: 5px; }
.bar i { display: block; height: 100%; background: #E8613C; }
.veto { color: white; background: #8E0E1F; border-radius: 2px; padding: 0 3px; margin-right: 4px;
  font-size: 9px; }
.empty { color: #6B6B6B; margin: 2px 0; }
footer { color: #7A7A7A; font-size: 9px; border-top: 1px solid #E3DED8; padding-top: 4px; }
""".replace("FONTS", FONTS)
    .replace("TEXT", TEXT_COLOR)
    .replace("GOOD", GOOD)
    .replace("BAD", BAD)
)


def build_briefing_html(brief: Briefing, lang: Lang = "zh") -> str:
    """The whole page as one HTML string (no script, no external address, data escaped)."""
    tr = _tr(lang)
    name = brief.path[-1] if brief.path else brief.region
    title = tr("briefing.title", name=name)
    as_of = brief.meta.get("as_of", "")
    sub = (
        " › ".join(brief.path)
        + " · "
        + tr("briefing.meta", year=brief.year, type=tr(f"type.{brief.unit_type}"), as_of=as_of)
    )
    kind = brief.meta.get("dataset_kind")
    suffix = ".mixed" if kind == "mixed" else ""
    badge = f'<span class="badge" data-testid="sample-badge">{_e(tr("sample.badge" + suffix))}</span>'
    note = f'<div class="sample-note">{_e(tr("sample.note" + suffix))}</div>'
    if not holds_sample(brief.meta):  # generated numbers must never pass for real results
        badge = note = ""
    map_svg = (
        build_map_svg(brief, tr("briefing.map")) or f'<p class="empty">{_e(tr("briefing.map.none"))}</p>'
    )
    levels = level_chart.build_level_html(brief.counts, {lv: tr(f"level.{lv}") for lv in range(6)})
    footer = tr("briefing.footer", dataset=brief.meta.get("dataset_name", ""), as_of=as_of)
    if brief.meta.get("version_id"):
        footer += " · " + tr("sample.version", version=f"v{brief.meta['version_id']}")
    return f"""<!doctype html>
<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">
<title>{_e(title)}</title><style>{_CSS}</style></head>
<body><div class="page">
<header><div class="titles"><h1>{_e(title)}</h1><div class="sub">{_e(sub)}</div></div>{badge}</header>
{note}
{_kpis_html(brief, tr)}
<div class="middle">
<section><h2>{_e(tr("briefing.map"))}</h2>{map_svg}{_legend_html(brief, tr)}</section>
<div class="side">
<section><h2>{_e(tr("briefing.trend"))}</h2>{build_trend_svg(brief, tr)}</section>
<section><h2>{_e(tr("briefing.levels", year=brief.year))}</h2>{levels}</section>
</div></div>
{_weak_html(brief, tr)}
{_overdue_html(brief, tr)}
<footer>{_e(footer)}</footer>
</div></body></html>
"""


def compute_file_name(brief_name: str, scope_level: str, year: int, lang: Lang) -> str:
    return f"{file_stem(brief_name + '_' + translate(f'briefing.kind.{scope_level}', lang))}_{year}.html"


def _build_file(load: Callable[[], Briefing], lang: Lang) -> bytes:
    """Runs on the download thread: cached data in (already checked against the scope), bytes out."""
    return build_briefing_html(load(), lang).encode("utf-8")


def show(region: str, unit_type: str, year: int, scope_level: str, name: str, key: str) -> None:
    """The download button for the scope's briefing (built on click; a click does not rerun)."""
    lang = view.lang()
    st.download_button(
        t(f"briefing.download.{scope_level}"),
        functools.partial(_build_file, access.briefing_loader(region, unit_type, year), lang),
        compute_file_name(name, scope_level, year, lang),
        "text/html",
        key=key,
        on_click="ignore",
        icon=":material/print:",
        help=t("briefing.help"),
    )
