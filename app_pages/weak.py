"""短板分析: where units fail (heat maps), which tasks, who is closest to the next star, 软弱涣散."""

from __future__ import annotations

import streamlit as st

from components import breadcrumb, nodata, view, weak_charts
from components.view import t
from xingtu.session import access
from xingtu.viewstate import TABS

state = view.current()
breadcrumb.show(state.region, key="crumb")
tab = view.bind_choice(
    st.segmented_control, "tab", TABS, "weak.tab", "weak.tab", "weak.tab", decode=lambda v: v or "heat"
)
data = access.load_weak(state.region, state.unit_type, state.year, tab, state.star, state.level)
shown = (state.region, state.unit_type, state.year, tab, state.star, state.level)  # what `data` is
level_name = t("overview.ranking.level." + data.child_level)
scope = str(access.load_region_path(state.region)["name"].iloc[-1])
summary = access.load_summary(state.region, state.unit_type, state.year)
if not int(summary["expected"]):
    st.info(t("overview.empty"), icon=":material/filter_alt_off:")
    st.stop()
if nodata.show_notice(summary, scope, state.year):  # nothing imported: no weak points to find
    st.stop()

if tab == "heat":
    if data.star_fail.empty:
        st.info(t("trends.targets.empty"))
        st.stop()
    if not data.star_fail["units"].any():  # annual results without task results: no stars to judge
        nodata.show_chart_empty(t("weak.tab.heat"))
        st.stop()
    heats = (  # what is mapped, its table, the share shown, the name column, the share's label
        ("stars", data.star_fail, "share_not_held", "star_name", t("weak.not_held")),
        ("tasks", data.task_fail, "share_unmet", "task_name", t("weak.failing")),
    )
    panes = st.columns([2, 3], gap="large")
    for column, (what, table, share, name, share_label) in zip(panes, heats, strict=True):
        with column:
            title = t(f"weak.heat.{what}", level=level_name)
            weak_charts.render_heat(
                table,
                share,
                name,
                title,
                share_label,
                key=f"weak.heat.{what}",
                filename=f"{scope}_{title}_{state.year}",
                shown=shown,
            )
elif tab == "tasks":
    title = t("weak.tasks.title", year=state.year)
    st.markdown(f"**{title}**")
    if data.weakest.empty:
        nodata.show_chart_empty(title)
        st.stop()
    labels = {"veto": t("unit.veto"), "share": t("weak.failing")}
    weak_charts.render_top_tasks(data.weakest, labels, key="weak.tasks", name=f"{scope}_{title}", shown=shown)
else:
    title = t("weak." + tab + ".title", year=state.year, n=len(data.units))
    st.markdown(f"**{title}**")
    st.caption(t(f"weak.{tab}.hint"))
    if data.units.empty:
        st.info(t("weak.units.empty"))
        st.stop()
    columns = {
        "name": t("common.name"),
        "township": t("common.township"),
        "county": t("common.county"),
        "level": t("common.level"),
        "target_level": t("common.target"),
    }
    if tab == "closest":
        columns |= {
            "star_name": t("weak.next_star"),
            "tasks_short": t("weak.tasks_short"),
            "veto_unmet": t("weak.veto_unmet"),
        }
    picked = weak_charts.render_unit_list(
        data.units, columns, key=f"weak.{tab}.{state.region}", name=f"{scope}_{title}", shown=shown
    )
    if picked:
        view.update(unit=picked)
        st.switch_page("app_pages/unit.py")
