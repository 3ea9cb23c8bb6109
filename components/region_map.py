"""The star-density map: classed choropleth of cities/counties, bubbles below county level.

Drawn with plotly's geo (SVG) traces: no tiles, no WebGL, crisp at any screen size, and
``fitbounds`` frames the scope. Polygons come from a static GeoJSON URL (fetched once by
the browser), so a changed metric resends only codes and values; the base topojson
plotly insists on loading is served locally (``TOPOJSON_URL``), never from a CDN. Names
show on hover with value and rank.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components.theme import (
    CLASS_COLORS,
    FONT_FAMILY,
    LEVEL_COLORS,
    NO_DATA_COLOR,
    TEXT_COLOR,
    chart_config,
    figure,
)
from xingtu.domain.classes import classify, compute_breaks, format_class_labels
from xingtu.domain.metrics import METRIC_SPECS, compute_ranks, format_metric
from xingtu.safe import plotly_text

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


@dataclass(frozen=True)
class MapTexts:
    metric_label: str
    rank_label: str
    units_label: str
    no_data: str
    zone_label: str
    not_imported: str = ""  # a region with units but no results yet (an empty or partial dataset)


def compute_not_imported(df: pd.DataFrame) -> pd.Series:
    """Rows of regions that have units of the scope's type but no results (未导入)."""
    if "expected" not in df:
        return pd.Series(False, index=df.index)
    return (df["units"] == 0) & (df["expected"] > 0)


def compute_classes(values: pd.Series, metric: str) -> tuple[list[int | None], list[str]]:
    """Quantile classes of the values (five at most) and their legend labels, low to high."""
    present = values.dropna()
    if present.empty:
        return [None] * len(values), []
    breaks = compute_breaks(present.tolist(), k=5, method="quantile")
    fmt = {"share": "{:.1%}", "mean": "{:.2f}", "count": "{:,.0f}"}[METRIC_SPECS[metric].kind]
    labels = format_class_labels(breaks, fmt, lower=float(present.min()))
    return classify(values.tolist(), breaks), labels


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
        traces.append(
            {
                "type": "choropleth",
                "geojson": outline_url,
                "featureidkey": "id",
                "locations": [outline_code],
                "z": [0],
                "colorscale": [[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
                "showscale": False,
                "marker": {"line": {"color": "#8A8A8A", "width": 1.5}},
                "hoverinfo": "skip",
                "name": "outline",
            }
        )
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
    layout = {
        "height": HEIGHT,
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "geo": GEO,
        "font": {"family": FONT_FAMILY, "size": 15, "color": TEXT_COLOR},
        "showlegend": False,
        "hoverlabel": {"font": {"family": FONT_FAMILY, "size": 15}},
        "clickmode": "event+select",
        "uirevision": "keep",
        "meta": {"legend": legend, "legend_title": texts.metric_label},
    }
    return figure(traces, layout)


def compute_legend(fig: go.Figure) -> tuple[str, list[tuple[str, str]]]:
    """The legend's title and its (colour, label) entries in reading order: high → low, no data last."""
    meta = fig.layout.meta or {}
    items = [(str(c), str(label)) for c, label in meta.get("legend", [])]
    return str(meta.get("legend_title", "")), items[:0:-1] + items[:1]


def build_legend_html(fig: go.Figure) -> str:
    """The classes' swatches and ranges (high to low, then no data) as escaped HTML."""
    title, ordered = compute_legend(fig)
    if not ordered:
        return ""
    cells = "".join(
        f'<span class="xt-key"><i style="background:{html.escape(color)}"></i>{html.escape(label)}</span>'
        for color, label in ordered
    )
    title = html.escape(title)
    return f'<div class="xt-legend" data-testid="map-legend"><b>{title}</b>{cells}</div>'


_LEGEND_CSS = """
<style>
.xt-legend { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 14px; font-size: 14px; }
.xt-legend b { font-weight: 600; margin-right: 2px; }
.xt-key { display: inline-flex; align-items: center; gap: 5px; white-space: nowrap; }
.xt-key i { display: inline-block; width: 14px; height: 14px; border-radius: 2px; }
</style>
"""


def build_unit_dots(units: pd.DataFrame, level_text: dict[int, str]) -> go.Figure:
    """Units of a township as dots coloured by level (the map's finest grouping)."""
    fig = go.Figure()
    for level in sorted(LEVEL_COLORS, reverse=True):
        part = units[units["level"] == level]
        if not len(part):
            continue
        fig.add_trace(
            go.Scattergeo(
                lon=part["lon"],
                lat=part["lat"],
                mode="markers",
                marker={"size": 14, "color": LEVEL_COLORS[level], "line": {"color": "white", "width": 1}},
                customdata=[[plotly_text(n), c] for n, c in zip(part["name"], part["code"], strict=True)],
                hovertemplate="<b>%{customdata[0]}</b><br>" + level_text[level] + "<extra></extra>",
                name=level_text[level],
            )
        )
    fig.update_layout(
        height=HEIGHT,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        geo=GEO,
        font={"family": FONT_FAMILY, "size": 15, "color": TEXT_COLOR},
        legend={"x": 0.01, "y": 0.01, "bgcolor": "rgba(255,255,255,0.85)"},
        clickmode="event+select",
    )
    return fig


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
        st.html(_LEGEND_CSS + legend)
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    for point in points:
        custom = point.get("customdata")
        if custom:
            return str(custom[-1])
    return None
