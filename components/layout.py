"""Page density: less blank space above the content so a 1080p screen shows more data."""

from __future__ import annotations

import streamlit as st

_CSS = """
<style>
[data-testid="stMainBlockContainer"] { padding-top: 3.6rem; padding-bottom: 1rem; }
[data-testid="stSidebarContent"] [data-testid="stSidebarUserContent"] { padding-top: 0.5rem; }
[data-testid="stMetricValue"] { font-size: 1.9rem; }
</style>
"""


def apply() -> None:
    st.html(_CSS)
