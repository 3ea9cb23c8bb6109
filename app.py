"""星图 — 五星支部创建看板: the router and frame, nothing else."""

from __future__ import annotations

import logging

import streamlit as st

from components import auth, filters, layout, sample_badge, store_gate, view
from xingtu.auth.principal import AccessDenied
from xingtu.store import access

FULL_SCREEN_PAGES = ("screen",)

st.set_page_config(page_title="星图 · 五星支部创建看板", page_icon="⭐", layout="wide")

who = auth.show() if store_gate.show() else None  # no principal: the page said why; nothing is read
if who is not None:
    access.sync_version()  # a new version in force (an import, a rollback) drops cached results
    t = view.t
    pages = [
        st.Page(
            "app_pages/overview.py",
            title=t("nav.overview"),
            icon=":material/map:",
            url_path="overview",
            default=True,
        ),
        st.Page(
            "app_pages/trends.py", title=t("nav.trends"), icon=":material/trending_up:", url_path="trends"
        ),
        st.Page("app_pages/unit.py", title=t("nav.unit"), icon=":material/home_pin:", url_path="unit"),
        st.Page("app_pages/weak.py", title=t("nav.weak"), icon=":material/troubleshoot:", url_path="weak"),
        st.Page("app_pages/status.py", title=t("nav.status"), icon=":material/database:", url_path="status"),
        st.Page("app_pages/visit.py", title=t("nav.visit"), icon=":material/route:", url_path="visit"),
        st.Page("app_pages/screen.py", title=t("nav.screen"), icon=":material/tv:", url_path="screen"),
        st.Page(
            "app_pages/data_import.py",
            title=t("nav.import"),
            icon=":material/upload_file:",
            url_path="import",
        ),
    ]
    if who.can_share:
        pages.append(
            st.Page(
                "app_pages/access_log.py",
                title=t("nav.access"),
                icon=":material/shield_person:",
                url_path="access",
            )
        )
    allowed = (
        set(who.pages) | ({"import"} if who.can_import else set()) | ({"access"} if who.can_share else set())
    )
    page = st.navigation([p for p in pages if (p.url_path or "overview") in allowed])
    full_screen = page.url_path in FULL_SCREEN_PAGES  # draws its own frame, sample label included
    # a shared route or the visit's phone view is read-only: no filters, no chrome
    bare = full_screen or view.current().share or who.units is not None
    layout.apply(bare=bare)
    if not bare:
        filters.show()
        auth.render_account(page.url_path or "overview")
    if not full_screen:
        sample_badge.render(access.load_meta())
    view.render_notices()
    try:
        page.run()
    except AccessDenied as denied:  # the data layer refused: out of scope, or not an admin
        auth.record("denied", who, page=page.url_path, reason=str(denied))
        st.error(view.t("auth.denied"), icon=":material/block:")
    except Exception:  # the last line of defence: a message, never a traceback in the UI
        logging.getLogger("xingtu").exception("page %s failed", page.url_path)
        st.error(view.t("app.page_error"), icon=":material/error:")
    view.sync_url()
