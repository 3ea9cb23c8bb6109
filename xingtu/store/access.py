"""The app's door to the store: one read-only connection per process, cached queries.

This is the only module besides components that imports Streamlit, and only for its
caches: results are cached by the small parameters of each query (region code, unit
type, year), never by a DataFrame. Each call takes its own cursor, since Streamlit runs
sessions in threads and a DuckDB connection must not be shared between them mid-query.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from xingtu.store import queries as q
from xingtu.store.build import ensure_store

CACHE_TTL_S = 3600


@st.cache_resource(show_spinner=False)
def _connect(path: str, fingerprint: str) -> duckdb.DuckDBPyConnection:
    """One read-only connection per store file and content version."""
    del fingerprint  # part of the cache key only: a rebuilt store gets a new connection
    return duckdb.connect(path, read_only=True)


@st.cache_resource(show_spinner=False)
def _ready_store() -> str:
    return str(ensure_store())


def prepare_store(progress: Callable[[float, str], None]) -> Path:
    """Build the store if missing or stale (first run), reporting progress; then cache its path."""
    path = ensure_store(progress=progress)
    _ready_store.clear()
    return path


def _cursor() -> duckdb.DuckDBPyConnection:
    path = _ready_store()
    con = _connect(path, str(Path(path).stat().st_mtime_ns))
    return con.cursor()


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def load_meta() -> dict[str, str]:
    with _cursor() as cur:
        return q.query_meta(cur)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def load_years() -> list[int]:
    with _cursor() as cur:
        return q.query_years(cur)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def load_level_counts(region: str, unit_type: q.TypeFilter, year: int) -> pd.DataFrame:
    with _cursor() as cur:
        return q.query_level_counts(cur, q.Scope(region, unit_type), year)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def load_level_trend(region: str, unit_type: q.TypeFilter) -> pd.DataFrame:
    with _cursor() as cur:
        return q.query_level_trend(cur, q.Scope(region, unit_type))


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def load_region_counts() -> pd.DataFrame:
    with _cursor() as cur:
        return q.query_region_counts(cur)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def load_standard_summary() -> pd.DataFrame:
    with _cursor() as cur:
        return q.query_standard_summary(cur)


@st.cache_resource(show_spinner=False)
def _dimensions(path: str) -> q.Dimensions:
    with _cursor() as cur:
        return q.query_dimensions(cur)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def load_summary(region: str, unit_type: q.TypeFilter, year: int) -> dict:
    with _cursor() as cur:
        return q.query_summary(cur, q.Scope(region, unit_type), year)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def load_region_metrics(region: str, unit_type: q.TypeFilter, year: int, by: str) -> pd.DataFrame:
    with _cursor() as cur:
        return q.query_region_metrics(cur, q.Scope(region, unit_type), year, by)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def load_year_metrics(region: str, unit_type: q.TypeFilter) -> pd.DataFrame:
    with _cursor() as cur:
        return q.query_year_metrics(cur, q.Scope(region, unit_type))


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def load_monthly_progress(region: str, unit_type: q.TypeFilter) -> pd.DataFrame:
    with _cursor() as cur:
        return q.query_monthly_progress(cur, q.Scope(region, unit_type))


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def load_weakest_tasks(region: str, unit_type: q.TypeFilter, year: int, limit: int = 20) -> pd.DataFrame:
    with _cursor() as cur:
        return q.query_weakest_tasks(cur, q.Scope(region, unit_type), year, limit)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def load_closest_to_next_star(
    region: str, unit_type: q.TypeFilter, year: int, limit: int = 50
) -> pd.DataFrame:
    with _cursor() as cur:
        return q.query_closest_to_next_star(cur, q.Scope(region, unit_type), year, limit)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False, max_entries=2000)
def load_unit_profile(code: str, year: int | None = None) -> q.UnitProfile | None:
    with _cursor() as cur:
        return q.query_unit_profile(cur, code, year, dims=_dimensions(_ready_store()))
