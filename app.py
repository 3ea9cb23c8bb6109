"""星图 — 五星支部创建看板: the router and frame, nothing else."""

from __future__ import annotations

import os

import streamlit as st

from components import auth, filters, layout, panel, print_page, sample_badge, store_gate, view, village_map
from xingtu.session import access, warm

FULL_SCREEN_PAGES = ("screen",)
# (file, url path, icon); the first is the default page
PAGES = (
    ("overview", "app_pages/overview.py", ":material/map:"),
    ("trends", "app_pages/trends.py", ":material/trending_up:"),
    ("unit", "app_pages/unit.py", ":material/home_pin:"),
    ("weak", "app_pages/weak.py", ":material/troubleshoot:"),
    ("status", "app_pages/status.py", ":material/database:"),
    ("visit", "app_pages/visit.py", ":material/route:"),
    ("screen", "app_pages/screen.py", ":material/tv:"),
    ("import", "app_pages/data_import.py", ":material/upload_file:"),
    ("access", "app_pages/access_log.py", ":material/shield_person:"),
)

st.set_page_config(page_title=view.t("app.title"), page_icon="⭐", layout="wide")

if os.environ.get("XINGTU_SERVED") != "1":  # run as app.py alone: no sign-in route, no map-file route
    st.error(view.t("app.not_served"), icon=":material/dns:")
    st.stop()

who = auth.show() if store_gate.show() else None  # no principal: the page said why; nothing is read
if who is None:
    # keep the link's page (/trends…) registered, so that after signing in the same page opens
    st.navigation(
        [st.Page(f, title=p, url_path=p, default=p == "overview") for p, f, _ in PAGES], position="hidden"
    )
    st.stop()

if access.sync_version():  # a new version in force (an import, a rollback) drops cached results
    warm.start(palette=village_map.PALETTE)  # … and its common views are computed once, in the background
allowed = (
    set(who.pages) | ({"import"} if who.can_import else set()) | ({"access"} if who.can_share else set())
)
page = st.navigation(
    [
        st.Page(f, title=view.t(f"nav.{p}"), icon=icon, url_path=p, default=p == "overview")
        for p, f, icon in PAGES
        if p in allowed
    ]
)
path = page.url_path or "overview"
full_screen = path in FULL_SCREEN_PAGES  # draws its own frame, sample label included
# a shared route or the visit's phone view is read-only: no filters, no chrome
bare = full_screen or view.current().share or who.units is not None
layout.apply(bare=bare)
print_page.render(enabled=not full_screen)  # 导出 PDF + the print stylesheet
if not bare:
    filters.show()
    auth.render_account(path)
if not full_screen:
    sample_badge.render(access.load_meta())
view.render_notices()
with panel.guarded(path):  # a refusal of the data layer or a failure: said in one line
    page.run()
view.sync_url()
