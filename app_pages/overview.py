"""全省概览: headline numbers, the star-density map, the village layer, levels and ranking."""

from __future__ import annotations

import streamlit as st

from components import (
    breadcrumb,
    briefing,
    kpi_cards,
    level_chart,
    map_controls,
    nodata,
    panel,
    ranking,
    region_map,
    table_export,
    view,
    village_map,
)
from components.view import t
from xingtu.session import access
from xingtu.views import ranking as ranking_view
from xingtu.views.headline import compute_headline

state = view.current()
data = access.load_overview(state.region, state.unit_type, state.year, state.by)
shown = (
    state.region,
    state.unit_type,
    state.year,
    state.by,
)  # what `data` is: the key of what is built from it
scope_name = str(access.load_region_path(state.region)["name"].iloc[-1])
crumb_col, brief_col = st.columns([5, 2], vertical_alignment="center")
with crumb_col:
    breadcrumb.show(state.region, key="crumb")
if int(data.summary.get("expected", data.summary["units"]) or 0) == 0:  # no units match the filters
    st.info(t("overview.empty"), icon=":material/filter_alt_off:")
    st.stop()
# nothing imported for this scope and year: the map and ranking still show which regions are missing
nothing = nodata.show_notice(data.summary, scope_name, state.year)
if not nothing:
    with brief_col, st.container(horizontal_alignment="right"):
        briefing.show(
            state.region, state.unit_type, state.year, data.scope_level, scope_name, key="overview.briefing"
        )

cards = view.built(
    "overview.cards",
    *shown,
    build=lambda: kpi_cards.compute_cards(
        compute_headline(data.summary, data.counts, data.prev_summary, data.prev_counts, data.prev_year),
        view.lang(),
    ),
)
kpi_cards.render(cards, data.prev_year)

map_col, dots_col, side_col = st.columns([5, 4, 4], gap="medium")
with map_col:
    metric = map_controls.show_metric(key="overview.metric", grouping=data.scope_level == "province")
    if data.child_level == "village" and data.units.empty:
        fig = None
        nodata.show_chart_empty(t("overview.map"))
    elif data.child_level == "village":
        outline = map_controls.outline(state.region)
        fig = view.built(
            "overview.dots",
            *shown,
            outline,
            build=lambda: region_map.build_unit_dots(
                data.units, map_controls.level_texts(), *outline, t("common.level")
            ),
        )
    else:
        boundary = access.load_children_boundary_url(data.child_level)
        outline = map_controls.outline(state.region) if data.scope_level == "county" else ()
        fig = view.built(
            "overview.map",
            *shown,
            metric,
            boundary,
            outline,
            build=lambda: region_map.build_region_map(
                data.children, metric, boundary, map_controls.map_texts(metric), *outline
            ),
        )
    clicked = None
    if fig is not None:
        clicked = region_map.render(
            fig,
            key=f"map.{state.region}.{data.child_level}.{metric}.{state.unit_type}.{state.year}",
            filename=f"{scope_name}_{t('overview.map')}_{t(f'metric.{metric}')}_{state.year}",
        )
        st.caption(t("overview.map.click_hint"))


@panel.panel
def village_panel() -> None:
    """The village layer: switching points, hexagons or off redraws this panel alone."""
    url, n = access.load_points_url(
        state.region, state.unit_type, state.year, state.level, village_map.PALETTE
    )
    if n == 0:  # no results in scope that year: no points to draw, and no layer to choose
        st.markdown(f"**{t('overview.villages')}**")
        st.caption(t("nodata.villages"))
        layer = "off"
    else:
        layer = map_controls.show_layer(key="overview.layer", auto=village_map.default_layer(n))
    if layer != "off":
        counties = access.load_boundary_url("counties")
        deck = view.built(
            "overview.deck",
            *shown,
            state.level,
            layer,
            url,
            counties,
            build=lambda: village_map.build_village_deck(
                url,
                counties,
                data.bounds,
                layer,
                map_controls.village_tooltip(),
                n,
                map_controls.hex_tooltip(),
                scope_level=data.scope_level,
                names=map_controls.point_names(data.units, state.level),
            ),
        )
        legend = view.built(
            "overview.points_legend",
            *shown,
            state.level,
            layer,
            build=lambda: map_controls.points_legend(layer, data.counts, state.level),
        )
        village_map.render(deck, key="villages", legend_html=legend)


with dots_col:
    village_panel()
with side_col:
    st.markdown(f"**{t('overview.distribution')}**")
    if nothing:
        st.caption(t("nodata.chart", what=t("overview.distribution")))
    else:
        level_chart.render_level_html(data.counts)
    if data.child_level != "village":
        title = t("overview.ranking", level=t("overview.ranking.level." + data.child_level))
        st.markdown(f"**{title}**")
        sort = ranking.show_sort(key="overview.sort")

        def build_ranking() -> tuple[list, object]:
            table = ranking_view.compute_ranking(data.children, metric, view.lang(), sort)
            rows = ranking.build_ranking_rows(table, metric, t("nodata.not_imported"))
            return rows, ranking_view.compute_table(table, metric, view.lang())

        rows, export = view.built("overview.ranking", *shown, metric, sort, build=build_ranking)
        picked = ranking.render(
            rows,
            key=f"rank.{state.region}.{data.child_level}",
            height=300,
            label=title,
            metric_label=t(f"metric.{metric}"),
        )
        table_export.show(
            export,
            f"{scope_name}_{title}_{state.year}",
            key=f"rank.{state.region}.{data.child_level}.export",
        )
        clicked = clicked or picked

if clicked and clicked != state.region:
    if len(clicked) == 12 and data.child_level == "village":
        view.update(unit=clicked)
        st.switch_page("app_pages/unit.py")
    view.update(region=clicked)
    st.rerun()
