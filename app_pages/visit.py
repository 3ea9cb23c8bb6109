"""观摩路线: choose stops, order them into a short route, print it, share it read-only."""

from __future__ import annotations

import streamlit as st

from components import auth, nodata, view, visit
from components.view import t
from xingtu.session import access

state = view.current()
if state.share:  # read-only and phone-first (the frame already hides the sidebar and chrome)
    visit.render_share_frame()
data = access.load_visit(state.stops, state.year) if state.stops else None
if not state.share:
    visit.reorder_after_change(data, state.fix)

st.markdown(f"### {t('visit.title')}")
if not state.share:  # a scope nothing was imported for has no units to suggest: say why
    scope = str(access.load_region_path(state.region)["name"].iloc[-1])
    nodata.show_notice(access.load_summary(state.region, state.unit_type, state.year), scope, state.year)
    left, target = st.columns([2, 3], gap="large")
    with left:
        crit = visit.show_criterion(key="visit.criteria")
        candidates = access.load_visit_candidates(
            state.region, state.unit_type, state.year, crit or "five_star"
        )
        visit.show_stops(data, candidates, state.stops, key="visit.editor")
else:
    target = st.container()

with target:
    legs = visit.compute_legs(data) if data is not None else []
    if not state.share:  # the map also offers the criterion's units: a click adds one
        fig = visit.build_route_map(data, legs, view.lang(), candidates=candidates)
        picked = visit.render_route_map(fig, key=f"visit.map.{abs(hash(state.stops))}", editable=True)
        if picked:
            visit.add_stop(state.stops, picked)
    if data is None or data.stops.empty:
        st.info(t("visit.empty"), icon=":material/route:")
        st.stop()
    cards = visit.compute_cards(data, legs)
    st.markdown(t("visit.total", km=f"{sum(legs):.1f}", n=len(cards)))
    if state.share:
        visit.render_route_map(
            visit.build_route_map(data, legs, view.lang(), height=300, leg_labels=False),
            key="visit.map",
            editable=False,
        )
    else:
        auth.show_route_share(state, key="visit.share")
        a, b = st.columns(2)
        title = t("visit.print_title", first=cards[0]["name"], n=len(cards))
        a.download_button(
            t("visit.print"),
            visit.build_itinerary_html(
                title, cards, sum(legs), t("visit.note", year=state.year), view.lang()
            ).encode(),
            "观摩行程单.html",
            "text/html",
            icon=":material/print:",
        )
        b.download_button(
            t("visit.excel"),
            visit.build_itinerary_xlsx(cards, view.lang()),
            "观摩行程单.xlsx",
            icon=":material/table:",
        )

visit.render_cards(cards, phone=state.share)
