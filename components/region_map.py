"""The star-density map: classed choropleth of cities/counties, bubbles below county level.

Drawn with plotly's geo (SVG) traces: no tiles, no WebGL, crisp at any screen size, and
``fitbounds`` frames the scope. Polygons come from a static GeoJSON URL (fetched once by
the browser), so a changed metric resends only codes and values; the base topojson
plotly insists on loading is served locally (``TOPOJSON_URL``), never from a CDN. Names
show on hover with value and rank.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import templating
from components.theme import (
    CLASS_COLORS,
    FONT_FAMILY,
    LEVEL_COLORS,
    NO_DATA_COLOR,
    TEXT_COLOR,
    chart_config,
    figure,
)
from xingtu.domain.metrics import METRIC_SPECS, compute_ranks, format_metric
from xingtu.safe import plotly_text
from xingtu.views.legend import compute_classes, compute_not_imported

HEIGHT = 560
TOPOJSON_URL = "app/static/topojson/"  # plotly geo's base file, served by us (air-gapped)
CONFIG = {"displayModeBar": False, "topojsonURL": TOPOJSON_URL}  # static maps (the big screen)


def config(filename: str) -> dict:
    """The maps' config: the shared one (PNG download named ``filename``) plus the local topojson."""
    return chart_config(filename, topojsonURL=TOPOJSON_URL)


GEO = {
    "visible": False,
    "fitbounds": "locations",
    "projection": {"type": "mercator"},
    "bgcolor": "rgba(0,0,0,0)",
}


# A map a click drills into: a hover label as large as the map's text, clicks select.
CLICKABLE = {"hoverlabel": {"font": {"family": FONT_FAMILY, "size": 15}}, "clickmode": "event+select"}


@dataclass(frozen=True)
class MapTexts:
    metric_label: str
    rank_label: str
    units_label: str
    no_data: str
    zone_label: str
    not_imported: str = ""  # a region with units but no results yet (an empty or partial dataset)


def _hover(df: pd.DataFrame, metric: str, texts: MapTexts) -> list[list[str]]:
    ranks = compute_ranks(df[metric].tolist(), METRIC_SPECS[metric].higher_is_better)
    n = sum(r is not None for r in ranks)
    kinds = df["kind"].tolist() if "kind" in df else [""] * len(df)
    missing = compute_not_imported(df).tolist()
    rows = []
    for name, kind, value, units, code, rank, absent in zip(
        df["name"], kinds, df[metric], df["units"], df["code"], ranks, missing, strict=True
    ):
        label = plotly_text(name) + (f"（{texts.zone_label}）" if kind == "zone" else "")
        rank_text = f"{rank}/{n}" if rank is not None else "—"
        shown = texts.not_imported if absent and texts.not_imported else format_metric(metric, value)
        rows.append([label, shown, rank_text, f"{int(units):,}", code])
    return rows


_HOVER = (
    "<b>%{customdata[0]}</b><br>{metric}：%{customdata[1]}<br>{rank}：%{customdata[2]}"
    "<br>{units}：%{customdata[3]}<extra></extra>"
)


def _discrete_scale(colors: list[str]) -> list[list[object]]:
    """A stepped colour scale: integer z = i (with zmin -0.5, zmax n - 0.5) gets ``colors[i]``."""
    n = len(colors)
    scale: list[list[object]] = []
    for i, color in enumerate(colors):
        scale += [[i / n, color], [(i + 1) / n, color]]
    return scale


def build_region_map(
    metrics: pd.DataFrame,
    metric: str,
    geojson_url: str | None,
    texts: MapTexts,
    outline_url: str | None = None,
    outline_code: str | None = None,
) -> go.Figure:
    """Choropleth (when ``geojson_url`` is given) or bubbles of ``metrics`` rows, classed by ``metric``.

    Rows with no polygon (functional zones; townships) are drawn as circles at their centre.
    One trace for the polygons and one for the circles: each plotly trace costs the browser
    time, so the classes are colours of one stepped scale, and the legend is drawn as HTML
    by ``render`` from ``layout.meta.legend`` (colour, label; no data first).
    """
    df = metrics.copy()
    df.loc[df["units"] == 0, metric] = math.nan
    cls, labels = compute_classes(df[metric], metric)
    colors = [NO_DATA_COLOR, *CLASS_COLORS[len(labels)]] if labels else [NO_DATA_COLOR]
    df["z"] = [0 if c is None else c + 1 for c in cls]  # 0 = no data, 1… = classes low → high
    hover = _HOVER.replace("{metric}", texts.metric_label).replace("{rank}", texts.rank_label)
    hover = hover.replace("{units}", texts.units_label)
    df["custom"] = _hover(df, metric, texts)
    traces: list[dict] = []
    has_poly = (
        df["has_polygon"].fillna(False).astype(bool) if geojson_url else pd.Series(False, index=df.index)
    )
    if outline_url and outline_code:
        traces.append(outline_trace(outline_url, outline_code, fill="rgba(0,0,0,0)"))
    poly, dots = df[has_poly], df[~has_poly]
    if len(poly):
        traces.append(
            {
                "type": "choropleth",
                "geojson": geojson_url,
                "featureidkey": "id",
                "locations": poly["code"].tolist(),
                "z": poly["z"].tolist(),
                "zmin": -0.5,
                "zmax": len(colors) - 0.5,
                "colorscale": _discrete_scale(colors),
                "showscale": False,
                "marker": {"line": {"color": "white", "width": 0.8}},
                "customdata": poly["custom"].tolist(),
                "hovertemplate": hover,
                "name": "regions",
            }
        )
    if len(dots):
        top_units = max(int(df["units"].max()), 1)
        traces.append(
            {
                "type": "scattergeo",
                "lon": dots["lon"].tolist(),
                "lat": dots["lat"].tolist(),
                "mode": "markers",
                "marker": {
                    "size": (10 + 14 * (dots["units"] / top_units) ** 0.5).round(1).tolist(),
                    "color": [colors[z] for z in dots["z"]],
                    "opacity": 0.95,
                    "line": {"color": "white", "width": 1},
                },
                "customdata": dots["custom"].tolist(),
                "hovertemplate": hover,
                "name": "points",
            }
        )
    # grey regions are "not imported" when they have units without results, else "no data"
    no_data = texts.not_imported if texts.not_imported and compute_not_imported(df).any() else texts.no_data
    legend = [[color, label] for color, label in zip(colors, [no_data, *labels], strict=True)]
    meta = {"legend": legend, "legend_title": texts.metric_label}
    return figure(traces, map_layout(HEIGHT, None, **CLICKABLE, uirevision="keep", meta=meta))


def compute_legend(fig: go.Figure) -> tuple[str, list[tuple[str, str]]]:
    """The legend's title and its (colour, label) entries in reading order: high → low, no data last."""
    meta = fig.layout.meta or {}
    items = [(str(c), str(label)) for c, label in meta.get("legend", [])]
    if meta.get("legend_order") == "as_given":  # levels, already high → low
        return str(meta.get("legend_title", "")), items
    return str(meta.get("legend_title", "")), items[:0:-1] + items[:1]


def build_key_html(title: str, items: list[tuple[str, str]], testid: str = "map-legend") -> str:
    """Swatches and labels (in the given order) under a title, as escaped HTML with its style."""
    if not items:
        return ""
    return templating.style_block("map_key") + templating.render(
        "map_key.html", title=title, items=items, testid=testid
    )


def build_legend_html(fig: go.Figure) -> str:
    """The classes' swatches and ranges (high to low, then no data) as escaped HTML."""
    title, ordered = compute_legend(fig)
    return build_key_html(title, ordered)


# Units of one township (or a unit among its neighbours) are few: each is drawn large enough to
# see and click, named when there is room, framed to their own extent, inside the outline of
# their county for context.
POINT_PX = 16  # marker diameter in screen pixels (plotly sizes are diameters): radius 8 px
LABEL_MAX = 40  # name the units when a map shows at most this many
LABEL_FONT_PX = 12
EXTENT_PAD = 0.12  # share of the units' span added on each side, so edge points are not cut
MIN_SPAN = 0.03  # degrees: a township of one or two units still shows some land around them
# The framed map is drawn before the browser says how wide its column is: the overview's map
# column is about 540 px at 1920 wide. A frame of the plot's shape fills it (a narrower screen
# fits the frame's width and leaves a band above and below).
PLOT_WIDTH_GUESS = 540


def _merc(lat: float) -> float:
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def _unmerc(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(math.radians(y))) - math.pi / 2)


def compute_extent(
    lon: pd.Series,
    lat: pd.Series,
    pad: float = EXTENT_PAD,
    min_span: float = MIN_SPAN,
    aspect: float | None = None,
) -> tuple[float, float, float, float]:
    """The units' extent (min lon, min lat, max lon, max lat) with a margin, at least ``min_span`` wide.

    With ``aspect`` (the plot's width / height on screen), the narrower side is widened, about
    the same centre, so the frame has the plot's shape in the (Mercator) projection and fills it.
    """
    lo = [float(lon.min()), float(lat.min())]
    hi = [float(lon.max()), float(lat.max())]
    for i in (0, 1):
        span = max(hi[i] - lo[i], min_span)
        mid = (lo[i] + hi[i]) / 2
        lo[i], hi[i] = mid - span * (0.5 + pad), mid + span * (0.5 + pad)
    if aspect:
        x_span, y_lo, y_hi = hi[0] - lo[0], _merc(lo[1]), _merc(hi[1])
        if x_span / (y_hi - y_lo) < aspect:
            mid, half = (lo[0] + hi[0]) / 2, aspect * (y_hi - y_lo) / 2
            lo[0], hi[0] = mid - half, mid + half
        else:
            mid, half = (y_lo + y_hi) / 2, x_span / aspect / 2
            lo[1], hi[1] = _unmerc(mid - half), _unmerc(mid + half)
    return (lo[0], lo[1], hi[0], hi[1])


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


_PLACES = ("top center", "bottom center", "middle right", "middle left")


def _label_px(name: str, font_px: float) -> float:
    """Width of a name in px (CJK about 1 em a character, Latin about 0.6 em), with a little padding."""
    return font_px * sum(1.0 if ord(c) > 0x2E80 else 0.6 for c in name) + 4


def compute_labels(
    lon: list[float],
    lat: list[float],
    names: list[str],
    radius_px: list[float],
    extent: tuple[float, float, float, float],
    size_px: tuple[float, float],
    font_px: float = LABEL_FONT_PX,
) -> list[str | None]:
    """Where each name goes beside its dot (a plotly ``textposition``), None where it has no room.

    Greedy, in the given order (most important first): the first of above, below, right, left
    where the name stays inside the frame and covers no dot and no name already placed. A name
    left out still shows on hover. Positions are estimated for a plot of ``size_px``.
    """
    (lo_x, lo_y, hi_x, hi_y), (w, h) = extent, size_px
    y0, y1 = _merc(lo_y), _merc(hi_y)
    xs = [(x - lo_x) / (hi_x - lo_x) * w for x in lon]
    ys = [(y1 - _merc(y)) / (y1 - y0) * h for y in lat]
    boxes = [(x - r, y - r, x + r, y + r) for x, y, r in zip(xs, ys, radius_px, strict=True)]
    text_h = font_px * 1.3
    out: list[str | None] = []
    for i, (x, y, r, name) in enumerate(zip(xs, ys, radius_px, names, strict=True)):
        tw, gap = _label_px(name, font_px), r + 2
        candidates = {
            "top center": (x - tw / 2, y - gap - text_h, x + tw / 2, y - gap),
            "bottom center": (x - tw / 2, y + gap, x + tw / 2, y + gap + text_h),
            "middle right": (x + gap, y - text_h / 2, x + gap + tw, y + text_h / 2),
            "middle left": (x - gap - tw, y - text_h / 2, x - gap, y + text_h / 2),
        }
        placed = None
        for place in _PLACES:
            a = candidates[place]
            inside = a[0] >= 0 and a[1] >= 0 and a[2] <= w and a[3] <= h
            if inside and not any(j != i and _overlap(a, b) for j, b in enumerate(boxes)):
                placed = place
                boxes.append(a)
                break
        out.append(placed)
    return out


def compute_outline(regions: pd.DataFrame, region: str) -> tuple[str, str] | None:
    """(boundary layer, feature id) of the outline that gives ``region``'s units their context.

    A township or county shows its county; a functional zone has no polygon of its own, so it
    shows the region that hosts it (a county, or the city). None when nothing in ``regions``
    (code, level, has_polygon, host_code) matches.
    """
    county = region[:6] + "000000"
    row = regions[regions["code"] == county]
    if row.empty or row.iloc[0]["level"] != "county":
        return None
    rec = row.iloc[0]
    host = rec["host_code"]
    if bool(rec["has_polygon"]):
        code = county
    elif isinstance(host, str) and host:
        code = host
    else:  # no host recorded: the city the zone lies in
        code = county[:4] + "00000000"
    return ("counties" if code[4:6] != "00" else "cities", code)


_NO_EXTRA = "<extra></extra>"


def level_marker(level: int) -> dict:
    """A unit's dot: its level's colour, ``POINT_PX`` across, a white rim against its neighbours."""
    return {"size": POINT_PX, "color": LEVEL_COLORS[level], "line": {"color": "white", "width": 1.5}}


def outline_trace(outline_url: str, outline_code: str, fill: str = "rgba(246,244,240,0.7)") -> dict:
    """One region's outline (lightly filled, not clickable, no hover) under the units."""
    return {
        "type": "choropleth",
        "geojson": outline_url,
        "featureidkey": "id",
        "locations": [outline_code],
        "z": [0],
        "colorscale": [[0, fill], [1, fill]],
        "showscale": False,
        "marker": {"line": {"color": "#8A8A8A", "width": 1.5}},
        "hoverinfo": "skip",
        "name": "outline",
    }


def framed_geo(extent: tuple[float, float, float, float]) -> dict:
    """The geo layout showing exactly ``extent`` (no base map, same projection as every map)."""
    return {
        **GEO,
        "fitbounds": False,
        "lonaxis": {"range": [extent[0], extent[2]]},
        "lataxis": {"range": [extent[1], extent[3]]},
    }


def map_layout(
    height: int, extent: tuple[float, float, float, float] | None, font_size: int = 15, **extra: object
) -> dict:
    """A map's layout: no margins, our own geo frame (``extent``, else fit to the data), the house
    font; ``extra`` adds or replaces keys (legend, click mode, meta)."""
    return {
        "height": height,
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "geo": framed_geo(extent) if extent else GEO,
        "font": {"family": FONT_FAMILY, "size": font_size, "color": TEXT_COLOR},
        "showlegend": False,
        **extra,
    }


def compute_unit_labels(
    units: pd.DataFrame,
    extent: tuple[float, float, float, float],
    size_px: tuple[float, float],
    radius_px: dict[str, float] | None = None,
    first: str | None = None,
    font_px: float = LABEL_FONT_PX,
    dot_px: float = POINT_PX / 2,
) -> pd.Series:
    """Each unit's name position (aligned with ``units``; None: not drawn, no room).

    Placed in order of importance: ``first`` (a unit's own page), then more stars first, then
    by name. Dots are ``dot_px`` in radius; ``radius_px`` overrides that by code (the ringed unit).
    """
    order = units.sort_values(["level", "name"], ascending=[False, True], kind="stable")
    if first is not None:
        order = pd.concat([order[order["code"] == first], order[order["code"] != first]])
    radii = [(radius_px or {}).get(c, dot_px) for c in order["code"]]
    lon, lat, names = order["lon"].tolist(), order["lat"].tolist(), order["name"].astype(str).tolist()
    places = compute_labels(lon, lat, names, radii, extent, size_px, font_px)
    return pd.Series(places, index=order.index, dtype=object).reindex(units.index)


def label_props(names: list[str], places: list[str | None], font_size: int = LABEL_FONT_PX) -> dict:
    """A scattergeo trace's text properties: each name at its place, none where it has no room."""
    places = [p if isinstance(p, str) and p else None for p in places]  # NaN (not placed) is no place
    return {
        "mode": "markers+text",
        "text": [n if p else "" for n, p in zip(names, places, strict=True)],
        "textposition": [p or "top center" for p in places],
        "textfont": {"family": FONT_FAMILY, "size": font_size, "color": TEXT_COLOR},
    }


def build_level_dots(
    units: pd.DataFrame, level_text: dict[int, str], places: pd.Series | None = None
) -> tuple[list[dict], list[list[str]]]:
    """One trace of dots per level present (highest first), hovering name and level; a click reads
    the unit's code (last customdata item). ``places``: each unit's label place (None: unnamed).
    Also the legend entries, [colour, label], of exactly the levels drawn."""
    traces: list[dict] = []
    legend: list[list[str]] = []
    for level in sorted(LEVEL_COLORS, reverse=True):
        part = units[units["level"] == level]
        if not len(part):
            continue
        names = [plotly_text(n) for n in part["name"]]
        trace = {
            "type": "scattergeo",
            "lon": part["lon"].tolist(),
            "lat": part["lat"].tolist(),
            "mode": "markers",
            "marker": level_marker(level),
            "customdata": [[n, c] for n, c in zip(names, part["code"], strict=True)],
            "hovertemplate": "<b>%{customdata[0]}</b><br>" + plotly_text(level_text[level]) + _NO_EXTRA,
            "name": level_text[level],
        }
        if places is not None:
            trace |= label_props(names, places[part.index].tolist())
        traces.append(trace)
        legend.append([LEVEL_COLORS[level], level_text[level]])
    return traces, legend


def build_unit_dots(
    units: pd.DataFrame,
    level_text: dict[int, str],
    outline_url: str | None = None,
    outline_code: str | None = None,
    legend_title: str = "",
) -> go.Figure:
    """Units of a township as dots coloured by level (the map's finest grouping).

    Framed to the units' extent (in the plot's shape); every dot ``POINT_PX`` wide; names
    beside the dots when there are at most ``LABEL_MAX`` units and a name has room; the county
    outline underneath. The legend (drawn as HTML by ``render``) lists exactly the levels the
    dots are coloured with, highest first.
    """
    traces: list[dict] = []
    if outline_url and outline_code:
        traces.append(outline_trace(outline_url, outline_code))
    size = (PLOT_WIDTH_GUESS, HEIGHT)
    extent = compute_extent(units["lon"], units["lat"], aspect=size[0] / size[1]) if len(units) else None
    places = compute_unit_labels(units, extent, size) if extent and len(units) <= LABEL_MAX else None
    dots, legend = build_level_dots(units, level_text, places)
    traces += dots
    meta = {"legend": legend, "legend_title": legend_title, "legend_order": "as_given"}
    return figure(traces, map_layout(HEIGHT, extent, **CLICKABLE, meta=meta))


def render(fig: go.Figure, key: str, filename: str) -> str | None:
    """Draw the map (and its legend); the code of a clicked area or unit (last customdata item)."""
    event = st.plotly_chart(
        fig,
        key=key,
        on_select="rerun",
        selection_mode="points",
        config=config(filename),
        width="stretch",
    )
    legend = build_legend_html(fig)
    if legend:
        st.html(legend)
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    for point in points:
        custom = point.get("customdata")
        if custom:
            return str(custom[-1])
    return None
