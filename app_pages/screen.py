"""大屏: a meeting-room screen that rotates through views on a timer set in the URL.

``r`` is the scope, ``play`` the views in turn (default: the scope, then each city or
county in it), ``every`` the seconds per view (0: stay). The rotation runs in a fragment
on Streamlit's timer, so moving on or refreshing data never reloads the page; the
position lives in the session. Space or the button pauses and resumes.
"""

from __future__ import annotations

import streamlit as st

from components import screen, view
from components.view import t
from xingtu.store import access

REFRESH_S = 300  # a paused or single-view screen still re-reads the data this often

state = view.current()
screen.render_html(screen.CSS)
regions = access.load_region_table()
names = dict(zip(regions["code"], regions["name"], strict=True))
children = regions.loc[
    (regions["parent_code"] == state.region) & regions["level"].isin(["city", "county"]), "code"
].tolist()
playlist = screen.compute_playlist(state.play, state.region, children)
if st.session_state.get("screen.playlist") != playlist:
    st.session_state["screen.playlist"] = playlist
    st.session_state["screen.pos"] = 0
paused = st.session_state.get("screen.paused", False)
rotating = state.every > 0 and len(playlist) > 1 and not paused


def _toggle() -> None:
    st.session_state["screen.paused"] = not st.session_state.get("screen.paused", False)


with st.container(key="screen-controls"):
    st.button(
        t("screen.resume") if paused else t("screen.pause"),
        key="screen.pause",
        on_click=_toggle,
        shortcut="Space",
        icon=":material/play_arrow:" if paused else ":material/pause:",
    )
scale = screen.show_scale(key="screen.viewport")
st.session_state["screen.full_run"] = True


@st.fragment(run_every=state.every if rotating else REFRESH_S)
def _view() -> None:
    if not st.session_state.pop("screen.full_run", False) and rotating:
        st.session_state["screen.pos"] = screen.compute_next(st.session_state["screen.pos"], len(playlist))
    pos = st.session_state["screen.pos"]
    region = playlist[pos]
    data = access.load_screen(region, state.unit_type, state.year, state.by)
    geo = (
        access.load_boundary_url({"city": "cities", "county": "counties"}[data.overview.child_level])
        if data.overview.child_level in ("city", "county")
        else None
    )
    screen.render_view(
        data,
        screen.Frame(
            region=region,
            name=names[region],
            metric=state.metric,
            year=state.year,
            position=pos,
            views=len(playlist),
            every=state.every,
            paused=paused,
            sample=access.load_meta().get("dataset_kind") == "sample",
            scale=scale,
        ),
        geo,
    )


_view()
