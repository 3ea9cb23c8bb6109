"""Weak-indicator charts: heat maps of failing shares, top failing tasks, unit lists."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import table_export, view
from components.theme import CLASS_COLORS, FONT_FAMILY, TEXT_COLOR, chart_config
from components.view import t
from xingtu.safe import plotly_text

_SCALE = [[i / 4, c] for i, c in enumerate(CLASS_COLORS[5])]


def build_heat(df: pd.DataFrame, column: str, label: str, height: int = 460) -> go.Figure:
    """Regions (rows) × ``column`` (stars or tasks) coloured by the share failing."""
    grid = df.pivot_table(index=["code", "name"], columns=column, values="share", sort=False)
    order = df.drop_duplicates(column)[column].tolist()
    grid = grid[[c for c in order if c in grid.columns]]
    names = [plotly_text(n) for _, n in grid.index]
    cols = [plotly_text(c) for c in grid.columns]
    text = [[f"{v:.0%}" if pd.notna(v) else "" for v in row] for row in grid.to_numpy()]
    fig = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(),
            x=cols,
            y=names,
            colorscale=_SCALE,
            zmin=0,
            text=text,
            texttemplate="%{text}",
            hovertemplate="%{y} · %{x}<br>" + label + "：%{z:.1%}<extra></extra>",
            # under the grid, not beside it: on a phone a side bar took a quarter of the width
            colorbar={
                "title": {"text": label, "side": "top"},
                "tickformat": ".0%",
                "orientation": "h",
                "x": 0.5,
                "xanchor": "center",
                "y": 0,
                "yanchor": "top",
                "ypad": 8,
                "thickness": 12,
                "len": 0.7,
            },
            xgap=2,
            ygap=2,
        )
    )
    fig.update_layout(
        height=max(height, 28 * len(names) + 190),
        margin={"l": 10, "r": 10, "t": 10, "b": 70},
        font={"family": FONT_FAMILY, "size": 14, "color": TEXT_COLOR},
        yaxis={"autorange": "reversed"},
        # level labels when they fit, turned (to upright on a phone) when they would overlap
        xaxis={"side": "top", "autotickangles": [0, -45, -90]},
        plot_bgcolor="white",
    )
    return fig


def render_heat(
    df: pd.DataFrame, share: str, column: str, title: str, label: str, key: str, filename: str, shown: tuple
) -> None:
    """A titled heat map of ``df`` (regions × ``column``, coloured by the ``share`` column).

    ``shown``: the view's values ``df`` came from (the built figure is shared under them)."""
    st.markdown(f"**{title}**")
    fig = view.built(
        "weak.heat", *shown, column, build=lambda: build_heat(df.rename(columns={share: "share"}), column, label)
    )
    st.plotly_chart(fig, key=key, config=chart_config(filename))


def build_top_tasks(df: pd.DataFrame, labels: dict[str, str], height: int = 560) -> go.Figure:
    """Tasks most often unmet, worst on top; veto items marked."""
    data = df.sort_values("share_unmet")
    names = [
        plotly_text(n) + (f" 【{labels['veto']}】" if v else "") + f" · {plotly_text(s)}"
        for n, v, s in zip(data["task_name"], data["veto"], data["star_name"], strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            x=data["share_unmet"],
            y=names,
            orientation="h",
            marker_color=["#8E0E1F" if v else "#E8613C" for v in data["veto"]],
            text=[f"{s:.1%}（{u:,}）" for s, u in zip(data["share_unmet"], data["units_unmet"], strict=True)],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}<br>" + labels["share"] + "：%{x:.1%}<extra></extra>",
        )
    )
    fig.update_layout(
        height=max(height, 30 * len(data) + 40),
        margin={"l": 10, "r": 120, "t": 10, "b": 10},
        font={"family": FONT_FAMILY, "size": 15, "color": TEXT_COLOR},
        xaxis={"tickformat": ".0%", "gridcolor": "#EEE"},
        plot_bgcolor="white",
    )
    return fig


def render_top_tasks(df: pd.DataFrame, labels: dict[str, str], key: str, name: str, shown: tuple) -> None:
    """The chart of the most failed tasks (PNG from its camera button) and its numbers as a table."""
    fig = view.built("weak.tasks", *shown, build=lambda: build_top_tasks(df, labels))
    st.plotly_chart(fig, key=key, config=chart_config(name))
    table = df.assign(share=(df["share_unmet"] * 100).round(1))
    columns = {
        "task_id": t("export.task_id"),
        "task_name": t("unit.task"),
        "star_name": t("unit.ledger.star"),
        "veto": t("unit.veto_col"),
        "share": t("export.percent", label=t("weak.failing")),
        "units_unmet": t("briefing.weak.units"),
        "units": t("metric.units"),
    }
    table_export.show(table, name, key=f"{key}.table", columns=columns)


def render_unit_list(
    units: pd.DataFrame, columns: dict[str, str], key: str, name: str, shown: tuple, height: int = 560
) -> str | None:
    """A clickable list of units and its Excel / CSV download; the code of the clicked unit, if any.

    ``shown``: the view's values ``units`` came from (the labelled table is shared under them)."""
    table = view.built(
        "weak.units",
        *shown,
        build=lambda: units.assign(
            level=[t(f"level.{int(v)}") for v in units["level"]],
            target_level=[t(f"level.{int(v)}") if pd.notna(v) else "—" for v in units["target_level"]],
        ),
    )
    event = st.dataframe(
        table[list(columns)],
        column_config=columns,
        hide_index=True,
        width="stretch",
        height=height,
        on_select="rerun",
        selection_mode="single-row",
        key=key,
    )
    table_export.show(table, name, key=f"{key}.table", columns={"code": t("unit.code"), **columns})
    rows = event.selection.rows if event else []
    return str(units.iloc[rows[0]]["code"]) if rows else None
