"""Charts of a scope over time: levels per year, mean stars, monthly progress, targets, comparison.

The movers (largest rises and falls) are a view: ``xingtu.views.movers``."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from components.theme import FONT_FAMILY, LEVEL_COLORS, TEXT_COLOR, figure
from xingtu.domain.metrics import format_metric
from xingtu.safe import plotly_text

SERIES_COLORS = ("#C8102E", "#1F5AA6", "#2E8B57", "#E8A317", "#6A3D9A", "#00838F", "#8D6E63", "#D81B60")


def _layout(height: int, **extra: object) -> dict:
    """The layout every trend chart shares; ``extra`` adds to it (axes are merged, not replaced)."""
    axis = {"gridcolor": "#EEE"}
    layout: dict = {
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "font": {"family": FONT_FAMILY, "size": 15, "color": TEXT_COLOR},
        "plot_bgcolor": "white",
        "legend": {"orientation": "h", "y": -0.15},
        "hoverlabel": {"font": {"family": FONT_FAMILY}},
        "xaxis": dict(axis),
        "yaxis": dict(axis),
    }
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(layout.get(key), dict):
            layout[key] = {**layout[key], **value}
        else:
            layout[key] = value
    return layout


def build_level_stack(trend: pd.DataFrame, labels: dict[int, str], height: int = 330) -> go.Figure:
    """Share of units at each level per year, stacked (五星 on top)."""
    traces = []
    for level in (0, 1, 2, 3, 4, 5):
        part = trend[trend["level"] == level]
        traces.append(
            {
                "type": "bar",
                "x": part["year"].astype(str).tolist(),
                "y": part["share"].tolist(),
                "name": labels[level],
                "marker": {"color": LEVEL_COLORS[level]},
                "customdata": part["units"].tolist(),
                "text": [f"{s:.0%}" if s >= 0.04 else "" for s in part["share"]],
                "textposition": "inside",
                "hovertemplate": plotly_text(labels[level]) + " · %{customdata:,} · %{y:.1%}<extra>%{x}</extra>",
            }
        )
    layout = _layout(
        height,
        barmode="stack",
        yaxis={"tickformat": ".0%", "range": [0, 1]},
        legend={"traceorder": "reversed", "orientation": "v", "y": 0.5, "x": 1.02},
    )
    return figure(traces, layout)


def build_mean_line(metrics: pd.DataFrame, labels: dict[str, str], height: int = 330) -> go.Figure:
    """Mean stars (left axis) and share with ≥3 / ≥4 stars (right axis) per year."""
    years = metrics["year"].astype(str).tolist()
    traces = [
        {
            "type": "scatter",
            "x": years,
            "y": metrics["mean_stars"].tolist(),
            "name": labels["mean_stars"],
            "mode": "lines+markers+text",
            "line": {"color": LEVEL_COLORS[5], "width": 4},
            "text": [f"{v:.2f}" for v in metrics["mean_stars"]],
            "textposition": "top center",
            "hovertemplate": "%{y:.2f}<extra>%{x}</extra>",
        }
    ]
    for key, color in (("share_ge3", LEVEL_COLORS[3]), ("share_ge4", LEVEL_COLORS[4])):
        traces.append(
            {
                "type": "scatter",
                "x": years,
                "y": metrics[key].tolist(),
                "name": labels[key],
                "yaxis": "y2",
                "mode": "lines+markers",
                "line": {"color": color, "width": 2, "dash": "dot"},
                "hovertemplate": "%{y:.1%}<extra>%{x}</extra>",
            }
        )
    top = float(metrics["mean_stars"].max()) if len(metrics) else 5.0
    layout = _layout(
        height,
        yaxis={"title": {"text": labels["mean_stars"]}, "range": [0, max(5.0, top + 0.3)]},
        yaxis2={"overlaying": "y", "side": "right", "tickformat": ".0%", "range": [0, 1], "showgrid": False},
        xaxis={"type": "category"},
    )
    return figure(traces, layout)


def build_monthly(
    monthly: pd.DataFrame, month_names: Sequence[str] | None = None, height: int = 330
) -> go.Figure:
    """Share of tasks met per star, month by month in the current year.

    ``month_names``: the twelve month labels in the UI's language (axis ticks and hover);
    without them, the month numbers.
    """
    month_names = month_names or [str(m) for m in range(1, 13)]
    traces = []
    for i, (star_name, part) in enumerate(monthly.groupby(["ord", "star_name"], sort=True)):
        traces.append(
            {
                "type": "scatter",
                "x": [int(m) for m in part["month"]],
                "y": part["share_met"].tolist(),
                "name": plotly_text(star_name[1]),
                "customdata": [month_names[int(m) - 1] for m in part["month"]],
                "mode": "lines+markers",
                "line": {"color": SERIES_COLORS[i % len(SERIES_COLORS)], "width": 3},
                "hovertemplate": "%{customdata} · %{y:.1%}<extra>%{fullData.name}</extra>",
            }
        )
    months = sorted({int(m) for m in monthly["month"]})
    layout = _layout(
        height,
        xaxis={"tickmode": "array", "tickvals": months, "ticktext": [month_names[m - 1] for m in months]},
        yaxis={"tickformat": ".0%"},
    )
    return figure(traces, layout)


def build_target_vs_result(df: pd.DataFrame, labels: dict[str, str], height: int = 420) -> go.Figure:
    """Dumbbell per region: mean target (hollow) vs mean assessed level (filled), largest gap on top."""
    data = df[df["units"] > 0].assign(gap=lambda d: d["mean_target"] - d["mean_level"]).sort_values("gap")
    names = [plotly_text(n) for n in data["name"]]
    traces: list[dict] = [
        {
            "type": "scatter",
            "x": [float(level), float(target)],
            "y": [name] * 2,
            "mode": "lines",
            "line": {"color": "#CCCCCC", "width": 3},
            "showlegend": False,
            "hoverinfo": "skip",
        }
        for level, target, name in zip(data["mean_level"], data["mean_target"], names, strict=True)
    ]
    share = "<br>" + labels["share"] + "：%{customdata:.1%}"
    hollow = {"color": "white", "line": {"color": LEVEL_COLORS[5], "width": 3}}
    ends = (  # the target hollow, the result filled; the result's hover adds the share meeting target
        ("target", "mean_target", hollow, None, ""),
        ("result", "mean_level", {"color": LEVEL_COLORS[4]}, data["share_meet_target"].tolist(), share),
    )
    for key, column, marker, custom, more in ends:
        trace = {
            "type": "scatter",
            "x": data[column].tolist(),
            "y": names,
            "mode": "markers",
            "name": labels[key],
            "marker": {"size": 13, **marker},
            "hovertemplate": labels[key] + "：%{x:.2f}" + more + "<extra>%{y}</extra>",
        }
        if custom is not None:
            trace["customdata"] = custom
        traces.append(trace)
    layout = _layout(max(height, 26 * len(data) + 60), xaxis={"title": {"text": labels["axis"]}})
    return figure(traces, layout)


def build_compare(county_years: pd.DataFrame, codes: tuple[str, ...], metric: str, label: str) -> go.Figure:
    """Chosen counties' metric per year, one line each."""
    traces = []
    for i, code in enumerate(codes):
        part = county_years[county_years["code"] == code].sort_values("year")
        if part.empty:
            continue
        traces.append(
            {
                "type": "scatter",
                "x": part["year"].astype(str).tolist(),
                "y": part[metric].tolist(),
                "name": plotly_text(part["name"].iloc[0]),
                "mode": "lines+markers",
                "line": {"color": SERIES_COLORS[i % len(SERIES_COLORS)], "width": 3},
                "text": [format_metric(metric, v) for v in part[metric]],
                "hovertemplate": "%{text}<extra>%{fullData.name} %{x}</extra>",  # data never in a template
            }
        )
    return figure(traces, _layout(330, yaxis={"title": {"text": label}}, xaxis={"type": "category"}))
