"""The flows a user clicks through, in real Chromium against a real server (small store).

Overview → click a county → open a unit → copy the address → a fresh browser shows the
same unit and filters; and the language switch. Assertions are on text and test ids.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from tests.e2e.conftest import a_run, wait_for_app

COUNTIES = {"411102": "源汇区", "411103": "郾城区", "411171": "漯河经济技术开发区"}


def _params(url: str) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(url).query).items()}


@pytest.mark.heavy  # 40 s; a drill by click stays in the default run (the ranking-row test)
def test_drill_down_then_share_the_link(browser, server):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    hosts: set[str] = set()
    page.on("request", lambda r: hosts.add(urlparse(r.url).hostname or urlparse(r.url).scheme))
    page.goto(server)
    wait_for_app(page)
    page.wait_for_selector("[data-testid='stPlotlyChart'] .choroplethlayer path", timeout=60_000)
    page.wait_for_selector("[data-testid='stDeckGlJsonChart'] canvas", timeout=60_000)

    # click a county on the map
    with a_run(page):
        page.locator(".choroplethlayer path").first.click(force=True)
    # a click can take two runs (the second draws the new region and writes it into the address)
    page.wait_for_url(lambda u: _params(u).get("r", "") in COUNTIES, timeout=60_000)
    wait_for_app(page)
    region = _params(page.url).get("r", "")
    assert region in COUNTIES, page.url
    assert (
        page.get_by_test_id("stMainBlockContainer")
        .get_by_text(COUNTIES[region], exact=True)
        .first.is_visible()
    )
    county_box = page.get_by_test_id("stSidebar").get_by_role("combobox", name="县（市、区）/功能区")
    assert county_box.input_value() == COUNTIES[region] + ("（功能区）" if region == "411171" else "")

    # a filter, then the unit page through the navigation and the search box
    with a_run(page):
        page.get_by_test_id("stSidebar").get_by_text("社区", exact=True).click()
    with a_run(page):
        page.get_by_role("link", name="村级画像").click()
    page.get_by_label("查找村（社区）").fill("社区")
    with a_run(page):
        page.keyboard.press("Enter")
    page.get_by_test_id("stSelectbox").filter(has_text="找到").click()
    with a_run(page):
        page.get_by_role("option").first.click()
    page.wait_for_url(lambda u: len(_params(u).get("u", "")) == 12, timeout=60_000)
    wait_for_app(page)
    shared = page.url
    params = _params(shared)
    assert urlparse(shared).path.endswith("/unit")
    assert params["r"] == region and params["t"] == "urban" and len(params["u"]) == 12
    name = page.get_by_role("heading", level=2).first.inner_text()

    # the same link in a fresh browser context: same page, unit, filters
    other = browser.new_context(viewport={"width": 1920, "height": 1080})
    fresh = other.new_page()
    fresh.goto(shared)
    wait_for_app(fresh)
    assert fresh.get_by_role("heading", level=2).first.inner_text() == name
    assert _params(fresh.url) == params
    sidebar = fresh.get_by_test_id("stSidebar")
    county = sidebar.get_by_role("combobox", name="县（市、区）/功能区").input_value()
    assert county.startswith(COUNTIES[region])
    assert sidebar.get_by_role("radio", name="社区").is_checked()
    assert not fresh.get_by_test_id("stException").count()
    assert hosts <= {"127.0.0.1", "data", "blob"}, hosts
    context.close()
    other.close()


@pytest.mark.heavy
def test_language_switch_keeps_the_view(browser, server):
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{server}/trends?r=4111&y=2024")
    wait_for_app(page)
    assert page.get_by_text("历年星级结构").is_visible()
    with a_run(page):
        page.get_by_role("button", name="English").click()
    assert page.get_by_text("Levels by year").is_visible()
    assert page.get_by_role("link", name="Overview").is_visible()
    params = _params(page.url)
    assert params == {"r": "4111", "y": "2024", "lang": "en"}
    with a_run(page):
        page.get_by_role("button", name="中文").click()
    assert page.get_by_text("历年星级结构").is_visible()
    assert "lang" not in _params(page.url)
    page.close()


@pytest.mark.heavy
def test_hand_edited_link_gets_a_notice_not_a_traceback(browser, server):
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{server}/overview?r=99&y=1999&m=%3Cscript%3E")
    wait_for_app(page)
    notice = page.get_by_test_id("stAlertContentWarning").inner_text()
    assert "r=" in notice and "y=" in notice and "m=" in notice
    assert not page.get_by_test_id("stException").count()
    assert _params(page.url) == {}
    page.close()


def test_a_click_on_a_ranking_row_drills_into_that_region(browser, server):
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{server}/?r=4111&sort=name")
    wait_for_app(page)
    rows = page.get_by_role("button", name="郾城区")  # rows are buttons inside the ranking component
    rows.first.wait_for(timeout=60_000)
    assert "郾城区" in rows.first.get_attribute("title")  # hover text: name, value, units
    with a_run(page):
        rows.first.click()
    page.wait_for_url(lambda u: _params(u).get("r") == "411103", timeout=60_000)
    wait_for_app(page)
    assert (
        page.get_by_test_id("stSidebar").get_by_role("combobox", name="县（市、区）/功能区").input_value()
        == "郾城区"
    )
    page.close()
