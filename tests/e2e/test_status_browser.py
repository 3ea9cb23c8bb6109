"""The status page in real Chromium: it renders, labels sample data, and stays on loopback."""

from __future__ import annotations

from urllib.parse import urlparse

from tests.e2e.conftest import wait_for_app


def test_status_page_offline_and_labelled(browser, server):
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    hosts: set[str] = set()
    page.on("request", lambda r: hosts.add(urlparse(r.url).hostname or r.url.split(":")[0]))
    page.goto(f"{server}/status")
    wait_for_app(page)
    assert page.get_by_role("heading", name="数据概况").is_visible()
    # st.html draws after the run reports done: wait for the label, do not glance once
    page.get_by_test_id("sample-badge").filter(has_text="样例数据").wait_for(state="visible", timeout=30_000)
    assert page.locator("[data-testid='stMetricValue']").first.inner_text().replace(",", "").isdigit()
    page.wait_for_selector("[data-testid='stPlotlyChart'] .js-plotly-plot", timeout=30_000)
    assert page.locator(".js-plotly-plot").count() == 1
    assert "Traceback" not in page.inner_text("body")
    assert hosts <= {"127.0.0.1", "localhost", "data", "blob"}, hosts
    page.close()
