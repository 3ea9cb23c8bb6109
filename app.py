"""星图 — 五星支部创建看板: the router and frame, nothing else."""

from __future__ import annotations

import streamlit as st

from components import store_gate

st.set_page_config(page_title="星图 · 五星支部创建看板", page_icon="⭐", layout="wide")

if store_gate.show():
    page = st.navigation(
        [st.Page("pages/status.py", title="数据概况", icon=":material/database:", default=True)],
    )
    page.run()
