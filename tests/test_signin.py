"""The server's sign-in: the route, the session cookie, the page guard, sessions and the throttle.

Tested over HTTP (Starlette's test client) against our routes and middleware wrapped around a
stand-in for the Streamlit app, as ``serve.py`` mounts them.
"""

from __future__ import annotations

import json
import time
import urllib.parse
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from tests.conftest import ACCOUNTS, password_of
from xingtu.auth.principal import Account
from xingtu.auth.users import Accounts, format_accounts, hash_password, normalise_region
from xingtu.web import app as web
from xingtu.web import signin, state, throttle

PAGE = "THE APP PAGE"
HTML = {"accept": "text/html,application/xhtml+xml"}


async def _the_app(request: Request) -> HTMLResponse:
    del request
    return HTMLResponse(PAGE)


def _server() -> Starlette:
    routes = [*web.routes(), Route("/{path:path}", _the_app)]
    return Starlette(routes=routes, middleware=web.middleware())


def _write_users(path: Path, disabled: tuple[str, ...] = (), role_of: dict[str, str] | None = None) -> None:
    hashes = _HASHES
    accounts = Accounts(
        users={
            user: Account(
                user,
                user,
                (role_of or {}).get(user, role),
                normalise_region(region) or "",
                hashes[user],
                disabled=user in disabled,
            )
            for user, role, region, _ in ACCOUNTS
        }
    )
    path.write_text(format_accounts(accounts), encoding="utf-8")


_HASHES: dict[str, str] = {}


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store dir, a users file (returned) and an audit log, for one test."""
    if not _HASHES:
        _HASHES.update({user: hash_password(pw) for user, _, _, pw in ACCOUNTS})
    users = tmp_path / "users.toml"
    _write_users(users)
    monkeypatch.setenv("XINGTU_STORE_DIR", str(tmp_path / "store"))
    monkeypatch.setenv("XINGTU_USERS_FILE", str(users))
    monkeypatch.setenv("XINGTU_AUDIT_FILE", str(tmp_path / "audit.jsonl"))
    monkeypatch.delenv("XINGTU_TRUSTED_PROXIES", raising=False)
    monkeypatch.delenv("XINGTU_SESSION_SECRET", raising=False)
    client_module = __import__("xingtu.web.client", fromlist=["_parse"])
    client_module._parse.cache_clear()
    return users


def _client(address: str = "10.0.0.1") -> TestClient:
    return TestClient(_server(), client=(address, 40000), follow_redirects=False)


def _sign_in(client: TestClient, user: str, password: str | None = None, nxt: str = "/", **headers: str):
    return client.post(
        "/auth/signin",
        data={"user": user, "password": password_of(user) if password is None else password, "next": nxt},
        headers=headers,
    )


def _audit(env: Path) -> list[dict]:
    path = env.parent / "audit.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# --- where a sign-in may send the browser ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/trends?r=4111&y=2024", "/trends?r=4111&y=2024"),
        ("/", "/"),
        (None, "/"),
        ("", "/"),
        ("https://evil.example/", "/"),
        ("//evil.example/x", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/auth/signin?next=/x", "/"),  # never back to the sign-in page itself
        ("/x\r\nSet-Cookie: a=b", "/"),
        ("/" + "a" * 3000, "/"),
    ],
)
def test_next_is_a_path_of_this_site_only(value, expected):
    assert signin.safe_next(value) == expected


# --- the route and the cookie ----------------------------------------------------------------------


def test_a_page_without_a_session_goes_to_the_sign_in_page_and_comes_back_after(env):
    client = _client()
    first = client.get("/trends?r=4111&y=2024", headers=HTML)
    assert first.status_code == 303
    target = urllib.parse.urlsplit(first.headers["location"])
    assert target.path == "/auth/signin"
    assert urllib.parse.parse_qs(target.query)["next"] == ["/trends?r=4111&y=2024"]
    form = client.get(first.headers["location"])
    assert form.status_code == 200 and 'name="password"' in form.text and "登录" in form.text
    assert 'value="/trends?r=4111&amp;y=2024"' in form.text  # the way back, escaped

    done = _sign_in(client, "yuanhui", nxt="/trends?r=4111&y=2024")
    assert done.status_code == 303 and done.headers["location"] == "/trends?r=4111&y=2024"
    cookie = done.headers["set-cookie"]
    assert cookie.startswith(f"{signin.COOKIE}=")
    flags = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "path", "max-age"} <= flags and "samesite=lax" in cookie.lower()
    assert "secure" not in flags  # plain HTTP here: a Secure cookie would never come back
    assert password_of("yuanhui") not in cookie
    again = client.get("/trends?r=4111&y=2024", headers=HTML)  # a reload, a new tab, a bookmark
    assert again.status_code == 200 and again.text == PAGE
    assert [e["event"] for e in _audit(env)] == ["login"]
    assert _audit(env)[0]["scope"] == "411102000000" and _audit(env)[0]["detail"]["address"] == "10.0.0.1"


def test_the_cookie_is_secure_behind_a_trusted_https_proxy_only(env, monkeypatch):
    direct = _sign_in(_client("10.0.0.9"), "luohe", **{"x-forwarded-proto": "https"})
    assert "secure" not in direct.headers["set-cookie"].lower()  # anyone can write that header
    monkeypatch.setenv("XINGTU_TRUSTED_PROXIES", "10.0.0.0/24")
    proxied = _sign_in(_client("10.0.0.9"), "luohe", **{"x-forwarded-proto": "https"})
    assert "; secure" in proxied.headers["set-cookie"].lower()


@pytest.mark.parametrize(
    ("user", "password"),
    [("yuanhui", "wrong-password-1"), ("nobody", "whatever-pass"), ("", ""), ("yuanhui", "")],
)
def test_a_wrong_sign_in_sets_no_cookie_and_says_so(env, user, password):
    response = _client().post("/auth/signin", data={"user": user, "password": password})
    assert response.status_code == 401 and "账号或密码不正确" in response.text
    assert "set-cookie" not in response.headers
    assert "login" not in [e["event"] for e in _audit(env)]


def test_a_form_posted_from_another_site_or_not_a_form_is_refused(env):
    client = _client()
    foreign = _sign_in(client, "yuanhui", origin="https://evil.example")
    assert foreign.status_code == 400 and "set-cookie" not in foreign.headers
    as_json = client.post("/auth/signin", json={"user": "yuanhui", "password": password_of("yuanhui")})
    assert as_json.status_code == 400 and "set-cookie" not in as_json.headers
    huge = client.post("/auth/signin", data={"user": "yuanhui", "password": "x" * 20_000})
    assert huge.status_code == 400


def test_a_tampered_or_foreign_cookie_opens_nothing(env):
    client = _client()
    cookie = _sign_in(client, "yuanhui").cookies[signin.COOKIE]
    b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    flipped = cookie[:-2] + b64[b64.index(cookie[-2]) ^ 0b100000] + cookie[-1]  # data bits, not padding
    for bad in (flipped, "nonsense", signin.cookie_value("made-up-session-id")):
        other = _client()
        other.cookies.set(signin.COOKIE, bad)
        response = other.get("/", headers=HTML)
        assert response.status_code == 303 and response.headers["location"].startswith("/auth/signin")


def test_sign_out_ends_the_session_everywhere(env):
    client = _client()
    cookie = _sign_in(client, "yuanhui").cookies[signin.COOKIE]
    assert client.get("/", headers=HTML).status_code == 200
    out = client.post("/auth/signout", data={"lang": "en"})
    assert out.status_code == 200 and "signed out" in out.text
    assert (
        f'{signin.COOKIE}=""' in out.headers["set-cookie"] or "max-age=0" in out.headers["set-cookie"].lower()
    )
    replay = _client()  # someone who kept a copy of the cookie
    replay.cookies.set(signin.COOKIE, cookie)
    assert replay.get("/", headers=HTML).status_code == 303
    assert [e["event"] for e in _audit(env)] == ["login", "logout"]


def test_a_disabled_or_changed_account_is_signed_out_at_its_next_request(env):
    client = _client()
    _sign_in(client, "yuanhui")
    _sign_in(client, "luohe")  # the same browser, now luohe (the later cookie)
    keep = _client()
    _sign_in(keep, "prov")
    _write_users(env, disabled=("luohe",))
    assert client.get("/", headers=HTML).status_code == 303
    assert keep.get("/", headers=HTML).status_code == 200  # others stay signed in
    refused = _sign_in(_client("10.0.0.2"), "luohe")
    assert refused.status_code == 403 and "已停用" in refused.text and "set-cookie" not in refused.headers
    _write_users(env, role_of={"prov": "admin"})  # a changed role or region: sign in again
    assert keep.get("/", headers=HTML).status_code == 303


def test_sessions_end_after_the_idle_timeout_and_the_absolute_lifetime(env, monkeypatch):
    monkeypatch.setenv("XINGTU_SESSION_IDLE_MINUTES", "30")
    monkeypatch.setenv("XINGTU_SESSION_MAX_HOURS", "2")
    account = state.current_accounts().users["yuanhui"]
    t0 = 1_000_000.0
    session = state.create_session(account, t0)
    assert state.session_status(session.id, t0 + 29 * 60) == (session, "ok")
    assert state.session_status(session.id, t0 + 31 * 60)[1] == "idle"
    for minute in range(25, 120, 25):  # active every 25 minutes: the idle clock restarts
        state.touch(session.id, t0 + minute * 60)
        assert state.session_status(session.id, t0 + minute * 60 + 60)[1] == "ok"
    assert state.session_status(session.id, t0 + 2 * 3600)[1] == "expired"
    assert signin.session_id(signin.cookie_value(session.id)) == session.id
    monkeypatch.setenv("XINGTU_SESSION_IDLE_MINUTES", "-5")
    with pytest.raises(ValueError, match="XINGTU_SESSION_IDLE_MINUTES"):
        state.idle_seconds()


def test_without_password_accounts_pages_are_not_redirected(env, monkeypatch):
    monkeypatch.setenv("XINGTU_USERS_FILE", str(env.parent / "none.toml"))
    response = _client().get("/", headers=HTML)
    assert response.status_code == 200 and response.text == PAGE  # the read-only demo


def test_assets_and_share_links_pass_the_page_guard(env):
    client = _client()
    assert client.get("/_stcore/health").status_code == 200  # the stand-in answers everything
    assert client.get("/?s=some-token", headers=HTML).status_code == 200  # the app checks the link
    assert client.get("/static/js/main.js", headers=HTML).status_code == 200
    assert client.get("/auth/static/signin.css").headers["content-type"].startswith("text/css")


def test_the_sign_in_page_speaks_english_and_escapes_what_it_echoes(env):
    page = _client().get("/auth/signin", params={"lang": "en", "next": '/x?a="><script>'})
    assert page.status_code == 200 and "Sign in" in page.text and "<script>" not in page.text
    wrong = _client().post(
        "/auth/signin", data={"user": '"><img src=x onerror=alert(1)>', "password": "x", "lang": "en"}
    )
    assert wrong.status_code == 401 and "<img" not in wrong.text and "&lt;img" in wrong.text


# --- the throttle ---------------------------------------------------------------------------------


def test_fifty_wrong_passwords_from_one_address_do_not_lock_the_user_out_elsewhere(env):
    attacker = _client("203.0.113.7")
    statuses = [_sign_in(attacker, "yuanhui", f"wrong-{i:02d}-password").status_code for i in range(50)]
    assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}
    assert _sign_in(attacker, "yuanhui").status_code == 429  # the attacker's address waits
    owner = _sign_in(_client("198.51.100.4"), "yuanhui")
    assert owner.status_code == 303 and signin.COOKIE in owner.cookies
    failed = [e for e in _audit(env) if e["event"] == "login_failed"]
    assert 1 <= len(failed) <= 5, failed
    assert {e["detail"]["address"] for e in failed} == {"203.0.113.7"}
    assert [e["event"] for e in _audit(env)][-1] == "login"


def test_a_forwarded_address_is_believed_only_from_a_trusted_proxy(env, monkeypatch):
    spoofing = _client("203.0.113.7")
    for i in range(6):  # a new X-Forwarded-For each time does not escape the count
        _sign_in(spoofing, "yuanhui", f"wrong-{i}-password", **{"x-forwarded-for": f"192.0.2.{i}"})
    assert _sign_in(spoofing, "yuanhui", **{"x-forwarded-for": "192.0.2.99"}).status_code == 429
    monkeypatch.setenv("XINGTU_TRUSTED_PROXIES", "10.9.0.0/16")
    proxy = _client("10.9.0.1")
    for i in range(5):
        _sign_in(proxy, "luohe", f"wrong-{i}-password", **{"x-forwarded-for": "192.0.2.50, 10.9.0.2"})
    assert _sign_in(proxy, "luohe", **{"x-forwarded-for": "192.0.2.50"}).status_code == 429
    assert _sign_in(proxy, "luohe", **{"x-forwarded-for": "192.0.2.51"}).status_code == 303


@pytest.mark.parametrize(
    ("rule", "count", "since_last", "wait"),
    [
        (throttle.PAIR, 4, 0, 0),
        (throttle.PAIR, 5, 0, 30),
        (throttle.PAIR, 5, 29.5, 1),
        (throttle.PAIR, 5, 30, 0),
        (throttle.PAIR, 6, 0, 60),
        (throttle.PAIR, 7, 0, 120),
        (throttle.PAIR, 40, 0, 1800),  # capped
        (throttle.ADDRESS, 19, 0, 0),
        (throttle.ADDRESS, 20, 0, 60),
        (throttle.ADDRESS, 99, 0, 3600),
    ],
)
def test_waits_grow_with_each_failure_up_to_a_cap(rule, count, since_last, wait):
    assert rule.wait(count, 1000.0, 1000.0 + since_last) == wait


def test_a_success_forgives_the_pair_and_a_quiet_hour_ends_a_burst(env):
    now = 5_000_000.0
    for i in range(4):
        assert throttle.begin("a", "1.1.1.1", now + i).allowed
    assert throttle.succeeded("a", "1.1.1.1") == 3  # the fourth try was the right one
    for i in range(5):
        assert throttle.begin("a", "1.1.1.1", now + 10 + i).allowed
    refused = throttle.begin("a", "1.1.1.1", now + 15)
    assert not refused.allowed and refused.wait > 0
    assert throttle.begin("b", "1.1.1.1", now + 15).allowed  # another account from there: own count
    assert throttle.begin("a", "2.2.2.2", now + 15).allowed  # the account from elsewhere
    later = throttle.begin("a", "1.1.1.1", now + 15 + throttle.QUIET + 1)
    assert later.allowed and later.pair_count == 1


def test_failure_counts_are_shared_by_every_server_process(env):
    now = time.time()
    for i in range(5):
        throttle.begin("c", "3.3.3.3", now + i)
    state._ready.clear()  # a second process: no memory of its own, the same file
    assert not throttle.begin("c", "3.3.3.3", now + 6).allowed
