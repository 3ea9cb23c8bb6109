"""Charts of a scope over time: levels per year, mean stars, monthly progress, targets, comparison.

The movers (largest rises and falls) are a view: ``xingtu.views.movers``."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from components.theme import FONT_FAMILY, LEVEL_COLORS, TEXT_COLOR
from xingtu.domain.metrics import format_metric
from xingtu.safe import plotly_text

SERIES_COLORS = ("#C8102E", "#1F5AA6", "#2E8B57", "#E8A317", "#6A3D9A", "#00838F", "#8D6E63", "#D81B60")


def _layout(fig: go.Figure, height: int, **extra: object) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        font={"family": FONT_FAMILY, "size": 15, "color": TEXT_COLOR},
        plot_bgcolor="white",
        legend={"orientation": "h", "y": -0.15},
        hoverlabel={"font": {"family": FONT_FAMILY}},
        **extra,
    )
    fig.update_xaxes(gridcolor="#EEE")
    fig.update_yaxes(gridcolor="#EEE")
    return fig


def build_level_stack(trend: pd.DataFrame, labels: dict[int, str], height: int = 330) -> go.Figure:
    """Share of units at each level per year, stacked (五星 on top)."""
    fig = go.Figure()
    for level in (0, 1, 2, 3, 4, 5):
        part = trend[trend["level"] == level]
        fig.add_trace(
            go.Bar(
                x=part["year"].astype(str),
                y=part["share"],
                name=labels[level],
                marker_color=LEVEL_COLORS[level],
                customdata=part["units"],
                text=[f"{s:.0%}" if s >= 0.04 else "" for s in part["share"]],
                textposition="inside",
                hovertemplate=plotly_text(labels[level]) + " · %{customdata:,} · %{y:.1%}<extra>%{x}</extra>",
            )
        )
    _layout(fig, height, barmode="stack")
    fig.update_yaxes(tickformat=".0%", range=[0, 1])
    fig.update_layout(legend={"traceorder": "reversed", "orientation": "v", "y": 0.5, "x": 1.02})
    return fig


def build_mean_line(metrics: pd.DataFrame, labels: dict[str, str], height: int = 330) -> go.Figure:
    """Mean stars (left axis) and share with ≥3 / ≥4 stars (right axis) per year."""
    years = metrics["year"].astype(str)
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=years,
            y=metrics["mean_stars"],
            name=labels["mean_stars"],
            mode="lines+markers+text",
            line={"color": LEVEL_COLORS[5], "width": 4},
            text=[f"{v:.2f}" for v in metrics["mean_stars"]],
            textposition="top center",
            hovertemplate="%{y:.2f}<extra>%{x}</extra>",
        )
    )
    for key, color in (("share_ge3", LEVEL_COLORS[3]), ("share_ge4", LEVEL_COLORS[4])):
        fig.add_trace(
            go.Scatter(
                x=years,
                y=metrics[key],
                name=labels[key],
                yaxis="y2",
                mode="lines+markers",
                line={"color": color, "width": 2, "dash": "dot"},
                hovertemplate="%{y:.1%}<extra>%{x}</extra>",
            )
        )
    top = float(metrics["mean_stars"].max()) if len(metrics) else 5.0
    _layout(
        fig,
        height,
        yaxis={"title": labels["mean_stars"], "range": [0, max(5.0, top + 0.3)]},
        yaxis2={"overlaying": "y", "side": "right", "tickformat": ".0%", "range": [0, 1], "showgrid": False},
        xaxis={"type": "category"},
    )
    return fig


def build_monthly(
    monthly: pd.DataFrame, month_names: Sequence[str] | None = None, height: int = 330
) -> go.Figure:
    """Share of tasks met per star, month by month in the current year.

    ``month_names``: the twelve month labels in the UI's language (axis ticks and hover);
    without them, the month numbers.
    """
    month_names = month_names or [str(m) for m in range(1, 13)]
    fig = go.Figure()
    for i, (star_name, part) in enumerate(monthly.groupby(["ord", "star_name"], sort=True)):
        fig.add_trace(
            go.Scatter(
                x=part["month"],
                y=part["share_met"],
                name=plotly_text(star_name[1]),
                customdata=[month_names[int(m) - 1] for m in part["month"]],
                mode="lines+markers",
                line={"color": SERIES_COLORS[i % len(SERIES_COLORS)], "width": 3},
                hovertemplate="%{customdata} · %{y:.1%}<extra>%{fullData.name}</extra>",
            )
        )
    _layout(fig, height)
    months = sorted({int(m) for m in monthly["month"]})
    fig.update_xaxes(tickmode="array", tickvals=months, ticktext=[month_names[m - 1] for m in months])
    fig.update_yaxes(tickformat=".0%")
    return fig


def build_target_vs_result(df: pd.DataFrame, labels: dict[str, str], height: int = 420) -> go.Figure:
    """Dumbbell per region: mean target (hollow) vs mean assessed level (filled), largest gap on top."""
    data = df[df["units"] > 0].assign(gap=lambda d: d["mean_target"] - d["mean_level"]).sort_values("gap")
    names = [plotly_text(n) for n in data["name"]]
    fig = go.Figure()
    for _, r in data.iterrows():
        fig.add_trace(
            go.Scatter(
                x=[r["mean_level"], r["mean_target"]],
                y=[plotly_text(r["name"])] * 2,
                mode="lines",
                line={"color": "#CCCCCC", "width": 3},
                showlegend=False,
                hoverinfo="skip",
            )
        )
    share = "<br>" + labels["share"] + "：%{customdata:.1%}"
    hollow = {"color": "white", "line": {"color": LEVEL_COLORS[5], "width": 3}}
    ends = (  # the target hollow, the result filled; the result's hover adds the share meeting target
        ("target", "mean_target", hollow, None, ""),
        ("result", "mean_level", {"color": LEVEL_COLORS[4]}, data["share_meet_target"], share),
    )
    for key, column, marker, custom, more in ends:
        fig.add_trace(
            go.Scatter(
                x=data[column],
                y=names,
                mode="markers",
                name=labels[key],
                marker={"size": 13, **marker},
                customdata=custom,
                hovertemplate=labels[key] + "：%{x:.2f}" + more + "<extra>%{y}</extra>",
            )
        )
    _layout(fig, max(height, 26 * len(data) + 60))
    fig.update_xaxes(title=labels["axis"])
    return fig


def build_compare(county_years: pd.DataFrame, codes: tuple[str, ...], metric: str, label: str) -> go.Figure:
    """Chosen counties' metric per year, one line each."""
    fig = go.Figure()
    for i, code in enumerate(codes):
        part = county_years[county_years["code"] == code].sort_values("year")
        if part.empty:
            continue
        name = plotly_text(part["name"].iloc[0])
        fig.add_trace(
            go.Scatter(
                x=part["year"].astype(str),
                y=part[metric],
                name=name,
                mode="lines+markers",
                line={"color": SERIES_COLORS[i % len(SERIES_COLORS)], "width": 3},
                text=[format_metric(metric, v) for v in part[metric]],
                hovertemplate="%{text}<extra>%{fullData.name} %{x}</extra>",  # data never in a template
            )
        )
    _layout(fig, 330, yaxis={"title": label}, xaxis={"type": "category"})
    return fig
