"""Overview page benchmark in headless Chromium, as ratios to a floor page, at province scale.

Prints figures, asserts nothing. Targets (issue 18): overview render time ≤ 1.2 × the
floor page's; first-load bytes ≤ floor + 1 MB; bytes for a filter change that keeps
the village layer ≤ 100 KB; warm filter-change script time p95 ≤ 150 ms.

- Render time: navigation start → script done, every response received, the choropleth
  and the village layer drawn (their canvases present, their data files loaded), then two
  animation frames. Median of RUNS fresh browser contexts (no HTTP cache), interleaved
  with the floor page so machine noise hits both alike.
- Bytes: HTTP bodies as transferred (encoded) plus websocket frames, counted by the
  browser (Chrome DevTools Protocol).
- Script time: the app's own script, run in-process (AppTest) on the full store, for a
  cycle of filter changes after each was seen once (warm caches).

Run: ``.venv/bin/python bench/bench_pages.py`` (builds the province store on first use).
"""

from __future__ import annotations

import base64
import os
import statistics
import sys
import time
from contextlib import AbstractContextManager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.local_server import serving  # noqa: E402
from tests.e2e.conftest import ARGS, CHROMIUM  # noqa: E402 - same browser and flags as the browser tests

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
DONE = "[data-testid='stApp'][data-test-script-state='notRunning']"
TWO_FRAMES = (
    "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))"
)


def serve(script: Path) -> AbstractContextManager[str]:
    """``script`` served with the whole province (the URL while the block runs)."""
    # no background warm-up: the first (untimed) load computes the overview, as the warm-up would,
    # and the timed loads then measure drawing, not a warm-up competing for the two cores
    return serving(script, {**os.environ, "XINGTU_COUNTIES": "", "XINGTU_WARM": "0"}, cwd=script.parent)


class Meter:
    """Bytes the browser receives (HTTP encoded bodies + websocket frames), per page."""

    def __init__(self, page) -> None:
        self.http = 0
        self.ws = 0
        self.pending: dict[str, str] = {}
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.loadingFailed", lambda e: self.pending.pop(e["requestId"], None))
        cdp.on("Network.webSocketFrameReceived", self._frame)

    def _sent(self, e: dict) -> None:
        if e.get("type") not in ("WebSocket", "EventSource") and e["request"]["url"].startswith("http"):
            self.pending[e["requestId"]] = e["request"]["url"]

    def _finished(self, e: dict) -> None:
        self.http += int(e.get("encodedDataLength", 0))
        self.pending.pop(e["requestId"], None)

    def _frame(self, e: dict) -> None:
        r = e["response"]
        data = r.get("payloadData", "")
        self.ws += len(base64.b64decode(data)) if r.get("opcode") == 2 else len(data.encode())

    @property
    def total(self) -> int:
        return self.http + self.ws

    def reset(self) -> None:
        self.http = self.ws = 0


def _settle(page, meter: Meter, selectors: list[str]) -> float:
    page.wait_for_selector(
        "[data-testid='stMainBlockContainer'] [data-testid='stElementContainer']", timeout=300_000
    )
    page.wait_for_selector(DONE, timeout=300_000)
    for sel in selectors:
        page.wait_for_selector(sel, timeout=300_000)
    deadline = time.monotonic() + 120
    while meter.pending:  # every request answered (boundaries, village points)
        if time.monotonic() > deadline:
            raise TimeoutError(f"requests still pending: {sorted(meter.pending.values())}")
        page.wait_for_timeout(20)
    page.wait_for_selector(DONE, timeout=300_000)
    return float(page.evaluate(TWO_FRAMES))


APP_SELECTORS = [
    "[data-testid='stPlotlyChart'] .choroplethlayer path",
    "[data-testid='stDeckGlJsonChart'] canvas",
]
FLOOR_SELECTORS = ["[data-testid='stPlotlyChart'] .main-svg", "[data-testid='stDeckGlJsonChart'] canvas"]


def load_once(browser, url: str, selectors: list[str]) -> tuple[float, int, object]:
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    meter = Meter(page)
    page.goto(url)
    ms = _settle(page, meter, selectors)
    return ms, meter.total, (context, page, meter)


def filter_change_bytes(page, meter: Meter) -> tuple[int, int]:
    """Bytes for a map-metric change and for a unit-type change (which changes the village layer)."""
    meter.reset()
    page.get_by_role("combobox", name="地图指标").click()
    page.get_by_role("option", name="四星及以上占比").click()
    page.wait_for_timeout(300)
    _settle(page, meter, APP_SELECTORS)
    metric = meter.total
    meter.reset()
    page.get_by_test_id("stSidebar").get_by_text("社区", exact=True).click()
    page.wait_for_timeout(300)
    _settle(page, meter, APP_SELECTORS)
    return metric, meter.total


def script_times() -> list[float]:
    """Warm script time of filter changes (AppTest on the full store; each state seen once first)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ.pop("XINGTU_COUNTIES", None)
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300).run()
    steps = [
        lambda: at.selectbox(key="overview.metric.metric").set_value("share_ge4"),
        lambda: at.selectbox(key="overview.metric.metric").set_value("mean_stars"),
        lambda: at.radio(key="filter.unit_type").set_value("rural"),
        lambda: at.radio(key="filter.unit_type").set_value("all"),
        lambda: at.selectbox(key="filter.year").set_value(2024),
        lambda: at.selectbox(key="filter.year").set_value(2025),
        lambda: at.selectbox(key="filter.city").set_value("410100000000"),
        lambda: at.selectbox(key="filter.city").set_value(""),
    ]
    for step in steps:  # warm every state once
        step()
        at.run()
    times = []
    for _ in range(5):
        for step in steps:
            step()
            t0 = time.perf_counter()
            at.run()
            times.append((time.perf_counter() - t0) * 1000)
            assert not at.exception
    return times


def main() -> None:
    from playwright.sync_api import sync_playwright

    from xingtu.store.build import ensure_store

    print(f"store: {ensure_store()}")
    app_ms, floor_ms, app_bytes, floor_bytes = [], [], [], []
    with (
        serve(ROOT / "serve.py") as app_url,
        serve(ROOT / "bench" / "floor" / "app.py") as floor_url,
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        load_once(browser, app_url, APP_SELECTORS)[2][0].close()  # warm the server caches
        load_once(browser, floor_url, FLOOR_SELECTORS)[2][0].close()
        for _ in range(RUNS):
            ms, size, (ctx, _, _) = load_once(browser, floor_url, FLOOR_SELECTORS)
            floor_ms.append(ms)
            floor_bytes.append(size)
            ctx.close()
            ms, size, (ctx, page, meter) = load_once(browser, app_url, APP_SELECTORS)
            app_ms.append(ms)
            app_bytes.append(size)
            ctx.close()
        _, _, (ctx, page, meter) = load_once(browser, app_url, APP_SELECTORS)
        metric_bytes, type_bytes = filter_change_bytes(page, meter)
        ctx.close()
        browser.close()
    a, f = statistics.median(app_ms), statistics.median(floor_ms)
    ab, fb = statistics.median(app_bytes), statistics.median(floor_bytes)
    print(f"render: overview {a:.0f} ms, floor {f:.0f} ms, ratio {a / f:.2f}  (target ≤ 1.2)")
    print(f"        overview runs {[round(x) for x in app_ms]}, floor runs {[round(x) for x in floor_ms]}")
    print(
        f"first load bytes: overview {ab / 1e6:.2f} MB, floor {fb / 1e6:.2f} MB, "
        f"beyond floor {(ab - fb) / 1e6:.2f} MB  (target ≤ 1 MB)"
    )
    print(
        f"filter change bytes: map metric {metric_bytes / 1e3:.1f} KB (target ≤ 100 KB); "
        f"unit type (new village file) {type_bytes / 1e3:.1f} KB"
    )
    times = sorted(script_times())
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(
        f"warm filter-change script time: p50 {statistics.median(times):.0f} ms, p95 {p95:.0f} ms "
        f"(n={len(times)}, target p95 ≤ 150 ms)"
    )


if __name__ == "__main__":
    main()
