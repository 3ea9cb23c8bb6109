"""Map data and downloads behind the scope lock: checked on the server at every request.

Map files (boundaries, village points with levels and names) are written under
``<store_dir>/gen/<fingerprint>/`` by ``xingtu.store.static_files`` and served only by the
route ``GET /xt/files/<fingerprint>/<name>?k=<token>``. The app makes the token when it
renders a page, for the session's principal (``url_for``): the subject, the file's scope
and an expiry, signed with the server key (itsdangerous, salt of its own). At each request
the route checks, before it looks at the disk:

- the signature and the expiry;
- that the file's name lies in the token's scope: a points file's region prefix starts with
  the token's prefix (a county's token never opens another county's file or the province's),
  a boundary file is the token's layer;
- that the subject still holds: an account (``a``) needs this browser's session cookie,
  a session still open (``xingtu.web.state.session_status``) of that same account, whose region
  still covers the scope; a single sign-on account (``o``) needs Streamlit's identity cookie of
  that e-mail, mapped to an enabled account covering the scope; a share link or display token
  (``s``) must not be revoked (the audit log); the demo (``d``) only while no account is
  configured.

Anything else gets 403 (404 for a name this app never writes, or a file not written) and no
data. A file that exists is never reachable by its name alone. Tokens are stable for an hour
(``WINDOW``), so a page's URLs stay the same across reruns and the browser keeps its copy
(``Cache-Control: private``, ``ETag``; Streamlit's middleware gzips the JSON).

Downloads (``st.download_button``) and other media come from Streamlit's ``/media/<id>``.
``FileGuard`` refuses those requests without a principal at request time when accounts are
configured: a valid session cookie, a valid single sign-on cookie, or a valid share token.
A share link's visitor has no cookie of ours, so when a page is opened with ``?s=<token>``
the guard sets the HttpOnly cookie ``xingtu_share`` holding that token, checked (signature,
expiry, revocation) at each download. The demo (no accounts) stays open. The guard also
refuses ``/app/static/…`` except the public base map ``topojson/`` (and anything left in a
``static/gen/`` folder by older versions).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import BadData, URLSafeSerializer
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection, Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

from xingtu.auth import audit, share
from xingtu.auth.principal import AccessDenied, Principal
from xingtu.auth.users import Accounts, UsersFileError
from xingtu.domain.hierarchy import region_prefix
from xingtu.settings import get_settings
from xingtu.store import static_files
from xingtu.web import signin, state
from xingtu.web.client import is_https
from xingtu.web.guard import HttpGuard
from xingtu.web.keys import server_key

ROUTE = "/xt/files"
SHARE_COOKIE = "xingtu_share"
WINDOW = 3600  # seconds: a token is the same within one hour and valid for one to two hours
_SALT = "xingtu.files.v1"
_MAX_TOKEN = 1000
_SHARE_PARAM = "s"  # components.view.SHARE_PARAM
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9_.\-]+")
_PUBLIC_STATIC = re.compile(r"/app/static/topojson/[a-z0-9_]+\.json")  # plotly's base map, for everyone
_MEDIA_TYPES = {"points": "application/json", "bounds": "application/geo+json"}


@dataclass(frozen=True)
class FileToken:
    """What a token opens: ``subject`` (a, o, s, d) and its ``ident``, a scope, an expiry."""

    subject: str
    ident: str
    kind: str  # points (scope: a region prefix) or bounds (scope: a layer)
    scope: str
    expires: int  # epoch seconds


# --- tokens (made while the app renders a page) ----------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(server_key(), salt=_SALT)


def subject_of(who: Principal) -> tuple[str, str]:
    """Who a token is made for: the account, the e-mail, the share grant, or the demo."""
    if who.source == "share" and who.share_id:
        return "s", who.share_id
    if who.source == "demo":
        return "d", ""
    if who.source == "oidc":
        return "o", who.user
    if who.source == "password":
        return "a", who.user
    raise AccessDenied(f"{who.user} 不能读取地图数据文件")


def expiry(who: Principal, now: float) -> int:
    """The end of the next full hour (so a token is stable for an hour), at most the link's end."""
    end = (int(now) // WINDOW + 2) * WINDOW
    if who.expires is not None:
        end = min(end, int(who.expires))
    return end


def make_token(who: Principal, kind: str, scope: str, now: float) -> str:
    subject, ident = subject_of(who)
    payload = {"s": subject, "i": ident, "c": kind, "p": scope, "e": expiry(who, now)}
    return _serializer().dumps(payload)


def read_token(token: str | None) -> FileToken | None:
    """The token's content if the signature is ours and the fields are well formed."""
    if not token or len(token) > _MAX_TOKEN or not _TOKEN_CHARS.fullmatch(token):
        return None
    try:
        payload = _serializer().loads(token)
    except (BadData, ValueError, TypeError, UnicodeDecodeError):
        return None
    if not isinstance(payload, dict):
        return None
    subject, ident, kind, scope, expires = (payload.get(k) for k in ("s", "i", "c", "p", "e"))
    if subject not in ("a", "o", "s", "d") or kind not in _MEDIA_TYPES:
        return None
    if not (isinstance(ident, str) and isinstance(scope, str) and isinstance(expires, int)):
        return None
    return FileToken(subject, ident, kind, scope, expires)


def url_for(key: str, who: Principal, now: float) -> str:
    """The URL of a map file (``<fingerprint>/<name>``) for ``who``, with its token.

    A points file's token covers the file's own region prefix, which the caller has already
    checked against ``who`` (``xingtu.session.access``)."""
    parsed = static_files.parse_name(key)
    if parsed is None:
        raise ValueError(f"不是地图数据文件：{key!r}")
    _, kind, scope = parsed
    if kind == "points" and not who.sees_region(scope.ljust(12, "0")):
        raise AccessDenied(f"区域 {scope!r} 不在 {who.user} 的权限范围内")
    return f"{ROUTE}/{key}?k={make_token(who, kind, scope, now)}"


# --- checks at each request ------------------------------------------------------------------


@dataclass(frozen=True)
class Checked:
    """The answer to one request: a status, and for 200 the file, its token and content type."""

    status: int
    path: Path | None = None
    token: FileToken | None = None
    media_type: str = ""


def _in_scope(token: FileToken, kind: str, scope: str) -> bool:
    if token.kind != kind:
        return False
    if kind == "points":
        return scope.startswith(token.scope)
    return scope == token.scope


def _covers(region: str, token: FileToken) -> bool:
    """Whether an account of ``region`` covers the token's scope (every layer is reference data)."""
    return token.kind != "points" or token.scope.startswith(region_prefix(region))


_revoked_cache: dict[str, tuple[int, frozenset[str]]] = {}


def revoked_ids() -> frozenset[str]:
    """Share grants revoked in the audit log (read again whenever the log changes)."""
    path = get_settings().audit_path
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        return frozenset()
    cached = _revoked_cache.get(str(path))
    if cached is not None and cached[0] == mtime:
        return cached[1]
    ids = audit.revoked_ids(list(audit.read_events(path)))
    _revoked_cache[str(path)] = (mtime, ids)
    return ids


def oidc_configured() -> bool:
    """Whether single sign-on is set up (Streamlit's ``[auth]`` secrets), as the app decides."""
    try:
        import streamlit as st

        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises rather than answering no
        return False


def share_secret() -> str | None:
    """The configured key share links are signed with (as ``components.auth`` reads it)."""
    value = os.environ.get("XINGTU_SHARE_SECRET")
    if not value:
        try:
            import streamlit as st

            value = str(st.secrets["xingtu"]["share_secret"])
        except Exception:  # no secrets file, no section: links depend on the environment alone
            value = None
    return share.check_secret(value)


def oidc_email(cookies: dict[str, str]) -> str | None:
    """The e-mail in Streamlit's signed identity cookie (single sign-on), if it holds one."""
    try:
        from streamlit.web.server.starlette.starlette_server_config import USER_COOKIE_NAME
        from streamlit.web.server.starlette.starlette_websocket import _get_signed_cookie_with_chunks

        raw = _get_signed_cookie_with_chunks(cookies, USER_COOKIE_NAME)
        payload = json.loads(raw) if raw else None
    except Exception:  # no cookie secret, a damaged cookie, another Streamlit: no identity
        return None
    if not isinstance(payload, dict) or not payload.get("is_logged_in"):
        return None
    email = str(payload.get("email") or "").strip().lower()
    return email or None


def _demo(accounts: Accounts) -> bool:
    return not accounts.configured and not oidc_configured()


def subject_holds(token: FileToken, cookies: dict[str, str], now: float) -> bool:
    """Whether the token's subject is still valid, now, for the browser sending ``cookies``."""
    try:
        accounts = state.current_accounts()
    except UsersFileError:
        return False  # a broken users file opens nothing
    if token.subject == "d":
        return _demo(accounts)
    if token.subject == "s":
        return token.ident not in revoked_ids()
    if token.subject == "a":
        session, _ = signin.cookie_session(cookies.get(signin.COOKIE), now)
        account = accounts.users.get(token.ident)
        return (
            session is not None
            and session.user == token.ident
            and account is not None
            and not account.disabled
            and _covers(account.region, token)
        )
    if token.subject == "o":
        account = accounts.oidc.get(token.ident)
        return (
            account is not None
            and not account.disabled
            and oidc_email(cookies) == token.ident
            and _covers(account.region, token)
        )
    return False


def check(key: str, raw_token: str | None, cookies: dict[str, str], now: float) -> Checked:
    """Whether a request of ``key`` with ``raw_token`` and ``cookies`` gets the file, at ``now``."""
    parsed = static_files.parse_name(key)
    if parsed is None:
        return Checked(404)
    _, kind, scope = parsed
    token = read_token(raw_token)
    if token is None or token.expires <= now or not _in_scope(token, kind, scope):
        return Checked(403)
    if not subject_holds(token, cookies, now):
        return Checked(403)
    path = static_files.file_path(key)
    if path is None or not path.is_file():
        return Checked(404)
    return Checked(200, path, token, _MEDIA_TYPES[kind])


def _refusal(status: int) -> Response:
    text = {403: "403 禁止访问 / Forbidden", 404: "404 未找到 / Not Found"}[status]
    return PlainTextResponse(text, status_code=status, headers={"Cache-Control": "no-store"})


async def serve_file(request: Request) -> Response:
    key = f"{request.path_params['fingerprint']}/{request.path_params['name']}"
    now = time.time()
    checked = await run_in_threadpool(check, key, request.query_params.get("k"), dict(request.cookies), now)
    if checked.path is None or checked.token is None:
        return _refusal(checked.status)
    stat = checked.path.stat()
    etag = '"' + hashlib.sha256(f"{key}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:32] + '"'
    headers = {
        "Cache-Control": f"private, max-age={max(0, min(checked.token.expires - int(now), WINDOW))}",
        "ETag": etag,
        "Vary": "Cookie",
        "X-Content-Type-Options": "nosniff",
    }
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    return FileResponse(checked.path, media_type=checked.media_type, headers=headers)


def routes() -> list[Route]:
    return [Route(ROUTE + "/{fingerprint}/{name}", serve_file, methods=["GET", "HEAD"])]


# --- downloads and static files: the middleware ----------------------------------------------


def media_allowed(cookies: dict[str, str], now: float) -> bool:
    """Whether a request with ``cookies`` may read Streamlit's media (downloads): a principal now."""
    try:
        accounts = state.current_accounts()
    except UsersFileError:
        return False
    if _demo(accounts):
        return True
    if accounts.users and signin.cookie_session(cookies.get(signin.COOKIE), now)[0] is not None:
        return True
    email = oidc_email(cookies) if accounts.oidc else None
    if email is not None and (account := accounts.oidc.get(email)) is not None and not account.disabled:
        return True
    token = cookies.get(SHARE_COOKIE)
    secret = share_secret()
    if token and secret:
        try:
            share.read(token, secret, now, revoked_ids())
        except share.ShareError:
            return False
        return True
    return False


def _route_path(scope: Scope) -> str:
    """The request path without ``server.baseUrlPath`` (Streamlit's own routes live under it)."""
    path: str = scope.get("path", "")
    try:
        from streamlit import config

        base = (config.get_option("server.baseUrlPath") or "").strip("/")
    except Exception:  # outside a Streamlit server (a bare Starlette app in tests)
        base = ""
    if base and (path == f"/{base}" or path.startswith(f"/{base}/")):
        path = path[len(base) + 1 :] or "/"
    return path


def _share_cookie_token(scope: Scope, conn: HTTPConnection) -> str | None:
    """The share token of a page opened with ``?s=``, to keep in the visitor's cookie."""
    if scope["method"] != "GET" or "text/html" not in conn.headers.get("accept", ""):
        return None
    token = conn.query_params.get(_SHARE_PARAM)
    if not token or len(token) > share.MAX_TOKEN or not _TOKEN_CHARS.fullmatch(token):
        return None
    return token


class FileGuard(HttpGuard):
    """Downloads (``/media/``) only to a principal; ``?s=`` kept in a cookie; static files limited."""

    async def handle(self, scope: Scope, conn: HTTPConnection, receive: Receive, send: Send) -> None:
        path = _route_path(scope)
        if path.startswith("/app/static/") and not _PUBLIC_STATIC.fullmatch(path):
            await _refusal(404)(scope, receive, send)
            return
        if path.startswith("/media/"):
            allowed = await run_in_threadpool(media_allowed, dict(conn.cookies), time.time())
            if not allowed:
                await _refusal(403)(scope, receive, send)
                return
        token = _share_cookie_token(scope, conn)
        if token is None:
            await self.app(scope, receive, send)
            return
        secure = is_https(conn)

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                cookie = Response()
                cookie.set_cookie(SHARE_COOKIE, token, path="/", httponly=True, samesite="lax", secure=secure)
                headers = MutableHeaders(scope=message)
                for name, value in cookie.raw_headers:
                    if name == b"set-cookie":
                        headers.append("set-cookie", value.decode("latin-1"))
            await send(message)

        await self.app(scope, receive, send_with_cookie)
