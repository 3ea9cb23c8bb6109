"""访问与审计: the share links one made (revocable), and for admins the whole audit log."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from components import table_export
from components.view import t
from xingtu.auth import audit
from xingtu.i18n import TEXTS
from xingtu.store import access

who = access.principal()
events = list(access.load_audit_events())
regions = access.load_region_table()
names = dict(zip(regions["code"], regions["name"], strict=True))


def _scope(code: str) -> str:
    return names.get(code, code)


links = [s for s in audit.shares(events) if who.can_import or s["user"] == who.user]

st.title(t("access.title"))
st.subheader(t("access.links"))
if not links:
    st.info(t("access.links.empty"), icon=":material/link:")
else:
    now = dt.datetime.now().timestamp()
    table = pd.DataFrame(
        {
            t("access.col.id"): [s["id"] for s in links],
            t("access.col.at"): [s["at"][:16].replace("T", " ") for s in links],
            t("access.col.user"): [s["user"] for s in links],
            t("access.col.page"): [t(f"nav.{s['page']}") if s["page"] else "" for s in links],
            t("access.col.scope"): [_scope(s["scope"]) for s in links],
            t("access.col.stops"): [s["stops"] or "" for s in links],
            t("access.col.expires"): [
                dt.datetime.fromtimestamp(s["expires"]).strftime("%Y-%m-%d %H:%M") for s in links
            ],
            t("access.col.state"): [
                t("access.revoked")
                if s["revoked"]
                else t("access.expired")
                if s["expires"] <= now
                else t("access.live")
                for s in links
            ],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")
    live = [s["id"] for s in links if not s["revoked"] and s["expires"] > now]
    pick, go = st.columns([3, 1], vertical_alignment="bottom")
    target = pick.selectbox(t("access.revoke.pick"), live, key="access.revoke.pick", disabled=not live)
    if go.button(t("access.revoke"), key="access.revoke", disabled=not live, icon=":material/link_off:"):
        access.record_event("share_revoked", who, id=target)
        st.toast(t("access.revoked.done", id=target), icon=":material/lock:")
        st.rerun()

if who.can_import:
    st.subheader(t("access.log"))
    labels = {e: t(f"audit.{e}") for e in audit.EVENTS}
    kinds = st.multiselect(
        t("access.log.events"),
        audit.EVENTS,
        key="access.log.events",
        placeholder=t("access.log.all"),
        format_func=labels.__getitem__,
    )
    rows = [e for e in reversed(events) if not kinds or e.event in kinds][:2000]
    log = pd.DataFrame(
        {
            t("access.col.at"): [e.at[:19].replace("T", " ") for e in rows],
            t("access.col.event"): [labels.get(e.event, e.event) for e in rows],
            t("access.col.user"): [e.user for e in rows],
            t("access.col.role"): [
                t(f"role.{e.role}") if f"role.{e.role}" in TEXTS else e.role for e in rows
            ],
            t("access.col.scope"): [_scope(e.scope) for e in rows],
            t("access.col.detail"): [", ".join(f"{k}={v}" for k, v in e.detail.items()) for e in rows],
        }
    )
    st.dataframe(log, hide_index=True, width="stretch", height=min(420, 38 + 35 * max(1, len(log))))
    table_export.show(log, t("access.log"), key="access.log")
