"""Find a unit by name or code: typo-tolerant, disambiguated by township and county."""

from __future__ import annotations

import streamlit as st

from components import view
from components.view import t
from xingtu.safe import markdown_text
from xingtu.session import access


def show(key: str) -> str | None:
    """A search box and its matches; choosing a match sets the view's unit. Returns the unit code."""
    query = st.text_input(
        t("unit.search"), key=f"{key}.q", placeholder=t("unit.search.placeholder"), max_chars=60
    )
    if query.strip():
        results = access.load_unit_search(query.strip())
        if results.empty:
            st.warning(t("unit.search.none", q=markdown_text(query.strip())), icon=":material/search_off:")
        else:
            labels = dict(zip(results["code"], results["label"], strict=True))
            options = list(labels)
            current = view.current().unit
            st.session_state[f"{key}.pick"] = current if current in labels else None
            st.selectbox(
                t("unit.search.results", n=len(results)),
                options,
                key=f"{key}.pick",
                index=None,
                format_func=lambda c: labels[c],
                placeholder=t("unit.search.choose"),
                on_change=_picked,
                args=(f"{key}.pick",),
            )
    return view.current().unit


def _picked(key: str) -> None:
    code = st.session_state.get(key)
    if code:
        view.update(unit=code)
