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
import math
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import pandas as pd
import streamlit as st
from markupsafe import Markup

from components import level_chart, templating, view
from components.theme import LEVEL_COLORS, TEXT_COLOR
from components.view import t
from xingtu.domain.metrics import format_change, format_metric
from xingtu.export import file_stem
from xingtu.i18n import translate
from xingtu.reference.boundaries import Ring
from xingtu.session import access
from xingtu.store.versions import holds_sample
from xingtu.store.views import Briefing
from xingtu.views.headline import Figure, Headline, compute_headline
from xingtu.views.overdue import compute_overdue
from xingtu.viewstate import Lang

MAP_SIZE = (340, 268)  # CSS px; the page is 718 px wide between 10 mm margins
TREND_SIZE = (350, 150)
OUTLINE_FILL, OUTLINE_LINE, INNER_LINE = "#F6F4F0", "#7A7A7A", "#C9C4BC"

Tr = Callable[..., str]


def translator(lang: Lang) -> Tr:
    """``translate`` in ``lang``: what builders that take a language call."""
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


def compute_map(brief: Briefing, size: tuple[int, int] = MAP_SIZE) -> dict[str, Any] | None:
    """The map's shapes in SVG units: the scope's outline (and its counties or cities) as paths,
    the units as dots grouped by level (五星 last, on top); None when there is nothing to frame."""
    width, height = size
    bounds = compute_bounds(brief)
    if bounds is None:
        return None
    project = compute_projection(bounds, width, height)
    n = len(brief.units)
    groups = []
    for level in sorted(LEVEL_COLORS):
        part = brief.units[brief.units["level"] == level]
        if not part.empty:
            points = [
                project(float(lon), float(lat)) for lon, lat in zip(part["lon"], part["lat"], strict=True)
            ]
            groups.append({"color": LEVEL_COLORS[level], "points": points})
    return {
        "width": width,
        "height": height,
        "outline": _path(brief.outline, project),
        "inner": _path(brief.inner, project),
        "outline_fill": OUTLINE_FILL,
        "outline_line": OUTLINE_LINE,
        "inner_line": INNER_LINE,
        "radius": 3.4 if n <= 300 else 2.4 if n <= 1500 else 1.6,
        "edge": n <= 1500,
        "groups": groups,
    }


# --- the years -------------------------------------------------------------------------------


def compute_trend(brief: Briefing, tr: Tr, size: tuple[int, int] = TREND_SIZE) -> dict[str, Any] | None:
    """One stacked column per year (the share at each level, 五星 on top), mean stars above it."""
    width, height = size
    trend, metrics = brief.level_trend, brief.year_metrics
    years = sorted(int(y) for y in metrics["year"].unique()) if len(metrics) else []
    if not years:
        return None
    left, right, top, bottom = 30, 6, 16, 16
    plot_h = height - top - bottom
    band = (width - left - right) / len(years)
    bar = min(band * 0.56, 54)
    grid = [
        {"x1": left, "x2": width - right, "y": top + plot_h * (1 - share), "label": f"{share:.0%}"}
        for share in (0.0, 0.5, 1.0)
    ]
    bars, marks = [], []
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
            labelled = units / total >= 0.09
            bars.append(
                {
                    "x": x,
                    "y": base,
                    "width": bar,
                    "height": h,
                    "color": LEVEL_COLORS[level],
                    "label": f"{units / total:.0%}" if labelled else "",
                    "label_color": "white" if level >= 3 else TEXT_COLOR,
                    "cx": x + bar / 2,
                    "ly": base + h / 2 + 3.5,
                }
            )
        mean = float(metrics.loc[metrics["year"] == year, "mean_stars"].iloc[0])
        marks.append(
            {
                "cx": x + bar / 2,
                "mean": f"{mean_label} {mean:.2f}",
                "mean_y": top - 4,
                "year": year,
                "year_y": height - 3,
            }
        )
    return {"width": width, "height": height, "grid": grid, "bars": bars, "years": marks}


# --- numbers and tables ----------------------------------------------------------------------


class Kpi(NamedTuple):
    label: str
    value: str
    note: str = ""  # the change against the previous year, or what the number is as of
    tone: str = "flat"  # good | bad | flat
    share: str = ""  # of all units, next to the value


def compute_kpis(head: Headline, tr: Tr) -> list[Kpi]:
    """Eight tiles: units, 五星/四星/三星 (with their share), mean stars, share ≥ 3 stars, below
    target, overdue problems; changes against the previous year where there is one. The figures
    are the scope's headline (``xingtu.views.headline``), as on the overview and the big screen."""

    def note(fig: Figure, metric: str) -> tuple[str, str]:
        return ("", "flat") if fig.change is None else (format_change(metric, fig.change), fig.tone)

    def value(fig: Figure, metric: str) -> str:
        if fig.value is None:
            return "—"
        return (
            format_metric(metric, fig.value)
            if metric in ("mean_stars", "share_ge3")
            else f"{int(fig.value):,}"
        )

    tiles = [Kpi(tr("overview.kpi.units"), f"{head.units:,}")]
    for level in (5, 4, 3):
        fig = head[f"level{level}"]
        share = "" if fig.share is None else f"{fig.share:.1%}"
        tiles.append(Kpi(tr(f"level.{level}"), value(fig, "five_star"), *note(fig, "five_star"), share))
    tiles.extend(
        Kpi(tr(f"metric.{metric}"), value(head[metric], metric), *note(head[metric], metric))
        for metric in ("mean_stars", "share_ge3")
    )
    below = head["below_target"]
    tiles.append(Kpi(tr("overview.kpi.below_target"), value(below, "five_star"), *note(below, "five_star")))
    tiles.append(
        Kpi(tr("briefing.kpi.overdue"), value(head["overdue"], "five_star"), tr("briefing.kpi.as_of"))
    )
    return tiles


def compute_weak_table(brief: Briefing, tr: Tr) -> dict[str, Any]:
    """The most failed tasks: a veto mark, the share failing as a bar, units failing of all."""
    veto = tr("unit.veto")
    rows = [
        [
            str(i),
            {"veto": veto if r.veto else "", "bar": None, "text": r.task_name},
            r.star_name,
            {
                "veto": "",
                "bar": min(max(float(r.share_unmet), 0.0), 1.0) * 100,
                "text": f"{r.share_unmet:.1%}",
            },
            f"{int(r.units_unmet):,} / {int(r.units):,}",
        ]
        for i, r in enumerate(brief.weakest.itertuples(index=False), start=1)
    ]
    return _table(tr, tr("briefing.weak", n=len(brief.weakest)), WEAK_COLUMNS, rows, "briefing.weak.none")


def compute_overdue_table(brief: Briefing, tr: Tr) -> dict[str, Any]:
    """The longest overdue problems of the scope (the overdue list, ``xingtu.views.overdue``, of
    the items the store kept), with how many there are in all."""
    items = compute_overdue(brief.overdue, brief.meta["as_of"])
    rows = [
        [
            str(i),
            r.name,
            r.township,
            r.problem,
            r.helper,
            pd.Timestamp(r.deadline).date().isoformat(),
            f"{int(r.days_overdue):,}",
        ]
        for i, r in enumerate(items.itertuples(index=False), start=1)
    ]
    title = tr("briefing.overdue", total=f"{_int(brief.summary['overdue_problems']):,}", n=len(rows))
    return _table(tr, title, OVERDUE_COLUMNS, rows, "briefing.overdue.none")


# A table's columns: (the cell's CSS class, its heading's text key; None: the row number "#").
Columns = tuple[tuple[str, str | None], ...]
WEAK_COLUMNS: Columns = (
    ("n", None),
    ("task", "unit.task"),
    ("star", "unit.ledger.star"),
    ("share", "weak.failing"),
    ("num ratio", "briefing.weak.units"),
)
OVERDUE_COLUMNS: Columns = (
    ("n", None),
    ("unit", "overview.ranking.level.village"),
    ("town", "common.township"),
    ("problem", "unit.ledger.problem"),
    ("helper", "unit.ledger.helper"),
    ("date", "unit.ledger.deadline"),
    ("num", "briefing.days"),
)


def _table(tr: Tr, title: str, columns: Columns, rows: list, empty: str) -> dict[str, Any]:
    """A table of the briefing template: its title, headings, rows and the text when it has none."""
    header = [(css, "#" if key is None else tr(key)) for css, key in columns]
    return {"title": title, "header": header, "rows": rows, "empty": tr(empty)}


def build_briefing_html(brief: Briefing, lang: Lang = "zh") -> str:
    """The whole page as one HTML string (no script, no external address, data escaped)."""
    tr = translator(lang)
    name = brief.path[-1] if brief.path else brief.region
    as_of = brief.meta.get("as_of", "")
    kind = brief.meta.get("dataset_kind")
    suffix = ".mixed" if kind == "mixed" else ""
    footer = tr("briefing.footer", dataset=brief.meta.get("dataset_name", ""), as_of=as_of)
    if brief.meta.get("version_id"):
        footer += " · " + tr("sample.version", version=f"v{brief.meta['version_id']}")
    total = _int(brief.summary["units"])
    head = compute_headline(
        brief.summary, brief.counts, brief.prev_summary, brief.prev_counts, brief.prev_year
    )
    return templating.render(
        "briefing.html",
        lang=lang,
        css=templating.stylesheet("briefing"),
        title=tr("briefing.title", name=name),
        sub=" › ".join(brief.path)
        + " · "
        + tr("briefing.meta", year=brief.year, type=tr(f"type.{brief.unit_type}"), as_of=as_of),
        # generated numbers must never pass for real results
        sample={"badge": tr("sample.badge" + suffix), "note": tr("sample.note" + suffix)}
        if holds_sample(brief.meta)
        else None,
        kpis=compute_kpis(head, tr),
        vs=tr("briefing.kpi.vs", year=head.prev_year) if head.prev_year else "",
        map_title=tr("briefing.map"),
        map=compute_map(brief),
        map_none=tr("briefing.map.none"),
        legend=[(LEVEL_COLORS[lv], tr(f"level.{lv}")) for lv in (5, 4, 3, 2, 1, 0)],
        map_note=tr("briefing.map.sample", n=f"{len(brief.units):,}") if len(brief.units) < total else "",
        trend_title=tr("briefing.trend"),
        trend=compute_trend(brief, tr),
        levels_title=tr("briefing.levels", year=brief.year),
        levels=Markup(  # noqa: S704 -- built by the level chart, every label escaped there
            level_chart.build_level_html(brief.counts, {lv: tr(f"level.{lv}") for lv in range(6)})
        ),
        tables=[compute_weak_table(brief, tr), compute_overdue_table(brief, tr)],
        footer=footer,
        zip=zip,
    )


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
