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


# Pages that stand alone (the big screen, a shared read-only link) show none of Streamlit's chrome.
_BARE_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stStatusWidget"], [data-testid="stDecoration"],
[data-testid="stSidebarNav"], [data-testid="stAppDeployButton"], [data-testid="stMainMenu"] {
  display: none !important; }
</style>
"""


def apply(bare: bool = False) -> None:
    st.html(_CSS + (_BARE_CSS if bare else ""))
