"""大屏: a meeting-room screen that rotates through views on a timer set in the URL.

``r`` is the scope, ``play`` the views in turn (default: the scope, then each city or
county in it), ``every`` the seconds per view (0: stay). The rotation runs in a fragment
on Streamlit's timer, so moving on or refreshing data never reloads the page; the
position lives in the session. Space or the button pauses and resumes.

A timed rerun of the fragment does not run app.py, so it checks the session's principal
itself: a display token or link revoked or expired since (or an account gone) reruns the
whole app, which shows the refusal page instead of the next view.
"""

from __future__ import annotations

import streamlit as st

from components import auth, screen, view
from xingtu.session import access

REFRESH_S = 300  # a paused or single-view screen still re-reads the data this often

state = view.current()
screen.render_html(screen.css())
regions = access.load_region_table()
names = dict(zip(regions["code"], regions["name"], strict=True))
playlist = screen.compute_playlist(state.play, state.region, regions)
paused = screen.show_pause(key="screen.pause")
size = screen.show_viewport(key="screen.viewport")
rotating = state.every > 0 and len(playlist) > 1 and not paused
screen.start_run(playlist, key="screen")


@st.fragment(run_every=state.every if rotating else REFRESH_S)
def _view() -> None:
    if not auth.still_valid():  # no data after a revocation: the full run draws the refusal
        st.rerun()
    pos = screen.take_position(playlist, rotating, key="screen")
    region = playlist[pos]
    data = access.load_screen(region, state.unit_type, state.year, state.by)
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
            sample=access.load_shows_sample(region, state.unit_type, state.year),
            size=size,
        ),
        access.load_children_boundary_url(data.overview.child_level),
    )


_view()
