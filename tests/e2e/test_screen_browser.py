"""The big screen in real Chromium: the playlist turns on its timer and Space pauses it.

How the screen fits 1080p, 4K and a 32:9 wall is tested in test_layout_browser.py.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.test_layout_browser import open_screen


@pytest.mark.heavy
def test_the_playlist_turns_on_its_timer_and_space_pauses_it(browser, server):
    page = open_screen(browser, f"{server}/screen?play=411102,411103&every=5", 1920, 1080)
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
    # a negative claim needs a window: over 1.6 intervals the browser polls for a turn that must not come
    with pytest.raises(PlaywrightTimeout):
        page.wait_for_function(
            "document.querySelector('[data-testid=screen-scope]').textContent !== '郾城区'", timeout=8_000
        )
    assert scope.inner_text() == "郾城区"
    page.keyboard.press("Space")
    page.wait_for_function(
        "document.querySelector('[data-testid=screen-scope]').textContent === '源汇区'", timeout=30_000
    )
    page.close()
