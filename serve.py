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
import pkgutil

import streamlit as st

import components

from xingtu.store import first_start
from xingtu.web import app as web

os.environ["XINGTU_SERVED"] = "1"  # app.py checks it: the routes below are mounted

app = st.App("app.py", routes=web.routes(), middleware=web.middleware())
first_start.start_build()  # first start: build the store while the server comes up, not at the first page

# Import what every page draws with now, not at the first reader's page (pandas, plotly,
# geopandas, pydeck come with the components), then freeze that heap: the garbage
# collector's full passes skip objects that live as long as the process.
for module in pkgutil.iter_modules(components.__path__):
    importlib.import_module(f"components.{module.name}")
gc.collect()
gc.freeze()
