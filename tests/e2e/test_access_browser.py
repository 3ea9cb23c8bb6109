"""Access control in real Chromium: sign in, a county's scope, a shared view, a tampered link."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.conftest import sign_in, wait_for_app


@pytest.mark.heavy  # 25 s; tampered and foreign links are refused in AppTest (test_access_app)
def test_a_county_user_shares_their_view_and_a_tampered_link_opens_nothing(browser, auth_server, tmp_path):
    shots = Path(os.environ.get("XINGTU_SHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{auth_server.url}/trends?y=2024")
    page.get_by_label("账号").wait_for(timeout=120_000)
    assert page.get_by_test_id("stSidebar").count() == 0 or not page.get_by_test_id("stSidebar").is_visible()
    page.screenshot(path=str(shots / "login-1920x1080.png"))
    sign_in(page, f"{auth_server.url}/trends?y=2024", "yuanhui")
    sidebar = page.get_by_test_id("stSidebar")
    assert "yuanhui · 县级 · 源汇区" in sidebar.inner_text()
    assert "2024" in page.url  # the link's view survived the sign-in
    page.get_by_role("button", name="分享当前视图").click()
    page.get_by_role("button", name="生成分享链接").click()
    page.locator("[data-testid='stCode'] code").wait_for(timeout=30_000)
    link = page.locator("[data-testid='stCode'] code").inner_text().replace("\n", "")
    page.screenshot(path=str(shots / "county-share-1920x1080.png"))
    assert "/trends?s=" in link
    page.close()

    guest = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    guest.goto(link)
    wait_for_app(guest)
    text = guest.inner_text("body")
    assert "分享链接 · 只读" in text and "源汇区" in text and "郾城区" not in text
    assert guest.get_by_test_id("stSidebarNav").get_by_text("访问与审计").count() == 0

    token = link.split("?s=", 1)[1]
    forged = link.replace(token, token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"))
    guest.goto(forged)
    guest.get_by_text("链接无效或已被改动").wait_for(timeout=60_000)
    guest.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
    assert (
        guest.get_by_test_id("stMetric").count() == 0 and guest.get_by_test_id("stPlotlyChart").count() == 0
    )
    assert "源汇区" not in guest.inner_text("body")
    guest.screenshot(path=str(shots / "link-refused-1920x1080.png"))
    guest.context.close()
