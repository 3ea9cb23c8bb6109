"""The "sample data" label: demo numbers must never pass for real results."""

from __future__ import annotations

import html

import streamlit as st

from components import view
from xingtu.store.versions import holds_sample


def render(meta: dict[str, str]) -> None:
    """A visible badge and note while any of the loaded dataset is the generated sample; the version."""
    kind = meta.get("dataset_kind")
    version = meta.get("version_id")
    if not holds_sample(meta):
        if version:
            st.caption(view.t("sample.version", version=f"v{version}"))
        return
    mixed = kind == "mixed"
    note = html.escape(view.t("sample.note.mixed" if mixed else "sample.note"))
    badge = html.escape(view.t("sample.badge.mixed" if mixed else "sample.badge"))
    if version:
        note += " · " + html.escape(view.t("sample.version", version=f"v{version}"))
    st.html(
        f"""<div data-testid="sample-badge" style="display:flex;gap:.75rem;align-items:center;
        background:#FFF4E5;border:1px solid #F2A65A;border-radius:.5rem;padding:.5rem .9rem;
        margin:0 0 .5rem;font-size:.9rem">
        <span style="background:#E8613C;color:white;font-weight:700;border-radius:1rem;padding:.1rem .7rem;
        white-space:nowrap">{badge}</span><span style="color:#5A3A1A">{note}</span></div>"""
    )
