"""Star-level distribution as horizontal bars (五星 on top).

The overview draws them as HTML (``build_level_html``): six bars need no chart library,
and each plotly chart costs the page a few hundred milliseconds in the browser.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import templating, view
from components.theme import FONT_FAMILY, LEVEL_COLORS, TEXT_COLOR, chart_config, figure


def build_level_bar(
    counts: pd.DataFrame, height: int = 320, labels: dict[int, str] | None = None
) -> go.Figure:
    """Bars per level from ``query_level_counts`` output (level, label, units, share).

    ``labels`` overrides the level names (the English view passes its own).
    """
    df = counts.sort_values("level")
    if labels:
        df = df.assign(label=df["level"].map(labels))
    bars = {
        "type": "bar",
        "x": df["units"].tolist(),
        "y": df["label"].tolist(),
        "orientation": "h",
        "marker": {"color": [LEVEL_COLORS[int(lv)] for lv in df["level"]]},
        "text": [f"{u:,}（{s:.1%}）" for u, s in zip(df["units"], df["share"], strict=True)],
        "textposition": "outside",
        "cliponaxis": False,
        "hovertemplate": "%{y}：%{x:,}<extra></extra>",
    }
    layout = {
        "height": height,
        "margin": {"l": 10, "r": 110, "t": 10, "b": 10},
        "font": {"family": FONT_FAMILY, "size": 15, "color": TEXT_COLOR},
        "xaxis": {"showgrid": True, "gridcolor": "#EEE", "tickformat": ",", "title": None},
        "yaxis": {"title": None},
        "plot_bgcolor": "white",
        "showlegend": False,
    }
    return figure([bars], layout)


def render_level_bar(counts: pd.DataFrame, key: str, filename: str, height: int = 320) -> None:
    labels = {lv: view.t(f"level.{lv}") for lv in range(6)}
    st.plotly_chart(build_level_bar(counts, height, labels), key=key, config=chart_config(filename))


def build_level_html(counts: pd.DataFrame, labels: dict[int, str]) -> str:
    """Six bars (五星 on top) as HTML: label, bar scaled to the largest level, count and share."""
    df = counts.sort_values("level", ascending=False)
    top = max(int(df["units"].max()), 1) if len(df) else 1
    rows = [
        {
            "label": labels[int(level)],
            "width": round(int(units) / top * 100, 1),
            "color": LEVEL_COLORS[int(level)],
            "value": f"{int(units):,}（{float(share):.1%}）",
        }
        for level, units, share in zip(df["level"], df["units"], df["share"], strict=True)
    ]
    return templating.render("level_bars.html", rows=rows)


def render_level_html(counts: pd.DataFrame) -> None:
    labels = {lv: view.t(f"level.{lv}") for lv in range(6)}
    st.html(templating.style_block("level_bars") + build_level_html(counts, labels))
