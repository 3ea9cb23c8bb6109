"""Sign-in that survives: reload, a new tab on a bookmark, a browser reopened, a disabled account."""

from __future__ import annotations

import shutil
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.conftest import SHARE_SECRET
from tests.e2e.conftest import _serve, sign_in, wait_for_app
from xingtu.web.signin import COOKIE

DEEP = "/trends?r=411102&y=2024"


class OwnServer(NamedTuple):
    url: str
    users: Path


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory, users_file: Path) -> Iterator[OwnServer]:
    """A server with its own copy of the users file (this test disables an account in it)."""
    store = tmp_path_factory.mktemp("signin-store")
    users = store / "users.toml"
    shutil.copy(users_file, users)
    log = tmp_path_factory.mktemp("signin-log") / "streamlit.log"
    env = {
        "XINGTU_USERS_FILE": str(users),
        "XINGTU_SHARE_SECRET": SHARE_SECRET,
        "XINGTU_AUDIT_FILE": str(store / "audit.jsonl"),
    }
    for url in _serve(store, log, env):
        yield OwnServer(url, users)


def _path(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _signed_in_as(page, who: str) -> None:
    page.get_by_test_id("stSidebar").get_by_text(who).wait_for(timeout=60_000)


@pytest.mark.heavy  # 30–80 s; the cookie's round trip, reload and expiry are tested over HTTP (test_signin)
def test_a_sign_in_survives_reload_new_tab_and_a_reopened_browser(browser, own_server, tmp_path):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    page.goto(own_server.url + DEEP)
    assert urllib.parse.urlsplit(page.url).path == "/auth/signin"  # no session: the sign-in page
    sign_in(page, own_server.url + DEEP, "yuanhui")
    _signed_in_as(page, "yuanhui · 县级 · 源汇区")
    assert "y=2024" in page.url and "/trends" in page.url  # back to the view asked for

    cookie = next(c for c in context.cookies() if c["name"] == COOKIE)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/"
    assert COOKIE not in page.evaluate("document.cookie")  # no script can read it
    assert "yuanhui-pass" not in cookie["value"]

    page.reload()
    wait_for_app(page)
    _signed_in_as(page, "yuanhui · 县级 · 源汇区")
    assert "y=2024" in page.url

    tab = context.new_page()  # a new tab on a bookmarked deep link
    tab.goto(own_server.url + "/weak?r=411102&y=2024")
    wait_for_app(tab)
    assert urllib.parse.urlsplit(tab.url).path == "/weak"
    _signed_in_as(tab, "yuanhui · 县级 · 源汇区")

    saved = tmp_path / "state.json"  # the browser closed and opened again, its cookies kept
    context.storage_state(path=str(saved))
    context.close()
    again = browser.new_context(viewport={"width": 1920, "height": 1080}, storage_state=str(saved))
    reopened = again.new_page()
    reopened.goto(own_server.url + DEEP)
    wait_for_app(reopened)
    _signed_in_as(reopened, "yuanhui · 县级 · 源汇区")

    reopened.get_by_role("button", name="退出登录").click()  # sign out: the cookie goes
    reopened.wait_for_url(lambda u: urllib.parse.urlsplit(u).path == "/auth/signout")
    assert COOKIE not in {c["name"] for c in again.cookies()}
    reopened.goto(own_server.url + DEEP)
    assert urllib.parse.urlsplit(reopened.url).path == "/auth/signin"
    again.close()


def test_a_disabled_account_is_signed_out_at_its_next_interaction(browser, own_server):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    sign_in(page, own_server.url + "/?r=4111", "luohe")
    _signed_in_as(page, "luohe · 市级 · 漯河市")
    text = own_server.users.read_text(encoding="utf-8")
    block = text.index('[users."luohe"]') if '[users."luohe"]' in text else text.index("[users.luohe]")
    end = text.index("\n\n", block)
    own_server.users.write_text(text[:end] + "\ndisabled = true" + text[end:], encoding="utf-8")
    try:
        page.get_by_test_id("stSidebarNav").get_by_text("进度趋势").click()  # any interaction
        page.get_by_text("账号已被停用或修改").wait_for(timeout=60_000)
        # the last page's figures stay (stale) until the run that refuses has ended
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
        assert page.get_by_test_id("stMetric").count() == 0
        page.reload()
        assert urllib.parse.urlsplit(page.url).path == "/auth/signin"
        page.get_by_label("账号").fill("luohe")
        page.get_by_label("密码").fill("luohe-pass-2026")
        page.get_by_role("button", name="登录").click()
        page.get_by_text("此账号已停用").wait_for(timeout=30_000)
    finally:
        own_server.users.write_text(text, encoding="utf-8")
    context.close()
