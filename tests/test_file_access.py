"""Map data and downloads behind the scope lock, over HTTP (no browser).

The routes and middleware ``serve.py`` mounts (``xingtu.web.app``) run in a Starlette app
with stand-ins for Streamlit's own ``/media/`` and ``/app/static/`` routes. Every map file
the app writes for the small store (province, city, counties, townships; boundaries) is
requested as: no session, each account (province, city, county), a share link, a display
token, an expired and a revoked link, the demo; with guessed names and tampered tokens.
The last test collects the file URLs the app itself puts on its pages (AppTest) and
requests them as their own session and as others.
"""

from __future__ import annotations

import dataclasses
import json
import re
import time
from pathlib import Path

import duckdb
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from tests.conftest import BROWSER_COOKIES
from tests.scope_check import open_as, shown_text
from xingtu.auth import audit, share
from xingtu.auth.principal import AccessDenied, Principal, demo_principal
from xingtu.domain.hierarchy import region_prefix
from xingtu.settings import get_settings
from xingtu.store import static_files
from xingtu.web import app as web
from xingtu.web import files, signin, state

PALETTE = ((0, 0, 0), (1, 1, 1), (2, 2, 2), (3, 3, 3), (4, 4, 4), (5, 5, 5))
FP = "fp0123456789"
PROVINCE, CITY, COUNTY, NEIGHBOUR, ZONE = "41", "4111", "411102", "411103", "411171"
DOWNLOAD = b"DOWNLOAD-BYTES"
STATIC = b"STATIC-BYTES"


def _streamlit_stand_in() -> list[Route]:
    async def media(request: Request) -> PlainTextResponse:
        del request
        return PlainTextResponse(DOWNLOAD)

    async def static(request: Request) -> PlainTextResponse:
        del request
        return PlainTextResponse(STATIC)

    async def page(request: Request) -> HTMLResponse:
        del request
        return HTMLResponse("<html>app</html>")

    return [
        Route("/media/{file_id}", media),
        Route("/app/static/{path:path}", static),
        Route("/", page),
        Route("/{page}", page),
    ]


def _client(cookies: dict[str, str] | None = None) -> TestClient:
    app = Starlette(routes=[*web.routes(), *_streamlit_stand_in()], middleware=web.middleware())
    return TestClient(app, cookies=cookies or {}, follow_redirects=False)


@pytest.fixture
def store(
    auth_env, small_store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """Every points file (each region × a few filters) and boundary layer; {key: scope prefix}."""
    monkeypatch.setattr(static_files, "GEN_DIR", tmp_path / "gen")
    keys: dict[str, str] = {}
    with duckdb.connect(str(small_store_path), read_only=True) as con:
        year = con.execute("SELECT max(year) FROM annual_results").fetchone()[0]
        regions = [
            r[0]
            for r in con.execute(
                "SELECT code FROM regions WHERE level IN ('province', 'city', 'county', 'township')"
            ).fetchall()
        ]
        for code in regions:
            for unit_type, level in (("all", None), ("rural", 5)):
                key, _ = static_files.write_points(con, FP, code, unit_type, year, level, PALETTE)
                keys[key] = region_prefix(code)
    for layer in ("counties", "cities"):
        keys[static_files.write_boundaries(FP, PROVINCE, layer)] = ""
    assert {len(p) for p in keys.values()} == {0, 2, 4, 6, 9}
    return keys


def _account(user: str) -> tuple[Principal, dict[str, str]]:
    """An account's principal (as components.auth makes it) and its browser's session cookie."""
    account = state.current_accounts().users[user]
    session = state.create_session(account, time.time(), "127.0.0.1")
    return dataclasses.replace(account.principal(), token=None), {
        signin.COOKIE: signin.cookie_value(session.id)
    }


def _grant(region: str, days: int = 7, by: str = "yuanhui") -> share.Grant:
    who = state.current_accounts().users[by].principal()
    return share.new_grant(who, "overview", region.ljust(12, "0"), days, time.time())


def _revoke(grant_id: str) -> None:
    audit.record(get_settings().audit_path, "share_revoked", "admin", "admin", "410000000000", id=grant_id)


def _in(scope: str, prefix: str) -> bool:
    return prefix.startswith(scope)


def _urls(who: Principal, keys: dict[str, str]) -> dict[str, str]:
    """The URL the app makes for ``who`` for every file it may have; refused ones are left out."""
    urls = {}
    for key in keys:
        try:
            urls[key] = files.url_for(key, who, time.time())
        except AccessDenied:
            continue
    return urls


def _bare(key: str) -> str:
    return f"{files.ROUTE}/{key}"


def _token(url: str) -> str:
    return url.split("?k=", 1)[1]


def _assert_served(response, key: str) -> None:
    assert response.status_code == 200, (key, response.status_code)
    assert response.content == (static_files.gen_dir() / key).read_bytes()
    assert response.headers["cache-control"].startswith("private, max-age=")
    assert response.headers["etag"] and response.headers["x-content-type-options"] == "nosniff"


def _assert_refused(response, key: str) -> None:
    assert response.status_code in (403, 404), (key, response.status_code)
    body = response.content
    assert b'"p":' not in body and b"features" not in body and len(body) < 100, key
    assert response.headers.get("cache-control") == "no-store"


@pytest.mark.parametrize(
    ("user", "scope"), [("prov", PROVINCE), ("luohe", CITY), ("yuanhui", COUNTY), ("yancheng", NEIGHBOUR)]
)
def test_an_account_gets_exactly_the_files_of_its_scope(store, user, scope):
    who, cookies = _account(user)
    urls = _urls(who, store)
    # the app makes a URL for every file inside the scope and for none outside it
    assert set(urls) == {k for k, p in store.items() if not p or _in(scope, p)}
    own, anonymous = _client(cookies), _client()
    for key, url in urls.items():
        _assert_served(own.get(url), key)
        _assert_refused(anonymous.get(url), key)  # the same URL without the session: refused
    # every file outside the scope, asked for with this account's tokens (a guessed name)
    county_points = next(u for k, u in urls.items() if store[k] == scope)
    for key, prefix in store.items():
        if prefix and not _in(scope, prefix):
            _assert_refused(own.get(f"{_bare(key)}?k={_token(county_points)}"), key)
            _assert_refused(own.get(_bare(key)), key)


def test_a_token_works_only_with_the_session_of_its_own_account(store):
    prov, prov_cookies = _account("prov")
    _, county_cookies = _account("yuanhui")
    province_file = next(k for k, p in store.items() if p == PROVINCE)
    url = files.url_for(province_file, prov, time.time())
    _assert_served(_client(prov_cookies).get(url), province_file)
    # the province user's URL copied into a county user's browser: the session is not the token's
    _assert_refused(_client(county_cookies).get(url), province_file)
    # a county user cannot get a province token made for themselves
    yuanhui, _ = _account("yuanhui")
    with pytest.raises(AccessDenied):
        files.url_for(province_file, yuanhui, time.time())


def test_a_session_that_ended_or_an_account_disabled_opens_nothing(store, users_file, tmp_path, monkeypatch):
    who, cookies = _account("yuanhui")
    key = next(k for k, p in store.items() if p == COUNTY)
    url = files.url_for(key, who, time.time())
    client = _client(cookies)
    _assert_served(client.get(url), key)
    sid = signin.session_id(cookies[signin.COOKIE])
    assert sid is not None and state.end_session(sid, time.time())  # signed out
    _assert_refused(client.get(url), key)

    who, cookies = _account("yuanhui")
    url = files.url_for(key, who, time.time())
    _assert_served(_client(cookies).get(url), key)
    edited = tmp_path / "users.toml"
    edited.write_text(
        users_file.read_text(encoding="utf-8").replace(
            'region = "411102000000"', 'region = "411102000000"\ndisabled = true', 1
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("XINGTU_USERS_FILE", str(edited))
    _assert_refused(_client(cookies).get(url), key)


def test_a_share_link_opens_its_region_only_until_it_is_revoked(store):
    grant = _grant(COUNTY)
    who = grant.principal()
    urls = _urls(who, store)
    assert set(urls) == {k for k, p in store.items() if not p or _in(COUNTY, p)}
    visitor = _client()  # a share link's visitor has no session: the token is the key
    for key, url in urls.items():
        _assert_served(visitor.get(url), key)
    token = _token(next(u for k, u in urls.items() if store[k] == COUNTY))
    for key, prefix in store.items():
        if prefix and not _in(COUNTY, prefix):
            _assert_refused(visitor.get(f"{_bare(key)}?k={token}"), key)
    _revoke(grant.id)
    for key, url in urls.items():
        _assert_refused(visitor.get(url), key)


def test_a_display_token_opens_its_city_and_a_visit_route_no_map_file(store):
    admin = state.current_accounts().users["admin"].principal()
    display = share.new_display(admin, "411100000000", 30, time.time()).principal()
    urls = _urls(display, store)
    assert set(urls) == {k for k, p in store.items() if not p or _in(CITY, p)}
    for key, url in urls.items():
        _assert_served(_client().get(url), key)
    route = share.new_grant(admin, "visit", "411100000000", 7, time.time(), stops=("411102001001",))
    assert all(store[k] == "" for k in _urls(route.principal(), store))  # boundaries only


def test_an_expired_link_opens_nothing(store):
    grant = dataclasses.replace(_grant(COUNTY), expires=int(time.time()) - 1)
    key = next(k for k, p in store.items() if p == COUNTY)
    url = files.url_for(key, grant.principal(), time.time())
    _assert_refused(_client().get(url), key)
    # a token's own expiry, checked at the time of the request
    live = _grant(COUNTY).principal()
    raw = _token(files.url_for(key, live, time.time()))
    expires = files.read_token(raw).expires
    assert files.check(key, raw, {}, expires - 1).status == 200
    assert files.check(key, raw, {}, expires).status == 403


_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _other_bits(c: str) -> str:
    """Another base64 character whose data bits differ (A and B decode alike in a last place)."""
    return _B64[_B64.index(c) ^ 0b100000]


def test_tampered_forged_and_missing_tokens_are_refused(store):
    who, cookies = _account("prov")
    key = next(k for k, p in store.items() if p == PROVINCE)
    url = files.url_for(key, who, time.time())
    token = _token(url)
    client = _client(cookies)
    _assert_served(client.get(url), key)
    payload, signature = token.rsplit(".", 1)
    flipped = [
        payload[:-1] + _other_bits(payload[-1]) + "." + signature,
        payload + "." + signature[:-1] + _other_bits(signature[-1]),
        token + "x",
        "",
        "k" * 2000,
        "../../etc/passwd",
    ]
    for bad in flipped:
        _assert_refused(client.get(f"{_bare(key)}?k={bad}"), key)
    # a well-formed token signed with another key, and one with this key but another purpose
    from itsdangerous import URLSafeSerializer

    body = {"s": "d", "i": "", "c": "points", "p": PROVINCE, "e": int(time.time()) + 3600}
    forged = URLSafeSerializer("another-key-" + "x" * 40, salt="xingtu.files.v1").dumps(body)
    _assert_refused(_client().get(f"{_bare(key)}?k={forged}"), key)
    session_cookie = signin.cookie_value("not-a-file-token")
    _assert_refused(client.get(f"{_bare(key)}?k={session_cookie}"), key)
    _assert_refused(client.get(_bare(key)), key)


def test_guessed_and_malformed_names_are_refused(store):
    who, cookies = _account("prov")
    client = _client(cookies)
    key = next(k for k, p in store.items() if p == PROVINCE)
    token = _token(files.url_for(key, who, time.time()))
    name = key.split("/", 1)[1]
    guesses = [
        f"other-fingerprint/{name}",  # a name of this scope that was never written: 404
        f"{FP}/{name.replace('-all-', '-urban-', 1)}",
        f"{FP}/%2e%2e%2f{name}",
        f"{FP}/{name}.gz",
        f"{FP}/session.key",
        f"{FP}/web.sqlite",
        "..%2Fsession.key/x",
    ]
    for guess in guesses:
        response = client.get(f"{files.ROUTE}/{guess}?k={token}")
        assert response.status_code in (403, 404), guess
        assert b'"p":' not in response.content and b"key" not in response.content.lower()


def test_the_demo_opens_files_only_while_no_account_is_configured(store, monkeypatch, tmp_path):
    key = next(k for k, p in store.items() if p == PROVINCE)
    url = files.url_for(key, demo_principal("410000000000"), time.time())
    _assert_refused(_client().get(url), key)  # accounts are configured: the demo is over
    monkeypatch.setenv("XINGTU_USERS_FILE", str(tmp_path / "none.toml"))
    _assert_served(_client().get(url), key)


def test_files_are_cached_per_principal(store):
    who, cookies = _account("yuanhui")
    key = next(k for k, p in store.items() if p == COUNTY)
    url = files.url_for(key, who, time.time())
    assert url == files.url_for(key, who, time.time())  # the same URL on every rerun: one download
    client = _client(cookies)
    first = client.get(url)
    _assert_served(first, key)
    again = client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    # a 304 is no shortcut around the checks
    _assert_refused(_client().get(url, headers={"If-None-Match": first.headers["etag"]}), key)
    head = client.head(url)
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == first.headers["etag"]
    assert _client().head(url).status_code == 403
    max_age = int(first.headers["cache-control"].rsplit("=", 1)[1])
    assert 0 < max_age <= files.WINDOW and "Cookie" in first.headers["vary"]


def _oidc_cookie(email: str) -> dict[str, str]:
    """Streamlit's identity cookie after a single sign-on, signed as its auth route signs it."""
    from streamlit.web.server.server_util import get_cookie_secret
    from streamlit.web.server.starlette.starlette_app_utils import create_signed_value

    value = json.dumps({"origin": "http://testserver", "is_logged_in": True, "email": email})
    return {"_streamlit_user": create_signed_value(get_cookie_secret(), "_streamlit_user", value).decode()}


def test_a_single_sign_on_account_needs_its_identity_cookie(store, tmp_path, monkeypatch):
    users = tmp_path / "users-oidc.toml"
    users.write_text(
        '[oidc.users."sec@example.org"]\nname = "sec"\nrole = "county"\nregion = "411102"\n', encoding="utf-8"
    )
    monkeypatch.setenv("XINGTU_USERS_FILE", str(users))
    who = state.current_accounts().oidc["sec@example.org"].principal("oidc")
    urls = _urls(who, store)
    assert set(urls) == {k for k, p in store.items() if not p or _in(COUNTY, p)}
    own, other = _client(_oidc_cookie("sec@example.org")), _client(_oidc_cookie("else@example.org"))
    for key, url in urls.items():
        _assert_served(own.get(url), key)
        _assert_refused(other.get(url), key)
        _assert_refused(_client().get(url), key)
    assert own.get("/media/a.csv").content == DOWNLOAD
    assert other.get("/media/a.csv").status_code == 403
    forged = {"_streamlit_user": _oidc_cookie("sec@example.org")["_streamlit_user"][:-2] + "xx"}
    assert _client(forged).get("/media/a.csv").status_code == 403


# --- downloads (/media/) and static files -----------------------------------------------------


def test_downloads_need_a_principal_when_accounts_are_configured(auth_env):
    assert _client().get("/media/abc.xlsx").status_code == 403
    assert DOWNLOAD not in _client().get("/media/abc.xlsx").content
    assert _client({signin.COOKIE: "forged"}).get("/media/abc.xlsx").status_code == 403
    _, cookies = _account("yuanhui")
    assert _client(cookies).get("/media/abc.xlsx").content == DOWNLOAD
    sid = signin.session_id(cookies[signin.COOKIE])
    state.end_session(sid, time.time())
    assert _client(cookies).get("/media/abc.xlsx").status_code == 403


def test_a_share_link_visitor_downloads_through_the_cookie_set_when_the_page_opened(auth_env):
    grant = _grant(COUNTY)
    token = share.sign(grant, share_secret())
    visitor = _client()
    page = visitor.get(f"/visit?s={token}", headers={"Accept": "text/html"})
    assert page.status_code == 200
    cookie = page.headers["set-cookie"]
    assert cookie.startswith(f"{files.SHARE_COOKIE}={token};")
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert visitor.get("/media/route.html").content == DOWNLOAD  # the cookie the browser kept
    _revoke(grant.id)
    assert visitor.get("/media/route.html").status_code == 403
    expired = share.sign(dataclasses.replace(_grant(COUNTY), expires=int(time.time()) - 1), share_secret())
    assert _client({files.SHARE_COOKIE: expired}).get("/media/route.html").status_code == 403
    forged = share.sign(_grant(COUNTY), "another-secret-" + "y" * 40)
    assert _client({files.SHARE_COOKIE: forged}).get("/media/route.html").status_code == 403


def test_the_demo_downloads_freely(auth_env, monkeypatch, tmp_path):
    monkeypatch.setenv("XINGTU_USERS_FILE", str(tmp_path / "none.toml"))
    assert _client().get("/media/abc.csv").content == DOWNLOAD


def test_only_the_base_map_is_served_from_app_static(auth_env):
    client = _client()
    assert client.get("/app/static/topojson/world_110m.json").content == STATIC
    for path in (
        "/app/static/gen/fp/points-41-all-2025-all-abcdef.json",
        "/app/static/README.md",
        "/app/static/topojson/%2e%2e/gen/fp/points-41-all-2025-all-abcdef.json",
        "/app/static/topojson/..%2Fgen/fp/counties-41.geojson",
    ):
        response = client.get(path)
        assert response.status_code == 404 and STATIC not in response.content


def share_secret() -> str:
    secret = files.share_secret()
    assert secret is not None
    return secret


# --- the URLs the app itself puts on its pages ---------------------------------------------------

_FILE_URL = re.compile(r"/xt/files/[A-Za-z0-9_-]+/[a-z0-9-]+\.(?:json|geojson)\?k=[A-Za-z0-9_.\-]+")


def _page_urls(user: str, params: dict[str, str]) -> set[str]:
    BROWSER_COOKIES.clear()
    at = open_as(None, login=user, params=params)
    assert not at.exception, [e.value for e in at.exception]
    return set(_FILE_URL.findall(shown_text(at)))


@pytest.mark.parametrize(
    ("user", "params", "own"),
    [
        ("prov", {"r": "41"}, PROVINCE),
        ("luohe", {"r": "4111"}, CITY),
        ("yuanhui", {"r": "411102"}, COUNTY),
    ],
)
def test_the_files_a_page_links_to_open_for_its_session_only(auth_env, app_env, user, params, own):
    urls = _page_urls(user, params)
    cookies = dict(BROWSER_COOKIES)
    assert any("/points-" in u for u in urls) and any(".geojson" in u for u in urls), urls
    assert all(f"/points-{own}" in u for u in urls if "/points-" in u)
    others = {"prov": "yancheng", "luohe": "yancheng", "yuanhui": "yancheng"}
    _, other_cookies = _account(others[user])
    for url in urls:
        key = url.split("?", 1)[0].removeprefix(files.ROUTE + "/")
        _assert_served(_client(cookies).get(url), key)
        _assert_refused(_client().get(url), key)
        _assert_refused(_client(other_cookies).get(url), key)
