"""The "sample data" label: demo numbers must never pass for real results."""

from __future__ import annotations

import html

import streamlit as st


def render(meta: dict[str, str]) -> None:
    """A visible badge and note when the loaded dataset is the generated sample."""
    if meta.get("dataset_kind") != "sample":
        return
    note = html.escape(meta.get("dataset_note", ""))
    st.markdown(
        f"""<div data-testid="sample-badge" style="display:flex;gap:.75rem;align-items:center;
        background:#FFF4E5;border:1px solid #F2A65A;border-radius:.5rem;padding:.5rem .9rem;
        margin:.25rem 0 1rem">
        <span style="background:#E8613C;color:white;font-weight:700;border-radius:1rem;padding:.1rem .7rem;
        white-space:nowrap">样例数据</span><span style="color:#5A3A1A">{note}</span></div>""",
        unsafe_allow_html=True,
    )
