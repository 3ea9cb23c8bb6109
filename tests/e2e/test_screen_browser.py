"""The big screen in real Chromium: fits 1080p, 4K and a 32:9 video wall; the playlist turns.

Screenshots go to ``XINGTU_SHOTS`` (default: the test's temporary folder) to be looked at.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

DONE = "[data-testid='stApp'][data-test-script-state='notRunning']"
PANELS = ["screen-tiles", "screen-ranking", "screen-movers", "screen-trend", "screen-legend"]


def _open(browser, url: str, width: int, height: int):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(url)
    page.wait_for_selector("[data-testid='screen-tiles']", timeout=90_000)
    page.wait_for_selector("[data-testid='stPlotlyChart'] .geolayer", timeout=60_000)
    page.wait_for_selector(DONE, timeout=60_000)
    page.wait_for_timeout(1500)  # the reported window size may redraw the map once
    page.wait_for_selector(DONE, timeout=60_000)
    return page


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (3840, 2160), (3840, 1080)])
def test_screen_fits_without_scrolling_overflow_or_overlap(browser, server, tmp_path, width, height):
    page = _open(browser, f"{server}/screen?r=4111&every=0", width, height)
    shots = Path(os.environ.get("XINGTU_SHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"screen-{width}x{height}.png"))
    sizes = page.evaluate(
        """() => {
          const doc = document.scrollingElement, main = document.querySelector('[data-testid=stMain]');
          return {doc: [doc.scrollHeight, doc.scrollWidth], main: [main.scrollHeight, main.scrollWidth],
                  view: [innerHeight, innerWidth]};
        }"""
    )
    assert sizes["doc"] == [height, width], sizes  # the page is exactly the screen: no scroll
    assert sizes["main"][0] <= height and sizes["main"][1] <= width, sizes
    # no Streamlit chrome
    for testid in ("stSidebar", "stHeader", "stToolbar", "stStatusWidget"):
        loc = page.locator(f"[data-testid='{testid}']")
        assert loc.count() == 0 or not loc.first.is_visible(), testid
    boxes = {}
    for testid in PANELS:
        box = page.get_by_test_id(testid).bounding_box()
        assert box is not None, testid
        assert box["x"] >= 0 and box["y"] >= 0, (testid, box)
        assert box["x"] + box["width"] <= width + 1 and box["y"] + box["height"] <= height + 1, (testid, box)
        boxes[testid] = box
    boxes["map"] = page.locator("[data-testid='stPlotlyChart']").bounding_box()
    names = list(boxes)
    for i, a in enumerate(names):  # panels never overlap
        for b in names[i + 1 :]:
            p, q = boxes[a], boxes[b]
            overlap_x = min(p["x"] + p["width"], q["x"] + q["width"]) - max(p["x"], q["x"])
            overlap_y = min(p["y"] + p["height"], q["y"] + q["height"]) - max(p["y"], q["y"])
            assert overlap_x <= 1 or overlap_y <= 1, (a, b, p, q)
    clipped = page.evaluate(
        """() => [...document.querySelectorAll(
                '.xs h1, .xs h2, .xs .value, .xs .label, .xs .delta, .xs .v, .xs .name')]
              .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)"""
    )
    assert clipped == []  # titles, names, numbers and values are never cut off
    big = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.xs-tile .value')).fontSize)")
    assert big >= 40  # numbers read from across the room (zoomed twice on 4K)
    page.close()


@pytest.mark.heavy
def test_the_playlist_turns_on_its_timer_and_space_pauses_it(browser, server):
    page = _open(browser, f"{server}/screen?play=411102,411103&every=5", 1920, 1080)
    scope = page.get_by_test_id("screen-scope")
    assert scope.inner_text() == "源汇区"
    page.wait_for_function(
        "document.querySelector('[data-testid=screen-scope]').textContent === '郾城区'", timeout=30_000
    )
    assert "第 2/2 屏" in page.locator(".xs-band .meta").inner_text()
    page.keyboard.press("Space")
    page.wait_for_function(
        "document.querySelector('.xs-band .meta').textContent.includes('已暂停')", timeout=20_000
    )
    page.wait_for_timeout(8_000)  # longer than the interval: a paused screen stays
    assert scope.inner_text() == "郾城区"
    page.keyboard.press("Space")
    page.wait_for_function(
        "document.querySelector('[data-testid=screen-scope]').textContent === '源汇区'", timeout=30_000
    )
    page.close()
