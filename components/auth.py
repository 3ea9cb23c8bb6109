"""Who may look: the sign-in page, share links opened, the account box and link creation.

``show()`` runs before anything reads data. It fixes the session's principal once (a
signed-in account, an OIDC identity, a share link, or the read-only demo when no account
is configured) and re-checks it on every run: an expired or revoked link, or an account
removed from the users file, ends the session. Every refusal is a page with a message.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import secrets
import time
from collections.abc import Callable
from pathlib import Path

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components import view
from components.view import SHARE_PARAM, t
from xingtu.auth import audit, share
from xingtu.auth.principal import READ_PAGES, Principal, demo_principal
from xingtu.auth.users import Accounts, LoginThrottle, UsersFileError, load_accounts, verify_password
from xingtu.domain.hierarchy import region_level
from xingtu.settings import get_settings
from xingtu.store import access
from xingtu.store.versions import holds_sample
from xingtu.viewstate import ViewState

_SESSION_ID = "_xingtu_session_id"
_LAST_LINK = "_xingtu_last_link"


@st.cache_resource(show_spinner=False)
def _throttle() -> LoginThrottle:
    return LoginThrottle()


@st.cache_resource(show_spinner=False, max_entries=4)
def _accounts(path: str, mtime: int, province: str) -> Accounts:
    del mtime  # cache key only: an edited file is read again
    return load_accounts(Path(path), province)


def load_configured_accounts() -> Accounts:
    """The accounts of the users file (read again whenever the file changes)."""
    settings = get_settings()
    path = settings.users_path
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        mtime = -1
    return _accounts(str(path), mtime, settings.province)


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises rather than answering no
        return False


def _secret_setting() -> str | None:
    value = os.environ.get("XINGTU_SHARE_SECRET")
    if value:
        return value
    try:
        return str(st.secrets["xingtu"]["share_secret"])
    except Exception:  # no secrets file, no section: links depend on the environment alone
        return None


@st.cache_resource(show_spinner=False)
def _demo_secret() -> str:
    """The demo's links are signed with a key made at start: they last until the server restarts."""
    return secrets.token_urlsafe(32)


def share_secret(demo: bool) -> str | None:
    """The key links are signed with; None when links are off (accounts without a configured key)."""
    configured = share.check_secret(_secret_setting())
    if configured:
        return configured
    return _demo_secret() if demo else None


def revoked() -> frozenset[str]:
    return audit.revoked_ids(access.load_audit_events())


def _session_id() -> str:
    if _SESSION_ID not in st.session_state:
        st.session_state[_SESSION_ID] = secrets.token_hex(8)
    return st.session_state[_SESSION_ID]


def show() -> Principal | None:
    """The session's principal, or None after drawing the page that says why there is none."""
    province = get_settings().province.ljust(12, "0")
    try:
        accounts = load_configured_accounts()
    except UsersFileError as err:
        _page_error(t("auth.config_error", error=str(err)))
        return None
    token = st.query_params.get(SHARE_PARAM)
    who = access.current_principal()
    if who is not None and not _still_valid(who, accounts, token):
        access.set_principal(None)
        who = None
    if who is not None:
        return who
    if token is not None:
        return _open_link(token, demo=not accounts.configured and not _oidc_configured())
    if not accounts.configured and not _oidc_configured():
        who = demo_principal(province)
        access.set_principal(who)
        return who
    if _oidc_configured() and st.user.is_logged_in:
        return _oidc_principal(accounts)
    _login_page(accounts)
    return None


def _still_valid(who: Principal, accounts: Accounts, token: str | None) -> bool:
    if who.source == "share":
        return who.expires is not None and who.expires > time.time() and who.share_id not in revoked()
    if token is not None and token != "":
        return False  # a link opened in a signed-in tab: the link's scope, not the account's
    if who.source == "password":
        account = accounts.users.get(who.user)
        return account is not None and account.principal() == who
    if who.source == "oidc":
        account = accounts.oidc.get(who.user)
        return account is not None and account.principal("oidc") == who and st.user.is_logged_in
    return who.source == "demo" and not accounts.configured and not _oidc_configured()


def _open_link(token: str, demo: bool) -> Principal | None:
    try:
        grant = share.read(token, share_secret(demo), time.time(), revoked())
    except share.ShareError as err:
        access.record_event("share_refused", user="", reason=err.problem, token=token[:40])
        _page_error(
            t(f"share.refused.{err.problem}"), title=t("share.refused.title"), icon=":material/link_off:"
        )
        return None
    who = dataclasses.replace(grant.principal(), token=token)
    access.set_principal(who)
    access.record_event("share_opened", who, id=grant.id, page=grant.page, by=grant.created_by)
    if set(st.query_params) == {SHARE_PARAM}:  # the link as made: its view comes from the grant
        st.query_params.from_dict({**grant.params, SHARE_PARAM: token})
    return who


def _oidc_principal(accounts: Accounts) -> Principal | None:
    email = str(st.user.get("email") or "").strip().lower()
    account = accounts.oidc.get(email)
    if account is None:
        access.record_event("login_failed", user=email or "?", source="oidc", reason="unmapped")
        _page_error(t("auth.oidc_unknown", email=email or "?"))
        st.button(t("auth.logout"), on_click=st.logout, key="auth.oidc_logout")
        return None
    who = account.principal("oidc")
    access.set_principal(who)
    access.record_event("login", who, source="oidc")
    return who


def _panel(title: str) -> DeltaGenerator:
    """The centred column of the sign-in and refusal pages, under the product's name."""
    _, middle, _ = st.columns([1, 1.2, 1])
    with middle:
        st.markdown("<div style='height:8vh'></div>", unsafe_allow_html=True)  # no data: a fixed spacer
        st.markdown(f"## :red[★] {title}")
    return middle


def _login_page(accounts: Accounts) -> None:
    with _panel(t("auth.title")):
        st.caption(t("auth.caption"))
        if accounts.users:
            with st.form("login"):
                user = st.text_input(t("auth.user"), key="login.user", max_chars=64)
                password = st.text_input(
                    t("auth.password"), key="login.password", type="password", max_chars=256
                )
                submitted = st.form_submit_button(
                    t("auth.submit"), key="login.submit", type="primary", width="stretch"
                )
            if submitted:
                _try_login(accounts, user.strip(), password)
        if _oidc_configured():
            st.button(t("auth.oidc"), on_click=st.login, key="auth.oidc", width="stretch")


def _try_login(accounts: Accounts, user: str, password: str) -> None:
    keys = (f"user:{user}", f"session:{_session_id()}")
    wait = _throttle().wait_seconds(*keys)
    if wait:
        access.record_event("login_failed", user=user, reason="throttled")
        st.error(t("auth.throttled", seconds=wait), icon=":material/lock_clock:")
        return
    account = verify_password(accounts, user, password)
    if account is None:
        _throttle().failed(*keys)
        access.record_event("login_failed", user=user, reason="password")
        st.error(t("auth.wrong"), icon=":material/error:")
        return
    _throttle().succeeded(*keys)
    who = account.principal()
    access.set_principal(who)
    access.record_event("login", who, source="password")
    st.rerun()


def _page_error(message: str, title: str | None = None, icon: str = ":material/error:") -> None:
    with _panel(title or t("auth.title")):
        st.error(message, icon=icon)
        st.caption(t("auth.product"))


def render_account(page: str) -> None:
    """The sidebar box: who this is and their scope, sign out, and a link to share this view."""
    who = access.principal()
    scope = str(access.load_region_path(who.region)["name"].iloc[-1])
    with st.sidebar:
        if who.role == "demo":
            demo = "auth.demo" if holds_sample(access.load_meta()) else "auth.demo.empty"
            st.info(t(demo), icon=":material/visibility:")
        elif who.role == "share":
            until = dt.datetime.fromtimestamp(who.expires or 0).strftime("%Y-%m-%d %H:%M")
            st.info(t("auth.shared", scope=view.md(scope), until=until), icon=":material/share:")
        else:
            st.caption(
                t("auth.who", name=view.md(who.name), role=t(f"role.{who.role}"), scope=view.md(scope))
            )
            if who.source == "oidc":
                st.button(t("auth.logout"), on_click=st.logout, key="auth.logout", icon=":material/logout:")
            else:
                st.button(t("auth.logout"), on_click=_logout, key="auth.logout", icon=":material/logout:")
        if who.can_share and page in who.pages and page != "visit":
            _share_view(who, page)


def _logout() -> None:
    who = access.current_principal()
    if who is not None:
        access.record_event("logout", who)
    access.set_principal(None)
    for key in ("login.user", "login.password"):
        st.session_state.pop(key, None)


def _share_view(who: Principal, page: str) -> None:
    with st.popover(t("share.view"), icon=":material/share:", width="stretch"):
        secret = share_secret(demo=who.role == "demo")
        if secret is None:
            st.warning(t("share.off"), icon=":material/key_off:")
            return
        state = view.current()
        days = st.selectbox(
            t("share.days"), share.EXPIRY_DAYS, index=1, key="share.days", format_func=_days()
        )
        st.caption(t("share.note"))
        if st.button(t("share.create"), key="share.create", type="primary", width="stretch"):
            params = view.params(state)
            grant = share.new_grant(who, page, state.region, days, time.time(), params=params)
            st.session_state[_LAST_LINK] = link_for(grant, secret)
            record_share(who, grant)
        if st.session_state.get(_LAST_LINK):
            st.code(st.session_state[_LAST_LINK], language=None, wrap_lines=True)


_ROUTE_PARAMS = ("stops", "share", "y", "lang", "fix")  # a route link carries no region: it has none


def show_route_share(state: ViewState, key: str) -> None:
    """A signed read-only link to this visit route: only its stops, for the chosen days."""
    who = access.principal()
    if not who.can_share or not state.stops:
        return
    secret = share_secret(demo=who.role == "demo")
    if secret is None:
        st.caption(t("share.off"))
        return
    st.caption(t("visit.share"))
    days_col, button_col = st.columns([1, 1], vertical_alignment="bottom")
    days = days_col.selectbox(
        t("share.days"), share.EXPIRY_DAYS, index=1, key=f"{key}.days", format_func=_days()
    )
    if button_col.button(t("share.create"), key=f"{key}.create", width="stretch", icon=":material/share:"):
        params = {
            k: v for k, v in view.params(dataclasses.replace(state, share=True)).items() if k in _ROUTE_PARAMS
        }
        region = route_region(state.stops)
        grant = share.new_grant(who, "visit", region, days, time.time(), stops=state.stops, params=params)
        st.session_state[f"{key}.link"] = (state.stops, link_for(grant, secret))
        record_share(who, grant)
    last = st.session_state.get(f"{key}.link")
    if last and last[0] == state.stops:
        st.code(last[1], language=None, wrap_lines=True)


def _days() -> Callable[[int], str]:
    """Labels made now, in this run's language (AppTest formats values outside the run)."""
    return {n: t("share.days.n", n=n) for n in share.EXPIRY_DAYS}.__getitem__


def record_share(who: Principal, grant: share.Grant) -> None:
    access.record_event(
        "share_created",
        who,
        id=grant.id,
        page=grant.page,
        region=grant.region,
        stops=list(grant.stops),
        expires=grant.expires,
        params=grant.params,
    )


def link_for(grant: share.Grant, secret: str) -> str:
    """The absolute link of a grant, on the host this session was opened at."""
    base = (st.context.url or "").split("?", 1)[0].split("#", 1)[0].rstrip("/")
    for page in (*READ_PAGES, "import", "access"):  # the page the link was made on
        if base.endswith("/" + page):
            base = base[: -len(page) - 1]
    # the default page lives at the root; a route link's only page (the visit) is its default
    page = "" if grant.page == "overview" or grant.stops else grant.page
    return f"{base}/{page}?{SHARE_PARAM}={share.sign(grant, secret)}"


def route_region(stops: tuple[str, ...]) -> str:
    """The smallest region holding every stop (named in the link's sidebar; never queried)."""
    for n in (9, 6, 4, 2):
        heads = {c[:n] for c in stops}
        if len(heads) == 1:
            code = heads.pop().ljust(12, "0")
            region_level(code)
            return code
    return stops[0][:2].ljust(12, "0")
