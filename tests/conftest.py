"""Shared fixtures: stores built by code from the committed reference data.

``small_store`` covers three county-level units (one a functional zone) and builds in a
few seconds; ``full_store`` is the whole province, built once per session (~25 s).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
import streamlit as st
from hypothesis import settings as hypothesis_settings

from xingtu.settings import Settings, get_settings
from xingtu.store.build import build_store
from xingtu.store.paths import store_path

# Property tests draw the same examples on every run (a CI run must not fail by luck); set
# HYPOTHESIS_PROFILE=explore to search afresh, as a developer does when changing the importer.
hypothesis_settings.register_profile("ci", derandomize=True)
hypothesis_settings.register_profile("explore", derandomize=False)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# AppTest runs app.py as the server entry serve.py would: its routes are "mounted" (the HTTP
# side is tested on its own, and end to end through the served app in tests/e2e).
os.environ["XINGTU_SERVED"] = "1"
# No background warm-up in the suite's in-process apps and servers (many small stores, two
# cores): tests/test_warm.py runs it on purpose.
os.environ["XINGTU_WARM"] = "0"

# 源汇区 (calibrated), 郾城区, and 漯河经济技术开发区 (functional zone, no polygon)
SMALL_COUNTIES = ("411102000000", "411103000000", "411171000000")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests on the whole province's store are `slow` (it takes about a minute to build per worker)."""
    for item in items:
        if {"full_con", "full_store_path"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def small_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("small") / "small.duckdb"
    build_store(path, get_settings(), counties=SMALL_COUNTIES)
    return path


@pytest.fixture
def small_con(small_store_path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(small_store_path), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def full_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("full") / "full.duckdb"
    build_store(path, get_settings())
    return path


@pytest.fixture(scope="session")
def full_con(full_store_path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(full_store_path), read_only=True)
    yield con
    con.close()


MakeStore = Callable[..., Settings]


@pytest.fixture(scope="session")
def make_store(tmp_path_factory: pytest.TempPathFactory, small_store_path: Path) -> MakeStore:
    """A factory of writable stores, as datasette's ``make_app_client``: each call returns the
    settings of a fresh store folder whose base (v0) is a copy of the small store.

    ``make_store()`` gives the sample results; ``make_store(dataset="empty")`` the reference data
    with no results (built once per session on first use); ``name`` names the folder in failures.
    Imports, rollbacks and AppTest runs on it never touch another test's store.
    """
    bases: dict[str, Path] = {"sample": small_store_path}

    def base(dataset: str) -> Path:
        if dataset not in bases:
            path = tmp_path_factory.mktemp(f"base-{dataset}") / "store.duckdb"
            build_store(path, dataclasses.replace(get_settings(), dataset=dataset), counties=SMALL_COUNTIES)
            bases[dataset] = path
        return bases[dataset]

    def make(dataset: str = "sample", *, name: str = "store") -> Settings:
        folder = tmp_path_factory.mktemp(name)
        settings = dataclasses.replace(
            get_settings(), store_dir=folder, counties=SMALL_COUNTIES, dataset=dataset
        )
        shutil.copyfile(base(dataset), store_path(settings))
        return settings

    return make


def store_env(settings: Settings) -> dict[str, str]:
    """The environment that points a server, a CLI or AppTest at the store of ``settings``."""
    return {
        "XINGTU_STORE_DIR": str(settings.store_dir),
        "XINGTU_COUNTIES": ",".join(settings.counties),
        "XINGTU_DATASET": settings.dataset,
    }


@pytest.fixture
def app_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Environment for AppTest: the app builds (once per session) and uses the small store.

    Streamlit's caches are process-wide, so they are cleared around each test.
    """
    store_dir = tmp_path_factory.getbasetemp() / "app-store"
    monkeypatch.setenv("XINGTU_STORE_DIR", str(store_dir))
    monkeypatch.setenv("XINGTU_COUNTIES", ",".join(SMALL_COUNTIES))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield store_dir
    st.cache_data.clear()
    st.cache_resource.clear()


# Accounts for access-control tests: (user, role, region, password). 源汇区 and 郾城区 are
# neighbours in 漯河市, so a county user of one must never see the other.
ACCOUNTS = (
    ("admin", "admin", "41", "admin-pass-2026"),
    ("prov", "province", "41", "prov-pass-2026"),
    ("luohe", "city", "4111", "luohe-pass-2026"),
    ("yuanhui", "county", "411102", "yuanhui-pass-2026"),
    ("yancheng", "county", "411103", "yancheng-pass-2026"),
)
SHARE_SECRET = "test-secret-" + "x" * 40  # a test key: the app's own key comes from the environment


@pytest.fixture(scope="session")
def users_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from xingtu.auth.principal import Account
    from xingtu.auth.users import Accounts, format_accounts, hash_password, normalise_region

    accounts = Accounts(
        users={
            user: Account(user, user, role, normalise_region(region) or "", hash_password(password))
            for user, role, region, password in ACCOUNTS
        }
    )
    path = tmp_path_factory.mktemp("accounts") / "users.toml"
    path.write_text(format_accounts(accounts), encoding="utf-8")
    return path


@pytest.fixture
def auth_env(app_env: Path, users_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """app_env with accounts, a share key and a fresh audit log (returned)."""
    audit = tmp_path / "audit.jsonl"
    monkeypatch.setenv("XINGTU_USERS_FILE", str(users_file))
    monkeypatch.setenv("XINGTU_SHARE_SECRET", SHARE_SECRET)
    monkeypatch.setenv("XINGTU_AUDIT_FILE", str(audit))
    return audit


def password_of(user: str) -> str:
    return next(p for u, _, _, p in ACCOUNTS if u == user)


# The cookies the browser "sent" when an AppTest session's websocket opened (AppTest cannot
# send any): components.auth.request_cookies reads them. Filled by ``sign_in_cookie``.
BROWSER_COOKIES: dict[str, str] = {}


@pytest.fixture(autouse=True)
def _browser_cookies(monkeypatch: pytest.MonkeyPatch):
    import components.auth

    BROWSER_COOKIES.clear()
    monkeypatch.setattr(components.auth, "request_cookies", lambda: dict(BROWSER_COOKIES))
    yield
    BROWSER_COOKIES.clear()


def sign_in_cookie(user: str) -> str:
    """Sign ``user`` in as the sign-in route does (a session and its signed cookie); the session id."""
    import time

    from xingtu.web import signin, state

    account = state.current_accounts().users[user]
    session = state.create_session(account, time.time(), "127.0.0.1")
    BROWSER_COOKIES[signin.COOKIE] = signin.cookie_value(session.id)
    return session.id
