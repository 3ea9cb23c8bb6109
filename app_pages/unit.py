"""村级画像: one unit — level vs target, stars per year, weak tasks, problem ledger, map."""

from __future__ import annotations

import streamlit as st

from components import map_controls, region_map, table_export, unit_profile, unit_search, view
from components.theme import chart_config
from components.view import t
from xingtu.session import access
from xingtu.views import profile as profile_view

state = view.current()
code = unit_search.show(key="unit.search")
if code is None:
    st.info(t("unit.empty"), icon=":material/travel_explore:")
    st.stop()

page = access.load_unit_page(code, state.year)
if page is None:
    st.warning(t("url.bad_unit"))
    st.stop()
profile = page.profile
unit_profile.render_header(profile, state.year)
name = str(profile.unit["name"])
if profile.annual.empty:  # nothing imported for this unit yet: the header said so
    st.stop()
has_year = bool((profile.annual["year"] == state.year).any())

left, right = st.columns([3, 2], gap="large")
with left:
    st.markdown(f"**{t('unit.stars_by_year')}**")
    matrix = profile_view.compute_star_matrix(profile.stars, view.lang())
    if matrix.empty:
        st.caption(t("nodata.chart", what=t("unit.stars_by_year")))
    else:
        st.dataframe(matrix, width="stretch")
        table_export.show(matrix.reset_index(), f"{name}_{t('unit.stars_by_year')}", key="unit.matrix")
    st.markdown(f"**{t('unit.share_met', year=state.year)}**")
    labels = {"held": t("unit.held"), "met": t("unit.share"), "required": t("unit.required")}
    if len(profile.stars) and (profile.stars["year"] == state.year).any():
        st.plotly_chart(
            unit_profile.build_share_bars(profile.stars, state.year, labels),
            key="unit.shares",
            config=chart_config(f"{name}_{t('unit.share_met', year=state.year)}"),
        )
    else:
        st.caption(t("nodata.chart", what=t("unit.share_met", year=state.year)))
with right:
    st.markdown(f"**{t('unit.map')}**")
    st.plotly_chart(
        unit_profile.build_unit_map(
            page.neighbours,
            code,
            *map_controls.outline(profile.unit["county_code"]),  # a zone's unit: its host's outline
            map_controls.level_texts(),
        ),
        key="unit.map",
        config=region_map.config(f"{name}_{t('unit.map')}"),
    )

# task results are a separate import: without them there is nothing to judge (not "all met")
has_tasks = has_year and bool((profile.stars["year"] == state.year).any()) if len(profile.stars) else False
st.markdown(f"#### {t('unit.weak_tasks', year=state.year, n=len(profile.unmet_tasks) if has_tasks else '—')}")
unmet = profile_view.compute_unmet_table(profile.unmet_tasks, view.lang())
if not has_tasks:
    st.caption(t("nodata.chart", what=t("unit.weak_tasks", year=state.year, n="—")))
elif unmet.empty:
    st.success(t("unit.all_met"), icon=":material/verified:")
else:
    labels = {  # on the page the veto mark; in the files the veto column (是/否)
        "star_name": t("unit.ledger.star"),
        "veto_label": t("unit.veto_col"),
        "task_name": t("unit.task"),
        "description": t("unit.task_desc"),
    }
    wide = st.column_config.TextColumn(labels["description"], width="large")
    st.dataframe(
        unmet[list(labels)],
        column_config={**labels, "description": wide},
        hide_index=True,
        width="stretch",
    )
    table_export.show(
        unmet,
        f"{name}_{t('unit.weak_tasks', year=state.year, n=len(unmet))}",
        key="unit.unmet",
        columns={("veto" if c == "veto_label" else c): label for c, label in labels.items()},
    )

st.markdown(f"#### {t('unit.ledger', n=len(profile.problems))}")
if profile.problems.empty:
    st.info(t("unit.ledger.empty"))
else:
    unit_profile.render_ledger(
        profile_view.compute_ledger(profile.problems, profile.as_of, view.lang()),
        f"{name}_{t('unit.ledger', n=len(profile.problems))}",
    )
