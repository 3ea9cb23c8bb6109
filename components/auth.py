"""Who may look: the signed-in account, share links opened, the account box and link creation.

``show()`` runs before anything reads data, on every run. An account signs in on the
server's own sign-in page (``xingtu.web.signin``), which sets the HttpOnly cookie
``xingtu_session``; here the principal is built from that cookie at each run (the session
still open and not idle or too old, its account still in the users file, not disabled and
unchanged), so a reload, a new tab or a reconnect stays signed in, and no password ever
passes through this websocket session. An OIDC identity, a share link or the read-only
demo (no account configured) are fixed once and re-checked each run: an expired or revoked
link ends the session. Every refusal is a page with a message.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
import time
import urllib.parse
from collections.abc import Callable, Mapping

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components import templating, view
from components.view import SHARE_PARAM, t
from xingtu.auth import audit, share
from xingtu.auth.principal import READ_PAGES, Principal, demo_principal
from xingtu.auth.users import Accounts, UsersFileError
from xingtu.domain.hierarchy import region_level
from xingtu.session import access
from xingtu.settings import get_settings
from xingtu.store.versions import holds_sample
from xingtu.viewstate import ViewState
from xingtu.web import files, signin, state

_LAST_LINK = "_xingtu_last_link"


def load_configured_accounts() -> Accounts:
    """The accounts of the users file (read again whenever the file changes), as the server reads them."""
    return state.current_accounts()


@st.cache_resource(show_spinner=False)
def _demo_secret() -> str:
    """The demo's links are signed with a key made at start: they last until the server restarts."""
    return secrets.token_urlsafe(32)


def share_secret(demo: bool) -> str | None:
    """The key links are signed with; None when links are off (accounts without a configured key)."""
    configured = files.share_secret()
    if configured:
        return configured
    return _demo_secret() if demo else None


def revoked() -> frozenset[str]:
    return audit.revoked_ids(access.load_audit_events())


def request_cookies() -> Mapping[str, str]:
    """The browser's cookies, as sent when this session's websocket was opened.

    The one place the app reads them (tests replace this function: AppTest cannot send cookies).
    """
    return dict(st.context.cookies)


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
    if who is not None and who.source != "password":
        if _still_valid(who, accounts, token):
            return who
        access.set_principal(None)
    if token is not None:
        return _open_link(token, demo=not accounts.configured and not files.oidc_configured())
    if not accounts.configured and not files.oidc_configured():
        who = demo_principal(province)
        access.set_principal(who)
        return who
    if accounts.users:
        signed_in, reason = _cookie_principal(accounts)
        if signed_in is not None:
            access.set_principal(signed_in)
            return signed_in
        if who is not None and who.source == "password":  # signed in on the last run: now ended
            access.set_principal(None)
            access.record_event("logout", who, reason=reason)
            _signed_out_page(reason if reason != "missing" else "unknown")
            return None
        if reason != "missing":  # a cookie that no longer opens anything
            _signed_out_page(reason)
            return None
    if files.oidc_configured() and st.user.is_logged_in:
        return _oidc_principal(accounts)
    _login_page(accounts)
    return None


def _cookie_principal(accounts: Accounts) -> tuple[Principal | None, str]:
    """The account signed in by this browser's session cookie, or None and why not."""
    now = time.time()
    session, reason = signin.cookie_session(request_cookies().get(signin.COOKIE), now)
    if session is None:
        return None, reason
    account = accounts.users.get(session.user)
    if account is None or account.disabled or state.fingerprint(account) != session.fingerprint:
        return None, "account"  # the file this process read already says so
    state.touch(session.id, now)
    return dataclasses.replace(account.principal(), token=None), "ok"


def _still_valid(who: Principal, accounts: Accounts, token: str | None) -> bool:
    if who.source == "share":
        return who.expires is not None and who.expires > time.time() and who.share_id not in revoked()
    if token is not None and token != "":
        return False  # a link opened in a signed-in tab: the link's scope, not the account's
    if who.source == "oidc":
        account = accounts.oidc.get(who.user)
        return (
            account is not None
            and not account.disabled
            and account.principal("oidc") == who
            and st.user.is_logged_in
        )
    return who.source == "demo" and not accounts.configured and not files.oidc_configured()


def _open_link(token: str, demo: bool) -> Principal | None:
    try:
        grant = share.read(token, share_secret(demo), time.time(), revoked())
    except share.ShareError as err:
        access.record_event("share_refused", user="", reason=err.problem, id=err.grant_id, token=token[:40])
        _page_error(
            t(f"share.refused.{err.problem}"), title=t("share.refused.title"), icon=":material/link_off:"
        )
        return None
    who = dataclasses.replace(grant.principal(), token=token)
    access.set_principal(who)
    access.record_event(
        "share_opened", who, id=grant.id, page=grant.page, by=grant.created_by, kind=grant.kind
    )
    if set(st.query_params) == {SHARE_PARAM}:  # the link as made: its view comes from the grant
        st.query_params.from_dict({**grant.params, SHARE_PARAM: token})
    return who


def _oidc_principal(accounts: Accounts) -> Principal | None:
    email = str(st.user.get("email") or "").strip().lower()
    account = accounts.oidc.get(email)
    if account is None or account.disabled:
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
        st.space("xlarge")
        st.markdown(f"## :red[★] {title}")
    return middle


def signin_url(next_path: str | None = None) -> str:
    """The server's sign-in page, coming back to ``next_path`` (default: this page and view)."""
    if next_path is None:
        path = urllib.parse.urlsplit(st.context.url or "/").path or "/"
        query = urllib.parse.urlencode(st.query_params.to_dict())
        next_path = path + (f"?{query}" if query else "")
    values = {"next": signin.safe_next(next_path)}
    if view.lang() == "en":
        values["lang"] = "en"
    return "/auth/signin?" + urllib.parse.urlencode(values)


def _login_page(accounts: Accounts) -> None:
    """No session: the way to the sign-in page (the server sends a page load there by itself)."""
    with _panel(t("auth.title")):
        st.caption(t("auth.caption"))
        if accounts.users:
            st.info(t("auth.signin_needed"), icon=":material/login:")
            st.link_button(
                t("auth.signin_link"), signin_url(), type="primary", width="stretch", icon=":material/login:"
            )
        if files.oidc_configured():
            st.button(t("auth.oidc"), on_click=st.login, key="auth.oidc", width="stretch")


def _signed_out_page(reason: str) -> None:
    """The session ended (idle, too old, signed out elsewhere, account disabled or changed)."""
    with _panel(t("auth.title")):
        st.warning(t(f"auth.ended.{reason}"), icon=":material/logout:")
        st.link_button(
            t("auth.signin_link"), signin_url(), type="primary", width="stretch", icon=":material/login:"
        )


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
                _signout_form()
        if who.can_share and page in who.pages and page != "visit":
            _share_view(who, page)


def _signout_form() -> None:
    """Sign out: a form posted to the sign-out route, which ends the session and clears the cookie."""
    lang = "en" if view.lang() == "en" else "zh"
    st.html(templating.render("signout_form.html", lang=lang, label=t("auth.logout")))


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
        kind=grant.kind,
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


def still_valid() -> bool:
    """Whether this session's principal still holds, for runs that skip ``show()``.

    A fragment's timed rerun (the big screen's rotation) does not run app.py; it calls this
    first, and on False reruns the whole app, whose ``show()`` then draws the refusal page."""
    who = access.current_principal()
    if who is None:
        return False
    try:
        accounts = load_configured_accounts()
    except UsersFileError:
        return False
    if who.source == "password":
        signed_in, _ = _cookie_principal(accounts)
        return signed_in is not None and signed_in.user == who.user
    return _still_valid(who, accounts, st.query_params.get(SHARE_PARAM))
