"""The "sample data" label: demo numbers must never pass for real results.

It follows what the page shows, not the whole store: a county fully imported shows no label
although the rest of the province is still the generated sample (``annual_results.source``
of the view's scope and year). A dataset with no results yet says so instead.
"""

from __future__ import annotations

import streamlit as st

from components import templating, view
from xingtu.auth.principal import AccessDenied
from xingtu.session import access
from xingtu.store.versions import holds_sample


def shows_sample(meta: dict[str, str]) -> bool:
    """Whether sample rows are among what this view (scope, unit type, year) shows."""
    if not holds_sample(meta):
        return False
    state = view.current()
    try:
        return access.load_shows_sample(state.region, state.unit_type, state.year)
    except AccessDenied:  # a view outside a plain region scope (a shared route): label it
        return True


def render(meta: dict[str, str]) -> None:
    """A visible badge and note while the view shows generated sample data; the version."""
    kind = meta.get("dataset_kind")
    version = meta.get("version_id")
    if kind == "empty":
        st.info(view.t("nodata.anywhere"), icon=":material/cloud_off:")
        return
    if not shows_sample(meta):
        if version:
            st.caption(view.t("sample.version", version=f"v{version}"))
        return
    mixed = kind == "mixed"
    note = view.t("sample.note.mixed" if mixed else "sample.note")
    if version:
        note += " · " + view.t("sample.version", version=f"v{version}")
    st.html(build_badge_html(view.t("sample.badge.mixed" if mixed else "sample.badge"), note))


def build_badge_html(badge: str, note: str) -> str:
    """The badge and its note (text, escaped by the template), with the badge's stylesheet."""
    badge_html = templating.render("sample_badge.html", badge=badge, note=note)
    return templating.style_block("sample_badge") + badge_html
