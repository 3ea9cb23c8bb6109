"""观摩 in real Chromium: build a route by criterion, open its share link on a phone, print it."""

from __future__ import annotations

import os
from pathlib import Path

from components import visit
from tests.e2e.conftest import a_run, wait_for_app

DONE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def test_route_by_criterion_then_the_shared_link_on_a_phone(browser, server, tmp_path):
    shots = Path(os.environ.get("XINGTU_SHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{server}/visit?r=4111")
    wait_for_app(page)
    with a_run(page):
        page.get_by_text("五星村（社区）", exact=True).click()
    # from the map: a click on a grey unit makes it the first stop
    page.wait_for_selector("[data-testid='stPlotlyChart'] .scattergeo .point", timeout=60_000)
    with a_run(page):
        page.locator("[data-testid='stPlotlyChart'] .scattergeo .point").first.click(force=True)
    page.wait_for_function("new URL(location.href).searchParams.get('stops')?.length === 12", timeout=30_000)
    with a_run(page):
        page.get_by_role("button", name="加入前").click()
    page.wait_for_selector("[data-testid='stPlotlyChart'] .scattergeo", timeout=60_000)
    # the URL is written after the run that added the stops: poll for it
    page.wait_for_function(
        "(new URL(location.href).searchParams.get('stops') || '').split(',').length >= 2", timeout=30_000
    )
    stops = page.evaluate("new URL(location.href).searchParams.get('stops')").split(",")
    assert len(stops) >= 2
    with a_run(page):
        page.get_by_role("button", name="生成分享链接").click()
    link = page.locator("[data-testid='stCode'] code").inner_text().replace("\n", "")
    assert "?s=" in link and "stops=" not in link  # signed: the route is inside the token
    page.close()

    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True
    ).new_page()
    phone.goto(link)
    phone.wait_for_selector("[data-testid='stExpander']", timeout=90_000)
    phone.wait_for_selector(DONE, timeout=60_000)
    assert phone.get_by_test_id("stExpander").count() == len(stops)
    phone.get_by_test_id("stExpander").first.locator("summary").click()
    phone.wait_for_selector(".xv-card", timeout=10_000)
    phone.wait_for_selector(DONE, timeout=60_000)
    widths = phone.evaluate(
        "[document.scrollingElement.scrollWidth, document.querySelector('[data-testid=stMain]').scrollWidth]"
    )
    assert widths == [390, 390]  # no horizontal scrolling
    assert phone.locator("[data-testid='stDeckGlJsonChart']").count() == 0  # no 52k-point layer
    assert not phone.get_by_test_id("stSidebar").is_visible()
    phone.get_by_test_id("sample-badge").wait_for(state="visible", timeout=30_000)  # st.html may draw late
    phone.screenshot(path=str(shots / "visit-phone-390x844.png"))
    phone.context.close()


def test_printable_itinerary_renders_on_a4(browser, tmp_path):
    shots = Path(os.environ.get("XINGTU_SHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    cards = [
        {
            "n": i + 1,
            "code": f"41110200100{i}",
            "name": name,
            "place": "源汇区 · 老街街道",
            "level": 5 - i % 2,
            "stars": [("支部过硬星", True), ("宜业兴业星", i % 2 == 0), ("平安法治星", True)],
            "strengths": {"支部过硬星": ["三会一课", "主题党日"], "平安法治星": ["一村一警"]},
            "partners": ["受降路社区（四星带三星）"],
            "next_km": 3.2 + i if i < 3 else None,
        }
        for i, name in enumerate(["新华社区", "祥和社区", "挂刀营村", "<b>东吴村</b>"])
    ]
    page = browser.new_page()
    page.set_content(
        visit.build_itinerary_html("观摩行程单：新华社区等 4 站", cards, 12.9, "2025 年评定结果", "zh")
    )
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    (shots / "itinerary.pdf").write_bytes(pdf)
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.emulate_media(media="print")
    page.screenshot(path=str(shots / "itinerary-a4.png"), full_page=True)
    assert page.get_by_text("<b>东吴村</b>").count() == 1  # data shown as text
    page.close()
