"""First start: time from launching the server until the overview is usable in Chromium.

Prints figures, asserts nothing (target, issue 16: ≤ 20 s on a 2-core machine with no store;
the README states the measured figure). Two cases, each measured RUNS times:

- cold: ``XINGTU_STORE_DIR`` points to a new, empty folder, so the first page builds the
  whole province's store (default settings) while showing its progress bar;
- warm: the same folder again, the store already built.

"Usable" = the overview's figure cards and choropleth are drawn and no script is running.
The progress steps the page showed on the way are printed too, with when each appeared, as
well as when the server answered its health check and when the progress bar went away.

Run: ``.venv/bin/python bench/bench_first_start.py``  (BENCH_RUNS=n to change the count).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.local_server import start, wait_healthy  # noqa: E402
from tests.e2e.conftest import ARGS, CHROMIUM  # noqa: E402 - same browser and flags as the browser tests

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
USABLE = [  # the figure cards, the map, the sidebar's filters, and no run in progress
    "[data-testid='stMain'] [data-testid='stMetric']",
    "[data-testid='stSidebarUserContent'] [data-testid='stButton']",
    "[data-testid='stPlotlyChart'] .choroplethlayer path",
    "[data-testid='stApp'][data-test-script-state='notRunning']",
]
PROGRESS_TEXT = (
    "() => [...document.querySelectorAll('[data-testid=stProgress]')].map(e => e.innerText).join(' | ')"
)


class Start(NamedTuple):
    usable: float  # seconds from launch until the overview is usable
    health: float  # until the server answered /_stcore/health
    built: float | None  # until the progress bar went away (None: no build, the store existed)
    steps: list[tuple[float, str]]  # (seconds, text) of each progress label the page showed


def first_start(browser, store_dir: Path) -> Start:
    """Launch the server on ``store_dir`` and time the first page until the overview is usable."""
    env = {**os.environ, "XINGTU_STORE_DIR": str(store_dir), "XINGTU_COUNTIES": ""}
    for name in ("XINGTU_USERS_FILE", "XINGTU_SHARE_SECRET", "XINGTU_AUDIT_FILE"):
        env.pop(name, None)  # the demo, as a newcomer runs it
    t0 = time.perf_counter()
    proc, url = start("serve.py", env, cwd=ROOT)
    steps: list[tuple[float, str]] = []
    built = None
    try:
        if not wait_healthy(url, proc, timeout=120, interval=0.05):
            raise TimeoutError("server did not start")
        health = time.perf_counter() - t0
        context = browser.new_context(viewport={"width": 1920, "height": 1080})
        page = context.new_page()
        page.goto(url)
        while time.perf_counter() - t0 < 300:
            text = page.evaluate(PROGRESS_TEXT)
            now = time.perf_counter() - t0
            if text and (not steps or steps[-1][1] != text):
                steps.append((now, text))
            if not text and steps and built is None:
                built = now
            if all(page.query_selector(sel) for sel in USABLE):
                break
            page.wait_for_timeout(100)
        else:
            missing = [sel for sel in USABLE if not page.query_selector(sel)]
            shot = Path(tempfile.gettempdir()) / f"first-start-timeout-{proc.pid}.png"
            page.screenshot(path=str(shot))
            raise TimeoutError(f"the overview did not become usable: missing {missing}; see {shot}")
        usable = time.perf_counter() - t0
        context.close()
        return Start(usable, health, built, steps)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    from playwright.sync_api import sync_playwright

    cold: list[Start] = []
    warm: list[Start] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        for i in range(RUNS):
            with tempfile.TemporaryDirectory(prefix="xingtu-first-start-") as tmp:
                start = first_start(browser, Path(tmp))
                cold.append(start)
                print(
                    f"  cold run {i + 1}: usable {start.usable:5.1f} s  (server up {start.health:4.1f} s, "
                    f"store built {start.built or 0:5.1f} s)"
                )
                if i == 0:
                    for at, text in start.steps:
                        print(f"    {at:5.1f} s  {text}")
                start = first_start(browser, Path(tmp))
                warm.append(start)
                print(f"  warm run {i + 1}: usable {start.usable:5.1f} s  (server up {start.health:4.1f} s)")
        browser.close()
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("星图 first start (launch → usable overview, full province, default settings)")
    for label, runs in (("no store (cold)", cold), ("existing store (warm)", warm)):
        times = [round(r.usable, 1) for r in runs]
        print(f"  {label:22s} median {statistics.median(times):5.1f} s   runs {times}")


if __name__ == "__main__":
    main()
