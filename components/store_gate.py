"""First-run gate: build the store with visible progress before any page queries it.

The build runs in a background thread (``xingtu.store.first_start``), started by the server
as soon as it starts, or here if nothing started it. Every session that opens a page
meanwhile shows the same progress bar with named steps and enters the dashboard when it is done.
"""

from __future__ import annotations

import streamlit as st

from components import view
from xingtu.safe import markdown_text
from xingtu.session.access import prepare_store
from xingtu.store import first_start
from xingtu.store.build import BUILD_STEPS, store_is_current

# Measured with bench/bench_first_start.py (whole province, 2 cores): the wait the page announces
FIRST_START_S = 20
POLL_S = 0.25  # how often a waiting page looks at the build's progress


@st.cache_resource(show_spinner=False)
def _checked() -> bool:
    """Whether this process has already confirmed an up-to-date store."""
    return store_is_current()


def step_text(step: str) -> str:
    """The progress bar's label for a build step (a ``BUILD_STEPS`` key): its number and name."""
    number = BUILD_STEPS.index(step) + 1 if step in BUILD_STEPS else len(BUILD_STEPS)
    return view.t("build.step", step=number, steps=len(BUILD_STEPS), name=view.t(step))


def show() -> bool:
    """Ensure the store exists; on first run show a progress bar with named steps while it is built."""
    if _checked():
        return True
    build = first_start.start_build()
    box = st.empty()
    with box.container():
        st.info(view.t("build.intro", seconds=FIRST_START_S), icon=":material/database:")
        shown = (build.fraction, build.step)
        bar = st.progress(shown[0], text=step_text(shown[1]))
    while not build.done.wait(POLL_S):
        if (build.fraction, build.step) != shown:
            shown = (build.fraction, build.step)
            bar.progress(shown[0], text=step_text(shown[1]))
    box.empty()
    try:
        if build.error is not None:
            raise build.error
        prepare_store(lambda _fraction, _step: None)  # current now: a check, and the path cached anew
    except Exception as exc:  # any failure must reach the user as a message, not a traceback
        st.error(view.t("build.failed", error=markdown_text(exc)))
        return False
    _checked.clear()
    return True
