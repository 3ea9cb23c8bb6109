"""The "sample data" label: demo numbers must never pass for real results."""

from __future__ import annotations

import html

import streamlit as st

from components import view


def render(meta: dict[str, str]) -> None:
    """A visible badge and note when the loaded dataset is the generated sample."""
    if meta.get("dataset_kind") != "sample":
        return
    note = html.escape(view.t("sample.note"))
    badge = html.escape(view.t("sample.badge"))
    st.html(
        f"""<div data-testid="sample-badge" style="display:flex;gap:.75rem;align-items:center;
        background:#FFF4E5;border:1px solid #F2A65A;border-radius:.5rem;padding:.5rem .9rem;
        margin:0 0 .5rem;font-size:.9rem">
        <span style="background:#E8613C;color:white;font-weight:700;border-radius:1rem;padding:.1rem .7rem;
        white-space:nowrap">{badge}</span><span style="color:#5A3A1A">{note}</span></div>"""
    )
