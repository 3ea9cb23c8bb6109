"""访问与审计: the share links one made (revocable), and for admins display tokens and the audit log.

A display token (大屏令牌) is an admin's read-only link for the meeting-room PC: the big screen
only, of one region, optionally a playlist, for 30/90/365 days. It is listed and revoked with
the share links; the screen's timed refresh checks it, so a revoked token shows a refusal at
the screen's next refresh.
"""

from __future__ import annotations

import datetime as dt
import time

import pandas as pd
import streamlit as st

from components import auth, table_export
from components.view import t
from xingtu.auth import audit, share
from xingtu.domain.hierarchy import region_prefix
from xingtu.i18n import TEXTS
from xingtu.session import access

_LAST_DISPLAY = "access.display.last"  # (id, link) of the token made in this session
EVERY_CHOICES = (0, 10, 20, 30, 60, 120, 300)

who = access.principal()
events = list(access.load_audit_events())
regions = access.load_region_table()
names = dict(zip(regions["code"], regions["name"], strict=True))


def _scope(code: str) -> str:
    return names.get(code, code)


def _play(params: dict) -> str:
    """A display token's playlist as region names (its link holds short codes)."""
    codes = [c.strip().ljust(12, "0") for c in str(params.get("play", "")).split(",") if c.strip()]
    return "、".join(_scope(c) for c in codes)


def _display_tokens() -> None:
    """The admin's form for a display token; the link is shown once, right after it is made."""
    st.subheader(t("access.display"))
    st.caption(t("access.display.note"))
    secret = auth.share_secret(demo=False)
    if secret is None:
        st.warning(t("share.off"), icon=":material/key_off:")
        return
    levels = {"province": 0, "city": 1, "county": 2}
    shown = regions[regions["level"].isin(list(levels)) & regions["code"].map(who.sees_region)]
    shown = shown.sort_values("code")
    indent = {c: "\u3000" * levels[lv] for c, lv in zip(shown["code"], shown["level"], strict=True)}
    scope_col, play_col = st.columns([1, 2])
    region = scope_col.selectbox(
        t("access.display.region"),
        list(shown["code"]),
        key="access.display.region",
        format_func=lambda c: indent.get(c, "") + _scope(c),
    )
    inside = [c for c in shown["code"] if c != region and c.startswith(region_prefix(region))]
    play = play_col.multiselect(
        t("access.display.play"),
        [region, *inside],
        key=f"access.display.play.{region}",
        format_func=_scope,
        placeholder=t("access.display.play.all"),
    )
    every_col, days_col, go_col = st.columns([1, 1, 1], vertical_alignment="bottom")
    every_labels = {
        n: t("access.display.every.n", n=n) if n else t("access.display.every.0") for n in EVERY_CHOICES
    }
    every = every_col.selectbox(
        t("access.display.every"),
        EVERY_CHOICES,
        index=EVERY_CHOICES.index(30),
        key="access.display.every",
        format_func=every_labels.__getitem__,
    )
    day_labels = {n: t("share.days.n", n=n) for n in share.DISPLAY_DAYS}
    days = days_col.selectbox(
        t("share.days"),
        share.DISPLAY_DAYS,
        index=1,
        key="access.display.days",
        format_func=day_labels.__getitem__,
    )
    if go_col.button(
        t("access.display.create"), key="access.display.create", type="primary", icon=":material/tv:"
    ):
        grant = share.new_display(who, region, days, time.time(), play=tuple(play), every=every)
        auth.record_share(who, grant)
        st.session_state[_LAST_DISPLAY] = (grant.id, auth.link_for(grant, secret))
        st.rerun()  # the new token joins the list below
    last = st.session_state.get(_LAST_DISPLAY)
    if last:
        st.success(t("access.display.done", id=last[0]), icon=":material/tv:")
        st.code(last[1], language=None, wrap_lines=True)


links = [s for s in audit.shares(events) if who.can_import or s["user"] == who.user]
now = dt.datetime.now().timestamp()

st.title(t("access.title"))
if who.can_import:
    _display_tokens()
st.subheader(t("access.links"))
if not links:
    st.info(t("access.links.empty"), icon=":material/link:")
else:
    table = pd.DataFrame(
        {
            t("access.col.id"): [s["id"] for s in links],
            t("access.col.kind"): [t(f"access.kind.{s['kind']}") for s in links],
            t("access.col.at"): [s["at"][:16].replace("T", " ") for s in links],
            t("access.col.user"): [s["user"] for s in links],
            t("access.col.page"): [t(f"nav.{s['page']}") if s["page"] else "" for s in links],
            t("access.col.scope"): [_scope(s["region"]) for s in links],
            t("access.col.stops"): [s["stops"] or "" for s in links],
            t("access.col.play"): [_play(s["params"]) if s["kind"] == "display" else "" for s in links],
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
    live = [s for s in links if not s["revoked"] and s["expires"] > now]
    labels = {s["id"]: f"{s['id']} · {t('access.kind.' + s['kind'])} · {_scope(s['region'])}" for s in live}
    pick, go = st.columns([3, 1], vertical_alignment="bottom")
    target = pick.selectbox(
        t("access.revoke.pick"),
        list(labels),
        key="access.revoke.pick",
        disabled=not live,
        format_func=labels.__getitem__,
    )
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
