"""星图's server: the Streamlit app (``app.py``) plus the routes that must check who asks.

Run it as ``streamlit run serve.py``. Streamlit 1.67 finds the ``st.App`` below and serves it
with uvicorn; beside the app's pages and websocket it mounts the sign-in routes and the
scope-locked routes for map data, and middleware that guards downloads. Running ``app.py``
directly is refused by the app itself: without these routes nobody could sign in and no map
file would be served.
"""

from __future__ import annotations

import gc
import importlib
import os
import threading

import streamlit as st
from streamlit import runtime

from xingtu.process import cap_malloc_arenas, start_trimming
from xingtu.store import first_start
from xingtu.web import app as web

cap_malloc_arenas()  # before the server's threads: every script run is a new one
start_trimming()  # and what the runs freed goes back to the system every half minute

os.environ["XINGTU_SERVED"] = "1"  # app.py checks it: the routes below are mounted

# What every page draws with, imported now rather than at the first reader's page.
LIBRARIES = ("pandas", "numpy", "pyarrow", "duckdb", "plotly.graph_objects", "pydeck", "geopandas", "jinja2")

app = st.App("app.py", routes=web.routes(), middleware=web.middleware())


def _warm_when_ready(build: first_start.Build) -> None:
    """Once the store is built and the server's runtime exists (the caches are the runtime's),
    compute the common views in the background (``xingtu.session.warm``)."""
    build.done.wait()
    tick = threading.Event()  # never set: its wait is a pause between two looks
    while not runtime.exists():
        tick.wait(0.5)
    if build.error is None:  # a failed build: the first page says why and builds again
        # imported only now: their caches must not exist before the runtime
        from components import village_map
        from xingtu.session import warm

        warm.start(palette=village_map.PALETTE)


for library in LIBRARIES:
    importlib.import_module(library)
# The garbage collector's full passes skip what lives as long as the process.
gc.collect()
gc.freeze()
# First start: build the store while the server comes up, not at the first page; then warm.
threading.Thread(
    target=_warm_when_ready, args=(first_start.start_build(),), name="xingtu-warm-wait", daemon=True
).start()
