"""The big screen (大屏): dark, no Streamlit chrome, no scrolling, readable across a room.

Everything but the map is plain HTML built by pure ``build_*`` functions from Jinja2
templates (``components/templates/screen_*.html``, autoescaped), styled by ``screen.css`` in
shares of the screen's height, so 1080p, 4K and a 32:9 wall show the same picture at their own
size; the CSS lays the columns out for the ratio and the map fills its column. The lists'
numbers are views (``xingtu.views``), the same as the overview's and the trends page's.
Plotly sizes text and dots in pixels, so the browser reports its window (``show_viewport``)
and ``compute_layout`` turns it into those sizes.
The map is the overview's choropleth (plotly geo, SVG) with the scope's 五星 units on
top. The playlist itself (which view, when to move on) lives in ``app_pages/screen.py``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import map_controls, region_map, templating, view
from components.region_map import MapTexts
from components.theme import FONT_FAMILY, LEVEL_COLORS, NO_DATA_COLOR
from components.view import t
from xingtu.domain.metrics import format_change
from xingtu.store.views import Screen
from xingtu.views.headline import Figure, Headline, compute_headline
from xingtu.views.movers import compute_mover_rows, compute_movers
from xingtu.views.ranking import compute_most, compute_not_imported_rows, compute_top_bottom

BG = "#0A1428"
PANEL = "#0F1F3D"
TEXT = "#E8EEF8"
MUTED = "#9FB0CC"
GOLD = "#F5C04A"
UP = "#4ADE80"
DOWN = "#FF6B6B"
NO_DATA = "#26354F"  # regions without results: a muted tone of the dark screen, not a bright blank
DEFAULT_SIZE = (1920, 1080)  # until the browser has said how large it is
LIST_ROWS = 40  # rows sent per ranked list: screen.css shows as many whole rows as the panel holds


def css() -> str:
    """The screen's stylesheet, as a ``<style>`` block."""
    return templating.style_block("screen")


@dataclass(frozen=True)
class Frame:
    """What the screen shows around the data: which view of how many, and the timer."""

    region: str
    name: str
    metric: str
    year: int
    position: int
    views: int
    every: int
    paused: bool
    sample: bool
    size: tuple[int, int] = DEFAULT_SIZE  # the browser window, CSS pixels

    @property
    def rotating(self) -> bool:
        return self.every > 0 and self.views > 1


@dataclass(frozen=True)
class Tile:
    label: str
    value: str
    delta: str | None  # text of the change vs last year
    tone: str = "flat"  # good | bad | flat


def compute_playlist(play: tuple[str, ...], region: str, regions: pd.DataFrame) -> list[str]:
    """The views to rotate through: those in the URL, else the scope then each city/county in it."""
    if play:
        return list(play)
    children = regions[(regions["parent_code"] == region) & regions["level"].isin(["city", "county"])]
    return [region, *children["code"]]


def show_pause(key: str) -> bool:
    """A small fixed button (and the Space key) that pauses and resumes the rotation."""
    paused = bool(st.session_state.get(f"{key}.paused", False))

    def toggle() -> None:
        st.session_state[f"{key}.paused"] = not paused

    with st.container(key="screen-controls"):
        st.button(
            t("screen.resume") if paused else t("screen.pause"),
            key=key,
            on_click=toggle,
            shortcut="Space",
            icon=":material/play_arrow:" if paused else ":material/pause:",
        )
    return paused


def start_run(playlist: list[str], key: str) -> None:
    """Called by the page's full run: a new playlist starts at its first view."""
    if st.session_state.get(f"{key}.playlist") != playlist:
        st.session_state[f"{key}.playlist"] = playlist
        st.session_state[f"{key}.pos"] = 0
    st.session_state[f"{key}.full_run"] = True


def take_position(playlist: list[str], rotating: bool, key: str) -> int:
    """The view to show: the same one in a full run, the next one when the fragment's timer fired."""
    if not st.session_state.pop(f"{key}.full_run", False) and rotating:
        st.session_state[f"{key}.pos"] = compute_next(st.session_state.get(f"{key}.pos", 0), len(playlist))
    return int(st.session_state.get(f"{key}.pos", 0))


def compute_next(position: int, length: int) -> int:
    """The next position in a playlist of ``length`` views (wraps; a bad position restarts)."""
    if length <= 0:
        return 0
    return (position + 1) % length if 0 <= position < length else 0


def compute_tiles(head: Headline, texts: dict) -> list[Tile]:
    """Units; 五星, 四星, 三星 with their change; mean stars; overdue problems (as of the data date).

    A scope with units not imported says how many are in; with none, the numbers are "—"."""
    imported = (
        texts["imported_of"].format(units=f"{head.units:,}", expected=f"{head.expected:,}")
        if head.missing
        else None
    )
    if head.units == 0:
        blank = [Tile(texts[key], "—", None) for key in ("level5", "level4", "level3", "mean", "overdue")]
        return [Tile(texts["units"], f"{head.expected:,}", imported, "flat"), *blank]

    def change(fig: Figure, metric: str) -> str | None:
        return None if fig.change is None else f"{texts['vs_prev']} {format_change(metric, fig.change)}"

    tiles = [Tile(texts["units"], f"{head.units:,}", imported, "flat")]
    for level in (5, 4, 3):
        fig = head[f"level{level}"]
        tiles.append(
            Tile(texts[f"level{level}"], f"{int(fig.value or 0):,}", change(fig, "five_star"), fig.tone)
        )
    mean = head["mean_stars"]
    tiles.append(Tile(texts["mean"], f"{mean.value or 0.0:.2f}", change(mean, "mean_stars"), mean.tone))
    tiles.append(Tile(texts["overdue"], f"{int(head['overdue'].value or 0):,}", texts["as_of"], "flat"))
    return tiles


def build_band_html(
    title: str,
    scope: str,
    meta: str,
    badge: str | None,
    every: int,
    paused: bool,
    step: int,
    size: tuple[int, int] = DEFAULT_SIZE,
) -> str:
    """Title band with the rotation's progress bar (restarted by ``step``, frozen when paused).

    ``data-viewport`` names the window size the view was drawn for (browser tests wait for it)."""
    return templating.render(
        "screen_band.html",
        title=title,
        scope=scope,
        meta=meta,
        badge=badge,
        every=int(every),
        paused=paused,
        step=int(step),
        width=int(size[0]),
        height=int(size[1]),
    )


def build_tiles_html(tiles: list[Tile]) -> str:
    return templating.render("screen_tiles.html", tiles=tiles)


def build_side_html(
    sections: list[tuple[str, list[tuple[str, str, str]], str]], testid: str, none: str
) -> str:
    """A panel of titled lists of (rank, name, value) rows; ``tone`` colours the values; an empty
    list says ``none``. The panel fills its share of the column and shows as many whole rows as
    fit; short lists get larger rows (screen.css, from the lists' lengths given here)."""
    longest = max((len(rows) for _, rows, _ in sections), default=0)
    return templating.render(
        "screen_side.html",
        sections=[
            {"title": title, "rows": rows, "tone": tone, "slots": max(len(rows), 1)}
            for title, rows, tone in sections
        ],
        testid=testid,
        empty=none,
        k=max(len(sections), 1),
        rows_max=max(longest, 1),
    )


def build_trend_html(level_trend: pd.DataFrame, year_metrics: pd.DataFrame, texts: dict) -> str:
    """A strip with one block per year: mean stars, share ≥4 stars, and the level mix as a bar."""
    years = sorted(int(y) for y in year_metrics["year"].unique()) if len(year_metrics) else []
    blocks = []
    for year in years:
        row = year_metrics[year_metrics["year"] == year].iloc[0]
        mix = level_trend[level_trend["year"] == year]
        total = max(int(mix["units"].sum()), 1)
        parts = [
            {"width": f"{int(u) / total * 100:.2f}", "color": LEVEL_COLORS[int(lv)]}
            for lv, u in sorted(zip(mix["level"], mix["units"], strict=True), key=lambda x: -int(x[0]))
        ]
        blocks.append(
            {
                "year": year,
                "mean": f"{float(row['mean_stars']):.2f}",
                "ge4": f"{float(row['share_ge4']):.1%}",
                "parts": parts,
            }
        )
    return templating.render(
        "screen_trend.html",
        title=texts["title"],
        mean=texts["mean"],
        ge4=texts["ge4"],
        empty=texts.get("none", ""),
        years=blocks,
        slots=max(len(years), 1),
        keys=[(LEVEL_COLORS[lv], texts["levels"][lv]) for lv in (5, 4, 3, 2, 1, 0)],
    )


def build_map(
    children: pd.DataFrame,
    metric: str,
    geojson_url: str | None,
    texts: MapTexts,
    five_star: pd.DataFrame,
    five_star_label: str,
    font: int = 18,
    dot: int = 5,
    outline: tuple[str | None, str | None] = (None, None),
) -> go.Figure:
    """The overview's choropleth in the screen's colours, with the scope's 五星 units as gold dots.

    No height: the map fills the column screen.css gives it; ``font`` and ``dot`` (pixels, from
    ``compute_layout``) follow the screen's height. ``outline`` (boundary URL, id) draws a county's
    own outline under its townships, which have no polygons of their own."""
    fig = region_map.build_region_map(children, metric, geojson_url, texts, *outline)
    for trace in fig.data:
        if trace.type == "choropleth" and trace.name == "regions":
            trace.marker.line.color = "#3B4E6E"
            trace.marker.line.width = 1
            trace.colorscale = [[v, NO_DATA if c == NO_DATA_COLOR else c] for v, c in trace.colorscale]
        elif trace.name == "outline":
            trace.colorscale = [[0, PANEL], [1, PANEL]]
            trace.marker.line.color = "#5B7299"
            trace.marker.line.width = 2
        elif trace.name == "points":
            trace.marker.color = [NO_DATA if c == NO_DATA_COLOR else c for c in trace.marker.color]
    meta = dict(fig.layout.meta or {})
    meta["legend"] = [[NO_DATA if c == NO_DATA_COLOR else c, label] for c, label in meta.get("legend", [])]
    fig.layout.meta = meta
    if len(five_star):
        fig.add_trace(
            go.Scattergeo(
                lon=five_star["lon"],
                lat=five_star["lat"],
                mode="markers",
                marker={"size": dot, "color": GOLD, "opacity": 0.9},
                hoverinfo="skip",
                name=five_star_label,
            )
        )
    fig.update_layout(
        height=None,
        autosize=True,
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font={"family": FONT_FAMILY, "color": TEXT, "size": font},
        dragmode=False,
    )
    return fig


def build_legend_html(fig: go.Figure, five_star_label: str, five_star_count: int | None) -> str:
    """The map's classes, then the 五星 dots with their count (none: nothing imported, no dots)."""
    title, ordered = region_map.compute_legend(fig)
    star = (
        {"color": GOLD, "label": five_star_label, "count": f"{five_star_count:,}"}
        if five_star_count is not None
        else None
    )
    return templating.render("screen_legend.html", title=title, keys=ordered, star=star)


_VIEWPORT = st.components.v2.component("xingtu_viewport", js=templating.script("viewport"))


def compute_size(size: object) -> tuple[int, int]:
    """The reported window size as (width, height); anything unusable is the 1080p design size."""
    if (
        isinstance(size, list | tuple)
        and len(size) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in size)
        and min(size) >= 200
    ):
        return int(size[0]), int(size[1])
    return DEFAULT_SIZE


@dataclass(frozen=True)
class Layout:
    font: int  # the map's text, pixels: at least 1.6 % of the height
    dot: int  # a 五星 unit's dot on the map, pixels: follows the map's size (the window's shorter side)


def compute_layout(size: tuple[int, int]) -> Layout:
    """What the map draws in pixels (plotly knows no vh): text that scales with the height, dots
    with the map.

    Everything else (the columns, the map's size) is screen.css, in shares of the window."""
    width, height = size
    return Layout(font=math.ceil(height * 0.0167), dot=max(3, round(min(width, height) / 216)))


def show_viewport(key: str) -> tuple[int, int]:
    """The browser's window size, reported by a tiny inline component (1080p until it has)."""
    result = _VIEWPORT(key=key, on_size_change=lambda: None, height=0)
    return compute_size(getattr(result, "size", None))


def render_html(markup: str) -> None:
    st.html(markup)


def render_map(fig: go.Figure, key: str) -> None:
    st.plotly_chart(
        fig,
        key=key,
        config={**region_map.CONFIG, "staticPlot": True, "responsive": True},
        width="stretch",
        height="stretch",
    )


TILE_TEXTS = {
    "units": "overview.kpi.units",
    "level5": "level.5",
    "level4": "level.4",
    "level3": "level.3",
    "mean": "metric.mean_stars",
    "overdue": "overview.kpi.overdue",
    "vs_prev": "screen.vs_prev",
    "as_of": "screen.as_of",
    "imported_of": "screen.imported_of",  # its {units} and {expected} are filled per tile
}


def tile_texts() -> dict[str, str]:
    return view.texts(TILE_TEXTS)


def trend_texts() -> dict:
    return {
        "title": t("screen.trend"),
        "mean": t("metric.mean_stars"),
        "ge4": t("metric.share_ge4"),
        "levels": {lv: t(f"level.{lv}") for lv in range(6)},
        "none": t("screen.trend.none"),
    }


def render_view(data: Screen, frame: Frame, geojson_url: str | None) -> None:
    """One view: the band, then figures and rankings | the map | changes and the years."""
    ov = data.overview
    meta = t("screen.year", year=frame.year)
    if frame.rotating:
        meta = t("screen.meta", year=frame.year, i=frame.position + 1, n=frame.views)
        meta += " · " + (t("screen.paused") if frame.paused else t("screen.every", s=frame.every))
    render_html(
        build_band_html(
            t("screen.title"),
            frame.name,
            meta,
            t("sample.badge") if frame.sample else None,
            frame.every if frame.rotating else 0,
            frame.paused,
            frame.position,
            frame.size,
        )
    )
    if int(ov.summary.get("expected", ov.summary["units"]) or 0) == 0:  # no units match at all
        st.info(t("overview.empty"))
        return
    layout = compute_layout(frame.size)
    tiles = build_tiles_html(
        compute_tiles(
            compute_headline(ov.summary, ov.counts, ov.prev_summary, ov.prev_counts, ov.prev_year),
            tile_texts(),
        )
    )
    trend = build_trend_html(data.level_trend, data.year_metrics, trend_texts())
    with st.container(key="screen-body"):
        left, middle, right = st.columns([1, 2, 1], gap="medium")
    side_left = left.container(key="screen-left")
    side_right = right.container(key="screen-right")
    side_left.html(tiles)
    if ov.child_level == "village":  # a township: no child regions to map or rank
        side_right.html(trend)
        return
    level_name = t("overview.ranking.level." + ov.child_level)
    top, bottom = compute_top_bottom(ov.children, frame.metric, LIST_ROWS)
    up, down = compute_movers(data.child_years, frame.metric, LIST_ROWS)
    missing, n_missing = compute_not_imported_rows(ov.children, LIST_ROWS)
    top_title = t("screen.best", level=level_name, metric=t(f"metric.{frame.metric}"))
    missing_section = (t("screen.not_imported", level=level_name, n=n_missing), missing, "flat")
    if not top:  # nothing imported: the panel lists who is missing
        sections = [missing_section]
    elif n_missing:  # partly imported: the best so far, then who is still missing
        sections = [(top_title, top, ""), missing_section]
    elif bottom:
        sections = [(top_title, top, ""), (t("screen.worst", level=level_name), bottom, "")]
    else:  # a single region: one list
        sections = [(top_title, top, "")]
    none = t("screen.none")
    side_left.html(build_side_html(sections, "screen-ranking", none))
    side_right.html(
        build_side_html(
            [
                (t("screen.up", level=level_name), compute_mover_rows(up, frame.metric), "good"),
                (t("screen.down", level=level_name), compute_mover_rows(down, frame.metric), "bad"),
            ],
            "screen-movers",
            none,
        )
    )
    overdue = compute_most(ov.children, "overdue_problems", LIST_ROWS)
    side_right.html(
        build_side_html([(t("screen.overdue", level=level_name), overdue, "bad")], "screen-overdue", none)
    )
    side_right.html(trend)
    fig = build_map(
        ov.children,
        frame.metric,
        geojson_url,
        map_controls.map_texts(frame.metric),
        data.five_star,
        t("screen.five_star"),
        layout.font,
        layout.dot,
        map_controls.outline(frame.region) if ov.scope_level == "county" else (None, None),
    )
    with middle.container(key="screen-map"):
        render_map(fig, key=f"screen.map.{frame.region}.{frame.metric}.{layout.font}")
        count = len(data.five_star) if int(ov.summary["units"]) else None
        render_html(build_legend_html(fig, t("screen.five_star"), count))
