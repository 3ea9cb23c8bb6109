"""What a page says where there is nothing to show yet: a region or year nothing was imported for.

An empty dataset (``XINGTU_DATASET=empty``) starts with no results at all, and a partly
imported one has regions without any. Pages never show zeros for them as if they were
results: they say which scope and year are missing (未导入) and how much of it is in.
"""

from __future__ import annotations

import functools

import streamlit as st

from components import view
from components.view import t
from xingtu.i18n import translate
from xingtu.viewstate import Lang


def compute_notice(summary: dict, scope: str, year: int, lang: Lang) -> tuple[str, str] | None:
    """("none" | "partial", text in ``lang``) when the scope's results that year are missing or partial."""
    units = int(summary.get("units") or 0)
    expected = int(summary.get("expected") or 0)
    if expected == 0 or units >= expected:
        return None
    tr = functools.partial(translate, lang=lang)
    values = {"scope": view.md(scope), "year": year, "expected": f"{expected:,}"}
    if units == 0:
        return "none", tr("nodata.scope", **values)
    return "partial", tr("nodata.partial", units=f"{units:,}", missing=f"{expected - units:,}", **values)


def show_notice(summary: dict, scope: str, year: int) -> bool:
    """Say what is not imported in this scope and year; True when nothing at all is."""
    notice = compute_notice(summary, scope, year, view.lang())
    if notice is None:
        return False
    kind, text = notice
    if kind == "none":
        st.info(text, icon=":material/cloud_off:")
        return True
    st.caption(f":material/cloud_off: {text}")
    return False


def show_chart_empty(what: str) -> None:
    """The line standing where a chart would be drawn from data not imported yet."""
    st.info(t("nodata.chart", what=what), icon=":material/cloud_off:")
