"""A real Streamlit server and headless Chromium, for the few flows tested end to end.

These tests need Debian's chromium at /usr/bin/chromium. Without it they are skipped,
unless XINGTU_REQUIRE_BROWSER=1 (as CI sets), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.conftest import SHARE_SECRET, SMALL_COUNTIES, password_of
from tests.polling import NotYet, wait_until
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


SERVER_PIDS: dict[str, int] = {}  # url -> the server process, for tests that check it survived
SERVER_LOGS: dict[str, Path] = {}  # url -> the server's log file
SERVER_STORES: dict[str, Path] = {}  # url -> the server's store folder


def _serve(store_dir: Path, log: Path, extra_env: dict[str, str]) -> Iterator[str]:
    port = _free_port()
    env = {
        **os.environ,
        "XINGTU_STORE_DIR": str(store_dir),
        "XINGTU_COUNTIES": ",".join(SMALL_COUNTIES),
        **extra_env,
    }
    for name in ("XINGTU_USERS_FILE", "XINGTU_SHARE_SECRET", "XINGTU_AUDIT_FILE"):
        if name not in extra_env:
            env.pop(name, None)
    with open(log, "w") as fh:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(ROOT / "serve.py"),
                "--server.port",
                str(port),
                "--server.headless",
                "true",
                "--server.address",
                "127.0.0.1",
            ],
            cwd=ROOT,
            env=env,
            stdout=fh,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"

        def healthy() -> bool:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                return r.status == 200

        try:
            wait_until(healthy, 60, "the server answers /_stcore/health", interval=0.3, ignore=(OSError,))
        except NotYet:
            proc.kill()
            pytest.fail(f"streamlit did not start: {log.read_text()}")
        SERVER_PIDS[url] = proc.pid
        SERVER_LOGS[url] = log
        SERVER_STORES[url] = store_dir
        yield url
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app as a newcomer runs it: no accounts, the read-only demo session."""
    log = tmp_path_factory.mktemp("e2e-log") / "streamlit.log"
    yield from _serve(tmp_path_factory.mktemp("e2e-store"), log, {})


class AuthServer(NamedTuple):
    url: str
    audit: Path


@pytest.fixture(scope="session")
def auth_server(tmp_path_factory: pytest.TempPathFactory, users_file: Path) -> Iterator[AuthServer]:
    """The app with accounts (tests/conftest.py ACCOUNTS), a share key and its own audit log."""
    store = tmp_path_factory.mktemp("e2e-auth-store")
    log = tmp_path_factory.mktemp("e2e-auth-log") / "streamlit.log"
    audit = store / "audit.jsonl"
    env = {
        "XINGTU_USERS_FILE": str(users_file),
        "XINGTU_SHARE_SECRET": SHARE_SECRET,
        "XINGTU_AUDIT_FILE": str(audit),
    }
    for url in _serve(store, log, env):
        yield AuthServer(url, audit)


def sign_in(page, url: str, user: str) -> None:
    """Open ``url``; on the server's sign-in page (where a page without a session is sent) sign in
    as a person would, and come back to ``url``. Already signed in (the cookie): nothing to type."""
    page.goto(url)
    if urllib.parse.urlsplit(page.url).path == "/auth/signin":
        page.get_by_label("账号").fill(user)
        page.get_by_label("密码").fill(password_of(user))
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(lambda u: urllib.parse.urlsplit(u).path != "/auth/signin")
    wait_for_app(page)


def wait_for_app(page, timeout_ms: int = 180_000) -> None:
    """Done when the frame has drawn (the sidebar's buttons exist) and no script is running.

    The script state alone is not enough: a fresh page reports 'notRunning' before its
    first run has started.
    """
    page.wait_for_selector(
        "[data-testid='stSidebarUserContent'] [data-testid='stButton']", timeout=timeout_ms
    )
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout_ms)


_ARM = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  window.__ran = false;
  new MutationObserver((changes) => {
    if (changes.some((c) => c.oldValue === "running") || app.dataset.testScriptState === "running") {
      window.__ran = true;
    }
  }).observe(app, { attributes: true, attributeFilter: ["data-test-script-state"], attributeOldValue: true });
}"""
_RAN = """() => window.__ran
  && document.querySelector("[data-testid='stApp']").dataset.testScriptState === 'notRunning'"""


@contextmanager
def a_run(page, timeout_ms: int = 90_000) -> Iterator[None]:
    """Around an action that reruns the app: done when that run has started and ended (no guessing)."""
    page.evaluate(_ARM)
    yield
    page.wait_for_function(_RAN, timeout=timeout_ms)
