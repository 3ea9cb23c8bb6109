"""The sign-in and sign-out routes, the session cookie, and the page guard middleware.

``POST /auth/signin`` checks the password (argon2, off the event loop) behind the throttle
(``xingtu.web.throttle``), creates a session in ``web.sqlite`` and sets the cookie
``xingtu_session``: the session id signed with the server key (itsdangerous), HttpOnly,
SameSite=Lax, Secure when the browser came over HTTPS, Max-Age the absolute lifetime.
It then sends the browser to ``next`` (a path of this site only). ``/auth/signout`` ends the
session on the server and clears the cookie. The pages are Jinja2 templates with autoescape
in both languages (``lang``), styled by an offline stylesheet.

The middleware sends a page request without a valid session to the sign-in page when
password accounts are configured (the app refuses such a session on its own as well: a
websocket can be opened by hand).
"""

from __future__ import annotations

import time
import urllib.parse
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection, Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from xingtu.auth import audit
from xingtu.auth.users import UsersFileError, verify_password
from xingtu.i18n import translate
from xingtu.settings import get_settings
from xingtu.web import state, throttle
from xingtu.web.client import client_address, is_https
from xingtu.web.guard import HttpGuard
from xingtu.web.keys import server_key

COOKIE = "xingtu_session"
_SALT = "xingtu.session"
_HERE = Path(__file__).resolve().parent
_ENV = Environment(
    loader=FileSystemLoader(_HERE / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
)
MAX_BODY = 8192  # bytes of a sign-in form: a name, a password, a path


# --- the cookie ---------------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(server_key(), salt=_SALT)


def cookie_value(sid: str) -> str:
    return _serializer().dumps(sid)


def session_id(cookie: str | None) -> str | None:
    """The session id a cookie names, if its signature is ours and it is younger than the lifetime."""
    if not cookie or len(cookie) > 400:
        return None
    try:
        sid = _serializer().loads(cookie, max_age=state.max_seconds())
    except BadSignature:  # includes SignatureExpired
        return None
    return sid if isinstance(sid, str) else None


def cookie_session(cookie: str | None, now: float) -> tuple[state.Session | None, str]:
    """The valid session behind a cookie, or None and why (``missing`` when there is no cookie)."""
    if not cookie:
        return None, "missing"
    sid = session_id(cookie)
    if sid is None:
        return None, "unknown"
    return state.session_status(sid, now)


def _set_cookie(response: Response, value: str, conn: HTTPConnection) -> None:
    response.set_cookie(
        COOKIE,
        value,
        max_age=int(state.max_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=is_https(conn),
    )


def _clear_cookie(response: Response, conn: HTTPConnection) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax", secure=is_https(conn))


# --- helpers ------------------------------------------------------------------------------


def safe_next(value: str | None) -> str:
    """``value`` if it is a path of this site (not the sign-in pages), else ``/``."""
    if not value or len(value) > 2000 or not value.startswith("/"):
        return "/"
    if value.startswith(("//", "/\\")) or any(c in value for c in "\\\r\n\t\x00") or not value.isprintable():
        return "/"
    parts = urllib.parse.urlsplit(value)
    if parts.scheme or parts.netloc or parts.path.startswith("/auth/"):
        return "/"
    return value


def _lang(value: str | None) -> str:
    return "en" if value == "en" else "zh"


def _page(template: str, lang: str, status: int = 200, **values: object) -> HTMLResponse:
    def t(key: str, **kw: object) -> str:
        return translate(key, lang, **kw)  # type: ignore[arg-type]

    other = "zh" if lang == "en" else "en"
    query = {k: v for k, v in (("next", values.get("next")), ("lang", other)) if v}
    html = _ENV.get_template(template).render(
        lang=lang,
        product=t("auth.product"),
        title=t("auth.submit") + " · " + t("auth.product"),
        other_lang=t("lang.switch"),
        other_lang_url=f"/auth/{'signin' if template == 'signin.html' else 'signout'}?"
        + urllib.parse.urlencode(query),
        **values,
    )
    response = HTMLResponse(html, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


def _signin_page(lang: str, next_path: str, status: int = 200, message: str = "", user: str = "") -> Response:
    def t(key: str, **kw: object) -> str:
        return translate(key, lang, **kw)  # type: ignore[arg-type]

    return _page(
        "signin.html",
        lang,
        status,
        caption=t("auth.caption"),
        message=message,
        message_kind="info" if status == 200 else "error",
        next=next_path,
        user=user,
        user_label=t("auth.user"),
        password_label=t("auth.password"),
        submit=t("auth.submit"),
    )


def _same_origin(request: Request) -> bool:
    """A form posted from this site (browsers send Origin with every POST); none: a script, allowed."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    host = request.headers.get("host", "")
    return urllib.parse.urlsplit(origin).netloc == host


async def _form(request: Request) -> dict[str, str] | None:
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return None
    try:
        pairs = urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=10)
    except (UnicodeDecodeError, ValueError):
        return None
    return dict(pairs)


def _record(event: str, user: str, role: str = "", scope: str = "", **detail: object) -> None:
    audit.record(get_settings().audit_path, event, user, role, scope, **detail)


# --- routes -------------------------------------------------------------------------------


async def signin_get(request: Request) -> Response:
    lang = _lang(request.query_params.get("lang"))
    return _signin_page(lang, safe_next(request.query_params.get("next")))


async def signin_post(request: Request) -> Response:
    form = await _form(request)
    lang = _lang((form or {}).get("lang"))
    next_path = safe_next((form or {}).get("next"))
    if form is None or not _same_origin(request):
        return _signin_page(lang, next_path, 400, translate("auth.bad_request", lang))  # type: ignore[arg-type]
    user = form.get("user", "").strip()[:64]
    password = form.get("password", "")[:256]
    address = client_address(request)
    now = time.time()
    try:
        accounts = await run_in_threadpool(state.current_accounts)
    except UsersFileError as err:
        message = translate("auth.config_error", lang, error=str(err))  # type: ignore[arg-type]
        return _signin_page(lang, next_path, 503, message, user)
    attempt = await run_in_threadpool(throttle.begin, user, address, now)
    if not attempt.allowed:
        message = translate("auth.throttled", lang, seconds=attempt.wait)  # type: ignore[arg-type]
        response = _signin_page(lang, next_path, 429, message, user)
        response.headers["Retry-After"] = str(attempt.wait)
        return response
    account = await run_in_threadpool(verify_password, accounts, user, password)
    if account is None:
        for reason in throttle.audit_reasons(attempt):
            await run_in_threadpool(
                _record, "login_failed", user, reason=reason, address=address, failures=attempt.pair_count
            )
        return _signin_page(lang, next_path, 401, translate("auth.wrong", lang), user)  # type: ignore[arg-type]
    failures = await run_in_threadpool(throttle.succeeded, user, address)
    if account.disabled:
        await run_in_threadpool(_record, "login_failed", user, reason="disabled", address=address)
        return _signin_page(lang, next_path, 403, translate("auth.disabled", lang), user)  # type: ignore[arg-type]
    session = await run_in_threadpool(state.create_session, account, now, address)
    await run_in_threadpool(
        _record,
        "login",
        account.user,
        account.role,
        account.region,
        source="password",
        address=address,
        **({"failures": failures} if failures else {}),
    )
    response = RedirectResponse(next_path, status_code=303)
    _set_cookie(response, cookie_value(session.id), request)
    response.headers["Cache-Control"] = "no-store"
    return response


async def signout_get(request: Request) -> Response:
    lang = _lang(request.query_params.get("lang"))
    return _page(
        "signout.html",
        lang,
        caption=translate("auth.signout.caption", lang),  # type: ignore[arg-type]
        submit=translate("auth.logout", lang),  # type: ignore[arg-type]
        back="/" + ("?lang=en" if lang == "en" else ""),
        back_label=translate("auth.back", lang),  # type: ignore[arg-type]
    )


async def signout_post(request: Request) -> Response:
    form = await _form(request) or {}
    lang = _lang(form.get("lang"))
    if not _same_origin(request):
        return _signin_page(lang, "/", 400, translate("auth.bad_request", lang))  # type: ignore[arg-type]
    sid = session_id(request.cookies.get(COOKIE))
    if sid is not None:
        session, _ = await run_in_threadpool(state.session_status, sid, time.time())
        if await run_in_threadpool(state.end_session, sid, time.time()) and session is not None:
            await run_in_threadpool(_record, "logout", session.user, address=client_address(request))
    response = _signin_page(lang, "/", 200, translate("auth.signed_out", lang))  # type: ignore[arg-type]
    _clear_cookie(response, request)
    return response


async def stylesheet(request: Request) -> Response:
    del request
    response = FileResponse(_HERE / "static" / "signin.css", media_type="text/css")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def routes() -> list[Route]:
    return [
        Route("/auth/signin", signin_get, methods=["GET"]),
        Route("/auth/signin", signin_post, methods=["POST"]),
        Route("/auth/signout", signout_get, methods=["GET"]),
        Route("/auth/signout", signout_post, methods=["POST"]),
        Route("/auth/static/signin.css", stylesheet, methods=["GET"]),
    ]


# --- the page guard -----------------------------------------------------------------------

# Streamlit's own endpoints and assets; everything else a browser asks for as a document is a page
_NOT_PAGES = (
    "/_stcore/",
    "/static/",
    "/media/",
    "/component/",
    "/app/static/",
    "/auth/",
    "/xt/",
    "/oauth2callback",
)


def _is_page_request(scope: Scope, conn: HTTPConnection) -> bool:
    if scope["method"] not in ("GET", "HEAD"):
        return False
    path: str = scope["path"]
    if path.startswith(_NOT_PAGES) or "." in path.rsplit("/", 1)[-1]:
        return False
    return "text/html" in conn.headers.get("accept", "")


class SignInGuard(HttpGuard):
    """Send a page request without a valid session to the sign-in page (password accounts only)."""

    async def handle(self, scope: Scope, conn: HTTPConnection, receive: Receive, send: Send) -> None:
        if not _is_page_request(scope, conn):
            await self.app(scope, receive, send)
            return
        redirect = await run_in_threadpool(self._redirect, conn)
        if redirect is not None:
            await redirect(scope, receive, send)
            return
        await self.app(scope, receive, send)

    @staticmethod
    def _redirect(conn: HTTPConnection) -> Response | None:
        try:
            accounts = state.current_accounts()
        except UsersFileError:
            return None  # the app shows what is wrong with the file
        if not accounts.users or accounts.oidc or conn.query_params.get("s") is not None:
            return None  # no password accounts; single sign-on goes through the app; a share link
        cookie = conn.cookies.get(COOKIE)
        session, _ = cookie_session(cookie, time.time())
        if session is not None:
            return None
        path = conn.url.path + (f"?{conn.url.query}" if conn.url.query else "")
        query = {"next": safe_next(path)}
        if conn.query_params.get("lang") == "en":
            query["lang"] = "en"
        response = RedirectResponse("/auth/signin?" + urllib.parse.urlencode(query), status_code=303)
        response.headers["Cache-Control"] = "no-store"
        if cookie:
            _clear_cookie(response, conn)  # a dead cookie goes with the redirect
        return response
