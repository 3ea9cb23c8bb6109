"""进度趋势: levels and mean stars per year, this year's monthly progress, targets, comparisons, movers."""

from __future__ import annotations

import streamlit as st

from components import breadcrumb, nodata, trend_charts, trend_panels, view
from components.theme import chart_config
from components.view import t
from xingtu.session import access

state = view.current()
data = access.load_trends(state.region, state.unit_type, state.year, state.star)
scope = str(access.load_region_path(state.region)["name"].iloc[-1])
breadcrumb.show(state.region, key="crumb")
if data.year_metrics.empty:
    if int(access.load_summary(state.region, state.unit_type, state.year)["expected"]):
        st.info(t("nodata.trends", scope=view.md(scope)), icon=":material/cloud_off:")
    else:
        st.info(t("overview.empty"), icon=":material/filter_alt_off:")
    st.stop()
nodata.show_notice(access.load_summary(state.region, state.unit_type, state.year), scope, state.year)

levels = {lv: t(f"level.{lv}") for lv in range(6)}
shown = (state.region, state.unit_type, state.year, state.star)  # what every figure below depends on
left, right = st.columns(2, gap="large")
with left:
    st.markdown(f"**{t('trends.levels')}**")
    st.plotly_chart(
        view.built("trends.levels", *shown, build=lambda: trend_charts.build_level_stack(data.level_trend, levels)),
        key="trends.levels",
        config=chart_config(f"{scope}_{t('trends.levels')}"),
    )
with right:
    st.markdown(f"**{t('trends.mean')}**")
    labels = {m: t(f"metric.{m}") for m in ("mean_stars", "share_ge3", "share_ge4")}
    st.plotly_chart(
        view.built("trends.mean", *shown, build=lambda: trend_charts.build_mean_line(data.year_metrics, labels)),
        key="trends.mean",
        config=chart_config(f"{scope}_{t('trends.mean')}"),
    )

left, right = st.columns(2, gap="large")
with left:
    trend_panels.render_monthly(data.monthly, scope, shown)
with right:
    trend_panels.render_targets(data.target_vs_result, data.child_level, state.year, scope, shown)

left, right = st.columns(2, gap="large")
with left:
    trend_panels.render_compare(state.unit_type, key="trends.compare")
with right:
    trend_panels.render_movers(data.child_years, data.child_level, key="trends.movers", scope=scope, shown=shown)
