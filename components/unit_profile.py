"""The village drill-down drawn: header, share of tasks met, ledger, map.

The tables it shows (stars per year, unmet tasks, the ledger) are built by ``xingtu.views.profile``."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import breadcrumb, table_export, templating, view
from components.region_map import (
    POINT_PX,
    build_level_dots,
    compute_extent,
    compute_unit_labels,
    label_props,
    map_layout,
    outline_trace,
)
from components.theme import FONT_FAMILY, LEVEL_COLORS, TEXT_COLOR, figure
from components.view import t
from xingtu.domain.problems import is_open
from xingtu.safe import markdown_text, plotly_text
from xingtu.store.queries import UnitProfile


def build_share_bars(stars: pd.DataFrame, year: int, labels: dict[str, str]) -> go.Figure:
    """This year's share of tasks met per star, with the share the star requires as a tick."""
    df = stars[stars["year"] == year].sort_values("ord", ascending=False)
    required = df["required"] / df["tasks_total"]
    colors = [LEVEL_COLORS[4] if h else "#B0B0B0" for h in df["held"]]
    fig = go.Figure(
        go.Bar(
            x=df["share_met"],
            y=[plotly_text(s) for s in df["star_name"]],
            orientation="h",
            marker_color=colors,
            text=[
                f"{m}/{n}" + (f"  {labels['held']}" if h else "")
                for m, n, h in zip(df["tasks_met"], df["tasks_total"], df["held"], strict=True)
            ],
            textposition="inside",
            insidetextanchor="start",
            hovertemplate="%{y}：%{x:.0%}<extra></extra>",
            name=labels["met"],
        )
    )
    fig.add_trace(
        go.Scatter(
            x=required,
            y=[plotly_text(s) for s in df["star_name"]],
            mode="markers",
            marker={"symbol": "line-ns", "size": 26, "line": {"width": 3, "color": TEXT_COLOR}},
            name=labels["required"],
            hovertemplate=labels["required"] + "：%{x:.0%}<extra></extra>",
        )
    )
    fig.update_layout(
        height=260,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        font={"family": FONT_FAMILY, "size": 15, "color": TEXT_COLOR},
        xaxis={"range": [0, 1.02], "tickformat": ".0%", "gridcolor": "#EEE"},
        plot_bgcolor="white",
        legend={"orientation": "h", "y": -0.18},
        bargap=0.3,
    )
    return fig


MINI_HEIGHT = 320
MINI_PLOT_PX = (540, 290)  # the map's area at 1920 wide (the unit page's right column; legend below)
MINI_LABEL_MAX = 40  # names (where they have room) up to this many units; the unit's own always
RING_PX = POINT_PX + 12


def build_unit_map(
    neighbours: pd.DataFrame,
    code: str,
    outline_url: str | None,
    county_code: str | None,
    level_text: dict[int, str],
) -> go.Figure:
    """The unit (large, ringed, named) among the other units of its township, coloured by level.

    Framed to the township's units, inside the county outline; every dot is at least
    ``POINT_PX`` wide. The legend lists every level a dot is coloured with, the unit's own
    level included (it is drawn in its level's trace, then ringed on top).
    """
    traces: list[dict] = [outline_trace(outline_url, county_code)] if outline_url and county_code else []
    extent = (
        compute_extent(neighbours["lon"], neighbours["lat"], aspect=MINI_PLOT_PX[0] / MINI_PLOT_PX[1])
        if len(neighbours)
        else None
    )
    places = None
    if extent is not None:
        few = len(neighbours) <= MINI_LABEL_MAX
        named = neighbours if few else neighbours[neighbours["code"] == code]
        places = compute_unit_labels(named, extent, MINI_PLOT_PX, {code: RING_PX / 2}, first=code)
        places = places.reindex(neighbours.index)
    # the unit's own name is written by its ring below
    others = places.where(neighbours["code"] != code, None) if places is not None else None
    traces += build_level_dots(neighbours, level_text, others)[0]
    me = neighbours[neighbours["code"] == code]
    ring = {
        "type": "scattergeo",
        "lon": me["lon"].tolist(),
        "lat": me["lat"].tolist(),
        "mode": "markers",
        "marker": {
            "size": RING_PX,
            "color": [LEVEL_COLORS[int(v)] for v in me["level"]],
            "line": {"color": TEXT_COLOR, "width": 3},
        },
        "hovertext": [plotly_text(n) for n in me["name"]],
        "hovertemplate": "<b>%{hovertext}</b><extra></extra>",
        "showlegend": False,
        "name": "unit",
    }
    if places is not None and len(me):
        at = places[me.index].fillna("bottom center").tolist()  # the unit is always named
        ring |= label_props(ring["hovertext"], at, font_size=14)
    traces.append(ring)
    legend = {"orientation": "h", "x": 0, "y": 0, "yanchor": "top", "bgcolor": "rgba(255,255,255,0.85)"}
    return figure(traces, map_layout(MINI_HEIGHT, extent, 13, showlegend=True, legend=legend))


def render_header(profile: UnitProfile, year: int) -> None:
    u = profile.unit
    annual = profile.annual.set_index("year")
    row = annual.loc[year] if year in annual.index else None
    st.markdown(f"## {markdown_text(u['name'])}")
    st.caption(
        breadcrumb.unit_path_text(u)  # 河南省 › 市 › 县 › 乡镇 › 村
        + f" · {t('unit.code')} {u['code']} · {t('type.one.' + u['unit_type'])}"
    )
    if row is None:  # not imported (that year, or at all): said, never shown as 未评星
        key = "nodata.unit.none" if annual.empty else "nodata.unit"
        st.info(t(key, name=markdown_text(u["name"]), year=year), icon=":material/cloud_off:")
        return
    cols = st.columns(5, gap="small")
    cols[0].metric(t("unit.level", year=year), t(f"level.{int(row['level'])}"), border=True)
    if pd.isna(row["target_level"]):  # a unit-year created by a task import has no 创建目标
        cols[1].metric(t("common.target"), "—", border=True)
    else:
        met = int(row["level"]) >= int(row["target_level"])
        cols[1].metric(
            t("common.target"),
            t(f"level.{int(row['target_level'])}"),
            delta=t("unit.target_met") if met else t("unit.target_missed"),
            delta_color="normal" if met else "inverse",
            delta_arrow="off",
            border=True,
        )
    cols[2].metric(
        t("unit.weak_lax"),
        t("unit.weak_lax.yes") if row["weak_lax"] else t("unit.weak_lax.no"),
        border=True,
    )
    cols[3].metric(
        t("unit.problems"),
        f"{int(row['open_problems'])}",
        delta=t("unit.overdue", n=int(row["overdue_problems"])) if row["overdue_problems"] else None,
        delta_color="inverse",
        delta_arrow="off",
        border=True,
    )
    with cols[4].container(border=True):
        st.caption(t("unit.pairing"))
        if profile.pairings.empty:
            st.markdown(t("unit.pairing.none"))
        for p in profile.pairings.itertuples(index=False):
            role = t("unit.pairing." + ("helps" if p.role == "帮带" else "helped"))
            view.link(
                f"{markdown_text(p.partner_name)}（{role}）",
                f"pair.{p.partner_code}",
                {"unit": p.partner_code},
                icon=":material/handshake:",
            )


# The ledger's columns as shown and downloaded: data column -> its heading's text key.
LEDGER_COLUMNS = {
    "problem": "unit.ledger.problem",
    "star_name": "unit.ledger.star",
    "helper": "unit.ledger.helper",
    "measure": "unit.ledger.measure",
    "deadline": "unit.ledger.deadline",
    "state": "unit.ledger.status",
    "closed_on": "unit.ledger.closed_on",
}


def render_ledger(ledger: pd.DataFrame, name: str) -> None:
    """The ledger (``xingtu.views.profile.compute_ledger``: overdue rows highlighted, closed ones
    greyed) and its Excel / CSV download."""
    shown = ledger[list(LEDGER_COLUMNS)]
    cells = templating.cell_styles("cells")
    row_style = [
        cells["overdue"] if late else "" if is_open(status) else cells["closed"]
        for late, status in zip(ledger["overdue"], ledger["status"], strict=True)
    ]
    styles = pd.DataFrame({c: row_style for c in shown.columns}, index=shown.index)

    labels = {column: t(key) for column, key in LEDGER_COLUMNS.items()}  # on the page and in the files
    wide = {c: st.column_config.TextColumn(labels[c], width="large") for c in ("problem", "measure")}
    dates = {c: st.column_config.DateColumn(labels[c]) for c in ("deadline", "closed_on")}
    st.dataframe(
        shown.style.apply(lambda _: styles, axis=None),
        column_config={**labels, **wide, **dates},
        hide_index=True,
        width="stretch",
    )
    table_export.show(shown, name, key="unit.ledger", columns=labels)
