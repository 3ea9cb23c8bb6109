"""A real Streamlit server and headless Chromium, for the few flows tested end to end.

These tests need Debian's chromium at /usr/bin/chromium. Without it they are skipped,
unless XINGTU_REQUIRE_BROWSER=1 (as CI sets), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SMALL_COUNTIES
from xingtu.settings import ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e" in str(item.path):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("XINGTU_REQUIRE_BROWSER") == "1":
            pytest.fail("XINGTU_REQUIRE_BROWSER=1 but /usr/bin/chromium is missing")
        pytest.skip("Chromium not installed (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    env = {
        **os.environ,
        "XINGTU_STORE_DIR": str(tmp_path_factory.mktemp("e2e-store")),
        "XINGTU_COUNTIES": ",".join(SMALL_COUNTIES),
    }
    log = tmp_path_factory.mktemp("e2e-log") / "streamlit.log"
    with open(log, "w") as fh:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(ROOT / "app.py"),
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
            ],
            cwd=ROOT,
            env=env,
            stdout=fh,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            proc.kill()
            pytest.fail(f"streamlit did not start: {log.read_text()}")
        yield url
        proc.terminate()
        proc.wait(timeout=10)


def wait_for_app(page, timeout_ms: int = 180_000) -> None:
    """Done when the frame has drawn (the sidebar's buttons exist) and no script is running.

    The script state alone is not enough: a fresh page reports 'notRunning' before its
    first run has started.
    """
    page.wait_for_selector(
        "[data-testid='stSidebarUserContent'] [data-testid='stButton']", timeout=timeout_ms
    )
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout_ms)
