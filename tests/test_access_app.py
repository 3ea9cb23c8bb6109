"""Access control through the app (AppTest): sign-in, scope on every page and download, links, audit.

The county user 源汇区 (411102) must not obtain a row of 郾城区 (411103) or of the
functional zone (411171) through any page, URL parameter, search box or export.
"""

from __future__ import annotations

import json
import time

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import SHARE_SECRET
from tests.scope_check import (
    APP,
    COUNTY_USER,
    OWN,
    PAGES,
    Downloads,
    forbidden_markers,
    leaks,
    open_as,
    shown_text,
)
from xingtu.auth import share

OWN_UNIT = "411102001001"  # 滨西社区, 源汇区
OTHER_UNIT = "411103001001"  # a unit of 郾城区
READ_PAGES = ("overview", "trends", "unit", "weak", "status", "visit", "screen", "access")


def _events(audit_path) -> list[dict]:
    if not audit_path.exists():
        return []
    return [json.loads(line) for line in audit_path.read_text(encoding="utf-8").splitlines()]


def test_with_accounts_configured_the_app_asks_for_a_sign_in_and_shows_no_data(auth_env):
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["r"] = "4111"
    at.run()
    assert not at.exception
    button = at.get("link_button")[0].proto
    assert button.url == "/auth/signin?next=%2F%3Fr%3D4111"  # comes back to the same view
    assert not at.text_input  # no password field in the websocket session
    assert not at.metric and not at.dataframe and not at.sidebar.selectbox and not at.get("plotly_chart")


def test_a_county_user_signed_in_by_cookie_sees_their_county_until_the_account_is_disabled(
    auth_env, users_file, tmp_path, monkeypatch
):
    at = open_as(None, login="yuanhui")
    assert not at.exception, [e.value for e in at.exception]
    city, county = at.sidebar.selectbox(key="filter.city"), at.sidebar.selectbox(key="filter.county")
    assert city.disabled and county.disabled and city.options == ["漯河市"] and county.options == ["源汇区"]
    assert at.sidebar.selectbox(key="filter.township").options[0] == "全县（区）"
    assert any("源汇区" in m.value for m in at.markdown)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(PAGES["import"])
    at.run()  # a reload: the same cookie, still signed in
    assert at.metric

    edited = tmp_path / "users.toml"  # the admin disables the account
    edited.write_text(
        users_file.read_text(encoding="utf-8").replace(
            'region = "411102000000"', 'region = "411102000000"\ndisabled = true', 1
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("XINGTU_USERS_FILE", str(edited))
    at.run()  # the next interaction
    assert not at.metric and not at.dataframe and not at.sidebar.selectbox
    assert "账号已被停用或修改" in at.warning[0].value
    logout = [e for e in _events(auth_env) if e["event"] == "logout"]
    assert logout and logout[0]["user"] == "yuanhui" and logout[0]["detail"]["reason"] == "account"


@pytest.mark.parametrize("page", READ_PAGES)
def test_no_page_or_download_shows_another_countys_rows(auth_env, app_env, monkeypatch, page):
    markers = forbidden_markers(app_env)
    downloads = Downloads()
    downloads.install(monkeypatch)
    params = (
        {"u": OWN_UNIT}
        if page == "unit"
        else {"stops": f"{OWN_UNIT},411102001002"}
        if page == "visit"
        else {}
    )
    if page == "screen":
        params["every"] = "0"
    at = open_as(COUNTY_USER, page, params)
    assert not at.exception, [e.value for e in at.exception]
    text = shown_text(at)
    if page == "weak":  # every tab of the weak-indicator page, each opened by its link
        for tab in ("tasks", "closest", "weak_lax"):
            tabbed = open_as(COUNTY_USER, page, {**params, "tab": tab})
            assert not tabbed.exception, [e.value for e in tabbed.exception]
            text += shown_text(tabbed)
    text += downloads.text()
    assert OWN in text or "源汇区" in text  # the collection sees the page's own data
    assert leaks(text, markers) == [], page
    if page not in ("access", "screen"):
        assert downloads.files, f"{page}: no download was offered"


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        ({"r": "411103"}, "r="),
        ({"r": "4111"}, "r="),  # the city: above the county's scope
        ({"r": "41"}, "r="),
        ({"u": OTHER_UNIT}, "u="),
        ({"stops": f"{OWN_UNIT},{OTHER_UNIT}"}, "stops="),
        ({"cmp": "411103"}, "cmp="),
        ({"play": "411103,411171"}, "play="),
    ],
)
def test_a_link_naming_another_county_is_refused_with_a_notice(auth_env, app_env, params, notice):
    markers = forbidden_markers(app_env)
    page = (
        "unit"
        if "u" in params
        else "visit"
        if "stops" in params
        else "screen"
        if "play" in params
        else "trends"
    )
    at = open_as(COUNTY_USER, page, {**params, "every": "0"} if page == "screen" else params)
    assert not at.exception
    assert any(notice in w.value for w in at.warning), [w.value for w in at.warning]
    text = shown_text(at)
    for value in params.values():  # the notice repeats what the link said: that is not data
        text = text.replace(value, "")
    assert leaks(text, markers) == []


def test_the_search_box_finds_only_units_of_the_own_county(auth_env, app_env):
    markers = forbidden_markers(app_env)
    other_name = markers[1][0]
    at = open_as(COUNTY_USER, "unit")
    at.text_input(key="unit.search.q").input(other_name).run()
    assert leaks(shown_text(at).replace(other_name, ""), markers) == []  # the box holds what was typed
    assert (
        any("没有找到" in w.value or "找不到" in w.value for w in at.warning)
        or not at.selectbox(key="unit.search.pick").options
    )
    at.text_input(key="unit.search.q").input("滨西").run()  # the own county's 滨西社区 is found
    assert any("滨西" in o for o in at.selectbox(key="unit.search.pick").options)


def test_the_data_layer_refuses_out_of_scope_calls_whatever_the_page_does(auth_env):
    def script() -> None:
        import streamlit as st

        from xingtu.auth.principal import AccessDenied, Principal
        from xingtu.session import access, admin

        access.set_principal(Principal(user="yuanhui", name="y", role="county", region="411102000000"))
        calls = {
            "overview": lambda: access.load_overview("411103000000", "all", 2025, "township"),
            "city": lambda: access.load_level_counts("411100000000", "all", 2025),
            "unit": lambda: access.load_unit_page("411103001001", 2025),
            "visit": lambda: access.load_visit(("411102001001", "411103001001"), 2025),
            "briefing": lambda: access.load_briefing("411103000000", "all", 2025),
            "points": lambda: access.load_points_url("410000000000", "all", 2025, None, ()),
            "counties": lambda: access.load_county_years("410000000000", "all"),
            "import": lambda: admin.check_upload(b"", "x.xlsx", "annual", None),
            "rollback": lambda: admin.switch_version(None),
        }
        refused = []
        for name, call in calls.items():
            try:
                call()
            except AccessDenied:
                refused.append(name)
        st.write("refused:" + ",".join(refused))
        st.write(f"regions:{len(access.load_region_table())}")

    at = AppTest.from_function(script, default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    refused = at.markdown[0].value.split(":", 1)[1].split(",")
    assert refused == [
        "overview",
        "city",
        "unit",
        "visit",
        "briefing",
        "points",
        "counties",
        "import",
        "rollback",
    ]


def test_each_cached_query_answers_from_its_own_cache(auth_env):
    """The scope loaders are made by one function (one source): the same arguments to two of
    them must still give each its own query's result, never the other's cached one."""

    def script() -> None:
        import streamlit as st

        from xingtu.auth.principal import Principal
        from xingtu.session import access

        access.set_principal(Principal(user="yuanhui", name="y", role="county", region="411102000000"))
        # the same arguments (a grouping to one, a star to the other) and the same cache size
        args = ("411102000000", "all", 2025, "township")
        loads = (access.load_overview, access.load_trends, access.load_overview, access.load_trends)
        st.write(",".join(type(load(*args)).__name__ for load in loads))

    at = AppTest.from_function(script, default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.markdown[0].value == "Overview,Trends,Overview,Trends"


def test_an_admin_can_open_the_import_and_audit_pages(auth_env):
    at = open_as(None, "import", login="admin")
    assert not at.exception, [e.value for e in at.exception]
    assert any("数据导入" in t.value for t in at.title)
    at.switch_page(PAGES["access"]).run()
    assert any("审计日志" in s.value for s in at.subheader)


# --- share links ----------------------------------------------------------------------------------


def _receiver(token: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["s"] = token
    return at.run()


def test_a_county_user_shares_a_view_the_receiver_sees_only_that_county_and_it_can_be_revoked(
    auth_env, app_env
):
    at = open_as(None, login="yuanhui", params={"y": "2024"})
    at.button(key="share.create").click().run()
    link = at.get("code")[0].proto.code_text
    token = link.split("?s=", 1)[1]
    created = [e for e in _events(auth_env) if e["event"] == "share_created"]
    assert created and created[0]["user"] == "yuanhui" and created[0]["detail"]["params"] == {"y": "2024"}

    got = _receiver(token)
    assert not got.exception
    assert got.query_params["y"] == "2024" and got.query_params["s"] == token  # the view, and it reloads
    assert any("分享链接 · 只读" in i.value for i in got.sidebar.info)
    assert leaks(shown_text(got), forbidden_markers(app_env)) == []
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        got.switch_page(PAGES["access"])

    at.switch_page(PAGES["access"]).run()
    at.selectbox(key="access.revoke.pick").select(created[0]["detail"]["id"])
    at.button(key="access.revoke").click().run()
    assert "share_revoked" in [e["event"] for e in _events(auth_env)]
    got.run()  # the open session ends at its next rerun
    assert "链接已被撤销" in got.error[0].value and not got.metric and not got.dataframe
    assert "链接已被撤销" in _receiver(token).error[0].value


def test_an_admin_makes_a_display_token_that_opens_only_the_big_screen_until_revoked(auth_env, app_env):
    at = open_as(None, "access", login="admin")
    assert not at.exception, [e.value for e in at.exception]
    at.selectbox(key="access.display.region").select("411102000000")
    at.selectbox(key="access.display.every").select(0)
    at.button(key="access.display.create").click().run()
    assert not at.exception, [e.value for e in at.exception]
    link = at.get("code")[0].proto.code_text
    assert "/screen?s=" in link
    created = [e for e in _events(auth_env) if e["event"] == "share_created"][-1]
    assert created["user"] == "admin" and created["detail"]["kind"] == "display"
    listed = at.dataframe[0].value
    assert "大屏令牌" in set(listed["类型"]) and "源汇区" in set(listed["范围"])

    screen = _receiver(link.split("?s=", 1)[1])
    assert not screen.exception, [e.value for e in screen.exception]
    assert not screen.get("link_button") and not screen.text_input  # no sign-in asked
    assert "源汇区" in shown_text(screen) and leaks(shown_text(screen), forbidden_markers(app_env)) == []
    for page in ("overview", "trends", "access"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            screen.switch_page(PAGES[page])
    opened = [e for e in _events(auth_env) if e["event"] == "share_opened"][-1]
    assert opened["detail"]["kind"] == "display" and opened["user"] == f"display:{created['detail']['id']}"

    at.selectbox(key="access.revoke.pick").select(created["detail"]["id"])
    at.button(key="access.revoke").click().run()
    screen.run()  # the screen's next refresh
    assert "链接已被撤销" in screen.error[0].value and not screen.get("plotly_chart")


def _tamper(token: str) -> str:
    """The last three characters replaced so that the decoded bits change (not only base64 padding)."""
    return token[:-3] + ("AAA" if token[-3:-1] != "AA" else "QQA")


def _token(**kw) -> str:
    grant = share.new_grant(
        COUNTY_USER, kw.pop("page", "overview"), "411102000000", 7, kw.pop("now", time.time())
    )
    return share.sign(grant, kw.pop("secret", SHARE_SECRET))


@pytest.mark.parametrize(
    ("token", "says"),
    [
        (lambda: _tamper(_token()), "链接无效或已被改动"),
        (lambda: _token().replace(".", ".x", 1), "链接无效或已被改动"),
        (lambda: _token(secret="another-key-" + "y" * 40), "链接无效或已被改动"),
        (lambda: _token(now=time.time() - 8 * 86400), "链接已过有效期"),
        (lambda: "", "链接无效或已被改动"),
        (lambda: "<script>alert(1)</script>", "链接无效或已被改动"),
        (lambda: "x" * 10_000, "链接无效或已被改动"),
    ],
)
def test_tampered_or_expired_links_show_a_clear_page_and_nothing_else(auth_env, token, says):
    at = _receiver(token())
    assert not at.exception
    assert len(at.error) == 1 and says in at.error[0].value
    assert not at.metric and not at.dataframe and not at.sidebar.selectbox and not at.get("plotly_chart")
    assert not at.get("html") or all("sample-badge" not in h.proto.body for h in at.get("html"))
    assert _events(auth_env)[-1]["event"] == "share_refused"


def test_a_route_link_opens_only_its_stops_and_no_other_page(auth_env, app_env):
    grant = share.new_grant(
        COUNTY_USER,
        "visit",
        "411102000000",
        7,
        time.time(),
        stops=(OWN_UNIT, "411102001002"),
        params={"stops": f"{OWN_UNIT},411102001002", "share": "1"},
    )
    at = _receiver(share.sign(grant, SHARE_SECRET))
    assert not at.exception
    assert len(at.expander) == 2 and not at.sidebar.selectbox
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(PAGES["overview"])
