"""The map's own controls (metric, grouping, village layer) and its translated texts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import region_map, view, village_map
from components.region_map import MapTexts
from components.view import t
from xingtu.session import access
from xingtu.viewstate import GROUPINGS, LAYERS, METRICS


def show_metric(key: str, grouping: bool) -> str:
    """Metric select (and, at province scope, county/city grouping); returns the metric."""
    left, right = st.columns([3, 2], vertical_alignment="bottom") if grouping else (st.container(), None)
    with left:
        metric = view.bind_choice(
            st.selectbox, "metric", METRICS, f"{key}.metric", "overview.map.metric", "metric"
        )
    if right is not None:
        with right:
            view.bind_choice(
                st.segmented_control,
                "by",
                GROUPINGS,
                f"{key}.by",
                "overview.map.by",
                "overview.map.by",
                decode=lambda b: b or "county",
            )
    return metric


def show_layer(key: str, auto: str) -> str:
    """The village layer; ``auto`` is what the view shows until someone picks one."""
    return view.bind_choice(
        st.segmented_control,
        "layer",
        LAYERS,
        key,
        "overview.villages",
        "overview.layer",
        encode=lambda v: auto if v == "auto" else v,
        decode=lambda v: v or auto,
    )


def map_texts(metric: str) -> MapTexts:
    return MapTexts(
        metric_label=t(f"metric.{metric}"),
        rank_label=t("metric.rank"),
        units_label=t("metric.units"),
        no_data=t("overview.legend.no_data"),
        zone_label=t("common.kind.zone"),
        not_imported=t("nodata.not_imported"),
    )


def village_tooltip() -> str:
    """Fixed template text; the {fields} are filled (and escaped) by the chart, never by us."""
    return f"<b>{{n}}</b><br/>{{t}}<br/>{t('common.level')}：{{l}} ★"


def hex_tooltip() -> str:
    """Units in a hexagon (deck.gl's count of points), as fixed template text."""
    return f"{t('metric.units')}：{{colorValue}}"


def level_texts() -> dict[int, str]:
    """五星 … 未评星 in the UI's language, by level."""
    return {lv: t(f"level.{lv}") for lv in range(6)}


def outline(region: str) -> tuple[str | None, str | None]:
    """(boundary URL, feature id) of the county outline drawn under a county's or township's units."""
    found = view.built(
        "map.outline",
        view.context().root,
        region,
        build=lambda: region_map.compute_outline(access.load_region_table(), region),
    )
    if found is None:
        return None, None
    layer, code = found
    return access.load_boundary_url(layer), code


def compute_point_levels(counts: pd.DataFrame, level: int | None) -> list[int]:
    """The levels the village points are coloured with: those with units, or the one level chosen."""
    present = [int(lv) for lv in counts.loc[counts["units"] > 0, "level"]]
    return [lv for lv in present if level is None or lv == int(level)]


def points_legend(layer: str, counts: pd.DataFrame, level: int | None) -> str:
    """The legend of the village points (none for hexagons: their colour is a count, told on hover)."""
    if layer != "points":
        return ""
    levels = compute_point_levels(counts, level)
    return village_map.build_level_legend(levels, level_texts(), t("common.level"))


def point_names(units: pd.DataFrame, level: int | None) -> pd.DataFrame | None:
    """The units to name on the village points (a township's, at the chosen level); None when many."""
    if units.empty:
        return None
    shown = units if level is None else units[units["level"] == int(level)]
    return shown if len(shown) <= region_map.LABEL_MAX else None
