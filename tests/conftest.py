"""Shared fixtures: stores built by code from the committed reference data.

``small_store`` covers three county-level units (one a functional zone) and builds in a
few seconds; ``full_store`` is the whole province, built once per session (~25 s).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import streamlit as st

from xingtu.settings import get_settings
from xingtu.store.build import build_store

# 源汇区 (calibrated), 郾城区, and 漯河经济技术开发区 (functional zone, no polygon)
SMALL_COUNTIES = ("411102000000", "411103000000", "411171000000")


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
